/**
 * CTC semantics: analytic oracles (a single alignment, the all-blank path, repeated labels, T at its minimum),
 * the two Graves-paper examples that TensorFlow's ctc_loss_op_test.py (testBasic) checks, finite differences of
 * the gradient, every error code, unbatched input, and the paths a sequence takes when the f32 range is not
 * enough (f64 rows, then log space), on every implementation.
 */

import { describe, expect, it } from 'vitest';
import { LossError } from '../src/index.js';
import { ctcReference } from '../src/reference/ctc.js';
import { packParams, placeParams } from '../src/engines/params.js';
import { instantiate } from '../src/wasm.js';
import { padded, randomLogProbs, randomTarget } from './ctc.cases.js';
import { expectClose, IMPLEMENTATIONS, instance, rng } from './helpers.js';

const lpAt = (lp: Float32Array, N: number, C: number) => (t: number, n: number, c: number) => lp[(t * N + n) * C + c]!;

describe.each(IMPLEMENTATIONS)('ctc analytic oracles: $label', (impl) => {
  it('one alignment (T = L, no equal neighbours): -Σ log p of the labels, gradient -1 there', async () => {
    const fl = await instance(impl);
    const T = 7, N = 2, C = 6;
    const logProbs = randomLogProbs(T, N, C, 11);
    const targets = [[1, 2, 3, 4, 5, 1, 2], [5, 4, 3, 2, 1, 2, 3]];
    const loss = fl.loss('ctc', { reduction: 'none' });
    const inputs = { logProbs: { data: logProbs, shape: [T, N, C] }, targets: { data: targets.flat(), shape: [N, T] }, inputLengths: [T, T], targetLengths: [T, T] };
    const g = loss.withGrad(inputs);
    const at = lpAt(logProbs, N, C);
    const want = targets.map((tg, n) => -tg.reduce((s, c, t) => s + at(t, n, c), 0));
    expectClose((g.value as { data: Float32Array }).data, want, 'value');
    const grad = new Float64Array(T * N * C);
    targets.forEach((tg, n) => tg.forEach((c, t) => (grad[(t * N + n) * C + c] = -1)));
    expectClose(g.grad.logProbs!.data, grad, 'grad');
  });

  it('empty target: the all-blank path, -Σ_t lp[t, blank]', async () => {
    const fl = await instance(impl);
    const T = 9, N = 1, C = 5;
    const logProbs = randomLogProbs(T, N, C, 12);
    for (const blank of [0, 2, 4]) {
      const loss = fl.loss('ctc', { blank, reduction: 'sum' });
      const g = loss.withGrad({ logProbs: { data: logProbs, shape: [T, N, C] }, targets: { data: new Int32Array(0), shape: [1, 0] }, inputLengths: [T], targetLengths: [0] });
      let want = 0;
      for (let t = 0; t < T; t++) want -= logProbs[t * C + blank]!;
      expectClose(g.value as number, want, `blank ${blank} value`);
      const grad = new Float64Array(T * C);
      for (let t = 0; t < T; t++) grad[t * C + blank] = -1;
      expectClose(g.grad.logProbs!.data, grad, `blank ${blank} grad`);
    }
  });

  it('repeated labels need a blank between: [a, a] is infeasible in 2 frames, one path in 3', async () => {
    const fl = await instance(impl);
    const C = 4;
    const lp = randomLogProbs(3, 1, C, 13);
    const loss = fl.loss('ctc', { reduction: 'none' });
    const two = loss({ logProbs: { data: lp.subarray(0, 2 * C), shape: [2, 1, C] }, targets: [[2, 2]], inputLengths: [2], targetLengths: [2] }) as { data: Float32Array };
    expect(two.data[0]).toBe(Infinity);
    const three = loss.withGrad({ logProbs: { data: lp, shape: [3, 1, C] }, targets: [[2, 2]], inputLengths: [3], targetLengths: [2] });
    expectClose((three.value as { data: Float32Array }).data, [-(lp[2]! + lp[C]! + lp[2 * C + 2]!)], 'a _ a');
    const grad = new Float64Array(3 * C);
    grad[2] = grad[C] = grad[2 * C + 2] = -1;
    expectClose(three.grad.logProbs!.data, grad, 'a _ a grad');
    // [a, b] in 2 frames is feasible (no blank needed)
    const ab = loss({ logProbs: { data: lp.subarray(0, 2 * C), shape: [2, 1, C] }, targets: [[2, 3]], inputLengths: [2], targetLengths: [2] }) as { data: Float32Array };
    expectClose(ab.data, [-(lp[2]! + lp[C + 3]!)], 'a b');
  });

  it('T equal to the minimum length (L + repeats): the single path 1 2 _ 2 3', async () => {
    const fl = await instance(impl);
    const C = 5;
    const lp = randomLogProbs(5, 1, C, 14);
    const loss = fl.loss('ctc', { reduction: 'sum' });
    const v = loss({ logProbs: { data: lp, shape: [5, 1, C] }, targets: [1, 2, 2, 3], inputLengths: [5], targetLengths: [4] }) as number;
    const path = [1, 2, 0, 2, 3];
    expectClose(v, -path.reduce((s, c, t) => s + lp[t * C + c]!, 0), 'value');
    const short = loss({ logProbs: { data: lp.subarray(0, 4 * C), shape: [4, 1, C] }, targets: [1, 2, 2, 3], inputLengths: [4], targetLengths: [4] });
    expect(short).toBe(Infinity);
  });

  it("the Graves-paper examples of TensorFlow's ctc_loss_op_test.py testBasic (blank last): 3.34211 and 5.42262", async () => {
    const fl = await instance(impl);
    // probabilities (time x 6 classes, blank = 5), targets, -log p and the gradient wrt the logits
    const p0 = [
      [0.633766, 0.221185, 0.0917319, 0.0129757, 0.0142857, 0.0260553],
      [0.111121, 0.588392, 0.278779, 0.0055756, 0.00569609, 0.010436],
      [0.0357786, 0.633813, 0.321418, 0.00249248, 0.00272882, 0.0037688],
      [0.0663296, 0.643849, 0.280111, 0.00283995, 0.0035545, 0.00331533],
      [0.458235, 0.396634, 0.123377, 0.00648837, 0.00903441, 0.00623107],
    ];
    const g0 = [
      [-0.366234, 0.221185, 0.0917319, 0.0129757, 0.0142857, 0.0260553],
      [0.111121, -0.411608, 0.278779, 0.0055756, 0.00569609, 0.010436],
      [0.0357786, 0.633813, -0.678582, 0.00249248, 0.00272882, 0.0037688],
      [0.0663296, -0.356151, 0.280111, 0.00283995, 0.0035545, 0.00331533],
      [-0.541765, 0.396634, 0.123377, 0.00648837, 0.00903441, 0.00623107],
    ];
    const p1 = [
      [0.30176, 0.28562, 0.0831517, 0.0862751, 0.0816851, 0.161508],
      [0.24082, 0.397533, 0.0557226, 0.0546814, 0.0557528, 0.19549],
      [0.230246, 0.450868, 0.0389607, 0.038309, 0.0391602, 0.202456],
      [0.280884, 0.429522, 0.0326593, 0.0339046, 0.0326856, 0.190345],
      [0.423286, 0.315517, 0.0338439, 0.0393744, 0.0339315, 0.154046],
    ];
    const g1 = [
      [-0.69824, 0.28562, 0.0831517, 0.0862751, 0.0816851, 0.161508],
      [0.24082, -0.602467, 0.0557226, 0.0546814, 0.0557528, 0.19549],
      [0.230246, 0.450868, 0.0389607, 0.038309, 0.0391602, -0.797544],
      [0.280884, -0.570478, 0.0326593, 0.0339046, 0.0326856, 0.190345],
      [-0.576714, 0.315517, 0.0338439, 0.0393744, 0.0339315, 0.154046],
    ];
    // TensorFlow softmaxes its inputs (logits = log p): log_softmax(log p), in float64, [T = 5, N = 2, C = 6]
    const T = 5, N = 2, C = 6;
    const logProbs = new Float32Array(T * N * C);
    [p0, p1].forEach((p, n) => {
      for (let t = 0; t < T; t++) {
        const z = p[t]!.reduce((a, b) => a + Math.fround(b), 0);
        for (let c = 0; c < C; c++) logProbs[(t * N + n) * C + c] = Math.log(Math.fround(p[t]![c]!)) - Math.log(z);
      }
    });
    const loss = fl.loss('ctc', { blank: 5, reduction: 'none', gradOf: 'logits' });
    const r = loss.withGrad({ logProbs: { data: logProbs, shape: [T, N, C] }, targets: [[0, 1, 2, 1, 0], [0, 1, 1, 0, 0]], inputLengths: [5, 5], targetLengths: [5, 4] });
    const values = (r.value as { data: Float32Array }).data;
    expect(Math.abs(values[0]! - 3.34211)).toBeLessThan(1e-5);
    expect(Math.abs(values[1]! - 5.42262)).toBeLessThan(1e-5);
    const grad = r.grad.logProbs!.data;
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < C; c++) {
        expect(Math.abs(grad[(t * N) * C + c]! - g0[t]![c]!), `sample 0 t=${t} c=${c}`).toBeLessThan(2e-6);
        expect(Math.abs(grad[(t * N + 1) * C + c]! - g1[t]![c]!), `sample 1 t=${t} c=${c}`).toBeLessThan(2e-6);
      }
    }
  });
});

describe('ctc gradient: finite differences of the float64 reference loss', () => {
  it.each(['relaxed', 'simd', 'scalar'] as const)('%s', async (build) => {
    const fl = await instance(IMPLEMENTATIONS.find((i) => i.label === build)!);
    const T = 8, N = 3, C = 5, blank = 2;
    const lp = randomLogProbs(T, N, C, 21);
    const r = rng(22);
    const targets = [randomTarget(3, C, blank, r), randomTarget(2, C, blank, r), [1, 1]];
    const inputLengths = [8, 6, 5];
    const inputs = { logProbs: { data: lp, shape: [T, N, C] }, targets: targets.flat(), inputLengths, targetLengths: targets.map((t) => t.length) };
    for (const reduction of ['mean', 'sum'] as const) {
      const g = fl.loss('ctc', { blank, reduction }).withGrad(inputs).grad.logProbs!.data;
      const f = (x: Float64Array) => ctcReference({ logProbs: x, T, N, C, targets, inputLengths, blank, reduction }).value as number;
      const x = Float64Array.from(lp);
      const h = 1e-5;
      const fd = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) {
        const xi = x[i]!;
        x[i] = xi + h;
        const up = f(x);
        x[i] = xi - h;
        const down = f(x);
        x[i] = xi;
        fd[i] = (up - down) / (2 * h);
      }
      expectClose(g, fd, `${build} ${reduction}`, {}, 1e-5);
    }
  });
});

describe.each(IMPLEMENTATIONS)('ctc beyond the f32 range: $label', (impl) => {
  it('-inf log-probabilities, huge log-probabilities, NaN: the log-space values', async () => {
    const fl = await instance(impl);
    const T = 12, N = 4, C = 5;
    const lp = randomLogProbs(T, N, C, 31);
    const at = (t: number, n: number, c: number) => (t * N + n) * C + c;
    // sample 0: label 1 impossible except at t = 5 (a narrow feasible path)
    for (let t = 0; t < T; t++) if (t !== 5) lp[at(t, 0, 1)] = -Infinity;
    // sample 1: extreme but finite values (the f32 emissions underflow, f64 does not)
    for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) lp[at(t, 1, c)] = -150 * ((t * 7 + c * 3) % 5);
    // sample 2: a whole frame at -inf: p = 0, loss inf
    for (let c = 0; c < C; c++) lp[at(4, 2, c)] = -Infinity;
    // sample 3: a NaN
    lp[at(3, 3, 2)] = NaN;
    const targets = [[1, 3], [2, 4, 1], [3], [1, 2]];
    const inputs = { logProbs: { data: lp, shape: [T, N, C] }, targets: targets.flat(), inputLengths: [T, T, T, T], targetLengths: [2, 3, 1, 2] };
    for (const zeroInfinity of [false, true]) {
      const loss = fl.loss('ctc', { reduction: 'none', zeroInfinity });
      const ref = ctcReference({ logProbs: lp, T, N, C, targets, inputLengths: [T, T, T, T], reduction: 'none', zeroInfinity });
      const g = loss.withGrad(inputs);
      expectClose((g.value as { data: Float32Array }).data, ref.value as number[], `zeroInfinity=${zeroInfinity} value`);
      expectClose((loss(inputs) as { data: Float32Array }).data, ref.value as number[], `zeroInfinity=${zeroInfinity} forward`);
      expectClose(g.grad.logProbs!.data, ref.grad, `zeroInfinity=${zeroInfinity} grad`);
    }
  });
});

describe.each(IMPLEMENTATIONS)('ctc on scores that are not log-probabilities: $label', (impl) => {
  it('raw scores in [-30, 60] are used as given (as torch uses them): values and gradients', async () => {
    const fl = await instance(impl);
    const T = 30, N = 3, C = 7;
    const r = rng(81);
    const lp = Float32Array.from({ length: T * N * C }, () => -30 + 90 * r());
    const targets = [randomTarget(8, C, 0, r), randomTarget(3, C, 0, r), randomTarget(12, C, 0, r)];
    const inputLengths = [30, 25, 30];
    for (const reduction of ['sum', 'none'] as const) {
      const ref = ctcReference({ logProbs: lp, T, N, C, targets, inputLengths, reduction });
      const g = fl.loss('ctc', { reduction }).withGrad({ logProbs: { data: lp, shape: [T, N, C] }, targets: targets.flat(), inputLengths, targetLengths: targets.map((t) => t.length) });
      expectClose(typeof g.value === 'number' ? [g.value] : g.value.data, typeof ref.value === 'number' ? [ref.value] : ref.value, `${reduction} value`);
      expectClose(g.grad.logProbs!.data, ref.grad, `${reduction} grad`);
    }
  });
});

describe.each(['simd', 'scalar', 'debug'] as const)('ctc kernel paths: %s', (build) => {
  it('a long random sequence: the f32 rows hand it back, the f64 rows compute it', async () => {
    const rt = await instantiate(build);
    const T = 600, C = 20, L = 120;
    const lp = randomLogProbs(T, 1, C, 41);
    const target = randomTarget(L, C, 0, rng(42), false);
    const ws = rt.heap.alloc(rt.kernel('ctc_workspace_f32')(T, L, 1));
    const base = rt.heap.alloc(T * C * 4 * 2 + L * 4 + 64);
    const lpPtr = base, gradPtr = base + T * C * 4, labels = gradPtr + T * C * 4;
    const small = labels + L * 4;
    rt.f32().set(lp, lpPtr >> 2);
    rt.i32().set(target, labels >> 2);
    rt.i32().set([0, L, T], small >> 2); // offsets, labelLens, inputLens
    const losses = (small + 16) & ~7;
    const scales = losses + 8;
    rt.f32()[scales >> 2] = 1;
    const grad = rt.kernel('ctc_grad_f32');
    const params = placeParams(rt, packParams({ i32: 0 }, { i32: 0 }, { i32: 0 })); // blank 0, gradient of logProbs, zero_infinity off
    const args = [T, 1, C, lpPtr, labels, small, small + 4, small + 8, params, ws, losses, gradPtr, scales] as const;
    grad(...args, 0);
    expect(new Float64Array(rt.buffer(), losses, 1)[0]).toBeNaN();
    grad(...args, 1);
    const value = new Float64Array(rt.buffer(), losses, 1)[0]!;
    const ref = ctcReference({ logProbs: lp, T, N: 1, C, targets: [target], inputLengths: [T], reduction: 'sum' });
    expectClose(value, ref.value as number, 'f64 rows value');
    expectClose(rt.f32().subarray(gradPtr >> 2, (gradPtr >> 2) + T * C), ref.grad, 'f64 rows grad');
    // the forward alone: its f32 rows lose the states the answer needs (the loss would come out too large),
    // and the backward sweep notices
    const forward = rt.kernel('ctc_loss_f32');
    forward(1, C, lpPtr, labels, small, small + 4, small + 8, params, ws, losses, 0);
    expect(new Float64Array(rt.buffer(), losses, 1)[0]).toBeNaN();
    forward(1, C, lpPtr, labels, small, small + 4, small + 8, params, ws, losses, 1);
    expectClose(new Float64Array(rt.buffer(), losses, 1)[0]!, ref.value as number, 'f64 forward value');
  });
});

describe('ctc inputs and errors', () => {
  const T = 6, N = 2, C = 4;
  const logProbs = { data: randomLogProbs(T, N, C, 51), shape: [T, N, C] };
  const base = { logProbs, targets: { data: [1, 2, 3, 1], shape: [2, 2] }, inputLengths: [6, 5], targetLengths: [2, 1] };
  const call = async (inputs: Record<string, unknown>, options: Record<string, unknown> = {}) => {
    const fl = await instance(IMPLEMENTATIONS[0]!);
    return () => fl.loss('ctc' as string, options)(inputs);
  };
  const expectError = async (inputs: Record<string, unknown>, code: string, pattern: RegExp, options: Record<string, unknown> = {}) => {
    const f = await call(inputs, options);
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(LossError);
      expect((e as LossError).code).toBe(code);
      expect((e as LossError).message).toMatch(pattern);
      return;
    }
    expect.fail(`expected ${code}`);
  };

  it('BAD_LENGTHS: input lengths above T or negative, target lengths above S or negative, a concatenation of the wrong length', async () => {
    await expectError({ ...base, inputLengths: [7, 5] }, 'BAD_LENGTHS', /inputLengths\[0\].*received 7/);
    await expectError({ ...base, inputLengths: [6, -1] }, 'BAD_LENGTHS', /inputLengths\[1\].*received -1/);
    await expectError({ ...base, targetLengths: [3, 1] }, 'BAD_LENGTHS', /targetLengths\[0\].*received 3/);
    await expectError({ ...base, targetLengths: [2, -2] }, 'BAD_LENGTHS', /targetLengths\[1\].*received -2/);
    await expectError({ ...base, targets: [1, 2, 3, 1] }, 'BAD_LENGTHS', /concatenation of length 3.*length 4/);
  });

  it('LABEL_OUT_OF_RANGE: a target equal to the blank, negative, or >= C, naming sample, position and value', async () => {
    await expectError({ ...base, targets: { data: [1, 0, 3, 1], shape: [2, 2] } }, 'LABEL_OUT_OF_RANGE', /sample 0, position 1.*received 0/);
    await expectError({ ...base, targets: { data: [1, 2, 4, 1], shape: [2, 2] } }, 'LABEL_OUT_OF_RANGE', /sample 1, position 0.*received 4/);
    await expectError({ ...base, targets: [1, 2, -1] }, 'LABEL_OUT_OF_RANGE', /targets\[2\] \(sample 1, position 0\).*received -1/);
    await expectError({ ...base, targets: { data: [1, 2, 3, 1], shape: [2, 2] } }, 'LABEL_OUT_OF_RANGE', /received 3/, { blank: 3 });
    // entries past a target's length are not read
    const f = await call({ ...base, targets: { data: [1, 2, 3, 99], shape: [2, 2] } });
    expect(Number.isFinite(f())).toBe(true);
  });

  it('BAD_DTYPE: a non-integer or NaN where an index or length is required, naming the index and value', async () => {
    await expectError({ ...base, targets: { data: [1, 2.5, 3, 1], shape: [2, 2] } }, 'BAD_DTYPE', /targets\[1\].*received 2.5/);
    await expectError({ ...base, inputLengths: new Float64Array([6, NaN]) }, 'BAD_DTYPE', /inputLengths\[1\].*received NaN/);
    await expectError({ ...base, targetLengths: [2, 0.5] }, 'BAD_DTYPE', /targetLengths\[1\].*received 0.5/);
  });

  it('BAD_OPTION, SHAPE_MISMATCH, MISSING_INPUT', async () => {
    await expectError(base, 'BAD_OPTION', /blank/, { blank: 4 });
    await expectError(base, 'BAD_OPTION', /gradOf/, { gradOf: 'logit' });
    await expectError(base, 'BAD_OPTION', /zeroInfinity/, { zeroInfinity: 1 });
    await expectError({ ...base, logProbs: { data: new Float32Array(24), shape: [24] } }, 'SHAPE_MISMATCH', /logProbs/);
    await expectError({ ...base, inputLengths: [6] }, 'SHAPE_MISMATCH', /inputLengths/);
    await expectError({ logProbs, targets: base.targets, inputLengths: [6, 5] }, 'MISSING_INPUT', /targetLengths/);
  });

  it('int32 and float32 fl.tensor inputs, on a fresh instance whose memory grows during the call', async () => {
    const { loadLosses } = await import('../src/index.js');
    const fl = await loadLosses({ build: 'simd', jsBelow: 0 });
    const T2 = 1200, C2 = 12, L = 300; // a workspace of several MiB: beyond the spare room of the last growth
    const lp = randomLogProbs(T2, 1, C2, 91);
    const target = randomTarget(L, C2, 0, rng(92));
    const tl = fl.tensor([T2, 1, C2]);
    tl.data.set(lp);
    const tt = fl.tensor([1, L], 'int32');
    tt.data.set(target);
    const ti = fl.tensor([1], 'int32');
    ti.data.set([T2]);
    const tn = fl.tensor([1], 'int32');
    tn.data.set([L]);
    const bytes = fl.memory.buffer.byteLength;
    const g = fl.loss('ctc', { reduction: 'sum' }).withGrad({ logProbs: tl, targets: tt, inputLengths: ti, targetLengths: tn });
    expect(fl.memory.buffer.byteLength).toBeGreaterThan(bytes);
    const ref = ctcReference({ logProbs: lp, T: T2, N: 1, C: C2, targets: [target], inputLengths: [T2], reduction: 'sum' });
    expectClose(g.value as number, ref.value as number, 'value');
    expectClose(g.grad.logProbs!.data, ref.grad, 'grad');
  });

  it('a workspace beyond wasm memory is a LossError, and the instance goes on working', async () => {
    const fl = await instance(IMPLEMENTATIONS[0]!);
    const T2 = 100_000, L = 20_000, C2 = 3;
    const target = Array.from({ length: L }, (_, i) => 1 + (i % 2));
    const inputs = { logProbs: { data: new Float32Array(T2 * C2).fill(-1), shape: [T2, 1, C2] }, targets: [target], inputLengths: [T2], targetLengths: [L] };
    const loss = fl.loss('ctc');
    expect(() => loss(inputs)).toThrow(/SHAPE_MISMATCH.*fits in wasm memory.*received a request for \d+ bytes/);
    const f = await call(base);
    expect(Number.isFinite(f())).toBe(true);
  });

  it('every array type holding integers is the same input; unbatched [T, C] gives a shape-[] loss', async () => {
    const fl = await instance(IMPLEMENTATIONS[0]!);
    const loss = fl.loss('ctc', { reduction: 'none' });
    const want = (loss(base) as { data: Float32Array }).data;
    for (const conv of [(x: number[]) => Int32Array.from(x), (x: number[]) => Float32Array.from(x), (x: number[]) => Float64Array.from(x)]) {
      const got = loss({ logProbs, targets: { data: conv([1, 2, 3, 1]), shape: [2, 2] }, inputLengths: conv([6, 5]), targetLengths: conv([2, 1]) }) as { data: Float32Array };
      expect(Array.from(got.data)).toEqual(Array.from(want));
    }
    const one = new Float32Array(T * C);
    for (let t = 0; t < T; t++) one.set(logProbs.data.subarray(t * N * C, t * N * C + C), t * C);
    const u = loss({ logProbs: { data: one, shape: [T, C] }, targets: [1, 2], inputLengths: [6], targetLengths: [2] }) as { data: Float32Array; shape: number[] };
    expect(u.shape).toEqual([]);
    expect(u.data[0]).toBe(want[0]);
    const g = loss.withGrad({ logProbs: { data: one, shape: [T, C] }, targets: [1, 2], inputLengths: [6], targetLengths: [2] }, { gradOutput: 2 });
    expect(g.grad.logProbs!.shape).toEqual([T, C]);
  });

  it('padded targets: the pad value is free (even the blank or out of range)', async () => {
    const fl = await instance(IMPLEMENTATIONS[0]!);
    const c = { T, N, C, blank: 0, logProbs: logProbs.data, targets: [[1, 2], [3]], inputLengths: [6, 5], label: '' };
    const p = padded(c);
    const loss = fl.loss('ctc');
    const a = loss({ logProbs, targets: p, inputLengths: c.inputLengths, targetLengths: [2, 1] });
    p.data[3] = 0;
    expect(loss({ logProbs, targets: p, inputLengths: c.inputLengths, targetLengths: [2, 1] })).toBe(a);
  });
});
