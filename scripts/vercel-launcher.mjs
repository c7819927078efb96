/**
 * One instance of one function, started by scripts/vercel-runner.ts the way Vercel's Node
 * launcher (`launcherType: "Nodejs"`) starts a `.func`: the working directory is the function's
 * folder (/var/task on Vercel), the handler module is imported once before the first request,
 * and each request goes through @vercel/node's own helpers (req.query/cookies/body,
 * res.status/json/send/redirect) — the runner cuts them out of @vercel/node's dev-server.mjs
 * into RUNNER_HELPERS, since the package does not export them.
 *
 * Plain JavaScript on purpose: no loader in the way of the cold start being measured.
 */
import http from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const handlerPath = process.env.RUNNER_HANDLER;
const helpersPath = process.env.RUNNER_HELPERS;
const addHelpersToRequests = process.env.RUNNER_ADD_HELPERS === '1';
for (const key of Object.keys(process.env)) if (key.startsWith('RUNNER_')) delete process.env[key];

// The runner going away, even killed, closes this channel: an instance never outlives it.
process.on('disconnect', () => process.exit(0));

const { addHelpers, Awaiter } = await import(pathToFileURL(helpersPath).href);
// What @vercel/functions' waitUntil() looks for, set up as @vercel/node does it.
const awaiter = new Awaiter();
Object.defineProperty(globalThis, Symbol.for('@vercel/request-context'), {
  enumerable: false,
  configurable: true,
  value: { get: () => ({ waitUntil: awaiter.waitUntil.bind(awaiter) }) },
});

let listener = await import(pathToFileURL(resolve(handlerPath)).href);
for (let i = 0; i < 5 && listener.default; i++) listener = listener.default; // @vercel/node unwraps the same way
if (typeof listener !== 'function') {
  throw new Error(`${handlerPath}: the default export is not a (req, res) function; web-standard handlers are not supported by the runner`);
}

const server = http.createServer(async (req, res) => {
  try {
    if (addHelpersToRequests && typeof listener.listen !== 'function') await addHelpers(req, res);
    await listener(req, res);
  } catch (err) {
    // On the platform an exception out of the handler (including the 400 "Invalid JSON" that
    // req.body throws) crashes the invocation: 500 FUNCTION_INVOCATION_FAILED, instance gone.
    // The runner gives that answer and retires this instance; the log gets the stack.
    console.error(`Unhandled error in ${req.method} ${req.url}:`, err);
    process.send?.({ type: 'failed' });
    if (!res.headersSent) res.writeHead(500, { 'x-runner-invocation-failed': '1' }).end();
    else res.destroy();
  }
});

process.on('message', (message) => {
  if (message?.type !== 'retire') return;
  // Finish what waitUntil() was given (mail after a response), then go; the runner kills us
  // anyway after maxDuration.
  server.close();
  awaiter.awaiting().finally(() => process.exit(0));
});

server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
