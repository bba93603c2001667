// A part of the page's build (./parts.ts): the Gaussian negative log-likelihood's kernel (torch GaussianNLLLoss),
// over the core's imported memory.

export * from "./gaussian";

/** End of this part's static data, which its --memoryBase placed in its slot (./parts.ts). */
export function data_end(): usize {
  return __heap_base;
}
