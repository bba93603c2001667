/**
 * Streaming evaluation: `loss.accumulator()` takes a tensor in batches (slices along axis 0) and returns what the
 * loss returns on their concatenation, to 1e-6. A scalar reduction keeps two f64 numbers (Σ and the mean's
 * divisor, from each family's StreamHook: src/losses/definition.ts), so memory does not grow with the data;
 * reduction 'none' concatenates the batches' values, so it keeps them all (mode 'concatenate').
 */

import { LossError } from './errors.js';
import type { Framework } from './frameworks.js';
import { refuseCallOptions, type BatchStats, type BoundLoss, type Inputs, type StreamReducer } from './losses/definition.js';
import { shapeString, type OutputTensor } from './tensor.js';
import type { Accumulator } from './types.js';

export function createAccumulator(bound: BoundLoss, loss: string, framework: Framework, reduction: unknown): Accumulator {
  const where = `${loss} (${framework})`;
  const concatenate = reduction === 'none';
  const hook = bound.stream;
  let reducer: StreamReducer = hook.reducer();
  let sum = 0;
  let count = 0;
  let batches = 0;
  let item: readonly number[] | null = null;
  let parts: OutputTensor[] = [];

  function checkItem(shape: readonly number[], what: string): void {
    if (item === null) item = [...shape];
    else if (shape.length !== item.length || shape.some((d, i) => d !== item![i])) {
      throw new LossError({
        code: 'SHAPE_MISMATCH',
        loss: where,
        argument: `batch ${batches} (${what})`,
        expected: `items of shape ${shapeString(item)} along axis 0, as the first batch`,
        received: `items of shape ${shapeString(shape)}`,
      });
    }
  }

  const acc: Accumulator = {
    update(batch: Inputs, extra?: unknown) {
      if (extra !== undefined) throw refuseCallOptions(where, extra);
      if (concatenate) {
        const out = reducer.values?.(batch) ?? bound.forward(batch);
        if (typeof out === 'number') throw new Error(`${where}: reduction 'none' returned a number`); // unreachable
        if (out.shape.length === 0 && hook.stacksScalars !== true) {
          throw new LossError({
            code: 'SHAPE_MISMATCH',
            loss: where,
            argument: `batch ${batches}`,
            expected: "inputs with a batch axis (this call's 'none' value has shape [], a reduction over the whole batch, which does not concatenate)",
            received: 'a value of shape []',
          });
        }
        checkItem(out.shape.slice(1), 'its values');
        parts.push({ data: out.data.slice(), shape: [...out.shape] }); // a copy: the caller may reuse the arrays it gave
      } else {
        const stats: BatchStats = reducer.update(batch);
        checkItem(stats.item, 'its inputs');
        sum += stats.sum;
        count += stats.count;
      }
      batches++;
      return acc;
    },
    result() {
      if (concatenate) {
        let rows = 0;
        let size = 0;
        for (const p of parts) {
          rows += p.shape.length === 0 ? 1 : p.shape[0]!;
          size += p.data.length;
        }
        const data = new Float32Array(size);
        let at = 0;
        for (const p of parts) {
          data.set(p.data, at);
          at += p.data.length;
        }
        return { data, shape: [rows, ...(item ?? [])] };
      }
      const custom = reducer.result;
      if (custom !== undefined) return custom(sum, count);
      if (reduction === 'sum') return sum;
      if (count === 0) return framework === 'tensorflow' ? 0 : NaN;
      return sum / count;
    },
    reset() {
      reducer = hook.reducer();
      sum = 0;
      count = 0;
      batches = 0;
      item = null;
      parts = [];
    },
    get batches() {
      return batches;
    },
    mode: concatenate ? 'concatenate' : 'reduce',
  };
  return acc;
}
