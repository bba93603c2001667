// The testing builds' entry: the wasm ABI of fastloss (./index.ts) and the probe kernels of ./testing.ts, which
// the release builds leave out.

export * from "./index";
export * from "./testing";
