// One suite of `npm run bench` in a process of its own: node bench/suite-child.mjs <name> <out.json> [--quick].
// bench/run.mjs starts one per suite, so that no suite is timed in a heap that an earlier one filled (measured:
// the 64-element input-form calls ran 1.5-2x slower after the 16M-element core run in the same process). The
// suite's progress goes to stderr; its { markdown, targets } is written to out.json.
import { writeFileSync } from 'node:fs';

const [name, out] = process.argv.slice(2);
const suite = await import(`./${name}.mjs`);
const result = await suite.runSuite({ quick: process.argv.includes('--quick'), log: (m) => process.stderr.write(`${m}\n`) });
writeFileSync(out, JSON.stringify({ markdown: result.markdown, targets: result.targets }));
