/**
 * The command's progress bar (src/cli/eval.ts), on a fake terminal and a fake clock: drawn at the first step
 * however soon that comes, then at most every 100 ms, erased at the end; nothing on a pipe.
 */

import { describe, expect, it } from 'vitest';
import { Progress } from '../src/cli/eval.js';

function terminal(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (t: string) => writes.push(t) };
}

describe('Progress', () => {
  it('draws at the first step, even 1 ms after it was made, 51 ms into the process (a fast run still shows its bar)', () => {
    let t = 50; // performance.now() counts from the process's start
    const out = terminal(true);
    const bar = new Progress(200e6, out, () => t);
    t += 1;
    bar.advance(0.5);
    expect(out.writes).toEqual([`\r[${'#'.repeat(15)}${'.'.repeat(15)}]  50%  100000 MB/s `]);
  });

  it('redraws at most every 100 ms, with the fraction and rate of the moment, and erases itself at the end', () => {
    let t = 0;
    const out = terminal(true);
    const bar = new Progress(100e6, out, () => t);
    t = 10;
    bar.advance(0.1); // drawn
    t = 60;
    bar.advance(0.1); // 50 ms later: not drawn
    t = 109;
    bar.advance(0.1); // 99 ms after the first: not drawn
    t = 110;
    bar.advance(0.2); // 100 ms: drawn, 50% of 100 MB in 0.11 s
    expect(out.writes).toEqual([`\r[###${'.'.repeat(27)}]  10%  1000 MB/s `, `\r[${'#'.repeat(15)}${'.'.repeat(15)}]  50%  455 MB/s `]);
    bar.done();
    expect(out.writes.at(-1)).toBe('\r' + ' '.repeat(60) + '\r');
  });

  it('never passes 100%', () => {
    let t = 0;
    const out = terminal(true);
    const bar = new Progress(1, out, () => t);
    t = 1000;
    bar.advance(0.7);
    t = 2000;
    bar.advance(0.7);
    expect(out.writes.at(-1)).toMatch(/^\r\[#{30}\] 100% /);
  });

  it('writes nothing when the stream is not a terminal, not even the erasing line', () => {
    const out = terminal(false);
    const bar = new Progress(1e6, out, () => 5000);
    bar.advance(0.5);
    bar.advance(0.5);
    bar.done();
    expect(out.writes).toEqual([]);
  });
});
