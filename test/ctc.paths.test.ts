/**
 * Which path a CTC call takes and what it leaves behind (src/engines/sequences.ts with CTC's kernels and twin):
 * inputs of at most jsBelow elements are computed in log space in JavaScript, larger ones by the wasm kernels,
 * and a sequence the f32 kernel hands back (its mass left the f32 range) again with f64 rows (the `wide`
 * argument), with a larger workspace. The value suites cannot tell these apart (each gives the same number), nor see a block of wasm
 * memory that is never given back. Here the wasm exports are wrapped to record each call, and the heap's
 * allocations are counted. Also the scalar reductions' upstream gradient (a number or a one-element tensor).
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { FastLoss } from '../src/index.js';
import { ctcReference } from '../src/reference/ctc.js';
import { instantiate, Runtime, type KernelExports } from '../src/wasm.js';
import { withEveryPart } from './every-part.js';
import { randomLogProbs, randomTarget } from './ctc.cases.js';
import { expectClose, expectLossError, rng } from './helpers.js';

let base: Awaited<ReturnType<typeof instantiate>>;
const calls: { name: string; args: number[] }[] = [];

beforeAll(async () => {
  base = await instantiate('simd');
});

/** An instance whose kernel calls are recorded, with the given jsBelow, and its heap. */
async function recorded(jsBelow: number): Promise<{ fl: FastLoss; rt: Runtime }> {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(base.exports)) {
    wrapped[name] =
      typeof value === 'function' && name.startsWith('ctc_')
        ? (...args: number[]) => {
            calls.push({ name, args });
            return (value as (...a: number[]) => number)(...args);
          }
        : value;
  }
  const rt = await withEveryPart(new Runtime(base.build, wrapped as unknown as KernelExports));
  return { fl: new FastLoss(rt, jsBelow), rt };
}

/** Blocks the heap holds now (white-box: its map of allocated blocks). */
const usedBlocks = (rt: Runtime) => (rt.heap as unknown as { used: Map<number, number> }).used.size;

function batch(T: number, N: number, C: number, L: number, seed: number) {
  const r = rng(seed);
  const targets = Array.from({ length: N }, () => randomTarget(L, C, 0, r, false));
  return {
    lp: randomLogProbs(T, N, C, seed),
    targets,
    rest: { targets: targets.flat(), inputLengths: new Array<number>(N).fill(T), targetLengths: targets.map((t) => t.length) },
  };
}

/** CTC's f32 path against the float64 reference (and against itself, scaled): 1e-5 of the largest value. */
const close = (got: ArrayLike<number> | number, want: ArrayLike<number> | number, what: string) => expectClose(got, want, what, {}, 1e-5);

describe('ctc: the JS path, the kernels, and the f64 retry', () => {
  it('at most jsBelow elements run in JavaScript, one more in the kernels: the same value and gradient', async () => {
    const T = 10, N = 2, C = 6;
    const { lp, targets, rest } = batch(T, N, C, 3, 5);
    const ref = ctcReference({ logProbs: lp, T, N, C, targets, inputLengths: rest.inputLengths, reduction: 'sum' });
    for (const [jsBelow, kernels] of [[T * N * C, []], [T * N * C - 1, ['ctc_loss_f32']]] as const) {
      const { fl } = await recorded(jsBelow);
      const loss = fl.loss('ctc', { reduction: 'sum' });
      calls.length = 0;
      close(loss({ logProbs: { data: lp, shape: [T, N, C] }, ...rest }) as number, ref.value as number, `jsBelow ${jsBelow}`);
      expect(calls.map((c) => c.name).filter((n) => n !== 'ctc_workspace_f32'), `jsBelow ${jsBelow}`).toEqual(kernels);
      calls.length = 0;
      const g = loss.withGrad({ logProbs: { data: lp, shape: [T, N, C] }, ...rest });
      expect(calls.map((c) => c.name).filter((n) => n !== 'ctc_workspace_f32')).toEqual(kernels.length === 0 ? [] : ['ctc_grad_f32']);
      close(g.value as number, ref.value as number, 'withGrad value');
      close(g.grad.logProbs!.data, ref.grad, 'grad');
    }
  });

  it('a sequence the f32 rows hand back is run again with f64 rows (wide = 1) in a larger workspace, and every block is given back', async () => {
    // T = 600, a 120-label target: a frame's mass leaves the f32 range (test/ctc.semantics.test.ts, kernel paths)
    const T = 600, C = 20;
    const { lp, targets, rest } = batch(T, 1, C, 120, 41);
    const ref = ctcReference({ logProbs: lp, T, N: 1, C, targets, inputLengths: [T], reduction: 'sum' });
    const { fl, rt } = await recorded(256);
    const loss = fl.loss('ctc', { reduction: 'sum' });
    const before = usedBlocks(rt);
    for (const grad of [false, true]) {
      calls.length = 0;
      const value = grad ? (loss.withGrad({ logProbs: { data: lp, shape: [T, 1, C] }, ...rest }).value as number) : (loss({ logProbs: { data: lp, shape: [T, 1, C] }, ...rest }) as number);
      close(value, ref.value as number, `grad ${grad}`);
      const runs = calls.filter((c) => c.name === (grad ? 'ctc_grad_f32' : 'ctc_loss_f32'));
      expect(runs.map((c) => c.args[c.args.length - 1]), 'wide: 0, then 1').toEqual([0, 1]);
      // the f64 rows need a larger workspace than the f32 rows: a different block
      const wsArg = grad ? 9 : 8;
      expect(runs[1]!.args[wsArg]).not.toBe(runs[0]!.args[wsArg]);
      expect(usedBlocks(rt), 'blocks given back').toBe(before);
    }
  });

  it('a target that needs more frames than it has only because of equal adjacent labels is infeasible in the f32 kernels: no f64 retry', async () => {
    // [1, 1, 2, 2] needs 6 frames (a blank between each pair of equal labels) and has 4 = L: the kernels count the
    // repeats and give inf at once, where a forward pass would find p = 0 and hand the sequence on to the f64 rows
    // and then to the log-space path (the same inf, for two more passes)
    const T = 4, N = 2, C = 5;
    const lp = randomLogProbs(T, N, C, 17);
    const targets = [[1, 1, 2, 2], [1, 2, 3]];
    const rest = { targets: targets.flat(), inputLengths: [T, T], targetLengths: [4, 3] };
    const ref = ctcReference({ logProbs: lp, T, N, C, targets, inputLengths: rest.inputLengths, reduction: 'none' });
    expect((ref.value as number[])[0]).toBe(Infinity);
    const { fl } = await recorded(0);
    const loss = fl.loss('ctc', { reduction: 'none' });
    for (const grad of [false, true]) {
      calls.length = 0;
      const out = grad ? loss.withGrad({ logProbs: { data: lp, shape: [T, N, C] }, ...rest }) : null;
      const value = out === null ? loss({ logProbs: { data: lp, shape: [T, N, C] }, ...rest }) : out.value;
      close((value as { data: Float32Array }).data, ref.value as number[], `grad ${grad}: losses`);
      if (out !== null) close(out.grad.logProbs!.data, ref.grad, 'grad');
      const runs = calls.filter((c) => c.name === (grad ? 'ctc_grad_f32' : 'ctc_loss_f32'));
      expect(runs.map((c) => c.args[c.args.length - 1]), `grad ${grad}: wide 0 only`).toEqual([0]);
    }
  });

  it('a blank 200 below the labels (in log space) at some frames is an emission of 0 to the f32 kernels: no f64 retry', async () => {
    // a confident network's log_softmax: the blank at -200 relative to its frame's labels. The blank's emission
    // is e^(lp - m) of the one-lane expf, clamped below (e^-200 rounds to 0 in float32); the label states carry
    // the mass through those frames, so the f32 rows stay in range and need no retry.
    const T = 9, N = 2, C = 5;
    const lp = randomLogProbs(T, N, C, 23);
    for (const t of [1, 4, 7]) for (let n = 0; n < N; n++) lp[(t * N + n) * C + 0] = lp[(t * N + n) * C + 1]! - 200;
    const targets = [[1, 2, 3], [2, 4]];
    const rest = { targets: targets.flat(), inputLengths: [T, T], targetLengths: [3, 2] };
    const ref = ctcReference({ logProbs: lp, T, N, C, targets, inputLengths: rest.inputLengths, reduction: 'none' });
    const { fl } = await recorded(0);
    const loss = fl.loss('ctc', { reduction: 'none' });
    for (const grad of [false, true]) {
      calls.length = 0;
      const out = grad ? loss.withGrad({ logProbs: { data: lp, shape: [T, N, C] }, ...rest }) : null;
      const value = out === null ? loss({ logProbs: { data: lp, shape: [T, N, C] }, ...rest }) : out.value;
      close((value as { data: Float32Array }).data, ref.value as number[], `grad ${grad}: losses`);
      if (out !== null) close(out.grad.logProbs!.data, ref.grad, 'grad');
      const runs = calls.filter((c) => c.name === (grad ? 'ctc_grad_f32' : 'ctc_loss_f32'));
      expect(runs.map((c) => c.args[c.args.length - 1]), `grad ${grad}: wide 0 only`).toEqual([0]);
    }
  });

  it('every block is given back, and a view of wasm memory is read in place (no copy)', async () => {
    const T = 40, N = 3, C = 9;
    const { lp, rest } = batch(T, N, C, 6, 7);
    const { fl, rt } = await recorded(0);
    const loss = fl.loss('ctc', { reduction: 'mean' });
    const tensor = fl.tensor([T, N, C]);
    (tensor.data as Float32Array).set(lp);
    const view = new Float32Array(fl.memory.buffer, tensor.byteOffset, T * N * C);
    const heap = rt.heap;
    const alloc = heap.alloc.bind(heap);
    let allocs = 0;
    heap.alloc = (bytes: number) => {
      allocs++;
      return alloc(bytes);
    };
    const want = loss({ logProbs: { data: lp, shape: [T, N, C] }, ...rest }) as number;
    const before = usedBlocks(rt);
    // blocks per call: the small arrays and the workspace, plus a copy of logProbs unless it is in wasm
    // memory, plus the gradient for withGrad
    for (const [what, logProbs, copies] of [['{ data, shape }', { data: lp, shape: [T, N, C] }, 1], ['tensor', tensor, 0], ['view of wasm memory', { data: view, shape: [T, N, C] }, 0]] as const) {
      allocs = 0;
      close(loss({ logProbs, ...rest }) as number, want, what);
      expect(allocs, `${what}: blocks for the forward`).toBe(2 + copies);
      allocs = 0;
      close(loss.withGrad({ logProbs, ...rest }).value as number, want, what);
      expect(allocs, `${what}: blocks for withGrad`).toBe(3 + copies);
      expect(usedBlocks(rt), `${what}: blocks given back`).toBe(before);
    }
    heap.alloc = alloc;
    tensor.free();
  });
});

describe('ctc: log-probabilities of -Infinity (a class impossible at a frame)', () => {
  // log-space sums meet -inf + -inf (two impossible paths): the result is -inf, not NaN (logAdd's guards)
  const T = 8, N = 2, C = 4;
  const lp = randomLogProbs(T, N, C, 13);
  for (let t = 0; t < T; t++) lp[(t * N + 0) * C + 3] = -Infinity; // class 3 impossible in sequence 0
  lp[(2 * N + 1) * C + 0] = -Infinity; // sequence 1: no blank at frame 2
  lp[(5 * N + 1) * C + 1] = -Infinity;
  const targets = [[1, 2, 2], [1, 3]];
  const rest = { targets: targets.flat(), inputLengths: [T, T], targetLengths: [3, 2] };
  for (const jsBelow of [0, 100000]) {
    it(`values and gradients as the float64 reference (${jsBelow === 0 ? 'kernels' : 'JS'})`, async () => {
      const ref = ctcReference({ logProbs: lp, T, N, C, targets, inputLengths: rest.inputLengths, reduction: 'none' });
      const g = (await recorded(jsBelow)).fl.loss('ctc', { reduction: 'none' }).withGrad({ logProbs: { data: lp, shape: [T, N, C] }, ...rest });
      const value = (g.value as { data: Float32Array }).data;
      expect(Number.isFinite(value[0]) && Number.isFinite(value[1])).toBe(true);
      close(value, ref.value as number[], 'losses');
      close(g.grad.logProbs!.data, ref.grad, 'grad');
    });
  }
});

describe("ctc: the scalar reductions' upstream gradient", () => {
  const T = 12, N = 2, C = 5;
  const { lp, rest } = batch(T, N, C, 3, 9);
  const logProbs = { data: lp, shape: [T, N, C] };
  for (const jsBelow of [0, 100000]) {
    for (const reduction of ['sum', 'mean'] as const) {
      it(`${reduction} (${jsBelow === 0 ? 'kernels' : 'JS'}): a number or a one-element tensor scales the gradient; more elements are refused`, async () => {
        const { fl } = await recorded(jsBelow);
        const loss = fl.loss('ctc', { reduction });
        const plain = loss.withGrad({ logProbs, ...rest });
        for (const gradOutput of [2.5, [2.5], { data: [2.5], shape: [] }, { data: new Float32Array([2.5]), shape: [1] }]) {
          // the types take a number for a scalar reduction; JavaScript may pass a one-element tensor too
          const g = loss.withGrad({ logProbs, ...rest }, { gradOutput } as never);
          expect(g.value).toBe(plain.value);
          close(g.grad.logProbs!.data, plain.grad.logProbs!.data.map((x) => 2.5 * x), `${JSON.stringify(gradOutput)} grad`);
        }
        expect(expectLossError(() => loss.withGrad({ logProbs, ...rest }, { gradOutput: [1, 2] } as never), 'SHAPE_MISMATCH').argument).toBe('gradOutput');
      });
    }
  }

  it("'none': one factor per sequence, of the loss's shape ([N], or [] unbatched)", async () => {
    const { fl } = await recorded(0);
    const loss = fl.loss('ctc', { reduction: 'none' });
    const plain = loss.withGrad({ logProbs, ...rest });
    const g = loss.withGrad({ logProbs, ...rest }, { gradOutput: [2, -1] });
    const p = plain.grad.logProbs!.data;
    close(g.grad.logProbs!.data, p.map((x, i) => (Math.floor(i / C) % N === 0 ? 2 : -1) * x), 'grad');
    expect(expectLossError(() => loss.withGrad({ logProbs, ...rest }, { gradOutput: [2] }), 'SHAPE_MISMATCH').argument).toBe('gradOutput');
    expect(expectLossError(() => loss.withGrad({ logProbs, ...rest }, { gradOutput: { data: [2, -1], shape: [1, 2] } }), 'SHAPE_MISMATCH').argument).toBe('gradOutput');
    // unbatched: logProbs [T, C], one target; the loss is a scalar and gradOutput has shape []
    const one = { logProbs: { data: lp.slice(0, T * C), shape: [T, C] }, targets: [1, 2], inputLengths: [T], targetLengths: [2] };
    const u = loss.withGrad(one);
    const scaled = loss.withGrad(one, { gradOutput: { data: [3], shape: [] } });
    close(scaled.grad.logProbs!.data, u.grad.logProbs!.data.map((x) => 3 * x), 'unbatched grad');
    expect(expectLossError(() => loss.withGrad(one, { gradOutput: [3] }), 'SHAPE_MISMATCH').argument).toBe('gradOutput');
  });
});
