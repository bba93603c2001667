// `npm run demo`: serves the repository on 127.0.0.1 (node:http, no framework) so that the scoring page
// examples/browser/ can load dist/browser/index.js and data/*.json, and prints the address.
//
//   npm run demo                 # port 8080, or the next free one
//   npm run demo -- --port 0     # any free port
//
// Module scripts and module workers need http(s): over file:// Chromium blocks them (origin "null").
// startServer() is also what test/browser.test.ts serves the page with.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.npy': 'application/octet-stream',
  '.csv': 'text/csv; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Only these folders are served: the page, the bundles, the example data, the fixtures and test page (for test/browser.test.ts). */
const SERVED = ['examples/', 'dist/', 'data/', 'test/fixtures/', 'test/browser/'];

function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/' || url.pathname === '/examples/browser') {
    res.writeHead(302, { location: '/examples/browser/' });
    res.end();
    return;
  }
  let rel = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  if (rel.endsWith('/') || rel === '') rel += 'index.html';
  const file = path.resolve(ROOT, rel);
  const inside = SERVED.some((dir) => file.startsWith(path.join(ROOT, dir)));
  if (!inside || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`not found: ${url.pathname}${rel.startsWith('dist/') ? ' (run `npm run build` first)' : ''}\n`);
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  createReadStream(file).pipe(res);
}

/** Starts the server; resolves to { server, url } once it listens. Port 0: any free port. */
export function startServer({ port = 8080, host = '127.0.0.1', tries = 20 } = {}) {
  return new Promise((resolve, reject) => {
    const server = createServer(handle);
    server.once('error', (e) => {
      if (e.code === 'EADDRINUSE' && port !== 0 && tries > 1) resolve(startServer({ port: port + 1, host, tries: tries - 1 }));
      else reject(e);
    });
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({ server, url: `http://${host}:${actual}/examples/browser/` });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(path.join(ROOT, 'dist/browser/index.js'))) {
    console.error('dist/browser/index.js is missing: run `npm run build` first (npm install does it).');
    process.exit(1);
  }
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 8080);
  const { url } = await startServer({ port });
  console.log(`fastloss demo: ${url}  (Ctrl-C stops it)`);
}
