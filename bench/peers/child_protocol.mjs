// The JSON-lines protocol of the bench's Node child peers (ONNX Runtime's, the plain-JS loops'), the one
// bench/peers/torch_peer.py speaks for PyTorch: the child first writes a hello line ({ ok: true, ... } or
// { ok: false, error }), then answers each request line with { ok: true, ...answer } or { ok: false, error }, until
// { cmd: 'quit' } or the end of its input (bench/peers/torch.mjs startPeer is the other side).

import { createInterface } from 'node:readline';

export const reply = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

/** Writes `hello`, then serves requests with `handle(req)` (an answer object, or a throw) until quit; exits. */
export async function serve(hello, handle, exitCode = () => 0) {
  reply({ ok: true, ...hello });
  for await (const line of createInterface({ input: process.stdin })) {
    const req = JSON.parse(line);
    if (req.cmd === 'quit') break;
    try {
      reply({ ok: true, ...(await handle(req)) });
    } catch (err) {
      reply({ ok: false, error: `${err.name}: ${err.message}` });
    }
  }
  process.exit(exitCode());
}
