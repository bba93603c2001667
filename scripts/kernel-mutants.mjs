// The kernel mutants of `npm run mutate -- kernels` (scripts/mutate-kernels.mjs): plausible bugs in assembly/, one
// at a time. Stryker mutates src/ only; these are the bugs a change to a kernel could bring (a recursion term
// dropped, a lane gathered from the wrong place, an online max that forgets what it held, a tie sent the other
// way, a clamp or a rounding correction lost, a tail or an accumulator mishandled), each judged by the suites that
// test that kernel.
//
// Each entry: `file` (under assembly/), `find` (exact source text that must occur exactly once in the file:
// test/kernel-mutants.test.ts fails when an edit to a kernel makes it vanish or repeat, so the list cannot rot
// silently), `replace`, a one-line `description`, `tests` (the judging suites) and, for a mutant no input can tell
// apart from the original, `equivalent: '<why>'`. A new kernel file needs at least one entry (the same test).

/** Suites by family: the ones that run the kernels of that family, in both builds where they can. */
const REGRESSION = [
  'test/regression.conformance.test.ts', 'test/regression.gradcheck.test.ts', 'test/regression.paths.test.ts',
  'test/regression.semantics.test.ts', 'test/regression.tails.test.ts', 'test/regression.torch.test.ts',
  'test/keras3.test.ts', 'test/fast-paths.test.ts', 'test/accumulator.property.test.ts',
];
const PROBABILITY = [
  'test/probability.blocks.test.ts', 'test/probability.options.test.ts', 'test/probability.tails.test.ts',
  'test/probability.weights.test.ts', 'test/probability.accuracy.test.ts', 'test/f64math.test.ts',
  'test/crossentropy.semantics.test.ts', 'test/crossentropy.torch.test.ts', 'test/crossentropy.keras.test.ts',
  'test/crossentropy.errors.test.ts', 'test/crossentropy.gradcheck.test.ts', 'test/crossentropy.large.test.ts',
  'test/keras3.test.ts',
];
const CROSSENTROPY = [
  'test/crossentropy.semantics.test.ts', 'test/crossentropy.torch.test.ts', 'test/crossentropy.keras.test.ts',
  'test/crossentropy.rows.test.ts', 'test/crossentropy.gradcheck.test.ts', 'test/crossentropy.refusals.test.ts',
  'test/crossentropy.errors.test.ts', 'test/crossentropy.large.test.ts', 'test/crossentropy.accuracy.test.ts',
  'test/crossentropy.sweep.test.ts', 'test/rows.tiling.test.ts', 'test/accumulator.crossentropy.test.ts', 'test/accumulator.property.test.ts', 'test/memory.growth.test.ts',
  'test/keras3.test.ts',
];
const CTC = [
  'test/ctc.conformance.test.ts', 'test/ctc.paths.test.ts', 'test/ctc.semantics.test.ts', 'test/ctc.torch.test.ts',
  'test/ctc.refusals.test.ts', 'test/ctc.memory.test.ts', 'test/memory.growth.test.ts',
];
const MARGIN = [
  'test/margin.conformance.test.ts', 'test/margin.gradcheck.test.ts', 'test/margin.keras3.test.ts',
  'test/margin.semantics.test.ts', 'test/margin.tails.test.ts', 'test/margin.torch.test.ts',
  'test/margin.refusals.test.ts', 'test/margin.ties.test.ts', 'test/accumulator.margin.test.ts', 'test/memory.growth.test.ts',
];
/** scale_rows_f32: the gradient's per-row factors (Keras sample weights, a 'none' reduction's gradOutput). */
const REDUCE = [
  'test/keras3.test.ts', 'test/regression.conformance.test.ts', 'test/regression.paths.test.ts',
  'test/probability.weights.test.ts', 'test/probability.tails.test.ts', 'test/reduction.test.ts',
  'test/keras-squeeze.test.ts', 'test/facade.test.ts', 'test/accumulator.property.test.ts',
];
/** narrow_f64_f32: every Float64Array input. */
const CONVERT = [
  'test/tensor.inputs.test.ts', 'test/forms.property.test.ts', 'test/tiling.test.ts', 'test/facade.test.ts',
  'test/regression.paths.test.ts', 'test/fast-paths.test.ts', 'test/rows.tiling.test.ts',
];
const EXP = ['test/exp.test.ts', ...PROBABILITY, ...CROSSENTROPY.filter((t) => !PROBABILITY.includes(t)), 'test/ctc.conformance.test.ts', 'test/ctc.paths.test.ts', 'test/ctc.torch.test.ts'];
const F64 = ['test/f64math.test.ts', ...EXP.filter((t) => t !== 'test/exp.test.ts' && t !== 'test/f64math.test.ts')];

const FOCAL = ['test/focal.test.ts', 'test/wave3.test.ts'];
const CATEGORICAL_FOCAL = ['test/categorical-focal.test.ts', 'test/wave3.test.ts'];
const OVERLAP = ['test/overlap.test.ts', 'test/wave3.test.ts'];
const GAUSSIAN = ['test/gaussian-nll.test.ts', 'test/wave3.test.ts'];
const LOG_COSH = ['test/log-cosh.test.ts', 'test/wave3.test.ts', ...REGRESSION];

export const MUTANTS = [
  // ---- inline/ptr.ts ----
  {
    file: 'inline/ptr.ts',
    find: 'return base + (<usize>i << 2);',
    replace: 'return base + (<usize>i << 1);',
    description: 'every kernel addresses float32 elements two bytes apart (the shared address helper)',
    tests: ['test/regression.tails.test.ts', 'test/exp.test.ts'],
  },
  // ---- inline/row_abi.ts, and the parameter blocks ----
  {
    file: 'inline/row_abi.ts',
    find: 'f.out, f.rowScale, f.weights, f.scale, k.p0, k.p1, k.ignore, f.rowLabels,',
    replace: 'f.out, f.rowScale, f.weights, f.scale, k.p1, k.p0, k.ignore, f.rowLabels,',
    description: 'row ABI: the parameter block\'s p0 and p1 read in each other\'s place (label smoothing taken for Σ class weights)',
    tests: CROSSENTROPY,
  },
  {
    file: 'inline/row_abi.ts',
    find: 'f.out, f.rowScale, f.weights, f.scale, k.p0',
    replace: 'f.rowScale, f.out, f.weights, f.scale, k.p0',
    description: 'row ABI: the frame\'s per-row values and per-row factors read in each other\'s place',
    tests: CROSSENTROPY,
  },
  {
    file: 'regression.ts',
    find: 'export function huber_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumRange(HUBER, n, pred, target, load<f32>(params)); }',
    replace: 'export function huber_sum_f32(n: i32, pred: usize, target: usize, params: usize): f64 { return sumRange(HUBER, n, pred, target, load<f32>(params, 4)); }',
    description: 'parameters by pointer: Huber\'s sum reads δ from the block\'s second field, not its first',
    tests: REGRESSION,
  },
  {
    file: 'ctc.ts',
    find: 'const zeroInf = k.zeroInfinity;',
    replace: 'const zeroInf = k.logits;',
    description: 'CTC parameter block: zero_infinity read from the gradOf field',
    tests: CTC,
  },
  // ---- regression.ts ----
  {
    file: 'regression.ts',
    find: '  const small = a < 1;\n  const y = small ? <f32>2 * s * s : expOne(<f32>-2 * a);',
    replace: '  const small = a < 0;\n  const y = small ? <f32>2 * s * s : expOne(<f32>-2 * a);',
    description: "log_cosh's one-lane value takes Keras's cancelling form for every |d| (the sinh branch lost)",
    tests: LOG_COSH,
  },
  {
    file: 'regression.ts',
    find: 'const vsmall = f32x4.lt(va, f32x4.splat(1));\n  const vy',
    replace: 'const vsmall = f32x4.lt(va, f32x4.splat(0));\n  const vy',
    description: "log_cosh's four-lane value takes Keras's cancelling form for every |d| (the sinh branch lost)",
    tests: LOG_COSH,
  },
  {
    file: 'regression.ts',
    find: 'const num = small ? <f32>2 * s * Mathf.sqrt(<f32>1 + s * s) : <f32>1 - u;',
    replace: 'const num = small ? <f32>2 * s : <f32>1 - u;',
    description: "log_cosh's one-lane tanh drops the cosh(a/2) factor below |d| = 1",
    tests: LOG_COSH,
  },
  {
    file: 'regression.ts',
    find: 'return v128.or(v128.andnot(f32x4.div(vnum, vden), vsignbit), v128.and(vd, vsignbit)); // copysign; NaN stays NaN',
    replace: 'return v128.andnot(f32x4.div(vnum, vden), vsignbit); // copysign; NaN stays NaN',
    description: "log_cosh's four-lane tanh loses d's sign",
    tests: LOG_COSH,
  },
  {
    file: 'regression.ts',
    find: 'if (kind == HUBER) return f32x4.pmax(f32x4.pmin(vd, vparam), f32x4.neg(vparam));',
    replace: 'if (kind == HUBER) return f32x4.pmin(vd, vparam);',
    description: 'Huber gradient (SIMD): the clamp at -δ dropped',
    tests: REGRESSION,
  },
  {
    file: 'inline/elementwise_loops.ts',
    find: 'vacc1 = f64x2.add(vacc1, vwiden_hi(vf));',
    replace: 'vacc1 = f64x2.add(vacc1, vwiden_lo(vf));',
    description: 'elementwise sum, 16-wide body: lanes 0-1 widened into both accumulators, lanes 2-3 lost',
    tests: REGRESSION,
  },
  {
    file: 'inline/elementwise_loops.ts',
    find: 'v128.store(gi, f32x4.mul(m.vdloss(kind, vx1, vt1, vparam, param), vs), 16);',
    replace: 'v128.store(gi, f32x4.mul(m.vdloss(kind, vx1, vt1, vparam, param), vs));',
    description: 'elementwise gradient, 8-wide body: the second vector stored over the first (offset 16 lost)',
    tests: REGRESSION,
  },
  {
    file: 'regression.ts',
    find: 'return f32x4.div(f32x4.mul(f32x4.abs(vd), f32x4.splat(100)), f32x4.pmax(f32x4.abs(vt), f32x4.splat(EPSILON)));',
    replace: 'return f32x4.div(f32x4.mul(f32x4.abs(vd), f32x4.splat(100)), f32x4.abs(vt));',
    description: 'mape value (SIMD): the floor max(|t|, ε) dropped',
    tests: REGRESSION,
  },
  {
    file: 'regression.ts',
    find: 'return d != d ? d : (d > 0 ? <f32>1 : <f32>-1);',
    replace: 'return d != d ? d : (d >= 0 ? <f32>1 : <f32>-1);',
    description: 'smooth_l1 at β = 0, one lane: the tie d = 0 gives +1 instead of torch\'s -1',
    tests: REGRESSION,
  },
  {
    file: 'regression.ts',
    find: 'if (!(<f64>p >= EPSILON_F64)) return 0;',
    replace: 'if (!(<f64>p > EPSILON_F64)) return 0;',
    description: 'msle gradient: the tie p = ε no longer passes the gradient',
    tests: REGRESSION,
    equivalent: 'p is a float32, and no float32 equals the float64 1e-7 (the nearest, fround(1e-7), is 1.0000000116860974e-7): `>=` and `>` agree on every input',
  },

  // ---- reduce.ts ----
  {
    file: 'reduce.ts',
    find: 'const sr = load<f32>(ptr(s, r));',
    replace: 'const sr = load<f32>(ptr(s, 0));',
    description: 'scale_rows_f32, rows of several columns: every row scaled by the first row\'s factor',
    tests: REDUCE,
  },
  {
    file: 'reduce.ts',
    find: 'for (; i + 4 <= rows; i += 4) v128.store(ptr(x, i), f32x4.mul(v128.load(ptr(x, i)), v128.load(ptr(s, i))));',
    replace: 'for (; i + 4 <= rows; i += 4) v128.store(ptr(x, i), f32x4.mul(v128.load(ptr(x, i)), v128.load32_splat(ptr(s, i))));',
    description: 'scale_rows_f32, one column (SIMD): four elements scaled by the first one\'s factor',
    tests: REDUCE,
  },

  // ---- convert.ts ----
  {
    file: 'convert.ts',
    find: 'v128.store(at32(dst, i), v128.shuffle<i64>(va, vb, 0, 2)); // [a0, a1, b0, b1]',
    replace: 'v128.store(at32(dst, i), v128.shuffle<i64>(va, vb, 2, 0)); // [a0, a1, b0, b1]',
    description: 'narrow_f64_f32 (SIMD): the two narrowed pairs stored in swapped order',
    tests: CONVERT,
  },
  {
    file: 'convert.ts',
    find: 'for (; i + 4 <= n; i += 4) {',
    replace: 'for (; i + 4 < n; i += 4) {',
    description: 'narrow_f64_f32 (SIMD): a last full vector left to the one-lane tail',
    tests: CONVERT,
    equivalent: 'the tail narrows with the same round-to-nearest-even as f32x4.demote_f64x2_zero (NaN, infinities and overflow included), so the elements it takes over get the same bits',
  },

  // ---- inline/binary_ce.ts (Keras's clipped BCE: BinaryCrossentropy and the focal loss's b) ----
  {
    file: 'inline/binary_ce.ts',
    find: 'const vc = f32x4.div(f32x4.sub(f32x4.sub(vone, vu), vq), f32x4.pmax(vu, f32x4.splat(MIN_NORMAL)));',
    replace: 'const vc = f32x4.div(f32x4.sub(vq, f32x4.sub(vone, vu)), f32x4.pmax(vu, f32x4.splat(MIN_NORMAL)));',
    description: 'vlog1m (SIMD BCE): the sign of the rounding correction of 1 - q flipped',
    tests: [...PROBABILITY, ...FOCAL],
  },
  {
    file: 'inline/binary_ce.ts',
    find: 'return logf(u) + ((1 - u) - q) / (u < MIN_NORMAL ? MIN_NORMAL : u);',
    replace: 'return logf(u) + (q - (1 - u)) / (u < MIN_NORMAL ? MIN_NORMAL : u);',
    description: 'log1m (one-lane BCE): the sign of the rounding correction of 1 - q flipped',
    tests: [...PROBABILITY, ...FOCAL],
  },

  // ---- focal.ts ----
  {
    file: 'focal.ts',
    find: 'const vm = f32x4.mul(v128.bitselect(f32x4.add(f32x4.mul(vy, ve), vnoty), f32x4.add(vy, f32x4.mul(vnoty, ve)), vpos), vr);\n  return',
    replace: 'const vm = f32x4.mul(v128.bitselect(f32x4.add(vy, f32x4.mul(vnoty, ve)), f32x4.add(f32x4.mul(vy, ve), vnoty), vpos), vr);\n  return',
    description: 'focal on logits (SIMD value): 1 - p_t of the two signs of x swapped',
    tests: FOCAL,
  },
  {
    file: 'focal.ts',
    find: 'const vsigmoidMinusY = v128.bitselect(f32x4.sub(vnoty, ver), f32x4.sub(ver, vy), vpos);',
    replace: 'const vsigmoidMinusY = v128.bitselect(f32x4.sub(vnoty, ver), f32x4.sub(ver, vnoty), vpos);',
    description: 'focal on logits (SIMD gradient): σ(x) - y of a negative x against 1 - y',
    tests: FOCAL,
  },
  {
    file: 'focal.ts',
    find: 'const vdpow = v128.andnot(vdpowm(vm, vpw, gamma, vgamma), f32x4.eq(vm, f32x4.splat(0)));',
    replace: 'const vdpow = vdpowm(vm, vpw, gamma, vgamma);',
    description: "focal on logits (SIMD gradient): the frameworks' NaN where exp(-|x|) underflows (γ < 1), not the limit 0",
    tests: FOCAL,
  },
  {
    file: 'focal.ts',
    find: 'const smoothing = ls / <f64>p1; // ls/K',
    replace: 'const smoothing = ls / <f64>C; // ls/K',
    description: "categorical focal: label smoothing over the class count, not Keras's K (pred's last axis)",
    tests: CATEGORICAL_FOCAL,
  },
  {
    file: 'focal.ts',
    find: 'const d = focalSlope(e / S, yc, ac, gamma) - G;',
    replace: 'const d = focalSlope(e / S, yc, ac, gamma);',
    description: 'categorical focal gradient: the renormalisation (o = s/Σs) left out of the chain rule',
    tests: CATEGORICAL_FOCAL,
  },
  {
    file: 'focal.ts',
    find: 'store<f32>(at(g, c * gs), <f32>(factor * (logits ? e * d : d)));',
    replace: 'store<f32>(at(g, c * gs), <f32>(factor * d));',
    description: "categorical focal gradient on logits: the softmax's factor s_j forgotten",
    tests: CATEGORICAL_FOCAL,
  },
  {
    file: 'focal.ts',
    find: 'if (!(o >= EPSILON64 && o <= ONE_MINUS_EPSILON64)) return o != o ? o : 0;',
    replace: 'if (!(o >= EPSILON64 && o <= ONE_MINUS_EPSILON64)) return 0;',
    description: 'categorical focal gradient: a zero row (0/0) gives 0 instead of NaN',
    tests: CATEGORICAL_FOCAL,
    equivalent: 'a NaN o reaches every element of the row anyway, through G = Σ g_c·o_c (0·NaN): the test of a zero row still sees NaN everywhere',
  },
  {
    file: 'focal.ts',
    find: 'if (sparse && label == ignore) {',
    replace: 'if (sparse && label == ignore && false) {',
    description: 'sparse focal: the ignored label computed as a class',
    tests: CATEGORICAL_FOCAL,
  },
  {
    file: 'focal.ts',
    find: 'if (gamma == 2) return f32x4.add(vm, vm);',
    replace: 'if (gamma == 2) return vm;',
    description: "focal (SIMD gradient): γ = 2's derivative 2m taken as m",
    tests: FOCAL,
  },
  {
    file: 'focal.ts',
    find: 'vr = v128.bitselect(f32x4.mul(vr, f32x4.splat(negativeSign)), vr, f32x4.lt(vm, f32x4.splat(0)));',
    replace: 'vr = v128.bitselect(f32x4.mul(vr, f32x4.splat(negativeSign)), vr, f32x4.gt(vm, f32x4.splat(0)));',
    description: 'focal (SIMD m^γ): the sign rule of m < 0 applied to m > 0 (at m = 0 the select after it decides, so le would be equivalent)',
    tests: FOCAL,
  },
  {
    file: 'focal.ts',
    find: 'else dpowAtZero = gamma > 1 ? 0 : gamma == 1 ? 1 : NaN;',
    replace: 'else dpowAtZero = gamma > 1 ? 0 : gamma == 1 ? 1 : 0;',
    description: "focal: the frameworks' NaN gradient at p_t = 1 for γ < 1 replaced by 0",
    tests: FOCAL,
  },
  {
    file: 'focal.ts',
    find: 'if (gamma == 0) dpowAtZero = (flags & TORCH_POW) != 0 ? 0 : NaN;',
    replace: 'if (gamma == 0) dpowAtZero = NaN;',
    description: "focal: torch's pow gradient at γ = 0 (0, not TensorFlow's NaN) forgotten",
    tests: FOCAL,
  },
  {
    file: 'focal.ts',
    find: 'return balanced ? y * alpha + (<f32>1 - y) * (<f32>1 - alpha) : 1;',
    replace: 'return balanced ? y * alpha + (<f32>1 - y) * alpha : 1;',
    description: 'focal (one lane): the negative class weighed by α instead of 1 - α',
    tests: FOCAL,
  },
  {
    file: 'focal.ts',
    find: 'return f32x4.add(f32x4.mul(vt, f32x4.splat(<f32>1 - smoothing)), f32x4.splat(<f32>0.5 * smoothing));',
    replace: 'return f32x4.add(f32x4.mul(vt, f32x4.splat(<f32>1 - smoothing)), f32x4.splat(smoothing));',
    description: 'focal (SIMD): label smoothing toward ls instead of ls/2',
    tests: FOCAL,
  },
  {
    file: 'focal.ts',
    find: 'return y * (<f32>1 - p) + (<f32>1 - y) * p;',
    replace: 'return y * (<f32>1 - p) + y * p;',
    description: 'focal on probabilities (one lane): 1 - p_t without its negative-class term',
    tests: FOCAL,
  },
  // ---- gaussian.ts (GaussianNLLLoss) ----
  {
    file: 'gaussian.ts',
    find: 'const vvar = f32x4.max(vraw, veps);',
    replace: 'const vvar = vraw;',
    description: "gaussian NLL (SIMD, a variance per element): torch's clamp at eps forgotten",
    tests: GAUSSIAN,
  },
  {
    file: 'gaussian.ts',
    find: 'const vg = f32x4.mul(f32x4.mul(vsu, f32x4.mul(vhalf, vr)), f32x4.sub(vone, vdq));',
    replace: 'const vg = f32x4.mul(f32x4.mul(vsu, f32x4.mul(vhalf, vr)), f32x4.add(vone, vdq));',
    description: 'gaussian NLL (SIMD, a variance per element): ∂/∂var with 1 + d²/v',
    tests: GAUSSIAN,
  },
  {
    file: 'gaussian.ts',
    find: 'v128.store(a, f64x2.add(v128.load(a, 16), vwiden_hi(vg)), 16);',
    replace: 'v128.store(a, f64x2.add(v128.load(a, 16), vwiden_lo(vg)), 16);',
    description: "gaussian NLL (SIMD, var broadcast over K): lanes 2-3 of the var gradient's accumulators take lanes 0-1",
    tests: GAUSSIAN,
  },
  {
    file: 'gaussian.ts',
    find: 'const g = <f64>s * 0.5 * r64 * (sumUp - r64 * sumUpD2);',
    replace: 'const g = <f64>s * 0.5 * r64 * (sumUp - sumUpD2);',
    description: 'gaussian NLL (a variance per row): ∂/∂var with d²/v instead of d²/v²',
    tests: GAUSSIAN,
  },
  {
    file: 'gaussian.ts',
    find: 'total += 0.5 * (<f64>K * logv64 + dq);',
    replace: 'total += 0.5 * (logv64 + dq);',
    description: 'gaussian NLL (a variance per row): log v counted once per row, not per element',
    tests: GAUSSIAN,
  },
  {
    file: 'gaussian.ts',
    find: 'if (raw < 0) negative = true;\n      const v = max<f32>(raw, eps);\n      const r = <f32>1 / v;\n      // log v',
    replace: 'const v = max<f32>(raw, eps);\n      const r = <f32>1 / v;\n      // log v',
    description: 'gaussian NLL (a variance per row): a negative variance not flagged (silently clamped to eps)',
    tests: GAUSSIAN,
  },
  {
    file: 'gaussian.ts',
    find: 'vneg = v128.or(vneg, f32x4.lt(vraw, f32x4.splat(0)));',
    replace: 'vneg = f32x4.lt(vraw, f32x4.splat(0));',
    description: 'gaussian NLL (SIMD, a variance per element): the negative flag keeps only the last vector',
    tests: GAUSSIAN,
  },
  {
    file: 'gaussian.ts',
    find: 'if (out != 0) v128.store(at(out, j), f32x4.add(f32x4.mul(vhalf, vdqj), vlogc));',
    replace: 'if (out != 0) v128.store(at(out, j), f32x4.add(vdqj, vlogc));',
    description: "gaussian NLL (SIMD, a variance per row): 'none' values without the 1/2 on d²/v",
    tests: GAUSSIAN,
  },

  // ---- overlap.ts (Dice and Tversky) ----
  {
    file: 'overlap.ts',
    find: 'vtp1 = f64x2.add(vtp1, f64x2.mul(phi, thi));',
    replace: 'vtp1 = f64x2.add(vtp1, f64x2.mul(phi, tlo));',
    description: 'overlap sums (SIMD, one group): lanes 2-3 of TP multiply p by the wrong lanes of y',
    tests: OVERLAP,
  },
  {
    file: 'overlap.ts',
    find: 'const vy = f32x4.add(f32x4.add(t0, t1), f32x4.add(t2, t3));',
    replace: 'const vy = f32x4.add(f32x4.add(t0, t1), f32x4.add(t2, t2));',
    description: "overlap sums (SIMD, 16-element body): Y's tree takes the third vector twice and drops the fourth",
    tests: OVERLAP,
  },
  {
    file: 'overlap.ts',
    find: 'vtp0 = f64x2.add(vtp0, vwiden_lo(vtp));',
    replace: 'vtp0 = f64x2.add(vtp0, vwiden_hi(vtp));',
    description: 'overlap sums (SIMD, 16-element body): TP widens its high half twice',
    tests: OVERLAP,
  },
  {
    file: 'overlap.ts',
    find: 'sp = hsum_f64x2(f64x2.add(vp0, vp1));',
    replace: 'sp = hsum_f64x2(vp0);',
    description: 'overlap sums (SIMD, one group): one of the two chains of Σ p dropped',
    tests: OVERLAP,
  },
  {
    file: 'overlap.ts',
    find: 'for (; j < n; j++) {\n    const pj',
    replace: 'for (; j < n - 1; j++) {\n    const pj',
    description: "overlap sums (one group): the scalar tail's last element skipped",
    tests: OVERLAP,
  },
  {
    file: 'overlap.ts',
    find: 'v128.store(ay, f64x2.add(v128.load(ay, 16), thi), 16);',
    replace: 'v128.store(ay, f64x2.add(v128.load(ay, 16), tlo), 16);',
    description: 'overlap sums (SIMD, a row of groups): Y of groups 2-3 of four accumulates the wrong lanes',
    tests: OVERLAP,
  },
  {
    file: 'overlap.ts',
    find: 'store<f64>(a + 2 * plane, load<f64>(a + 2 * plane) + pi);',
    replace: 'store<f64>(a + 2 * plane, load<f64>(a + 2 * plane) + ti);',
    description: 'overlap sums (a row of groups, one lane): P accumulates the target',
    tests: OVERLAP,
  },
  {
    file: 'overlap.ts',
    find: 'const a = at64(acc, o * I);',
    replace: 'const a = at64(acc, o);',
    description: 'overlap sums: the groups of slab o start at o, not o·I',
    tests: OVERLAP,
  },
  {
    file: 'overlap.ts',
    find: 'v128.store(at(grad, j), i8x16.shuffle(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));',
    replace: 'v128.store(at(grad, j), i8x16.shuffle(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7));',
    description: 'overlap gradient (SIMD, one group): lanes 2-3 written from lanes 0-1',
    tests: OVERLAP,
  },
  {
    file: 'overlap.ts',
    find: 'const cb = ca + plane;',
    replace: 'const cb = ca;',
    description: 'overlap gradient (SIMD, a row of groups): b read from the plane of a',
    tests: OVERLAP,
  },
  {
    file: 'overlap.ts',
    find: 'for (; i < I; i++) {\n    const ca',
    replace: 'for (; i < I - 1; i++) {\n    const ca',
    description: "overlap gradient (a row of groups): the scalar tail's last group left unwritten",
    tests: OVERLAP,
  },
  {
    file: 'probability.ts',
    find: 'const vinside = v128.and(f64x2.ge(vp, veps), f64x2.le(vp, vone));',
    replace: 'const vinside = v128.and(f64x2.ge(vp, veps), f64x2.lt(vp, vone));',
    description: 'Keras KLD gradient (f64x2 pairs): p = 1 treated as clipped (gradient 0 instead of -t)',
    tests: PROBABILITY,
  },
  {
    file: 'probability.ts',
    find: 'return p >= EPSILON_F64 && p <= 1 ? -tc / p : 0;',
    replace: 'return p >= EPSILON_F64 && p < 1 ? -tc / p : 0;',
    description: 'Keras KLD gradient (one lane: the odd tail, the scalar build): p = 1 treated as clipped',
    tests: PROBABILITY,
  },
  {
    file: 'probability.ts',
    find: 'acc += block == block ? block : run64(kind, i, end, p, t, out, grad, param, scale, gscale);',
    replace: 'acc += block == block ? block : run64(kind, i, end, p, t, 0, 0, param, scale, gscale);',
    description: 'f64 kinds: a block whose pair sum is NaN is recomputed for its sum only, not its values or gradient',
    tests: PROBABILITY,
  },
  {
    file: 'inline/binary_ce.ts',
    find: 'const vsmall = f32x4.pmax(v128.bitselect(vp, f32x4.sub(vone, vp), vlow), f32x4.splat(EPSILON));',
    replace: 'const vsmall = v128.bitselect(vp, f32x4.sub(vone, vp), vlow);',
    description: 'Keras BCE value (SIMD): the clip to [ε, 1 - ε] dropped',
    tests: [...PROBABILITY, ...FOCAL],
  },
  {
    file: 'inline/binary_ce.ts',
    find: 'const vinside = v128.and(f32x4.ge(vp, f32x4.splat(EPSILON)), f32x4.ge(vcomplement, f32x4.splat(EPSILON)));',
    replace: 'const vinside = v128.and(f32x4.gt(vp, f32x4.splat(EPSILON)), f32x4.ge(vcomplement, f32x4.splat(EPSILON)));',
    description: 'Keras BCE gradient (SIMD): p = ε (the clip\'s bound) treated as clipped',
    tests: [...PROBABILITY, ...FOCAL],
  },
  {
    file: 'inline/binary_ce.ts',
    find: 'if (!(p >= EPSILON && complement >= EPSILON)) return 0;',
    replace: 'if (!(p > EPSILON && complement >= EPSILON)) return 0;',
    description: 'Keras BCE gradient (one lane: tails, the scalar build): p = ε treated as clipped',
    tests: [...PROBABILITY, ...FOCAL],
  },
  {
    file: 'probability.ts',
    find: 'const vbig = f64x2.gt(vt, vone);',
    replace: 'const vbig = f64x2.ge(vt, vone);',
    description: 'Poisson full=True (f64x2): the Stirling term also added at t = 1',
    tests: PROBABILITY,
  },
  {
    file: 'inline/elementwise_loops.ts',
    find: 'if (m.tailCall(kind)) return acc + (i < n ? tailGrad<M>(kind, i, n, p, t, grad, param, s) : 0);',
    replace: 'if (m.tailCall(kind)) return acc + (i + 1 < n ? tailGrad<M>(kind, i, n, p, t, grad, param, s) : 0);',
    description: 'elementwise gradient kernels with an out-of-line tail (BCE): a one-element tail after the SIMD loops skipped',
    tests: PROBABILITY,
  },

  // ---- crossentropy.ts ----
  {
    file: 'crossentropy.ts',
    find: '      Sd *= exp64(<f64>m1 - <f64>mb);\n',
    replace: '',
    description: 'softmax sweep (forward): what earlier blocks summed is not rescaled when a block raises the max',
    tests: CROSSENTROPY,
  },
  {
    file: 'crossentropy.ts',
    find: 'Sd += <f64>hsum(vt) + hsum_f64x2(vaccumulate(f64x2.splat(0), vs));',
    replace: 'Sd += hsum_f64x2(vaccumulate(f64x2.splat(0), vs));',
    description: 'softmax sweep (forward): the classes tied with the max (each e^0 = 1) left out of the sum',
    tests: CROSSENTROPY,
  },
  {
    file: 'crossentropy.ts',
    find: 'vs = f32x4.add(vs, v128.andnot(vexpnegWith(f32x4.sub(vx, vm), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9), veq));\n      vt = f32x4.add(vt, v128.and(veq, vone()));',
    replace: 'vs = f32x4.add(vs, vexpnegWith(f32x4.sub(vx, vm), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9));',
    description: 'softmax sweep (forward): ties summed into the f32 lanes with the small terms (a dominant class\'s tiny loss loses its digits)',
    tests: CROSSENTROPY,
  },
  {
    file: 'crossentropy.ts',
    find: 'for the row (EXPNEG_K says why: Node 24 rebuilds v128.const in loops)\n  const k0 = v128.load(EXPNEG_K), k1 = v128.load(EXPNEG_K, 16), k2 = v128.load(EXPNEG_K, 32), k3 = v128.load(EXPNEG_K, 48);\n  const k4 = v128.load(EXPNEG_K, 64), k5 = v128.load(EXPNEG_K, 80), k6 = v128.load(EXPNEG_K, 96), k7 = v128.load(EXPNEG_K, 112);\n  const k8 = v128.load(EXPNEG_K, 128),',
    replace: 'for the row (EXPNEG_K says why: Node 24 rebuilds v128.const in loops)\n  const k0 = v128.load(EXPNEG_K), k1 = v128.load(EXPNEG_K, 16), k2 = v128.load(EXPNEG_K, 32), k3 = v128.load(EXPNEG_K, 48);\n  const k4 = v128.load(EXPNEG_K, 64), k5 = v128.load(EXPNEG_K, 80), k6 = v128.load(EXPNEG_K, 96), k7 = v128.load(EXPNEG_K, 112);\n  const k8 = v128.load(EXPNEG_K, 112),',
    description: 'softmax sweep (forward): a constant of its exp read from the wrong row of the table (C1 as C2)',
    tests: CROSSENTROPY,
  },
  {
    file: 'crossentropy.ts',
    find: 'for the block (EXPNEG_K says why: Node 24 rebuilds v128.const in loops)\n  const k0 = v128.load(EXPNEG_K), k1 = v128.load(EXPNEG_K, 16),',
    replace: 'for the block (EXPNEG_K says why: Node 24 rebuilds v128.const in loops)\n  const k0 = v128.load(EXPNEG_K), k1 = v128.load(EXPNEG_K, 0),',
    description: 'strided class axis, 16 positions (segmentation): its exp\'s magic bias read as log2(e) from the table',
    tests: CROSSENTROPY,
  },
  {
    file: 'crossentropy.ts',
    find: '      Sd += exp64(<f64>(x - m1)); // in f64, a tie\'s exact 1 rounds nothing away\n',
    replace: '',
    description: 'softmax sweep (forward): the last C % 4 classes of a row left out',
    tests: CROSSENTROPY,
  },
  {
    file: 'crossentropy.ts',
    find: 'gather4(p, y0 * s, y1 * s + 1, y2 * s + 2, y3 * s + 3)',
    replace: 'gather4(p, y0 * s, y1 * s, y2 * s, y3 * s)',
    description: 'strided class axis: the label logit of every lane gathered from the first lane\'s position',
    tests: CROSSENTROPY,
  },
  {
    file: 'crossentropy.ts',
    find: 'gather4(p, y0, C + y1, 2 * C + y2, 3 * C + y3)',
    replace: 'gather4(p, y0, C + y1, 2 * C + y2, 2 * C + y3)',
    description: 'short rows four at a time: the fourth row\'s label logit gathered from the third row',
    tests: CROSSENTROPY,
  },
  {
    file: 'crossentropy.ts',
    find: 'return f32x4.add(vlog(vu), f32x4.div(f32x4.add(f32x4.sub(vt, vu), vs), vu));',
    replace: 'return vlog(vu);',
    description: 'vlogsum: the rounding correction of log(T + S\') dropped (tiny losses of a dominant class)',
    tests: CROSSENTROPY,
  },
  {
    file: 'crossentropy.ts',
    find: 'const vloss = v128.and(lanesLoss(ROWS, SMOOTH, C, p, s, vy, w, W, ls, vm, vt, vs, vsx), vvalid);',
    replace: 'const vloss = lanesLoss(ROWS, SMOOTH, C, p, s, vy, w, W, ls, vm, vt, vs, vsx);',
    description: 'four lanes: an ignored label\'s lane keeps the loss of class 0 instead of 0',
    tests: CROSSENTROPY,
  },
  {
    file: 'crossentropy.ts',
    find: 'if (inClip(x)) v = sr * (1 / Q - (c == y ? 1 / x : 0));',
    replace: 'v = sr * (1 / Q - (c == y ? 1 / x : 0));',
    description: 'Keras SCCE on probabilities: the gradient passes through clipped entries',
    tests: CROSSENTROPY,
  },
  {
    file: 'crossentropy.ts',
    find: 'const a = ((p1 != 0 ? T : 1) * sr) / S;',
    replace: 'const a = (T * sr) / S;',
    description: 'dense-target softmax cross-entropy: TF\'s gradient (softmax - y) scaled by Σy like torch\'s',
    tests: CROSSENTROPY,
  },
  {
    file: 'crossentropy.ts',
    find: 'if (gp != 0) store<f32>(at(gp, y * gs), -wy * rowScaleAt(rowScale, scale, r));',
    replace: 'if (gp != 0) store<f32>(at(gp, y * gs), -wy * scale);',
    description: 'NLL gradient: the per-row factor (gradOutput, sample weights) ignored',
    tests: CROSSENTROPY,
  },

  // ---- ctc.ts ----
  {
    file: 'ctc.ts',
    find: 'vadd<E>(vadd<E>(al, ab), vmul<E>(alm1, v128.load(skip + o))),',
    replace: 'vadd<E>(vadd<E>(al, ab), alm1),',
    description: 'CTC forward (SIMD, f32x4 and f64x2 rows): the skip transition taken between equal labels too',
    tests: CTC,
  },
  {
    file: 'ctc.ts',
    find: 'const nl: E = (al + ab + alm1 * load<E>(skip + o)) * (load<E>(erow + o) * sc);',
    replace: 'const nl: E = (al + ab + alm1) * (load<E>(erow + o) * sc);',
    description: 'CTC forward (one lane: scalar build, f64 rows): the skip transition taken between equal labels too',
    tests: CTC,
  },
  {
    file: 'ctc.ts',
    find: 'const xl = vadd<E>(vadd<E>(m0, a1), vmul<E>(v128.load(skip + o + sizeof<E>()), m1));',
    replace: 'const xl = vadd<E>(vadd<E>(m0, a1), vmul<E>(v128.load(skip + o), m1));',
    description: 'CTC backward (SIMD, f32x4 and f64x2 rows): the skip flag of label k read for the transition to k + 1',
    tests: CTC,
  },
  {
    file: 'ctc.ts',
    find: 'const k = t < L ? t + 1 : L + 1; // exclusive',
    replace: 'const k = t < L ? t : L + 1; // exclusive',
    description: 'CTC window: the last reachable label state of frame t left out',
    tests: CTC,
  },
  {
    file: 'ctc.ts',
    find: '    exps += e;\n',
    replace: '',
    description: 'CTC forward: the per-frame power-of-two rescaling not added back to the loss',
    tests: CTC,
  },
  {
    file: 'ctc.ts',
    find: '    for (let j = k0; j < kl; j++) {\n      const v = load<f32>(at(frame, load<i32>(at(lab, j))));\n      m = v > m ? v : m;\n    }\n',
    replace: '',
    description: 'CTC emissions (one lane): shifted by the blank\'s log-probability alone, not the window\'s max',
    tests: CTC,
  },
  {
    file: 'ctc.ts',
    find: 'store<f32>(at(grow, blank), load<f32>(at(grow, blank)) - <f32>(g * zb));',
    replace: 'store<f32>(at(grow, blank), load<f32>(at(grow, blank)) - <f32>(g * zl));',
    description: 'CTC gradient: the blank\'s posterior taken from the label states\' share of Z_t',
    tests: CTC,
  },
  {
    file: 'ctc.ts',
    find: '  for (let k = 1; k < L; k++) need += i32(load<i32>(at(lab, k)) == load<i32>(at(lab, k - 1)));\n',
    replace: '',
    description: 'CTC feasibility: the blank needed between equal adjacent labels not counted',
    tests: CTC,
  },

  // ---- margin.ts ----
  {
    file: 'margin.ts',
    find: 'const share = <f32>(factor / <f64>ties);',
    replace: 'const share = <f32>factor;',
    description: 'categorical hinge gradient: tied maxima each get the whole gradient instead of an equal share',
    tests: MARGIN,
  },
  {
    file: 'margin.ts',
    find: 'vm = f32x4.pmax(vm, f32x4.mul(f32x4.sub(vone, v128.load(ptr(t, c))), v128.load(ptr(p, c))));',
    replace: 'vm = f32x4.pmax(vm, v128.load(ptr(p, c)));',
    description: 'categorical hinge (SIMD): the max taken over every prediction, the true class included',
    tests: MARGIN,
  },
  {
    file: 'margin.ts',
    find: 'return selectf(-y, 0, z >= 0);',
    replace: 'return selectf(-y, 0, z > 0);',
    description: 'hinge gradient (one lane): the tie z = 0 passes no gradient',
    tests: MARGIN,
  },
  {
    file: 'margin.ts',
    find: 'if (ASC_FEATURE_SIMD && kind != HINGE_EMBEDDING && param == 0) return sumLoop<Margin>(kind | SIGNED, n, p, t, param);',
    replace: 'if (ASC_FEATURE_SIMD && kind != HINGE_EMBEDDING && param != 0) return sumLoop<Margin>(kind | SIGNED, n, p, t, param);',
    description: 'hinge sum (SIMD): the y = t loop taken for 0/1 labels, which need y = 2t - 1',
    tests: MARGIN,
  },
  {
    file: 'margin.ts',
    find: 'other |= <i32>(v != 1) & (z ^ 1);',
    replace: 'other |= <i32>(v != 1);',
    description: 'binary_labels_f32 (one lane): a 0 label also counted as neither 0 nor 1',
    tests: MARGIN,
  },

  // ---- ranking.ts ----
  {
    file: 'ranking.ts',
    find: '        vq = vlog1pCompose(vq, vexpNonPositive(vnegAbs(vd3)));\n',
    replace: '',
    description: 'BPR sum, 16-wide body: the fourth vector\'s log1p term left out of the product',
    tests: MARGIN,
  },
  {
    file: 'ranking.ts',
    find: 'if (kind == BPR) return f32x4.neg(f32x4.div(v128.bitselect(vone, ve, f32x4.le(vd, vzero)), f32x4.add(vone, ve)));',
    replace: 'if (kind == BPR) return f32x4.neg(f32x4.div(v128.bitselect(vone, ve, f32x4.lt(vd, vzero)), f32x4.add(vone, ve)));',
    description: 'BPR gradient (SIMD): the tie d = 0 takes the e/(1 + e) branch',
    tests: MARGIN,
    equivalent: 'at d = ±0, e = e^-|d| = 1 exactly and both branches give 1/(1 + 1); at NaN both comparisons are false',
  },
  {
    file: 'ranking.ts',
    find: 'if (kind == MARGIN_RANKING) return selectf(-y, 0, -y * d + m >= 0);',
    replace: 'if (kind == MARGIN_RANKING) return selectf(-y, 0, -y * d + m > 0);',
    description: 'margin ranking gradient (one lane): the tie z = 0 passes no gradient (clamp_min passes it)',
    tests: MARGIN,
  },
  {
    file: 'ranking.ts',
    find: 'v128.store(ptr(gb, i), f32x4.neg(vg0));',
    replace: 'v128.store(ptr(gb, i), vg0);',
    description: 'pairwise gradient, 8-wide body: ∂f/∂b given the sign of ∂f/∂a',
    tests: MARGIN,
  },

  // ---- cosine.ts ----
  {
    file: 'cosine.ts',
    find: 'return r <= INV_EPSILON ? r : INV_EPSILON; // NaN s: 1/ε (a NaN row is NaN through dot anyway)',
    replace: 'return r; // NaN s: 1/ε (a NaN row is NaN through dot anyway)',
    description: 'Keras cosine similarity: the norm\'s floor min(rsqrt(Σx²), 1/ε) dropped',
    tests: MARGIN,
  },
  {
    file: 'cosine.ts',
    find: 'vsb1 = f64x2.add(vsb1, f64x2.mul(vb1, vb1));',
    replace: 'vsb1 = f64x2.add(vsb1, f64x2.mul(vb0, vb0));',
    description: 'row sums (SIMD): Σb² takes lanes 0-1 twice and lanes 2-3 never',
    tests: MARGIN,
  },
  {
    file: 'cosine.ts',
    find: 'const y = <f64>load<f32>(ptr(b, c * bs));',
    replace: 'const y = <f64>load<f32>(ptr(b, c * as));',
    description: 'strided rows: the second operand read with the first one\'s class stride',
    tests: MARGIN,
    equivalent: 'the row engine (src/engines/rows.ts) never passes unequal strides: whole blocks give every operand the stride `inner`, and partial inner ranges are first copied compact, every operand then with the range\'s length',
  },
  {
    file: 'cosine.ts',
    find: 'combine(C, x1, x2, g2, <f32>(dl / den), <f32>(-dl * cos / b));',
    replace: 'combine(C, x1, x2, g2, <f32>(dl / den), <f32>(-dl * cos / a));',
    description: 'cosine embedding gradient of x2: divided by A = |x1|² + ε instead of B',
    tests: MARGIN,
  },

  // ---- probability.ts: SoftMarginLoss ----
  {
    file: 'probability.ts',
    find: 'if (kind == SOFT_MARGIN) return f32x4.neg(f32x4.mul(vt, vsigmoid(f32x4.neg(f32x4.mul(vt, vp)))));',
    replace: 'if (kind == SOFT_MARGIN) return f32x4.neg(f32x4.mul(vt, vsigmoid(f32x4.mul(vt, vp))));',
    description: 'SoftMarginLoss gradient (SIMD): σ(y·x) instead of σ(-y·x)',
    tests: ['test/soft-margin.test.ts', 'test/wave3.test.ts', 'test/probability.tails.test.ts', 'test/crossentropy.gradcheck.test.ts'],
  },
  {
    file: 'probability.ts',
    find: '    return -t * ((z >= 0 ? 1 : e) / (1 + e));',
    replace: '    return t * ((z >= 0 ? 1 : e) / (1 + e));',
    description: 'SoftMarginLoss gradient (one lane: the scalar build, the SIMD tails): the sign of -y lost',
    tests: ['test/soft-margin.test.ts', 'test/wave3.test.ts', 'test/probability.tails.test.ts'],
  },

  // ---- inline/madd.ts ----
  {
    file: 'inline/madd.ts',
    find: 'return f32x4.relaxed_madd(a, b, c);',
    replace: 'return f32x4.relaxed_nmadd(a, b, c);',
    description: 'vmadd (relaxed build): -(a·b) + c, the negated product (every exp and log polynomial of that build)',
    tests: EXP,
  },
  {
    file: 'inline/madd.ts',
    find: 'return f32x4.add(f32x4.mul(a, b), c);',
    replace: 'return f32x4.add(f32x4.mul(a, c), b);',
    description: 'vmadd (simd and debug builds): a·c + b, the operands swapped',
    tests: EXP,
  },

  // ---- inline/exp.ts ----
  {
    file: 'inline/exp.ts',
    find: '  x = x < EXP_MIN ? EXP_MIN : x;\n',
    replace: '',
    description: 'expf (one lane): the lower clamp dropped (exp(-200) = inf, exp(-inf) = NaN)',
    tests: EXP,
  },
  {
    file: 'inline/exp.ts',
    find: 'return f32x4.add(vlog(vu), vc);',
    replace: 'return vlog(vu);',
    description: 'vlog1p (SIMD BCE with logits): the rounding correction of 1 + e dropped',
    tests: EXP,
  },
  {
    file: 'inline/exp.ts',
    find: 'return logf(u) + (e - (u - 1)) / u;',
    replace: 'return logf(u);',
    description: 'log1pf (one lane BCE with logits): the rounding correction of 1 + e dropped',
    tests: EXP,
  },
  {
    file: 'inline/exp.ts',
    find: '  ve = i32x4.sub(ve, v128.and(vden, i32x4.splat(23)));\n',
    replace: '',
    description: 'vlog: denormal inputs scaled by 2^23 without taking 23 off the exponent',
    tests: EXP,
  },
  {
    file: 'inline/exp.ts',
    find: 'return v128.andnot(vf, f32x4.lt(vx, kCutoff));',
    replace: 'return vf;',
    description: 'vexpneg: results below the denormal cutoff not flushed to 0',
    tests: EXP,
  },
  {
    file: 'inline/exp.ts',
    find: '  EXPNEG_C2, EXPNEG_C2, EXPNEG_C2, EXPNEG_C2,\n',
    replace: '  EXPNEG_C2, EXPNEG_C2, EXPNEG_C2, EXPNEG_C3,\n',
    description: "vexpneg's table (EXPNEG_K, the softmax and segmentation loops' constants): one lane holding the wrong coefficient",
    tests: CROSSENTROPY,
  },

  // ---- inline/f64math.ts ----
  {
    file: 'inline/f64math.ts',
    find: 'k -= 54;',
    replace: 'k -= 52;',
    description: 'log64: denormal inputs scaled by 2^54 with 52 taken off the exponent',
    tests: F64,
  },
  {
    file: 'inline/f64math.ts',
    find: 'const k = f64x2.nearest(f64x2.mul(x, vc(C_INV_LN2)));',
    replace: 'const k = f64x2.floor(f64x2.mul(x, vc(C_INV_LN2)));',
    description: 'vexp64: the reduction x = k·ln2 + r rounds k down, so r leaves [-ln2/2, ln2/2]',
    tests: F64,
  },
  {
    file: 'inline/f64math.ts',
    find: 'return v128.or(f64x2.add(f64x2.add(f64x2.sub(body, hfsq), f), f64x2.mul(dk, vc(C_LN2_HI))), v128.not(inside));',
    replace: 'return f64x2.add(f64x2.add(f64x2.sub(body, hfsq), f), f64x2.mul(dk, vc(C_LN2_HI)));',
    description: 'vlog64: lanes outside the domain (0, denormals, negatives, inf) not marked NaN, so never recomputed',
    tests: F64,
  },

  // ---- inline/softplus.ts ----
  {
    file: 'inline/softplus.ts',
    find: 'return x - 0.5 * (x * x) + logPoly(x) + k * LN2_LO + k * LN2_HI;',
    replace: 'return x - 0.5 * (x * x) + logPoly(x) + k * LN2_HI;',
    description: 'log1pUnit (one-lane BPR): the low part of ln 2 dropped where 1 + e >= √2',
    tests: MARGIN,
  },
  {
    file: 'inline/softplus.ts',
    find: 'return f32x4.add(f32x4.add(vq, ve), f32x4.mul(vq, ve));',
    replace: 'return f32x4.add(vq, ve);',
    description: 'vlog1pCompose (BPR sum): the product term q·e of (1 + q)(1 + e) dropped',
    tests: MARGIN,
  },

  // ---- exp (the one vector exp, CTC's included) and CTC's powers of two ----
  {
    file: 'inline/exp.ts',
    find: 'vx = f32x4.pmax(f32x4.pmin(vx, f32x4.splat(EXP_MAX)), f32x4.splat(EXP_MIN)); // NaN stays NaN',
    replace: 'vx = f32x4.pmin(vx, f32x4.splat(EXP_MAX)); // NaN stays NaN',
    description: 'vexp: the lower clamp dropped (e^x below -104 is not 0; the -inf padding of a CTC window gives NaN)',
    tests: EXP,
  },
  {
    file: 'ctc.ts',
    find: 'return ((reinterpret<i32>(x) >>> 23) & 0xff) - 127;',
    replace: 'return ((reinterpret<i32>(x) >>> 23) & 0xff) - 126;',
    description: 'exponentOf: the exponent one too large, so rows are rescaled into [1/2, 1) instead of [1, 2)',
    tests: CTC,
    equivalent: 'the exponent both rescales a row (by 2^-e) and is added back to the loss (e·ln 2), so an offset cancels, and scaling by a power of two is exact; what moves is only how near the range checks (sums >= 2^-60, Z_t >= 2^-80) a sequence may come before it is redone with f64 rows, which give the same value',
  },

  // ---- inline/elementwise_loops.ts: the loops every elementwise family shares ----
  {
    file: 'inline/elementwise_loops.ts',
    find: 'vacc1 = vaccumulate(vaccumulate(vacc1, vf2), vf3);',
    replace: 'vacc1 = vaccumulate(vacc1, vf2);',
    description: 'elementwise sum, 16-wide body of the signed kinds (hinge embedding): the fourth vector lost',
    tests: MARGIN,
  },
  {
    file: 'inline/elementwise_loops.ts',
    find: 'return scalarSum<M>(m.narrowKind(kind), acc, i, n, p, t, param);',
    replace: 'return scalarSum<M>(m.narrowKind(kind), 0, i, n, p, t, param);',
    description: 'elementwise sum: the SIMD loops\' partial sum dropped when the scalar tail adds its elements',
    tests: REGRESSION,
  },
  {
    file: 'inline/elementwise_loops.ts',
    find: 'if (i < n) tailMap<M>(kind, i, n, p, t, out, param, s);',
    replace: 'if (i + 1 < n) tailMap<M>(kind, i, n, p, t, out, param, s);',
    description: 'elementwise map with an out-of-line tail (BCE, \'none\' reduction): a one-element tail left unwritten',
    tests: PROBABILITY,
  },
  {
    file: 'inline/elementwise_loops.ts',
    find: '    t += stride;\n',
    replace: '',
    description: 'elementwise rows kernel: the target pointer not advanced, every row read against the first row\'s targets',
    tests: REGRESSION,
  },
  {
    file: 'inline/elementwise_loops.ts',
    find: '    store<f32>(at(grad, i), m.dloss(kind, x, ti, param) * s);',
    replace: '    store<f32>(at(grad, i), m.dloss(kind, x, ti, param));',
    description: 'elementwise gradient, scalar loop (tails, scalar build): the scale (reduction, gradOutput) not applied',
    tests: REGRESSION,
  },
  {
    file: 'ctc.ts',
    find: 'return sizeof<E>() == 8 ? 2 : 1;',
    replace: 'return 1;',
    description: 'CTC lane-generic loops: one vector per block for f64 rows, so half of each f64 row is left uncomputed',
    tests: CTC,
  },
  {
    file: 'ctc.ts',
    find: 'const alm1 = v128.load(pl + o - sizeof<E>());',
    replace: 'const alm1 = v128.load(pl + o - 4);',
    description: 'CTC forward (SIMD): the previous state of an f64 row read half an element back',
    tests: CTC,
  },
  {
    file: 'inline/ptr.ts',
    find: 'return base + (<usize>(o * C * s + i) << 2);',
    replace: 'return base + (<usize>(o * C + i) << 2);',
    description: 'row ABI: the class stride left out of a row\'s slab offset (every row after the first slab misplaced when s != 1)',
    tests: CROSSENTROPY,
  },
  {
    file: 'cosine.ts',
    find: 'rowSumsFrom(c, cols, a, 1, b, 1, dot, sa, sb);',
    replace: 'rowSumsFrom(c, cols, a, 1, b, 1, 0, sa, sb);',
    description: 'cosine, contiguous rows: the SIMD loop\'s dot product dropped when a scalar tail follows',
    tests: MARGIN,
  },

  // ---- inline/hsum.ts ----
  {
    file: 'inline/hsum.ts',
    find: 'return f64x2.promote_low_f32x4(i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));',
    replace: 'return f64x2.promote_low_f32x4(i8x16.shuffle(v, v, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 12, 13, 14, 15));',
    description: 'vwiden_hi: lanes 1-2 widened instead of 2-3 (every f64 accumulation)',
    tests: [...REGRESSION, 'test/probability.tails.test.ts', 'test/margin.conformance.test.ts', 'test/crossentropy.rows.test.ts'],
  },

  // ---- inline/pminmax.ts ----
  {
    file: 'inline/pminmax.ts',
    find: 'return selectf(b, a, reinterpret<i32>(a) < reinterpret<i32>(b));',
    replace: 'return selectf(a, b, reinterpret<i32>(a) < reinterpret<i32>(b));',
    description: 'maxNonNegative returns the smaller value (mape\'s max(|t|, ε), one lane)',
    tests: REGRESSION,
  },
  {
    file: 'inline/pminmax.ts',
    find: 'return selectf(b, a, reinterpret<i32>(b) < reinterpret<i32>(a));',
    replace: 'return selectf(b, a, reinterpret<i32>(b) <= reinterpret<i32>(a));',
    description: 'minNonNegative: equal values take b',
    tests: REGRESSION,
    equivalent: 'equal bit patterns are the same float: taking b or a at a tie returns the same bits',
  },

  // ---- inline/sign.ts ----
  {
    file: 'inline/sign.ts',
    find: 'return <f32>(<i32>(x > 0) - <i32>(x < 0));',
    replace: 'return <f32>(<i32>(x >= 0) - <i32>(x < 0));',
    description: 'sign (one lane): sign(0) = 1, so mae and mape have a gradient at p = t',
    tests: REGRESSION,
  },
];
