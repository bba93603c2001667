// CTC loss (Graves, Fernández, Gomez, Schmidhuber 2006, "Connectionist Temporal Classification: Labelling
// Unsegmented Sequence Data with Recurrent Neural Networks", ICML; equation numbers below are that paper's).
// Semantics as PyTorch's CTCLoss (aten/src/ATen/native/LossCTC.cpp): docs/semantics.md §2 ctc.
//
// Notation. One sequence: T frames (its input length), log-probabilities lp[t, c], target l of length L, blank b.
// The paper's extended target l' (blanks around and between the labels) has S' = 2L + 1 states; the paper counts
// t and s from 1, this file from 0: state s = 2k is the blank before label k (k = 0..L), s = 2k + 1 is label l_k
// (k = 0..L-1). The two kinds are stored in separate rows ("de-interleaved"), indexed by k, so the recursions
// below are the same arithmetic for every k and vectorise four k at a time:
//
//   forward, eqs (6)-(7) (ᾱ_t(s) = α_{t-1}(s) + α_{t-1}(s-1), plus α_{t-1}(s-2) where l'_s ≠ b and
//   l'_{s-2} ≠ l'_s), with y_t(c) = exp(lp[t, c]):
//     A_t[k] = (A_{t-1}[k] + L_{t-1}[k-1]) · y_t(b)                                    blank states
//     L_t[k] = (L_{t-1}[k] + A_{t-1}[k] + skip[k]·L_{t-1}[k-1]) · y_t(l_k)             label states
//   with skip[k] = 1 when k > 0 and l_k ≠ l_{k-1}, else 0; initial values (the paper's α_1): A_0[0] = y_0(b), L_0[0] = y_0(l_0).
//   p(l|x) = A_{T-1}[L] + L_{T-1}[L-1], eq (8).
//
//   backward, eqs (9)-(11), kept without the emission at t (β̃_t(s) = β_t(s) / y_t(l'_s): then the state posterior
//   is α_t(s)·β̃_t(s), with no division by a y that may be 0):
//     with a_t[k] = y_t(b)·Ã_t[k], m_t[k] = y_t(l_k)·L̃_t[k]:
//     Ã_{t-1}[k] = a_t[k] + m_t[k]                      L̃_{t-1}[k] = m_t[k] + a_t[k+1] + skip[k+1]·m_t[k+1]
//   from Ã_{T-1}[L] = L̃_{T-1}[L-1] = 1.
//
//   gradient, eqs (14)-(16): α_t(s)β_t(s)/y_t(l'_s) = α_t(s)·β̃_t(s) sums, over the states of frame t, to p(l|x)
//   (every path is in exactly one state at each frame), so with Z_t = Σ_s α_t(s)β̃_t(s)
//     ∂(-ln p)/∂lp[t, c] = -Σ_{s: l'_s = c} α_t(s)β̃_t(s) / Z_t                        (the true gradient)
//   and PyTorch's backward (and warp-ctc) hand back the gradient wrt the logits before a log_softmax, eq (16)'s
//   form y_t(c) - Σ_{s: l'_s = c} α_t(s)β̃_t(s) / Z_t: the option `logits` adds y_t(c) = exp(lp[t, c]).
//
// Scaling (section 4.1's rescaling, eqs (12)-(13), with two changes). Probabilities are kept in f32, in range:
// (1) each frame's emissions are taken relative to the largest of them in the window, y_t(c) = exp(lp[t, c] - m_t)
// <= 1, and Σ_t m_t is added back to ln p; (2) instead of dividing by the exact sum C_t, each row is multiplied by the power
// of two 2^-e_t nearest below 1/C_t (folded into the next frame's multiplication): exact in binary floating
// point, and ln p = ln(Â_{T-1}[L] + L̂_{T-1}[L-1]) + ln 2 · Σ e_t + Σ m_t, summed in f64. Backward rows are
// rescaled the same way and the scale cancels in the per-frame Z_t.
//
// Range. An f32 row holds states within about 2^126 of its largest; a long sequence's forward mass can sit
// 2^-300 and more away from the states that finish (random T = 2000 inputs: the dominant posterior state's α is
// 2^-343 below its row's sum), and those states then flush to zero without any sum noticing. So the result is
// trusted only when every frame's Z_t = Σ_s α_t(s)β̃_t(s), from f64 products, is at least 2^-80, and every
// frame's sum at least 2^-60. Why 2^-80: row sums stay below 8 and emissions at most 1, so a value computed from
// a denormal (an emission or a state below 2^-126: the only inexact operands) is below 2^-121, and all such
// products add up to less than S'·2^-118 <= 2^-26·Z_t for S' < 2^12; and a state's whole influence on p passes
// through its α_t·β_t at the frame where it lost precision, which that frame's Z_t holds. The forward alone runs
// the backward sweep too, to check.
// A sequence that fails is redone with f64 rows (`wide`: f64x2, thresholds 2^-960 and 2^-500), and one that
// fails again (or holds NaN, -inf that blocks every path, ±inf) is computed by the facade in f64 log space
// (src/losses/ctc.ts). No path rounds a loss that the log-space one gets right.
//
// Windows. At frame t only states with s <= 2t + 1 are reachable from the start and only s >= S' - 2(T - t) can
// still reach the end: k in [max(0, L - T + t), min(L, t) + 1). Blocks of four k outside the window are neither
// computed nor read; one zero block on each side of the computed range stands for everything outside it.
//
// Memory (bytes from `work`, 16-byte aligned; rows of rw = 4·(ceil((L+1)/4) + 2) elements, f32 or f64: a zero
// block, the blocks of k, a zero block): skip row; blank emissions [T]; label emissions [T rows]; A and L rows
// [T rows each]; 6 rows for the backward sweep. `ctc_workspace_f32` gives the size; the facade allocates the
// largest over the batch once per call, from its heap, and frees it at the end of the call.
//
// Kernels (pointers in bytes; lp is [T, N, C] float32, labels int32 concatenated, offsets/labelLens/inputLens
// int32 [N], losses f64 [N] out, scales f32 [N] = d reduced / d loss_n, grad [T, N, C] float32 out):
//   ctc_workspace_f32(T, L, wide): f64                   bytes of workspace for one sequence
//   ctc_loss_f32(N, C, lp, labels, offsets, labelLens, inputLens, params, work, losses, wide)
//   ctc_grad_f32(T, N, C, lp, labels, offsets, labelLens, inputLens, params, work, losses, grad, scales, wide)
// params: the loss's parameter block (CtcParams below: blank, logits, zero_infinity).
// losses[n] = -ln p(l|x), +inf when no alignment exists (T < L + the number of adjacent equal labels), NaN when
// the sequence must be redone (above). With wide = 1 only the sequences whose losses[n] is NaN are computed.
// An input length of 0 gives 0 for an empty target and inf otherwise (torch 1.13 reads out of bounds there).

import { expf, vexp } from "./inline/exp";
import { exp64, log64 } from "./inline/f64math";
import { at } from "./inline/ptr";

const LN2: f64 = 0.6931471805599453;

// ---- element type E: f32 (the fast path) or f64 (the wide path, same code in one lane) ----

/** log2 of sizeof<E>(). */
// @ts-ignore: decorator
@inline function esh<E>(): usize {
  return sizeof<E>() == 8 ? 3 : 2;
}

/** The SIMD loops run for f32 rows in the SIMD build; everything else takes the one-lane loops. */
// @ts-ignore: decorator
@inline function vector<E>(): bool {
  return ASC_FEATURE_SIMD && sizeof<E>() == 4;
}

/** The f64 rows in the SIMD build: two lanes. */
// @ts-ignore: decorator
@inline function vector2<E>(): bool {
  return ASC_FEATURE_SIMD && sizeof<E>() == 8;
}

// Lane-generic vector operations: the recursion's SIMD loops are written once for both row types, four f32 or two
// f64 lanes per v128 (E a compile-time type: each folds to the one instruction of its lane type).

/** v128 vectors per block of four states: 1 for f32 rows, 2 for f64 rows (vector k of a row at (k + VB) << 4). */
// @ts-ignore: decorator
@inline function VB<E>(): i32 {
  return sizeof<E>() == 8 ? 2 : 1;
}

// @ts-ignore: decorator
@inline function vsplat<E>(x: E): v128 {
  return sizeof<E>() == 8 ? f64x2.splat(<f64>x) : f32x4.splat(<f32>x);
}

// @ts-ignore: decorator
@inline function vadd<E>(a: v128, b: v128): v128 {
  return sizeof<E>() == 8 ? f64x2.add(a, b) : f32x4.add(a, b);
}

// @ts-ignore: decorator
@inline function vmul<E>(a: v128, b: v128): v128 {
  return sizeof<E>() == 8 ? f64x2.mul(a, b) : f32x4.mul(a, b);
}

/** The lanes' sum, in lane order. */
// @ts-ignore: decorator
@inline function vhsum<E>(v: v128): E {
  if (sizeof<E>() == 8) return <E>(f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1));
  return <E>(f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** acc + a·b as f64x2, the products in f64 (f32 rows: all four lanes widened, dot4). */
// @ts-ignore: decorator
@inline function vdotAccumulate<E>(acc: v128, a: v128, b: v128): v128 {
  return f64x2.add(acc, sizeof<E>() == 8 ? f64x2.mul(a, b) : dot4(a, b));
}

/** The smallest per-frame sum accepted: 2^-60 (f32), 2^-500 (f64). */
// @ts-ignore: decorator
@inline function minSum<E>(): f64 {
  return sizeof<E>() == 8 ? reinterpret<f64>(<i64>(1023 - 500) << 52) : reinterpret<f64>(<i64>(1023 - 60) << 52);
}

/**
 * The smallest Z_t accepted: 2^-80 (f32), 2^-960 (f64): products involving a value derived from a denormal
 * (below 2^-126, 2^-1022) add up to less than 2^-26 of Z_t (see the header).
 */
// @ts-ignore: decorator
@inline function minZ<E>(): f64 {
  return sizeof<E>() == 8 ? reinterpret<f64>(<i64>(1023 - 960) << 52) : reinterpret<f64>(<i64>(1023 - 80) << 52);
}

/** The exponent e of a positive normal float x (2^e <= x < 2^(e+1)); garbage for 0, denormals, inf, NaN. */
// @ts-ignore: decorator
@inline function exponentOf(x: f32): i32 {
  return ((reinterpret<i32>(x) >>> 23) & 0xff) - 127;
}

/** 2^e as a float, for -126 <= e <= 127. */
// @ts-ignore: decorator
@inline function pow2(e: i32): f32 {
  return reinterpret<f32>((e + 127) << 23);
}

/** 2^-e for a sum s with 2^e <= s < 2^(e+1), and e. */
// @ts-ignore: decorator
@inline function exponentE<E>(s: E): i32 {
  if (sizeof<E>() == 8) return <i32>((reinterpret<i64>(<f64>s) >>> 52) & 0x7ff) - 1023;
  return exponentOf(<f32>s);
}

// @ts-ignore: decorator
@inline function pow2E<E>(e: i32): E {
  if (sizeof<E>() == 8) return <E>reinterpret<f64>(<i64>(e + 1023) << 52);
  return <E>pow2(e);
}


// @ts-ignore: decorator
@inline function atE<E>(base: usize, i: i32): usize {
  return base + (<usize>i << esh<E>());
}

/** Elements per row: a zero block, ceil((L + 1) / 4) blocks of k, a zero block. Element k is at index 4 + k. */
// @ts-ignore: decorator
@inline function rowWidth(L: i32): i32 {
  return (((L + 4) >> 2) + 2) << 2;
}

/** Bytes of workspace for one sequence of T frames and L labels (wide: f64 rows). */
export function ctc_workspace_f32(T: i32, L: i32, wide: i32): f64 {
  const rw = <f64>rowWidth(L);
  // the forward alone keeps its rows too: the backward sweep checks them (ctc_loss_f32)
  return (rw * (1 + 3 * <f64>T + 6) + <f64>((T + 3) & ~3)) * (wide ? 8 : 4);
}

/** Frames needed by a target: L, plus one blank between each pair of equal adjacent labels. */
function framesNeeded(lab: usize, L: i32): i32 {
  let need = L;
  for (let k = 1; k < L; k++) need += i32(load<i32>(at(lab, k)) == load<i32>(at(lab, k - 1)));
  return need;
}

/** Layout of one sequence's workspace. */
@unmanaged class Work {
  rw: i32; // elements per row
  rowBytes: usize;
  skip: usize;
  eb: usize; // blank emissions, one per frame
  el: usize; // label emission rows
  a: usize; // blank rows
  l: usize; // label rows
  back: usize; // 6 rows: Ã, L̃ (two each, alternating), a_t, m_t
}

// One static instance: the kernels never allocate.
const W = changetype<Work>(memory.data(offsetof<Work>(), 16));
let SHIFT: f64 = 0;
/** Four f32 lanes of scratch (the f64 path's gathered emissions). */
const SCRATCH: usize = memory.data(16, 16);

function layout<E>(work: usize, T: i32, L: i32, keep: bool, lab: usize): void {
  const rw = rowWidth(L);
  const rowBytes = <usize>rw << esh<E>();
  W.rw = rw;
  W.rowBytes = rowBytes;
  W.skip = work;
  W.eb = work + rowBytes;
  W.el = W.eb + (<usize>((T + 3) & ~3) << esh<E>());
  W.a = W.el + rowBytes * (keep ? <usize>T : 1);
  W.l = W.a + rowBytes * (keep ? <usize>T : 2);
  W.back = W.l + rowBytes * (keep ? <usize>T : 2);
  // skip[k] at index 4 + k; zero elsewhere (k = 0, k >= L, the pads)
  const skip = W.skip;
  for (let i = 0; i < rw; i++) store<E>(atE<E>(skip, i), 0);
  for (let k = 1; k < L; k++) {
    store<E>(atE<E>(skip, 4 + k), load<i32>(at(lab, k)) != load<i32>(at(lab, k - 1)) ? 1 : 0);
  }
}

// @ts-ignore: decorator
@inline function blockLo(L: i32, T: i32, t: i32): i32 {
  const k = L - T + t;
  return k > 0 ? k >> 2 : 0;
}

// @ts-ignore: decorator
@inline function blockHi(L: i32, t: i32): i32 {
  const k = t < L ? t + 1 : L + 1; // exclusive
  return (k + 3) >> 2;
}

/** Address of block b (b = -1 is the leading zero block) of a row. */
// @ts-ignore: decorator
@inline function blk<E>(row: usize, b: i32): usize {
  return row + (<usize>(b + 1) << (esh<E>() + 2));
}

// @ts-ignore: decorator
@inline function zeroBlock<E>(p: usize): void {
  if (vector<E>()) {
    v128.store(p, f32x4.splat(0));
  } else {
    store<E>(p, 0);
    store<E>(p + sizeof<E>(), 0);
    store<E>(p + 2 * sizeof<E>(), 0);
    store<E>(p + 3 * sizeof<E>(), 0);
  }
}

/**
 * Emissions of frame t relative to the largest of them in the window, y = exp(lp - m_t) <= 1: label k at erow
 * index 4 + k (0 for k >= L), the blank's returned, m_t added to SHIFT. Only blocks [blo, bhi) are computed;
 * the blocks beside them are zeroed. (y <= 1 keeps every value derived from a denormal below 2^-121, which the
 * Z_t check relies on.)
 */
// @ts-ignore: decorator
@inline function emissions<E>(frame: usize, lab: usize, L: i32, blank: i32, erow: usize, blo: i32, bhi: i32): E {
  const lb = load<f32>(at(frame, blank));
  const k0 = blo << 2;
  const k1 = bhi << 2;
  const kl = k1 < L ? k1 : L;
  let k = k0;
  let m = lb;
  if (vector<E>()) {
    for (; k < kl; k++) store<f32>(at(erow, 4 + k), load<f32>(at(frame, load<i32>(at(lab, k)))));
    for (; k < k1; k++) store<f32>(at(erow, 4 + k), -Infinity);
    let vmax = f32x4.splat(lb);
    for (let b = blo; b < bhi; b++) vmax = f32x4.pmax(vmax, v128.load(blk<f32>(erow, b)));
    m = Mathf.max(Mathf.max(f32x4.extract_lane(vmax, 0), f32x4.extract_lane(vmax, 1)), Mathf.max(f32x4.extract_lane(vmax, 2), f32x4.extract_lane(vmax, 3)));
    if (m - m != 0) m = 0; // ±inf or NaN: no shift (the sums then fail the range check, or carry the NaN)
    const vm = f32x4.splat(m);
    for (let b = blo; b < bhi; b++) {
      const p = blk<f32>(erow, b);
      v128.store(p, vexp(f32x4.sub(v128.load(p), vm)));
    }
  } else {
    for (let j = k0; j < kl; j++) {
      const v = load<f32>(at(frame, load<i32>(at(lab, j))));
      m = v > m ? v : m;
    }
    if (m - m != 0) m = 0;
    if (sizeof<E>() == 8) {
      const m64 = <f64>m;
      if (ASC_FEATURE_SIMD) {
        // f32 exp four at a time where the result is a normal f32 (lp - m >= -87), Math.exp below (f64's range)
        const vm = f32x4.splat(m);
        const lo = f32x4.splat(-87);
        for (let b = blo; b < bhi; b++) {
          for (let j = 0; j < 4; j++) {
            const kj = (b << 2) + j;
            store<f32>(SCRATCH + (<usize>j << 2), kj < L ? load<f32>(at(frame, load<i32>(at(lab, kj)))) : -Infinity);
          }
          const x = f32x4.sub(v128.load(SCRATCH), vm);
          const y = vexp(x);
          const p = blk<f64>(erow, b);
          v128.store(p, f64x2.promote_low_f32x4(y));
          v128.store(p, f64x2.promote_low_f32x4(i8x16.shuffle(y, y, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)), 16);
          if (v128.any_true(f32x4.lt(x, lo))) {
            for (let j = 0; j < 4; j++) {
              const xj = <f64>load<f32>(SCRATCH + (<usize>j << 2)) - m64;
              if (xj < -87) store<f64>(p + (<usize>j << 3), exp64(xj));
            }
          }
        }
      } else {
        for (; k < kl; k++) store<f64>(atE<f64>(erow, 4 + k), exp64(<f64>load<f32>(at(frame, load<i32>(at(lab, k)))) - m64));
        for (; k < k1; k++) store<f64>(atE<f64>(erow, 4 + k), 0);
      }
    } else {
      for (; k < kl; k++) store<f32>(at(erow, 4 + k), expf(load<f32>(at(frame, load<i32>(at(lab, k)))) - m));
      for (; k < k1; k++) store<f32>(at(erow, 4 + k), 0);
    }
  }
  SHIFT += <f64>m;
  zeroBlock<E>(blk<E>(erow, blo - 1));
  zeroBlock<E>(blk<E>(erow, bhi));
  if (sizeof<E>() == 8) return <E>exp64(<f64>lb - <f64>m);
  return <E>expf(lb - m);
}

/**
 * The forward pass of one sequence (T >= 1, feasible). `keep`: keep every row (for the gradient), else two.
 * Returns -ln p, or NaN when a frame's sum left the range (the caller goes wider). Not inlined: ctc_loss_f32 and
 * ctc_grad_f32 share one copy per element type (a call per sequence).
 */
function forward<E>(keep: bool, T: i32, L: i32, lpn: usize, frameBytes: usize, lab: usize, blank: i32): f64 {
  const rowBytes = W.rowBytes;
  const sh = esh<E>();
  SHIFT = 0;
  // t = 0: the paper's α_1
  let erow = W.el;
  let yb = emissions<E>(lpn, lab, L, blank, erow, 0, 1);
  if (keep) store<E>(W.eb, yb);
  let arow = W.a;
  let lrow = W.l;
  zeroBlock<E>(blk<E>(arow, -1));
  zeroBlock<E>(blk<E>(lrow, -1));
  zeroBlock<E>(blk<E>(arow, 0));
  zeroBlock<E>(blk<E>(lrow, 0));
  zeroBlock<E>(blk<E>(arow, 1));
  zeroBlock<E>(blk<E>(lrow, 1));
  store<E>(atE<E>(arow, 4), yb);
  const yl0 = load<E>(atE<E>(erow, 4));
  store<E>(atE<E>(lrow, 4), yl0);
  let sum: E = yb + yl0;
  if (!(<f64>sum >= minSum<E>() && <f64>sum < Infinity)) return NaN;
  let e = exponentE<E>(sum);
  let exps: i32 = 0;
  for (let t = 1; t < T; t++) {
    const blo = blockLo(L, T, t);
    const bhi = blockHi(L, t);
    if (keep) erow = W.el + rowBytes * <usize>t;
    yb = emissions<E>(lpn + frameBytes * <usize>t, lab, L, blank, erow, blo, bhi);
    if (keep) store<E>(atE<E>(W.eb, t), yb);
    // the previous row's scale 2^-e, folded in here
    const sc = pow2E<E>(-e);
    exps += e;
    const pa = arow;
    const pl = lrow;
    if (keep) {
      arow += rowBytes;
      lrow += rowBytes;
    } else {
      arow = t & 1 ? W.a + rowBytes : W.a;
      lrow = t & 1 ? W.l + rowBytes : W.l;
    }
    const skip = W.skip;
    const ybs: E = yb * sc;
    if (ASC_FEATURE_SIMD) {
      const vyb = vsplat<E>(ybs);
      const vsc = vsplat<E>(sc);
      let vsum = vsplat<E>(0);
      for (let v = blo * VB<E>(), v1 = bhi * VB<E>(); v < v1; v++) {
        const o = <usize>(v + VB<E>()) << 4;
        const ab = v128.load(pa + o);
        const al = v128.load(pl + o);
        const alm1 = v128.load(pl + o - sizeof<E>());
        const nb = vmul<E>(vadd<E>(ab, alm1), vyb);
        const nl = vmul<E>(
          vadd<E>(vadd<E>(al, ab), vmul<E>(alm1, v128.load(skip + o))),
          vmul<E>(v128.load(erow + o), vsc),
        );
        v128.store(arow + o, nb);
        v128.store(lrow + o, nl);
        vsum = vadd<E>(vsum, vadd<E>(nb, nl));
      }
      sum = vhsum<E>(vsum);
    } else {
      sum = 0;
      const k1 = bhi << 2;
      for (let k = blo << 2; k < k1; k++) {
        const o = <usize>(k + 4) << sh;
        const ab = load<E>(pa + o);
        const al = load<E>(pl + o);
        const alm1 = load<E>(pl + o - sizeof<E>());
        const nb: E = (ab + alm1) * ybs;
        const nl: E = (al + ab + alm1 * load<E>(skip + o)) * (load<E>(erow + o) * sc);
        store<E>(arow + o, nb);
        store<E>(lrow + o, nl);
        sum += nb + nl;
      }
    }
    zeroBlock<E>(blk<E>(arow, blo - 1));
    zeroBlock<E>(blk<E>(lrow, blo - 1));
    zeroBlock<E>(blk<E>(arow, bhi));
    zeroBlock<E>(blk<E>(lrow, bhi));
    if (!(<f64>sum >= minSum<E>() && <f64>sum < Infinity)) return NaN;
    e = exponentE<E>(sum);
  }
  // eq (8)
  let p = <f64>load<E>(atE<E>(arow, 4 + L));
  if (L > 0) p += <f64>load<E>(atE<E>(lrow, 3 + L));
  if (!(p > 0 && p < Infinity)) return NaN;
  return -(log64(p) + <f64>exps * LN2 + SHIFT);
}

/**
 * The loss's parameters (src/losses/ctc.ts packs them when the loss is bound, in this order, 4 bytes each): the
 * blank class; whether the gradient is torch's, with respect to the logits (1) or the exact one of the log
 * probabilities (0); zero_infinity (1: an impossible alignment's loss and gradient are 0).
 */
@unmanaged class CtcParams {
  blank: i32;
  logits: i32;
  zeroInfinity: i32;
}

/**
 * Forward values of every sequence. wide = 0: the f32 path, every sequence; wide = 1: the f64 path, only the
 * sequences whose losses[n] is NaN (those the f32 path handed back).
 */
export function ctc_loss_f32(N: i32, C: i32, lp: usize, labels: usize, offsets: usize, labelLens: usize, inputLens: usize, params: usize, work: usize, losses: usize, wide: i32): void {
  const blank = changetype<CtcParams>(params).blank;
  assert(N >= 0 && C > 0 && blank >= 0 && blank < C, "ctc_loss_f32: expected N >= 0, C > 0, 0 <= blank < C");
  const frameBytes = <usize>(N * C) << 2;
  for (let n = 0; n < N; n++) {
    const T = load<i32>(at(inputLens, n));
    const L = load<i32>(at(labelLens, n));
    const lab = at(labels, load<i32>(at(offsets, n)));
    const out = losses + (<usize>n << 3);
    if (wide) {
      const prior = load<f64>(out);
      if (prior == prior) continue;
    }
    if (T < framesNeeded(lab, L)) {
      store<f64>(out, Infinity);
      continue;
    }
    if (T == 0) {
      store<f64>(out, 0); // L = 0: the empty alignment, probability 1
      continue;
    }
    const lpn = lp + (<usize>(n * C) << 2);
    // The backward sweep without gradient rows checks Z_t at every frame: a forward whose needed states fell
    // below the range of its rows would otherwise give a too-large loss unnoticed.
    let loss: f64;
    if (wide) {
      layout<f64>(work, T, L, true, lab);
      loss = forward<f64>(true, T, L, lpn, frameBytes, lab, blank);
      if (loss == loss && !backwardWide(false, T, L, C, lpn, 0, frameBytes, lab, blank, 0, false)) loss = NaN;
    } else {
      layout<f32>(work, T, L, true, lab);
      loss = forward<f32>(true, T, L, lpn, frameBytes, lab, blank);
      if (loss == loss && !backward<f32>(false, T, L, C, lpn, 0, frameBytes, lab, blank, 0, false)) loss = NaN;
    }
    store<f64>(out, loss);
  }
}

/** Fills `count` floats at p with v. */
function fill(p: usize, count: i32, v: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vv = f32x4.splat(v);
    for (; i + 4 <= count; i += 4) v128.store(at(p, i), vv);
  }
  for (; i < count; i++) store<f32>(at(p, i), v);
}

/**
 * The four products a·b of two f32x4, summed in pairs as an f64x2: a posterior's factors may each be far below
 * their row's sum, and their product must not underflow.
 */
// @ts-ignore: decorator
@inline function dot4(a: v128, b: v128): v128 {
  const lo = f64x2.mul(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(b));
  const hi = f64x2.mul(
    f64x2.promote_low_f32x4(i8x16.shuffle(a, a, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)),
    f64x2.promote_low_f32x4(i8x16.shuffle(b, b, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)),
  );
  return f64x2.add(lo, hi);
}

/**
 * Backward pass and gradient rows of one sequence whose forward rows are kept. Returns false when a sum left
 * the range (the caller goes wider; the rows written so far are overwritten).
 */
// @ts-ignore: decorator
@inline function backward<E>(write: bool, T: i32, L: i32, C: i32, lpn: usize, gradn: usize, frameBytes: usize, lab: usize, blank: i32, scale: f32, logits: bool): bool {
  const rw = W.rw;
  const rowBytes = W.rowBytes;
  const sh = esh<E>();
  let ca = W.back; // Ã_t
  let cl = ca + rowBytes; // L̃_t
  let na = cl + rowBytes; // Ã_{t-1}
  let nl = na + rowBytes; // L̃_{t-1}
  const ta = nl + rowBytes; // a_t = y_t(b)·Ã_t
  const tl = ta + rowBytes; // m_t = y_t(l_k)·L̃_t
  const skip = W.skip;
  for (let i = 0; i < rw; i++) {
    store<E>(atE<E>(ca, i), 0);
    store<E>(atE<E>(cl, i), 0);
  }
  store<E>(atE<E>(ca, 4 + L), 1); // the paper's β_T, without the emission
  if (L > 0) store<E>(atE<E>(cl, 3 + L), 1);
  let sc: E = 1;
  for (let t = T - 1; t >= 0; t--) {
    const blo = blockLo(L, T, t);
    const bhi = blockHi(L, t);
    const arow = W.a + rowBytes * <usize>t;
    const lrow = W.l + rowBytes * <usize>t;
    // Z_t and the blank's share, in f64 (eq (14): Σ_s α_t(s)β̃_t(s) = p up to the scales)
    let zb: f64 = 0;
    let zl: f64 = 0;
    if (vector<E>() && !write) {
      // The check alone: f32 products suffice. Those that flush are each below 2^-126, so a sum of at least
      // 2^-74 here means Z_t >= 2^-80.
      let vz = f32x4.splat(0);
      for (let b = blo; b < bhi; b++) {
        const o = <usize>(b + 1) << 4;
        vz = f32x4.add(vz, f32x4.add(f32x4.mul(v128.load(arow + o), v128.load(ca + o)), f32x4.mul(v128.load(lrow + o), v128.load(cl + o))));
      }
      zb = <f64>vhsum<f32>(vz);
      if (!(zb >= reinterpret<f64>(<i64>(1023 - 74) << 52) && zb < Infinity)) return false;
    } else if (ASC_FEATURE_SIMD) {
      let vb = f64x2.splat(0);
      let vl = f64x2.splat(0);
      for (let v = blo * VB<E>(), v1 = bhi * VB<E>(); v < v1; v++) {
        const o = <usize>(v + VB<E>()) << 4;
        vb = vdotAccumulate<E>(vb, v128.load(arow + o), v128.load(ca + o));
        vl = vdotAccumulate<E>(vl, v128.load(lrow + o), v128.load(cl + o));
      }
      zb = vhsum<f64>(vb);
      zl = vhsum<f64>(vl);
    } else {
      const k1 = bhi << 2;
      for (let k = blo << 2; k < k1; k++) {
        const o = <usize>(k + 4) << sh;
        zb += <f64>load<E>(arow + o) * <f64>load<E>(ca + o);
        zl += <f64>load<E>(lrow + o) * <f64>load<E>(cl + o);
      }
    }
    const z = zb + zl;
    if (!(z >= minZ<E>() && z < Infinity)) return false;
    if (write) {
      const g = <f64>scale / z;
      // the gradient row of frame t: 0 or scale·y (the logits form), minus the posteriors, eq (16)
      const frame = lpn + frameBytes * <usize>t;
      const grow = gradn + frameBytes * <usize>t;
      if (logits) {
        let c = 0;
        if (ASC_FEATURE_SIMD) {
          const vs = f32x4.splat(scale);
          for (; c + 4 <= C; c += 4) v128.store(at(grow, c), f32x4.mul(vexp(v128.load(at(frame, c))), vs));
        }
        for (; c < C; c++) store<f32>(at(grow, c), expf(load<f32>(at(frame, c))) * scale);
      } else {
        fill(grow, C, 0);
      }
      store<f32>(at(grow, blank), load<f32>(at(grow, blank)) - <f32>(g * zb));
      const kEnd = (bhi << 2) < L ? bhi << 2 : L;
      for (let k = blo << 2; k < kEnd; k++) {
        const o = <usize>(k + 4) << sh;
        const q = at(grow, load<i32>(at(lab, k)));
        store<f32>(q, load<f32>(q) - <f32>(g * <f64>load<E>(lrow + o) * <f64>load<E>(cl + o)));
      }
    }
    if (t == 0) break;
    // a_t, m_t (with the previous rescale folded in), then Ã_{t-1}, L̃_{t-1}: eqs (10)-(11)
    const yb: E = load<E>(atE<E>(W.eb, t)) * sc;
    const erow = W.el + rowBytes * <usize>t;
    const blo2 = blockLo(L, T, t - 1);
    const bhi2 = blockHi(L, t - 1);
    let sum: E = 0;
    if (ASC_FEATURE_SIMD) {
      const vyb = vsplat<E>(yb);
      const vsc = vsplat<E>(sc);
      for (let v = blo * VB<E>(), v1 = bhi * VB<E>(); v < v1; v++) {
        const o = <usize>(v + VB<E>()) << 4;
        v128.store(ta + o, vmul<E>(v128.load(ca + o), vyb));
        v128.store(tl + o, vmul<E>(v128.load(cl + o), vmul<E>(v128.load(erow + o), vsc)));
      }
    } else {
      for (let k = blo << 2, k1 = bhi << 2; k < k1; k++) {
        const o = <usize>(k + 4) << sh;
        store<E>(ta + o, load<E>(ca + o) * yb);
        store<E>(tl + o, load<E>(cl + o) * (load<E>(erow + o) * sc));
      }
    }
    zeroBlock<E>(blk<E>(ta, blo - 1));
    zeroBlock<E>(blk<E>(tl, blo - 1));
    zeroBlock<E>(blk<E>(ta, bhi));
    zeroBlock<E>(blk<E>(tl, bhi));
    if (ASC_FEATURE_SIMD) {
      let vsum = vsplat<E>(0);
      for (let v = blo2 * VB<E>(), v1 = bhi2 * VB<E>(); v < v1; v++) {
        const o = <usize>(v + VB<E>()) << 4;
        const a0 = v128.load(ta + o);
        const m0 = v128.load(tl + o);
        const a1 = v128.load(ta + o + sizeof<E>());
        const m1 = v128.load(tl + o + sizeof<E>());
        const xa = vadd<E>(a0, m0);
        const xl = vadd<E>(vadd<E>(m0, a1), vmul<E>(v128.load(skip + o + sizeof<E>()), m1));
        v128.store(na + o, xa);
        v128.store(nl + o, xl);
        vsum = vadd<E>(vsum, vadd<E>(xa, xl));
      }
      sum = vhsum<E>(vsum);
    } else {
      const one = sizeof<E>();
      for (let k = blo2 << 2, k1 = bhi2 << 2; k < k1; k++) {
        const o = <usize>(k + 4) << sh;
        const m0 = load<E>(tl + o);
        const xa: E = load<E>(ta + o) + m0;
        const xl: E = m0 + load<E>(ta + o + one) + load<E>(skip + o + one) * load<E>(tl + o + one);
        store<E>(na + o, xa);
        store<E>(nl + o, xl);
        sum += xa + xl;
      }
    }
    if (!(<f64>sum >= minSum<E>() && <f64>sum < Infinity)) return false;
    sc = pow2E<E>(-exponentE<E>(sum));
    const sa = ca;
    const sl = cl;
    ca = na;
    cl = nl;
    na = sa;
    nl = sl;
  }
  return true;
}

/**
 * The f64 fallback's backward pass (rare: only sequences whose f32 sums left the range), one copy for
 * ctc_loss_f32 (write = false) and ctc_grad_f32 (write = true).
 */
function backwardWide(write: bool, T: i32, L: i32, C: i32, lpn: usize, gradn: usize, frameBytes: usize, lab: usize, blank: i32, scale: f32, logits: bool): bool {
  return backward<f64>(write, T, L, C, lpn, gradn, frameBytes, lab, blank, scale, logits);
}

/** Values and gradient rows of every sequence; `wide` as for ctc_loss_f32. */
export function ctc_grad_f32(
  T: i32, N: i32, C: i32, lp: usize, labels: usize, offsets: usize, labelLens: usize, inputLens: usize, params: usize,
  work: usize, losses: usize, grad: usize, scales: usize, wide: i32,
): void {
  const k = changetype<CtcParams>(params);
  const blank = k.blank;
  const logits = k.logits;
  const zeroInf = k.zeroInfinity;
  assert(T >= 0 && N >= 0 && C > 0 && blank >= 0 && blank < C, "ctc_grad_f32: expected T, N >= 0, C > 0, 0 <= blank < C");
  const frameBytes = <usize>(N * C) << 2;
  for (let n = 0; n < N; n++) {
    const Tn = load<i32>(at(inputLens, n));
    assert(Tn >= 0 && Tn <= T, "ctc_grad_f32: expected 0 <= inputLens[n] <= T");
    const L = load<i32>(at(labelLens, n));
    const lab = at(labels, load<i32>(at(offsets, n)));
    const out = losses + (<usize>n << 3);
    if (wide) {
      const prior = load<f64>(out);
      if (prior == prior) continue;
    }
    const lpn = lp + (<usize>(n * C) << 2);
    const gradn = grad + (<usize>(n * C) << 2);
    // frames past the input length: zero gradient
    for (let t = Tn; t < T; t++) fill(gradn + frameBytes * <usize>t, C, 0);
    if (Tn < framesNeeded(lab, L)) {
      store<f64>(out, Infinity);
      // no alignment: torch's backward gives NaN on the valid frames (0 · ∞), zero_infinity gives 0
      for (let t = 0; t < Tn; t++) fill(gradn + frameBytes * <usize>t, C, zeroInf ? 0 : NaN);
      continue;
    }
    if (Tn == 0) {
      store<f64>(out, 0);
      continue;
    }
    const scale = load<f32>(at(scales, n));
    let loss: f64;
    if (wide) {
      layout<f64>(work, Tn, L, true, lab);
      loss = forward<f64>(true, Tn, L, lpn, frameBytes, lab, blank);
      if (loss == loss && !backwardWide(true, Tn, L, C, lpn, gradn, frameBytes, lab, blank, scale, logits != 0)) loss = NaN;
    } else {
      layout<f32>(work, Tn, L, true, lab);
      loss = forward<f32>(true, Tn, L, lpn, frameBytes, lab, blank);
      if (loss == loss && !backward<f32>(true, Tn, L, C, lpn, gradn, frameBytes, lab, blank, scale, logits != 0)) loss = NaN;
    }
    store<f64>(out, loss);
  }
}
