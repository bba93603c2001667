/**
 * Blocks of a layout [O, R, I] (O·I groups of R elements at stride I: o·R·I + r·I + i) that a range of its
 * elements covers: how the engines whose kernels take such blocks (src/losses/overlap.part.ts: Dice's groups of
 * reduced elements; src/losses/gaussian.part.ts: the elements that share a variance) cut a call at the tiling
 * driver's tile edges, which fall anywhere in a row.
 */

/**
 * Calls `visit(O', R', I', offset, group)` for each block [O', R', I'] of the contiguous elements [e0, e1) of a
 * layout [O, R, I]: a partial row, the rest of a slab's rows, whole slabs, a slab's first rows, a partial row (at
 * most five, for a tile that starts and ends mid-row). `offset` is the block's first element relative to e0,
 * `group` its first group (o·I + i).
 */
export function forBlocksOf(O: number, R: number, I: number, e0: number, e1: number, visit: (o: number, r: number, i: number, offset: number, group: number) => void): void {
  const slab = R * I;
  let e = e0;
  const partialRow = () => {
    const o = Math.floor(e / slab);
    const i = e % I;
    const n = Math.min(I - i, e1 - e);
    visit(1, 1, n, e - e0, o * I + i);
    e += n;
  };
  if (e < e1 && e % I !== 0) partialRow();
  if (e < e1 && e % slab !== 0 && e1 - e >= I) {
    const o = Math.floor(e / slab);
    const rows = Math.min(R - (e % slab) / I, Math.floor((e1 - e) / I));
    visit(1, rows, I, e - e0, o * I);
    e += rows * I;
  }
  if (e1 - e >= slab && slab > 0) {
    const slabs = Math.floor((e1 - e) / slab);
    visit(slabs, R, I, e - e0, (e / slab) * I);
    e += slabs * slab;
  }
  if (e1 - e >= I) {
    const rows = Math.floor((e1 - e) / I);
    visit(1, rows, I, e - e0, Math.floor(e / slab) * I);
    e += rows * I;
  }
  if (e < e1) partialRow();
}

