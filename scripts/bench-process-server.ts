/**
 * The server half of `bench-process.ts --actions`: the /api functions of the code tree given
 * as the first argument (this worktree, or a temporary worktree of a base commit), on a
 * fresh data folder, mailing to the load generator's SMTP server. Run in its own process so
 * the load generator's work never counts against the server. Prints `{"port":…}` once ready.
 * Imports are dynamic, from that tree, so the same script measures any version.
 */
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';

const root = resolve(process.argv[2] ?? '.');
const smtpPort = Number(process.argv[3] ?? 2545);
process.chdir(root); // forms and content are read relative to the tree

// Keep idle connections longer than the load generator does: a reused socket the server
// has just closed answers ECONNRESET (seen on a loaded machine).
const server = createServer({ keepAliveTimeout: 120_000 });
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;
Object.assign(process.env, {
  DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-actions-')),
  DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '',
  SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  APP_URL: `http://127.0.0.1:${port}`,
  // The bench is one client making hundreds of calls a minute: the per-IP limits would answer 429.
  RATE_LIMIT_PROCESS: '1000000', RATE_LIMIT_SEND: '1000000', RATE_LIMIT_SIGN: '1000000', RATE_LIMIT_MANAGE: '1000000',
  SEND_QUOTA_PER_SENDER: '1000000', SEND_RECIPIENTS_PER_DAY: '1000000',
});
const { handleApi } = (await import(pathToFileURL(join(root, 'src/server/app.ts')).href)) as typeof import('../src/server/app.js');
// Open the store (a fresh PGlite: initdb and every migration) and build the context before
// the first request, as `npm start` (src/server/main.ts) does when it starts listening: the
// first action measured is then an action, not the server's start. The start is printed.
const started = performance.now();
const { signingContext } = (await import(pathToFileURL(join(root, 'src/runtime/context.ts')).href)) as typeof import('../src/runtime/context.js');
await signingContext();
process.stderr.write(`bench server (${root}): store and context ready in ${(performance.now() - started).toFixed(0)} ms\n`);
server.on('request', (req, res) => {
  if (!handleApi(req, res)) {
    res.statusCode = 404;
    res.end();
  }
});
process.stdout.write(`${JSON.stringify({ port })}\n`);
