// The page's core build: the kernels a page loads with its first loadLosses() (regression, probabilities,
// cross-entropy), and a heap that starts past the static data of the parts it may load later (./parts.ts).

import { PART_DATA_END } from "./parts";

export * from "./regression";
export * from "./reduce";
export * from "./convert";
export * from "./crossentropy";
export * from "./probability";

/** First byte the facade's allocator owns: past this module's static data and the parts' slots. */
export function heap_base(): usize {
  return max<usize>(__heap_base, PART_DATA_END);
}

/** End of this module's own static data (the build checks that it ends below the parts' slots). */
export function data_end(): usize {
  return __heap_base;
}
