// The row ABI (src/engines/rows.ts runs it): every row kernel is exported as `name(frame: usize, params: usize) -> f64`,
// with two blocks of 4-byte fields in wasm memory, read here and nowhere else:
//
// - the frame, written by the engine for each tile: the tile's [outer, C, inner] geometry and its operands (byte
//   offsets, 0 when absent, each wide operand with its class stride in elements: element (o, c, i) of an operand at
//   o·C·s + c·s + i), the per-row values `out`, the per-row factors `rowScale`, the class `weights`, the gradient's
//   `scale`, and a per-row float operand `rowLabels`;
// - the loss's parameters, packed once when the loss is bound and placed before each call: p0 and p1 (what they
//   mean is each kernel's: label smoothing, Σ class weights, a margin) and the ignored label.
//
// The kernels' bodies take these as arguments (`RowKernel`); `runRowKernel` unpacks the blocks for them, and after
// inlining the indirect call of a constant function is a direct one (Binaryen's directize).

/** Field order = src/engines/rows.ts FRAME (byte offset 4·index). */
@unmanaged export class RowFrame {
  outer: i32;
  classes: i32;
  inner: i32;
  pred: usize;
  predStride: i32;
  target: usize;
  targetStride: i32;
  grad: usize;
  gradStride: i32;
  gradTarget: usize;
  gradTargetStride: i32;
  out: usize;
  rowScale: usize;
  weights: usize;
  scale: f32;
  rowLabels: usize;
}

/** Field order = src/engines/rows.ts rowParams (byte offset 4·index). */
@unmanaged export class RowParams {
  p0: f32;
  p1: f32;
  ignore: i32;
}

/** A row kernel's body, with the blocks' fields as arguments (rowLabels last: only the kernels that read it use it). */
export type RowKernel = (
  outer: i32, C: i32, inner: i32, pred: usize, ps: i32, target: usize, ts: i32, grad: usize, gs: i32, gradTarget: usize, gts: i32,
  out: usize, rowScale: usize, weights: usize, scale: f32, p0: f32, p1: f32, ignore: i32, rowLabels: usize,
) => f64;

/** Runs `kernel` on the frame and parameters at `frame` and `params`. */
// @ts-ignore: decorator
@inline export function runRowKernel(kernel: RowKernel, frame: usize, params: usize): f64 {
  const f = changetype<RowFrame>(frame);
  const k = changetype<RowParams>(params);
  return kernel(
    f.outer, f.classes, f.inner, f.pred, f.predStride, f.target, f.targetStride, f.grad, f.gradStride, f.gradTarget, f.gradTargetStride,
    f.out, f.rowScale, f.weights, f.scale, k.p0, k.p1, k.ignore, f.rowLabels,
  );
}
