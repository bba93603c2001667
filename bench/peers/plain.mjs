// Plain JavaScript: the straightforward loops a user would write instead of using a library. One loop per loss,
// a JS-number (float64) accumulator over Float32Array inputs, mean = sum / n (PyTorch reduction 'mean').
// Forward+gradient writes d loss / d pred into a Float32Array allocated by each call, as fastloss does.

import { plainRunner } from './plain_remote.mjs';

function mse(p, t) {
  const n = p.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = p[i] - t[i];
    sum += d * d;
  }
  return sum / n;
}

function mae(p, t) {
  const n = p.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs(p[i] - t[i]);
  return sum / n;
}

// Huber with delta = 1 (== SmoothL1Loss with beta = 1).
function huber(p, t) {
  const n = p.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(p[i] - t[i]);
    sum += a < 1 ? 0.5 * a * a : a - 0.5;
  }
  return sum / n;
}

function mseGrad(p, t) {
  const n = p.length;
  const grad = new Float32Array(n);
  const scale = 2 / n;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = p[i] - t[i];
    sum += d * d;
    grad[i] = scale * d;
  }
  return { value: sum / n, grad };
}

function maeGrad(p, t) {
  const n = p.length;
  const grad = new Float32Array(n);
  const scale = 1 / n;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = p[i] - t[i];
    sum += Math.abs(d);
    grad[i] = d > 0 ? scale : d < 0 ? -scale : 0;
  }
  return { value: sum / n, grad };
}

function huberGrad(p, t) {
  const n = p.length;
  const grad = new Float32Array(n);
  const scale = 1 / n;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = p[i] - t[i];
    const a = Math.abs(d);
    if (a < 1) {
      sum += 0.5 * a * a;
      grad[i] = scale * d;
    } else {
      sum += a - 0.5;
      grad[i] = d > 0 ? scale : -scale;
    }
  }
  return { value: sum / n, grad };
}

const FORWARD = { mse, mae, huber };
const WITH_GRAD = { mse: mseGrad, mae: maeGrad, huber: huberGrad };

/** The loops as bench/peers/plain_child.mjs calls them, one object of inputs each: `<loss>/<mode>`. */
export const PLAIN_PEERS = Object.fromEntries(
  Object.keys(FORWARD).flatMap((loss) => [
    [`${loss}/fwd`, (a) => FORWARD[loss](a.pred, a.target)],
    [
      `${loss}/grad`,
      (a) => {
        const r = WITH_GRAD[loss](a.pred, a.target);
        return r.value + r.grad[0];
      },
    ],
  ]),
);

/**
 * The plain-JS runner of workload w ({ loss, mode: 'fwd' | 'grad' }) over ordinary Float32Arrays, timed in a process
 * of its own (bench/peers/plain_remote.mjs); its value and gradient checked here. Resolves to { runners, close }.
 */
export async function plainRunners(w, { pred, target }, tmp) {
  const check = () => (w.mode === 'fwd' ? { value: FORWARD[w.loss](pred, target), grad: null } : WITH_GRAD[w.loss](pred, target));
  const { runner, note, close } = await plainRunner({ peer: 'plain JS', module: 'plain.mjs', name: `${w.loss}/${w.mode}`, arrays: { pred, target }, check, tmp });
  if (runner === null) throw new Error(`plain JS peer: ${note}`);
  return { runners: [runner], close };
}
