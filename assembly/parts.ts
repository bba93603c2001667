// The kernels of a page, in parts (the browser bundle only; Node loads ./index.ts, every kernel in one module).
// A page downloads ./index.core.ts's build with its first loadLosses(), and the build of a part
// (./index.<part>.ts: margin, cosine, ctc, focal, overlap, gaussian) when it loads a loss of that part (fl.load). A part is a module of its
// own that imports the core's memory (env.memory) and computes on pointers the facade gives it, as the core does;
// what it may not share is the core's static data (the constant tables of ./inline/f64math.ts and
// ./inline/softplus.ts, CTC's workspace record): asc lays a module's static data from its --memoryBase on, so each
// part is built with its own base below (scripts/build.mjs reads these constants), and the core's heap_base()
// starts the facade's heap past them all. The build checks that each part's data fits its slot and that the
// core's own ends below the first; the facade checks a part's data_end() against the core's heap_base() when it
// instantiates it.

/** Where the parts' static data begins: the core's own (about 1.9 KB from 1024) must end below it. */
export const PART_DATA_START: usize = 8192;
/** Bytes of static data each part may have (its slot). */
export const PART_DATA_SLOT: usize = 2048;
/** The slots, in this order, from PART_DATA_START on. */
// (src/lazy-parts.ts LAZY_PARTS: margin, cosine, ctc, focal, overlap, gaussian)
/** The end of the region: room for twelve parts. The facade's heap starts here in the page's core build. */
export const PART_DATA_END: usize = 32768;
