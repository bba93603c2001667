/**
 * The wasm-memory allocator (src/heap.ts) against a plain model: random sequences of alloc and free (fast-check)
 * never hand out overlapping, misaligned or out-of-memory blocks, reuse freed space first-fit before growing,
 * coalesce freed neighbours (after freeing everything, one block as large as all the memory above the base fits
 * without growth), grow geometrically (at least half the memory and 1 MiB, whole pages) and mark the buffer a
 * growth detached; counts only a free block at the end as room when it grows; near the memory's limit grows by what
 * is needed (RangeError past it); freeing an unknown pointer is an error.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Heap } from '../src/heap.js';

const PAGE = 65536;

function fresh(pages = 1, base = 100) {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: 65536 });
  return { memory, heap: new Heap(memory, base) };
}

describe('heap', () => {
  it('blocks are 16-byte aligned, at least 16 bytes, above the aligned base, inside memory, and never overlap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ alloc: fc.integer({ min: 0, max: 200_000 }) }), fc.record({ free: fc.nat() })), { maxLength: 60 }),
        (ops) => {
          const { memory, heap } = fresh();
          const live = new Map<number, number>(); // start -> requested bytes
          for (const op of ops) {
            if ('alloc' in op) {
              const p = heap.alloc(op.alloc);
              expect(p % 16).toBe(0);
              expect(p).toBeGreaterThanOrEqual(112); // alignUp(100)
              const size = Math.max(16, Math.ceil(op.alloc / 16) * 16);
              expect(p + size).toBeLessThanOrEqual(memory.buffer.byteLength);
              for (const [q, n] of live) {
                const qs = Math.max(16, Math.ceil(n / 16) * 16);
                expect(p + size <= q || q + qs <= p, `block [${p}, ${p + size}) overlaps [${q}, ${q + qs})`).toBe(true);
              }
              live.set(p, op.alloc);
            } else if (live.size > 0) {
              const starts = [...live.keys()];
              const p = starts[op.free % starts.length]!;
              heap.free(p);
              live.delete(p);
            }
            const expected = [...live.values()].reduce((s, n) => s + Math.max(16, Math.ceil(n / 16) * 16), 0);
            expect(heap.allocatedBytes).toBe(expected);
          }
          // free everything: the free list coalesces into one block, so all the memory above the base fits again
          for (const p of live.keys()) heap.free(p);
          expect(heap.allocatedBytes).toBe(0);
          const bytes = memory.buffer.byteLength;
          const p = heap.alloc(bytes - 112);
          expect(p).toBe(112);
          expect(memory.buffer.byteLength, 'no growth after freeing everything').toBe(bytes);
        },
      ),
      { numRuns: 200, seed: 20261130 },
    );
  });

  it('reuses a freed block first-fit before growing, and merges it with both neighbours', () => {
    const { memory, heap } = fresh(4, 0);
    const a = heap.alloc(1000);
    const b = heap.alloc(2000);
    const c = heap.alloc(3000);
    const d = heap.alloc(16);
    expect([a, b, c]).toEqual([0, 1008, 3008]);
    heap.free(b);
    expect(heap.alloc(1500)).toBe(b); // first fit: b's place, not the end
    heap.free(b);
    heap.free(a);
    heap.free(c);
    // a, b and c merged into one 6016-byte block at 0
    expect(heap.alloc(6016)).toBe(0);
    expect(heap.alloc(16)).toBe(d + 16);
    expect(memory.buffer.byteLength).toBe(4 * PAGE);
  });

  it('merges a freed block with the previous one only when they touch', () => {
    const { heap } = fresh(1, 0);
    const a = heap.alloc(32);
    const b = heap.alloc(32);
    const c = heap.alloc(32);
    heap.alloc(32);
    heap.free(a);
    heap.free(c); // a and c do not touch (b is between them)
    expect(heap.alloc(64)).toBe(4 * 32); // neither a nor c holds 64 bytes: after the last block
    heap.free(b); // now a, b, c are one 96-byte block
    expect(heap.alloc(96)).toBe(a);
  });

  it('grows by at least half the memory and 1 MiB, in whole pages, and marks the old buffer detached', () => {
    const { memory, heap } = fresh(40, 0); // 2.5 MiB
    const before = memory.buffer;
    heap.alloc(40 * PAGE - 16);
    expect(heap.wasDetached(before)).toBe(false);
    const p = heap.alloc(100);
    expect(p).toBe(40 * PAGE - 16); // the 16 free bytes at the end merged with the new pages
    expect(memory.buffer.byteLength).toBe(60 * PAGE); // max(1 page needed, 16 pages, 40 / 2 = 20 pages)
    expect(heap.wasDetached(before)).toBe(true);
    expect(heap.wasDetached(memory.buffer)).toBe(false);
    // a small memory grows by 1 MiB at least
    const small = fresh(1, 0);
    small.heap.alloc(PAGE);
    small.heap.alloc(16);
    expect(small.memory.buffer.byteLength).toBe(17 * PAGE);
    // a request larger than the step grows by what it needs (the free tail counts)
    const big = fresh(2, 0);
    big.heap.alloc(PAGE); // one page left free at the end
    big.heap.alloc(40 * PAGE);
    expect(big.memory.buffer.byteLength).toBe(2 * PAGE + 39 * PAGE);
  });

  it('counts only a free block that touches the end as room when it grows', () => {
    const { memory, heap } = fresh(2, 0);
    const a = heap.alloc(PAGE);
    heap.alloc(PAGE); // memory full
    heap.free(a); // a free page, but not at the end
    const p = heap.alloc(40 * PAGE);
    expect(p).toBe(2 * PAGE);
    expect(p + 40 * PAGE).toBeLessThanOrEqual(memory.buffer.byteLength);
    expect(heap.alloc(PAGE)).toBe(0); // the interior page is still there, first fit
  });

  it('near the memory limit grows by what is needed when the geometric step does not fit, and reports what does not', () => {
    const memory = new WebAssembly.Memory({ initial: 10, maximum: 12 });
    const heap = new Heap(memory, 0);
    heap.alloc(10 * PAGE);
    expect(heap.alloc(100)).toBe(10 * PAGE); // the step (16 pages) exceeds the maximum: one page instead
    expect(memory.buffer.byteLength).toBe(11 * PAGE);
    const buffer = memory.buffer;
    expect(() => heap.alloc(2 * PAGE)).toThrow(RangeError); // 2 more pages do not fit under the maximum of 12
    expect(memory.buffer).toBe(buffer);
    expect(heap.wasDetached(buffer), 'a growth that failed detached nothing').toBe(false);
    expect(heap.alloc(PAGE - 112)).toBe(10 * PAGE + 112); // and the heap is still usable
  });

  it('freeing an unknown or already freed pointer throws', () => {
    const { heap } = fresh();
    const p = heap.alloc(64);
    expect(() => heap.free(p + 16)).toThrow(/not allocated/);
    heap.free(p);
    expect(() => heap.free(p)).toThrow(/not allocated/);
  });
});
