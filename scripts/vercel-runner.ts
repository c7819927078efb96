/**
 * Serves a `vercel build` output (.vercel/output, Build Output API v3) the way the platform
 * does, so tests and benchmarks meet the product as deployed rather than the local server:
 *
 * - config.json's routes, in Vercel's phases (main, `handle: filesystem`, miss, hit, error),
 *   with the semantics of `vercel dev`'s router; static files from output/static, a folder
 *   answering with its index.html, platform errors as Vercel words them (x-vercel-error);
 * - /api/<name> → functions/api/<name>.func, each instance its own process started by
 *   scripts/vercel-launcher.mjs with @vercel/node's own request/response helpers; several
 *   instances per function, round-robin, started on first need and replaced by a cold one after
 *   RUNNER_MAX_REQUESTS_PER_INSTANCE requests, so nothing can lean on one process's memory;
 * - the limits: 4.5 MB request bodies (413), maxDuration (instance killed, 504), a read-only
 *   disk but for a private /tmp per instance (see chooseSandbox), the platform's environment
 *   variables and forwarding headers.
 *
 * CLI: `npm run serve:vercel` (PORT, HOST, RUNNER_OUTPUT_DIR, RUNNER_INSTANCES,
 * RUNNER_MAX_REQUESTS_PER_INSTANCE, RUNNER_VERCEL_ENV, RUNNER_MAX_DURATION, RUNNER_SANDBOX=off,
 * RUNNER_CRON_INTERVAL_MS).
 * Programmatic: startRunner(options) → { url, stats(), changedFiles(), close() }.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Vercel refuses request bodies over 4.5 MB with 413 FUNCTION_PAYLOAD_TOO_LARGE. */
export const MAX_REQUEST_BODY = 4.5 * 1024 * 1024;
const LAUNCHER = fileURLToPath(new URL('./vercel-launcher.mjs', import.meta.url));

export interface RunnerOptions {
  outputDir?: string;
  /** Where filePathMap's paths start: the folder holding .vercel (default). */
  repoRoot?: string;
  port?: number;
  host?: string;
  /** Instances per function (default 2), used round-robin. */
  instances?: number;
  /** Requests after which an instance is retired and its slot starts cold again (default 50). */
  maxRequestsPerInstance?: number;
  /** VERCEL_ENV for the functions (default production). */
  vercelEnv?: string;
  /** Added to the passed-through environment; wins over it. */
  env?: Record<string, string>;
  /** Seconds; replaces every function's maxDuration (tests). */
  maxDuration?: number;
  /** 'off': no mount namespace even where one can be made. */
  sandbox?: 'auto' | 'off';
  /** Calls config.json's crons every this many ms, as Vercel Cron does (production only). Off by default. */
  cronIntervalMs?: number;
  log?: (line: string) => void;
  /** The node binary for function processes (default: the runner's own; RUNNER_NODE). */
  node?: string;
}
export interface ColdStart { pid: number; readyMs: number; firstResponseMs?: number }
export interface FunctionStats { requests: number; coldStarts: ColdStart[]; retired: number; failed: number; timedOut: number; live: { pid: number; served: number; inFlight: number }[] }
export interface Runner {
  url: string;
  sandbox: string;
  functions: string[];
  stats(): Record<string, FunctionStats>;
  /** Files of the output (and of filePathMap's sources) that changed since start: must stay empty. */
  changedFiles(): string[];
  /** Stops everything; throws if a function changed files outside /tmp. */
  close(): Promise<void>;
}

interface Route { src?: string; dest?: string; headers?: Record<string, string>; methods?: string[]; continue?: boolean; status?: number; check?: boolean; handle?: string; caseSensitive?: boolean }
interface VcConfig { handler: string; launcherType?: string; runtime?: string; shouldAddHelpers?: boolean; shouldAddSourcemapSupport?: boolean; maxDuration?: number; memory?: number; environment?: Record<string, string>; filePathMap?: Record<string, string> }
interface Fn { route: string; dir: string; config: VcConfig; pool?: Pool }
type Hit = { kind: 'function'; fn: Fn } | { kind: 'static'; file: string };
interface Step { found: boolean; dest: string; search: string; status?: number; headers: Record<string, string>; userDest: boolean; route?: Route }
type Resolved = { hit: Hit; status?: number; headers: Record<string, string>; dest: string; search: string } | { hit: null; status: number; headers: Record<string, string>; location?: string };

// ---------------------------------------------------------------------------------------------
// @vercel/node's helpers. The package ships them only inside dist/dev-server.mjs (what `vercel
// dev` runs per function), unexported, and loading that file whole costs a second of ts-morph
// and edge-runtime per cold start. So we take the sections esbuild marked there verbatim (the
// bundled content-type and cookie parsers, helpers.ts, awaiter.ts, serializeBody), point their
// imports at files, and export addHelpers and Awaiter. A changed layout fails here, loudly.
function writePlatformHelpers(outputDir: string, dest: string): string {
  // Prefer the @vercel/node that built this output (builds.json), else ours.
  let file = createRequire(import.meta.url).resolve('@vercel/node/dist/dev-server.mjs');
  try {
    const builds = JSON.parse(fs.readFileSync(path.join(outputDir, 'builds.json'), 'utf8')).builds as { use?: string; requirePath?: string }[];
    const used = builds.find((b) => b.use === '@vercel/node')?.requirePath;
    if (used && fs.existsSync(path.join(path.dirname(used), 'dev-server.mjs'))) file = path.join(path.dirname(used), 'dev-server.mjs');
  } catch { /* no builds.json: ours */ }
  const src = fs.readFileSync(file, 'utf8');
  const sections = src.split(/^(?=\/\/ \S+\.m?[jt]s$)/m);
  const fail = (what: string): never => { throw new Error(`vercel-runner: ${file} has no ${what} any more; update writePlatformHelpers()`); };
  const section = (suffix: string) => sections.find((s) => s.slice(0, s.indexOf('\n')).endsWith(suffix)) ?? fail(`"${suffix}" section`);
  const resolveFromIt = createRequire(file);
  const code = [
    sections[0], // esbuild's __commonJS/__toESM shims
    section('/content-type/index.js'),
    section('/cookie/index.js'),
    section('src/awaiter.ts'),
    section('src/serverless-functions/helpers.ts'),
    // serializeBody's helper from @vercel/build-utils, same contract
    'const streamToBuffer = async (stream) => { const chunks = []; for await (const c of stream) chunks.push(c); return Buffer.concat(chunks); };',
    /^async function serializeBody\(request\) \{[\s\S]*?^\}$/m.exec(src)?.[0] ?? fail('serializeBody'),
    'export { addHelpers, Awaiter };',
  ].join('\n').replace(/^(import .+ from )"([^"]+)";$/gm, (line, head: string, spec: string) =>
    isBuiltin(spec) ? line : `${head}${JSON.stringify(pathToFileURL(resolveFromIt.resolve(spec)).href)};`);
  fs.writeFileSync(dest, code);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Only /tmp writable. Best: a mount namespace per instance in which every mount is read-only
// and /tmp is a private 512 MB tmpfs — as on Vercel, where /tmp is per instance and 512 MB, so
// instances cannot share files either. As root, the function then drops to nobody; otherwise a
// user namespace does it. Without namespaces, root still runs functions as nobody (shared
// /tmp); a plain user only gets read-only copies of the functions, and changedFiles()/close()
// noticing writes to the output afterwards.
// What the instance needs that lives under /tmp (a checkout in /tmp: the output, the launcher,
// a node binary) would vanish under the private tmpfs; RUNNER_SANDBOX_KEEP lists those paths,
// held open on fds 4–9 (3 is the runner's IPC channel) across the mount and bound back, read-only, at the same place.
const SANDBOX_SH = `set -e
n=4; for p in $(echo "$RUNNER_SANDBOX_KEEP" | tr ':' ' '); do eval "exec $n<\\$p"; n=$((n+1)); done
for m in $(findmnt -rn -o TARGET); do case "$m" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/pts|/dev/mqueue) ;; *) mount -o remount,bind,ro "$m" 2>/dev/null || true ;; esac; done
mount -t tmpfs -o size=512m,mode=1777 tmpfs /tmp
n=4; for p in $(echo "$RUNNER_SANDBOX_KEEP" | tr ':' ' '); do mkdir -p "$p"; mount -c --bind "/proc/self/fd/$n" "$p"; mount -o remount,bind,ro "$p"; eval "exec $n<&-"; n=$((n+1)); done
exec "$@"`;
interface Sandbox { name: string; wrap: (argv: string[]) => string[]; uid?: number; gid?: number }

function chooseSandbox(mode: 'auto' | 'off'): Sandbox {
  const root = process.getuid?.() === 0;
  const line = root ? fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:')) : undefined;
  const [uid, gid] = line ? line.split(':').slice(2, 4).map(Number) : [65534, 65534];
  const asNobody: Sandbox = { name: 'user nobody, no mount namespace (/tmp shared by all instances)', wrap: (a) => a, uid, gid };
  const none: Sandbox = { name: 'none (not root, no mount namespace): read-only copies of the functions, other writes only detected afterwards', wrap: (a) => a };
  if (mode === 'auto') {
    const ns = root ? ['--mount', '--propagation', 'private'] : ['--user', '--map-root-user', '--mount', '--propagation', 'private'];
    const drop = root ? ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--'] : [];
    const wrap = (argv: string[]) => ['unshare', ...ns, '--', 'sh', '-c', SANDBOX_SH, 'sh', ...drop, ...argv];
    const probe = wrap(['true']);
    if (spawnSync(probe[0], probe.slice(1), { stdio: 'ignore' }).status === 0) {
      return { name: `mount namespace: read-only disk, private 512 MB /tmp per instance${root ? ', user nobody' : ''}`, wrap };
    }
  }
  return root ? asNobody : none;
}

/** size:mtime of every file under the given paths, to notice writes that should have failed. */
function snapshot(paths: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string) => {
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) walk(path.join(p, name));
    else out.set(p, `${st.size}:${st.mtimeMs}`);
  };
  paths.forEach(walk);
  return out;
}

function setDirModes(dir: string, mode: number) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) setDirModes(path.join(dir, e.name), mode);
  fs.chmodSync(dir, mode);
}

/** A hard link (same file, so a write shows in the output); a read-only copy when `copy`. */
function place(from: string, to: string, copy: boolean) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  if (copy) {
    fs.copyFileSync(from, to);
    return fs.chmodSync(to, 0o444);
  }
  try { fs.linkSync(from, to); } catch { fs.copyFileSync(from, to); } // another device
}

/**
 * The function's /var/task: its .func folder plus the files `vercel build` only listed in
 * filePathMap (they stay in the repo and are uploaded at deploy), every folder read-only.
 * Hard links, unless nothing but file modes protects the output (no sandbox): then copies.
 */
function buildTask(fn: Fn, dest: string, repoRoot: string, copy: boolean) {
  const walk = (from: string, to: string) => {
    for (const e of fs.readdirSync(from, { withFileTypes: true })) {
      const [s, d] = [path.join(from, e.name), path.join(to, e.name)];
      if (e.isDirectory()) walk(s, d);
      else if (e.isSymbolicLink()) { fs.mkdirSync(to, { recursive: true }); fs.symlinkSync(fs.readlinkSync(s), d); }
      else if (!(from === fn.dir && e.name === '.vc-config.json')) place(s, d, copy);
    }
  };
  walk(fn.dir, dest);
  for (const [inTask, inRepo] of Object.entries(fn.config.filePathMap ?? {})) place(path.join(repoRoot, inRepo), path.join(dest, inTask), copy);
  setDirModes(dest, 0o555);
}

// ---------------------------------------------------------------------------------------------
// Instances: each a launcher process listening on 127.0.0.1; requests go to them over HTTP.
interface Instance { proc: ChildProcess; pid: number; t0: number; port: number; served: number; inFlight: number; retired: boolean; exited: boolean; ready: Promise<void>; cold: ColdStart }
interface Context { sandbox: Sandbox; workspace: string; helpers: string; repoRoot: string; instances: number; maxRequests: number; options: RunnerOptions; env: () => NodeJS.ProcessEnv; log: (line: string) => void; node: string }

/** Left out of what the functions inherit: this machine's session, npm's and the runner's own. */
const NOT_PASSED = /^(HOME|USER|LOGNAME|SHELL|PWD|OLDPWD|TMPDIR|TMP|TEMP|MAIL|PORT|HOST|NODE_OPTIONS|NODE_CHANNEL_FD|NODE_UNIQUE_ID|INIT_CWD|SUDO_\w+|npm_\w+|VITEST\w*|RUNNER_\w+)$/;

class Pool {
  readonly stats: FunctionStats = { requests: 0, coldStarts: [], retired: 0, failed: 0, timedOut: 0, live: [] };
  private readonly slots: (Instance | undefined)[];
  private readonly all = new Set<Instance>();
  private next = 0;
  private task?: string;
  constructor(private readonly fn: Fn, private readonly ctx: Context) { this.slots = new Array(ctx.instances); }

  get maxDuration() { return this.ctx.options.maxDuration ?? this.fn.config.maxDuration ?? 300; }

  /** The next slot's instance (started cold if the slot is empty), counted as busy until release(). */
  acquire(): Instance {
    const i = this.next++ % this.slots.length;
    let inst = this.slots[i];
    if (!inst || inst.retired || inst.exited) inst = this.slots[i] = this.start();
    inst.served++;
    inst.inFlight++;
    this.stats.requests++;
    if (inst.served >= this.ctx.maxRequests) this.retire(inst);
    return inst;
  }

  release(inst: Instance) {
    inst.inFlight--;
    if (inst.retired && inst.inFlight === 0) this.stop(inst);
  }

  /** No new requests; it goes once those it has are done. */
  retire(inst: Instance) {
    if (inst.retired) return;
    inst.retired = true;
    this.stats.retired++;
    const i = this.slots.indexOf(inst);
    if (i >= 0) this.slots[i] = undefined;
    if (inst.inFlight === 0) this.stop(inst);
  }

  kill(inst: Instance) {
    if (inst.exited) return;
    try { process.kill(-inst.pid, 'SIGKILL'); } catch { inst.proc.kill('SIGKILL'); }
  }

  killAll(): Promise<unknown> {
    return Promise.all([...this.all].map((inst) => new Promise<void>((done) => {
      if (inst.exited) return done();
      inst.retired = true;
      inst.proc.once('exit', () => done());
      this.kill(inst);
    })));
  }

  liveStats(): FunctionStats {
    return { ...this.stats, live: [...this.all].filter((i) => !i.exited).map((i) => ({ pid: i.pid, served: i.served, inFlight: i.inFlight })) };
  }

  private stop(inst: Instance) {
    // Let it finish what waitUntil() was given, as the platform does, but no longer than maxDuration.
    if (inst.proc.connected) inst.proc.send({ type: 'retire' }, () => undefined); // it may be dying already
    setTimeout(() => this.kill(inst), this.maxDuration * 1000).unref();
  }

  private start(): Instance {
    const { fn, ctx } = this;
    if (!this.task) {
      this.task = path.join(ctx.workspace, 'task', fn.route.replace(/^\//, ''));
      buildTask(fn, this.task, ctx.repoRoot, ctx.sandbox.name.startsWith('none'));
    }
    const flags = [
      ...(fn.config.shouldAddSourcemapSupport ? ['--enable-source-maps'] : []),
      // The heap cannot outgrow the function's memory setting (an approximation: Vercel limits the whole instance).
      ...(fn.config.memory ? [`--max-old-space-size=${Math.floor(fn.config.memory * 0.9)}`] : []),
    ];
    const argv = ctx.sandbox.wrap([ctx.node, ...flags, LAUNCHER]);
    // Paths under /tmp the instance must still see once /tmp is its own (at most six).
    // The project that runs the runner holds the launcher and the node_modules the helpers import.
    const keep = [...new Set([ctx.repoRoot, ctx.workspace, path.resolve(path.dirname(LAUNCHER), '..'), path.dirname(ctx.node)].map((p) => fs.realpathSync(p)).filter((p) => p.startsWith('/tmp/')))]
      .filter((p, _i, all) => !all.some((q) => q !== p && p.startsWith(q + '/'))).slice(0, 6);
    const env = { ...ctx.env(), ...fn.config.environment, RUNNER_HANDLER: fn.config.handler, RUNNER_HELPERS: ctx.helpers, RUNNER_ADD_HELPERS: fn.config.shouldAddHelpers === false ? '0' : '1', RUNNER_SANDBOX_KEEP: keep.join(':') };
    const t0 = performance.now();
    // detached: its own process group, so a kill takes whatever it started too.
    const proc = spawn(argv[0], argv.slice(1), { cwd: this.task, env, uid: ctx.sandbox.uid, gid: ctx.sandbox.gid, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const inst = { proc, pid: proc.pid ?? 0, t0, port: 0, served: 0, inFlight: 0, retired: false, exited: false, cold: { pid: proc.pid ?? 0, readyMs: 0 } } as Instance;
    this.all.add(inst);
    const prefix = `[${fn.route.slice(1)} ${inst.pid}] `;
    for (const stream of [proc.stdout, proc.stderr]) {
      let rest = '';
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) ctx.log(prefix + l);
      }).on('end', () => rest && ctx.log(prefix + rest));
    }
    proc.on('error', (e) => ctx.log(`${prefix}cannot start: ${e.message}`));
    inst.ready = new Promise<void>((resolve, reject) => {
      // Importing the handler gets what Lambda gives its init phase (10 s), or maxDuration if longer.
      const timer = setTimeout(() => { reject(new Error('init timed out')); this.kill(inst); }, Math.max(10, this.maxDuration) * 1000);
      proc.on('message', (m: { type?: string; port?: number }) => {
        if (m?.type !== 'ready') return;
        clearTimeout(timer);
        inst.port = m.port ?? 0;
        inst.cold.readyMs = Math.round(performance.now() - t0);
        this.stats.coldStarts.push(inst.cold);
        resolve();
      });
      proc.on('exit', (code, signal) => {
        clearTimeout(timer);
        inst.exited = true;
        const i = this.slots.indexOf(inst);
        if (i >= 0) this.slots[i] = undefined;
        if (!inst.port) reject(new Error(`exited during init (${signal ?? `code ${code}`})`));
        else if (!inst.retired) ctx.log(`${prefix}instance exited (${signal ?? `code ${code}`})`);
      });
    });
    inst.ready.catch(() => undefined); // awaited per request; this only keeps Node from calling it unhandled
    return inst;
  }
}

// ---------------------------------------------------------------------------------------------
// Routing: config.json's routes by phase, as `vercel dev` applies them (src/util/dev/router.ts).
function makeRouter(routes: Route[], lookup: (p: string) => Hit | null) {
  const phases = new Map<string | null, (Route & { re: RegExp })[]>();
  let phase: string | null = null;
  for (const r of routes) {
    if (r.handle) { phase = r.handle; continue; }
    if (!phases.has(phase)) phases.set(phase, []);
    // Vercel matches case-insensitively unless told otherwise.
    phases.get(phase)!.push({ ...r, re: new RegExp(r.src ?? '^/.*$', r.caseSensitive ? '' : 'i') });
  }
  const routesOf = (p: string | null) => phases.get(p) ?? [];
  const fill = (s: string, m: RegExpExecArray) => s.replace(/\$([1-9a-zA-Z]+)/g, (_, k: string) => (/^\d+$/.test(k) ? m[Number(k)] : m.groups?.[k]) ?? '');
  const split = (dest: string, search: string): [string, string] => {
    const q = dest.indexOf('?');
    if (q < 0) return [dest, search];
    // The destination's query, with the request's own parameters winning.
    const merged = new URLSearchParams(dest.slice(q + 1));
    const own = new URLSearchParams(search);
    for (const k of own.keys()) merged.delete(k);
    for (const [k, v] of own) merged.append(k, v);
    return [dest.slice(0, q), merged.size ? `?${merged}` : ''];
  };

  function run(list: (Route & { re: RegExp })[], start: Step, method: string, phase: string | null): Step {
    let [dest, search, status] = [start.dest, start.search, undefined as number | undefined];
    const headers = { ...start.headers };
    for (const r of list) {
      if (r.methods && !r.methods.includes(method)) continue;
      const m = r.re.exec(dest);
      if (!m) continue;
      for (const [k, v] of Object.entries(r.headers ?? {})) {
        // In the hit and miss phases a header already set stays.
        if ((phase === 'hit' || phase === 'miss') && k.toLowerCase() in start.headers) continue;
        headers[k.toLowerCase()] = fill(v, m);
      }
      const [to, toSearch] = r.dest ? split(fill(r.dest, m), search) : [dest, search];
      if (r.continue) {
        [dest, search, status] = [to, toSearch, r.status ?? status];
        continue;
      }
      if (r.check && phase !== 'hit' && !/^https?:\/\//.test(to) && !lookup(to) && !(r.status && phase !== 'miss')) {
        if (phase !== 'miss' && routesOf('miss').length) {
          const missed = run(routesOf('miss'), { found: false, dest: to, search: toSearch, headers, userDest: false }, method, 'miss');
          if (missed.found) return missed;
        } else if (r.status) status = r.status;
        [dest, search] = [to, toSearch];
        continue;
      }
      return { found: true, dest: to, search: toSearch, status: r.status ?? status, headers, userDest: !!r.dest, route: r };
    }
    return { found: false, dest, search, status, headers, userDest: false };
  }

  return function resolve(pathname: string, search: string, method: string): Resolved {
    let step: Step = { found: false, dest: pathname, search, headers: {}, userDest: false };
    let hit: Hit | null = null;
    // A redirect, or a route answering with a bare status (no file, no destination of its own).
    const answer = (s: Step, hit: Hit | null): Resolved | null => {
      const location = s.headers.location ?? (s.userDest ? s.dest + s.search : undefined);
      if (s.status && s.status >= 300 && s.status < 400 && location) return { hit: null, status: s.status, headers: s.headers, location };
      if (/^https?:\/\//.test(s.dest)) return { hit: null, status: 502, headers: s.headers }; // external rewrites: not imitated
      return !hit && s.status && !s.userDest ? { hit: null, status: s.status, headers: s.headers } : null;
    };
    for (const phase of [null, 'filesystem']) {
      step = run(routesOf(phase), { ...step, status: undefined }, method, phase);
      hit = lookup(step.dest);
      const early = answer(step, hit);
      if (early) return early;
      if (!hit && routesOf('miss').length) {
        step = run(routesOf('miss'), step, method, 'miss');
        hit = lookup(step.dest);
        const missed = answer(step, hit);
        if (missed) return missed;
      } else if (hit && routesOf('hit').length) {
        step = { ...run(routesOf('hit'), step, method, 'hit'), dest: step.dest, search: step.search, status: step.status };
      }
      if (hit || (phase === null && !phases.has('filesystem'))) break;
    }
    if (!hit && routesOf('error').length) {
      const err = run(routesOf('error'), step, method, 'error');
      const errHit = lookup(err.dest);
      if (errHit) [step, hit] = [err, errHit];
      else if (err.found && err.status && !err.route?.dest) return { hit: null, status: err.status, headers: err.headers };
    }
    if (!hit) return { hit: null, status: 404, headers: step.headers };
    return { hit, status: step.status, headers: step.headers, dest: step.dest, search: step.search };
  };
}

// ---------------------------------------------------------------------------------------------
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'application/javascript; charset=utf-8', '.mjs': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8', '.csv': 'text/csv; charset=utf-8', '.xml': 'application/xml', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.avif': 'image/avif',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.otf': 'font/otf', '.pdf': 'application/pdf',
  '.wasm': 'application/wasm', '.webmanifest': 'application/manifest+json', '.zip': 'application/zip',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
const ERRORS: Record<number, [string, string]> = {
  404: ['NOT_FOUND', 'The page could not be found'], 405: ['METHOD_NOT_ALLOWED', 'Method not allowed'],
  413: ['FUNCTION_PAYLOAD_TOO_LARGE', 'Request Entity Too Large'], 500: ['FUNCTION_INVOCATION_FAILED', 'A server error has occurred'],
  502: ['NOT_IMPLEMENTED_IN_RUNNER', 'Bad gateway'], 504: ['FUNCTION_INVOCATION_TIMEOUT', 'An error occurred with your deployment'],
};
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);
const DEFAULT_CACHE = 'public, max-age=0, must-revalidate';

/** An answer from the platform itself, as Vercel words it (text, x-vercel-error). */
function platformError(res: ServerResponse, status: number, headers: Record<string, string>, id: string) {
  const [code, title] = ERRORS[status] ?? [`HTTP_${status}`, http.STATUS_CODES[status] ?? 'Error'];
  res.writeHead(status, { 'cache-control': DEFAULT_CACHE, ...headers, 'content-type': 'text/plain; charset=utf-8', server: 'Vercel', 'x-vercel-id': id, 'x-vercel-error': code });
  res.end(`${title}\n\n${code}\n\n${id}\n`);
}

export async function startRunner(options: RunnerOptions = {}): Promise<Runner> {
  const log = options.log ?? ((line: string) => console.log(line));
  const outputDir = path.resolve(options.outputDir ?? '.vercel/output');
  const repoRoot = path.resolve(options.repoRoot ?? path.join(outputDir, '..', '..'));
  const config = JSON.parse(fs.readFileSync(path.join(outputDir, 'config.json'), 'utf8')) as { version: number; routes?: Route[]; overrides?: object; crons?: { path: string }[] };
  if (config.version !== 3) throw new Error(`vercel-runner: ${outputDir} is Build Output API v${config.version}, not v3`);
  const known = new Set(['src', 'dest', 'headers', 'methods', 'continue', 'status', 'check', 'handle', 'caseSensitive']);
  for (const r of config.routes ?? []) for (const k of Object.keys(r)) if (!known.has(k)) log(`vercel-runner: route key "${k}" is not imitated (${JSON.stringify(r)})`);
  if (config.overrides && Object.keys(config.overrides).length) log('vercel-runner: config.json "overrides" are not imitated');

  const functions = new Map<string, Fn>();
  const findFunctions = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = fs.realpathSync(path.join(dir, e.name)); // vercel build symlinks identical functions
      if (!fs.statSync(full).isDirectory()) continue;
      if (!e.name.endsWith('.func')) { findFunctions(full); continue; }
      const route = '/' + path.relative(path.join(outputDir, 'functions'), path.join(dir, e.name)).replace(/\.func$/, '').split(path.sep).join('/');
      const fnConfig = JSON.parse(fs.readFileSync(path.join(full, '.vc-config.json'), 'utf8')) as VcConfig;
      if (fnConfig.launcherType !== 'Nodejs') throw new Error(`vercel-runner: ${route} is not a Node.js function (${fnConfig.launcherType ?? (fnConfig as { runtime?: string }).runtime})`);
      functions.set(route, { route, dir: full, config: fnConfig });
    }
  };
  if (fs.existsSync(path.join(outputDir, 'functions'))) findFunctions(path.join(outputDir, 'functions'));
  const built = new Set([...functions.values()].map((f) => f.config.runtime));
  for (const runtime of built) if (runtime && !runtime.startsWith(`nodejs${process.versions.node.split('.')[0]}.`)) log(`vercel-runner: functions were built for ${runtime}; they run on Node ${process.versions.node} here`);

  const staticDir = path.join(outputDir, 'static');
  const lookup = (p: string): Hit | null => {
    let decoded: string;
    try { decoded = decodeURIComponent(p); } catch { return null; }
    const fn = functions.get(decoded);
    if (fn) return { kind: 'function', fn };
    const rel = path.posix.normalize('/' + decoded); // no way above static/
    for (const candidate of [rel, path.posix.join(rel, 'index.html')]) {
      const file = path.join(staticDir, candidate);
      try { if (fs.statSync(file).isFile()) return { kind: 'static', file }; } catch { /* not there */ }
    }
    return null;
  };
  const resolve = makeRouter(config.routes ?? [], lookup);

  // The workspace (task folders, helpers) sits next to the output, never in /tmp, which each
  // instance gets empty; readable by the functions' user. Leftovers of killed runners go.
  const parent = path.dirname(outputDir).startsWith('/tmp/') ? '/var/tmp' : path.dirname(outputDir);
  for (const name of fs.readdirSync(parent)) {
    const pid = Number(/^runner-(\d+)-/.exec(name)?.[1]);
    if (pid && !isAlive(pid)) removeTree(path.join(parent, name));
  }
  const workspace = fs.mkdtempSync(path.join(parent, `runner-${process.pid}-`));
  fs.chmodSync(workspace, 0o755);
  const sandbox = chooseSandbox(options.sandbox ?? 'auto');
  openPathFor(workspace, log);
  openPathFor(LAUNCHER, log);
  const helpers = path.join(workspace, 'vercel-node-helpers.mjs');
  const helpersFrom = writePlatformHelpers(outputDir, helpers);
  const watched = [outputDir, ...new Set([...functions.values()].flatMap((f) => Object.values(f.config.filePathMap ?? {}).map((p) => path.join(repoRoot, p))))];
  const before = snapshot(watched);

  let host = '';
  const env = (): NodeJS.ProcessEnv => ({
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !NOT_PASSED.test(k))),
    NODE_ENV: 'production',
    ...options.env,
    // What the platform sets and a project cannot change; Lambda runs in UTC.
    VERCEL: '1', VERCEL_ENV: options.vercelEnv ?? 'production', VERCEL_URL: host, VERCEL_REGION: 'dev1', TZ: ':UTC', LANG: 'en_US.UTF-8',
  });
  const ctx: Context = { sandbox, workspace, helpers, repoRoot, node: options.node ?? process.env.RUNNER_NODE ?? process.execPath, instances: Math.max(1, options.instances ?? 2), maxRequests: Math.max(1, options.maxRequestsPerInstance ?? 50), options, env, log };
  const etags = new Map<string, string>();

  function serveStatic(req: IncomingMessage, res: ServerResponse, file: string, status: number | undefined, headers: Record<string, string>, id: string) {
    if (status === undefined && req.method !== 'GET' && req.method !== 'HEAD') return platformError(res, 405, headers, id);
    const st = fs.statSync(file);
    const key = `${file}:${st.size}:${st.mtimeMs}`;
    if (!etags.has(key)) etags.set(key, `"${createHash('sha1').update(fs.readFileSync(file)).digest('hex')}"`);
    const etag = etags.get(key)!;
    const out = { 'content-type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', 'cache-control': DEFAULT_CACHE, ...headers, etag, server: 'Vercel', 'x-vercel-id': id, 'x-vercel-cache': 'HIT' };
    if (!status && req.headers['if-none-match'] === etag) return res.writeHead(304, out).end();
    res.writeHead(status ?? 200, { ...out, 'content-length': st.size });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
  }

  /** The request body, or null past 4.5 MB (the rest is drained, not kept). */
  async function readBody(req: IncomingMessage): Promise<Buffer | null> {
    if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BODY) return req.resume(), null;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_REQUEST_BODY) return req.resume(), null;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  async function invoke(fn: Fn, req: IncomingMessage, res: ServerResponse, target: string, routeHeaders: Record<string, string>, id: string) {
    const body = await readBody(req);
    if (!body) return platformError(res, 413, routeHeaders, id);
    const pool = (fn.pool ??= new Pool(fn, ctx));
    const inst = pool.acquire();
    const cold = !inst.port;
    try {
      await inst.ready;
    } catch (e) {
      pool.release(inst);
      pool.stats.failed++;
      log(`[${fn.route.slice(1)} ${inst.pid}] cold start failed: ${(e as Error).message}`);
      return platformError(res, 500, routeHeaders, id);
    }
    // The platform's forwarding headers; what a client sent under these names is overwritten.
    const ip = (req.socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
    const headers: IncomingHttpHeaders = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k) && k !== 'content-length'));
    Object.assign(headers, { 'x-forwarded-for': ip, 'x-real-ip': ip, 'x-vercel-forwarded-for': ip, 'x-forwarded-proto': 'http', 'x-forwarded-host': req.headers.host ?? host, 'x-vercel-id': id, 'x-vercel-deployment-url': host });
    if (body.length || (req.method !== 'GET' && req.method !== 'HEAD')) headers['content-length'] = String(body.length);

    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      pool.release(inst);
      return true;
    };
    const crashed = (why?: unknown) => {
      if (!settle()) return;
      // Said in the log, as the platform's function logs would: the cause of a bare 500.
      log(`[${fn.route.slice(1)} ${inst.pid}] ${req.method} ${target}: invocation failed${why instanceof Error ? ` (${why.message})` : typeof why === 'string' ? ` (${why})` : ''}`);
      pool.stats.failed++;
      pool.retire(inst);
      if (res.headersSent) res.destroy();
      else platformError(res, 500, routeHeaders, id);
    };
    const timer = setTimeout(() => {
      if (!settle()) return;
      pool.stats.timedOut++;
      log(`[${fn.route.slice(1)} ${inst.pid}] ${req.method} ${target}: still running after maxDuration ${pool.maxDuration} s, instance killed`);
      pool.retire(inst);
      pool.kill(inst);
      if (res.headersSent) res.destroy();
      else platformError(res, 504, routeHeaders, id);
    }, pool.maxDuration * 1000);

    const upstream = http.request({ host: '127.0.0.1', port: inst.port, method: req.method, path: target, headers, agent: false }, (up) => {
      if (settled) return void up.resume();
      if (up.headers['x-runner-invocation-failed']) return void (up.resume(), crashed('uncaught error in the handler'));
      const out: Record<string, string | string[]> = { ...routeHeaders };
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
      out['cache-control'] ??= DEFAULT_CACHE;
      Object.assign(out, { server: 'Vercel', 'x-vercel-id': id, 'x-vercel-cache': 'MISS', 'x-runner-instance': String(inst.pid), ...(cold ? { 'x-runner-cold': '1' } : {}) });
      res.writeHead(up.statusCode ?? 500, out);
      up.on('aborted', () => crashed('the instance went away mid-response'));
      up.pipe(res);
      up.on('end', () => {
        if (inst.cold.firstResponseMs === undefined) inst.cold.firstResponseMs = Math.round(performance.now() - inst.t0);
        settle();
      });
    });
    upstream.on('error', crashed);
    res.on('close', () => {
      // The client went away before the answer (a page that navigated on): not a failure of
      // the function, so it is neither logged as one nor does it retire the instance.
      if (!settle()) return;
      upstream.destroy();
    });
    upstream.end(body);
  }

  const server = http.createServer(async (req, res) => {
    const id = `dev1::${randomBytes(5).toString('hex')}-${Date.now()}`;
    try {
      const raw = req.url ?? '/';
      const q = raw.indexOf('?');
      const r = resolve(q < 0 ? raw : raw.slice(0, q), q < 0 ? '' : raw.slice(q), req.method ?? 'GET');
      if (!r.hit) {
        req.resume();
        if (r.location) return void res.writeHead(r.status, { ...r.headers, location: r.location, server: 'Vercel', 'x-vercel-id': id }).end();
        return platformError(res, r.status, r.headers, id);
      }
      if (r.hit.kind === 'static') return void (req.resume(), serveStatic(req, res, r.hit.file, r.status, r.headers, id));
      await invoke(r.hit.fn, req, res, r.dest + r.search, r.headers, id);
    } catch (e) {
      log(`vercel-runner: ${req.method} ${req.url}: ${(e as Error).stack}`);
      if (!res.headersSent) platformError(res, 500, {}, id);
      else res.destroy();
    }
  });
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(options.port ?? 0, options.host ?? '127.0.0.1', () => ok()));
  const address = server.address() as AddressInfo;
  host = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  const url = `http://${host}`;
  // Vercel Cron: a GET from user agent vercel-cron/1.0, with the CRON_SECRET as a bearer token.
  const cronSecret = options.env?.CRON_SECRET ?? process.env.CRON_SECRET;
  const crons = options.cronIntervalMs && (options.vercelEnv ?? 'production') === 'production' ? (config.crons ?? []).map((cron) => setInterval(() => {
    const headers: Record<string, string> = { 'user-agent': 'vercel-cron/1.0', ...(cronSecret ? { authorization: `Bearer ${cronSecret}` } : {}) };
    fetch(url + cron.path, { headers }).then(async (r) => { await r.arrayBuffer(); if (!r.ok) log(`vercel-runner: cron ${cron.path}: ${r.status}`); }, (e: Error) => log(`vercel-runner: cron ${cron.path}: ${e.message}`));
  }, options.cronIntervalMs)) : [];
  log(`vercel-runner: ${outputDir}: ${functions.size} functions (${ctx.instances} instances each, retired after ${ctx.maxRequests} requests), sandbox: ${sandbox.name}, helpers from ${path.relative(repoRoot, helpersFrom)}; listening on ${url}`);

  const changedFiles = () => {
    const now = snapshot(watched);
    const keys = new Set([...before.keys(), ...now.keys()]);
    return [...keys].filter((k) => before.get(k) !== now.get(k)).sort();
  };
  return {
    url,
    sandbox: sandbox.name,
    functions: [...functions.keys()],
    stats: () => Object.fromEntries([...functions.values()].map((f) => [f.route, f.pool?.liveStats() ?? { requests: 0, coldStarts: [], retired: 0, failed: 0, timedOut: 0, live: [] }])),
    changedFiles,
    async close() {
      crons.forEach(clearInterval);
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await Promise.all([...functions.values()].map((f) => f.pool?.killAll()));
      removeTree(workspace);
      const changed = changedFiles();
      if (changed.length) throw new Error(`vercel-runner: function processes changed files outside /tmp (${changed.length}):\n  ${changed.slice(0, 20).join('\n  ')}`);
    },
  };
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

function removeTree(dir: string) {
  try { setDirModes(dir, 0o755); } catch { /* gone already */ }
  fs.rmSync(dir, { recursive: true, force: true });
}

/** The functions' user must reach `p`: as root, give others search permission on its folders. */
function openPathFor(p: string, log: (line: string) => void) {
  if (process.getuid?.() !== 0) return;
  for (let dir = path.dirname(p); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if (!(mode & 0o001)) {
      fs.chmodSync(dir, mode | 0o005);
      log(`vercel-runner: chmod o+rx ${dir} (functions run as nobody)`);
    }
  }
}

async function main() {
  const num = (v: string | undefined) => (v ? Number(v) : undefined);
  const e = process.env;
  const runner = await startRunner({
    outputDir: e.RUNNER_OUTPUT_DIR, port: num(e.PORT) ?? 3000, host: e.HOST ?? '127.0.0.1', instances: num(e.RUNNER_INSTANCES),
    maxRequestsPerInstance: num(e.RUNNER_MAX_REQUESTS_PER_INSTANCE), vercelEnv: e.RUNNER_VERCEL_ENV, maxDuration: num(e.RUNNER_MAX_DURATION),
    sandbox: e.RUNNER_SANDBOX === 'off' ? 'off' : 'auto', cronIntervalMs: num(e.RUNNER_CRON_INTERVAL_MS),
  });
  const stop = () => runner.close().then(() => process.exit(0), (err: Error) => (console.error(err.message), process.exit(1)));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
