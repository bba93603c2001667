// A part of the page's build (./parts.ts): the overlap losses' kernels (Keras Dice and Tversky), over the core's
// imported memory.

export * from "./overlap";

/** End of this part's static data, which its --memoryBase placed in its slot (./parts.ts). */
export function data_end(): usize {
  return __heap_base;
}
