// fastloss itself (the built package, dist/index.js), as two instances: the SIMD build and the scalar build.
// Each is measured on both of its input paths:
//   arrays  — ordinary Float32Arrays, which the facade streams through its cache-sized wasm scratch region;
//   tensors — fl.tensor() buffers living in wasm memory, made and filled once per data set (outside the timed
//             calls) and read in place.
// Every loss is PyTorch-flavoured with reduction 'mean' (MSELoss, L1Loss, SmoothL1Loss beta = 1 == HuberLoss
// delta = 1), so all peers compute the same number. Forward+gradient returns a newly allocated gradient.

import { loadLosses } from '../../dist/index.js';

/** The two instances, { simd, scalar }. Throws if the engine did not give the build asked for. */
export async function loadInstances() {
  const instances = {};
  for (const build of ['simd', 'scalar']) {
    const fl = await loadLosses({ build, threads: 1 }); // one thread: the single-core figures (threads: bench/crossentropy.mjs)
    if (fl.build !== build) throw new Error(`loadLosses({ build: '${build}' }) gave the '${fl.build}' build`);
    instances[build] = fl;
  }
  return instances;
}

/** Tensors for one data set in each instance: { simd: { pred, target }, scalar: { pred, target } }. */
export function makeTensors(instances, { pred, target }) {
  const out = {};
  for (const [build, fl] of Object.entries(instances)) {
    const p = fl.tensor([pred.length]);
    const t = fl.tensor([target.length]);
    p.data.set(pred);
    t.data.set(target);
    out[build] = { pred: p, target: t };
  }
  return out;
}

/** Returns the tensors' memory to their instances. */
export function freeTensors(tensors) {
  for (const { pred, target } of Object.values(tensors)) {
    pred.free();
    target.free();
  }
}

/** The four fastloss runners of workload w: {simd, scalar} x {arrays, tensors}. */
export function fastlossRunners(w, instances, data, tensors) {
  const runners = [];
  for (const [build, fl] of Object.entries(instances)) {
    const loss = fl.loss(w.loss, { framework: 'pytorch', reduction: 'mean' });
    const inputs = {
      arrays: { pred: data.pred, target: data.target },
      tensors: { pred: tensors[build].pred, target: tensors[build].target },
    };
    for (const [input, args] of Object.entries(inputs)) {
      const base = {
        key: `fastloss-${build}/${input}`,
        peer: `fastloss ${build === 'simd' ? 'SIMD' : 'scalar'}`,
        input: input === 'arrays' ? 'Float32Array' : 'fl.tensor (in place)',
      };
      if (w.mode === 'fwd') {
        runners.push({ ...base, args, call: (a) => loss(a), check: () => ({ value: loss(args), grad: null }) });
      } else {
        runners.push({
          ...base,
          args,
          call: (a) => {
            const r = loss.withGrad(a);
            return r.value + r.grad.pred.data[0];
          },
          check: () => {
            const r = loss.withGrad(args);
            return { value: r.value, grad: r.grad.pred.data };
          },
        });
      }
    }
    // Beyond the targets: forward+gradient writing into a gradient buffer the caller reuses (withGrad's `out`),
    // SIMD only. With ordinary arrays the gradient is copied out of wasm memory into the reused array; with
    // tensors in and a tensor out, nothing is copied and no page is touched for the first time.
    if (w.mode === 'grad' && build === 'simd') {
      const n = data.pred.length;
      const outs = { arrays: new Float32Array(n), tensors: fl.tensor([n]) };
      for (const [input, args] of Object.entries(inputs)) {
        const out = { out: { pred: outs[input] } };
        runners.push({
          key: `fastloss-${build}/${input}+out`,
          peer: 'fastloss SIMD',
          input: input === 'arrays' ? 'Float32Array, gradient into a reused Float32Array (out)' : 'fl.tensor, gradient into a reused fl.tensor (out)',
          args,
          call: (a) => {
            const r = loss.withGrad(a, out);
            return r.value + r.grad.pred.data[0];
          },
          check: () => {
            const r = loss.withGrad(args, out);
            return { value: r.value, grad: r.grad.pred.data.slice() };
          },
        });
      }
    }
  }
  return runners;
}
