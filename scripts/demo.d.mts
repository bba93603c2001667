import type { Server } from 'node:http';

/** Serves the page, the bundles, data/ and the test fixtures on 127.0.0.1; port 0: any free port. */
export function startServer(options?: { port?: number; host?: string; tries?: number }): Promise<{ server: Server; url: string }>;
