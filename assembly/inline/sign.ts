// sign(x) with the convention of torch.sign in 1.13 (checked: sign(NaN) = 0, sign(±0) = 0): it is the
// derivative autograd gives |x|, so the MAE/MAPE gradients match PyTorch, NaN inputs included.

// @ts-ignore: decorator
@inline export function vsign(vx: v128): v128 {
  const vone = f32x4.splat(1);
  // (x > 0) - (x < 0): each comparison is an all-ones lane mask; and-ing with 1.0 keeps 1.0 or 0.0.
  return f32x4.sub(v128.and(f32x4.gt(vx, f32x4.splat(0)), vone), v128.and(f32x4.lt(vx, f32x4.splat(0)), vone));
}

// @ts-ignore: decorator
@inline export function sign(x: f32): f32 {
  return <f32>(<i32>(x > 0) - <i32>(x < 0));
}
