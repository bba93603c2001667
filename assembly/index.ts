// The wasm ABI of fastloss: pointer-and-count functions only. This file only re-exports; each family's
// kernels live in the file named after its math.

export * from "./regression";
export * from "./reduce";
export * from "./convert";
export * from "./ctc";
export * from "./crossentropy";
export * from "./probability";
export * from "./margin";
export * from "./ranking";
export * from "./cosine";
export * from "./focal";
export * from "./overlap";
export * from "./gaussian";

/** First byte past the module's static data: the facade's allocator owns memory from here on. */
export function heap_base(): usize {
  return __heap_base;
}
