/**
 * The facade's allocator for wasm memory. The kernels are built with AssemblyScript's stub runtime and never
 * allocate; everything above the module's static data belongs to this first-fit free list: the scratch
 * region (allocated once) and the tensors made by `fl.tensor()`. Blocks are 16-byte aligned (one v128), freed
 * blocks coalesce with their neighbours, and the memory grows by whole pages only when no free block fits.
 */

const ALIGN = 16;
const PAGE = 65536;
/** 1 MiB: the smallest growth step. */
const MIN_GROWTH_PAGES = 16;

interface Block {
  start: number;
  size: number;
}

export class Heap {
  /** Free blocks, sorted by start, never adjacent (they are merged). */
  private readonly freeBlocks: Block[] = [];
  /** Allocated blocks: start -> size in bytes. */
  private readonly used = new Map<number, number>();

  constructor(
    private readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    const start = alignUp(base);
    const end = memory.buffer.byteLength;
    if (end > start) this.freeBlocks.push({ start, size: end - start });
    this.top = Math.max(start, end);
  }

  /** Called after the memory grew (the runtime drops its views: a shared memory's do not detach). */
  onGrow: () => void = () => {};

  /** End of the region this heap manages (= the memory's size once anything was allocated). */
  private top: number;

  /** Returns the byte offset of a new block of at least `bytes` bytes (16-byte aligned). */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, alignUp(bytes));
    let index = this.freeBlocks.findIndex((b) => b.size >= size);
    if (index < 0) index = this.growFor(size);
    const block = this.freeBlocks[index]!;
    const start = block.start;
    if (block.size === size) this.freeBlocks.splice(index, 1);
    else {
      block.start += size;
      block.size -= size;
    }
    this.used.set(start, size);
    return start;
  }

  /** Returns a block to the free list; freeing an unknown pointer is a programming error here. */
  free(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`fastloss heap: free(${ptr}) of a block that is not allocated`);
    this.used.delete(ptr);
    this.insertFree({ start: ptr, size });
  }

  /** Bytes currently allocated (for tests and diagnostics). */
  get allocatedBytes(): number {
    let total = 0;
    for (const size of this.used.values()) total += size;
    return total;
  }

  private insertFree(block: Block): void {
    const blocks = this.freeBlocks;
    let i = 0;
    while (i < blocks.length && blocks[i]!.start < block.start) i++;
    blocks.splice(i, 0, block);
    // Merge with the next block, then with the previous one.
    const next = blocks[i + 1];
    if (next !== undefined && block.start + block.size === next.start) {
      block.size += next.size;
      blocks.splice(i + 1, 1);
    }
    const prev = blocks[i - 1];
    if (prev !== undefined && prev.start + prev.size === block.start) {
      prev.size += block.size;
      blocks.splice(i, 1);
    }
  }

  /**
   * Whether `buffer` was this memory's buffer before it grew: growth detaches it, and every view of it reads
   * as empty (length 0) from then on. The facade turns such a view into a LossError instead of an empty input.
   */
  wasDetached(buffer: ArrayBufferLike): boolean {
    return this.detached.has(buffer);
  }

  private readonly detached = new WeakSet<ArrayBufferLike>();

  /**
   * Grows the memory so that a block of `size` fits at the end; returns that free block's index. Growth is
   * geometric (at least half the current size, and 1 MiB), so that it is rare: every growth detaches the views a
   * caller may hold (tensor.data stays valid, a saved copy of it does not).
   */
  private growFor(size: number): number {
    const last = this.freeBlocks[this.freeBlocks.length - 1];
    const tailFree = last !== undefined && last.start + last.size === this.top ? last.size : 0;
    const needed = Math.ceil((size - tailFree) / PAGE);
    const oldBytes = this.memory.buffer.byteLength;
    const step = Math.max(needed, MIN_GROWTH_PAGES, Math.ceil(oldBytes / PAGE / 2));
    const buffer = this.memory.buffer;
    try {
      this.memory.grow(step);
    } catch (e) {
      if (!(e instanceof RangeError) || step === needed) throw e;
      this.memory.grow(needed); // near the engine's limit (4 GiB for wasm32): only what is needed; RangeError past it
    }
    this.detached.add(buffer); // only a growth that happened detaches (a failed one leaves the buffer as it was)
    const newBytes = this.memory.buffer.byteLength;
    this.insertFree({ start: oldBytes, size: newBytes - oldBytes });
    this.top = newBytes;
    this.onGrow();
    return this.freeBlocks.length - 1;
  }
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
