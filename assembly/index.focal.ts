// A part of the page's build (./parts.ts): the focal losses' kernels (binary focal cross-entropy, Keras and
// torchvision), over the core's imported memory.

export * from "./focal";

/** End of this part's static data, which its --memoryBase placed in its slot (./parts.ts). */
export function data_end(): usize {
  return __heap_base;
}
