// A part of the page's build (./parts.ts): the margin and ranking kernels (hinge, squared hinge, hinge embedding,
// categorical hinge, margin ranking, BPR, pairwise hinge), over the core's imported memory.

export * from "./margin";
export * from "./ranking";

/** End of this part's static data, which its --memoryBase placed in its slot (./parts.ts). */
export function data_end(): usize {
  return __heap_base;
}
