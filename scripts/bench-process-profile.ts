/**
 * Where one stage action's time goes at 1,000 customers (PGlite, in this process): the
 * parts of a `record-call` request timed one by one — reading the process row (the state
 * as jsonb), writing it back, the event, building the case page's view and serialising the
 * answer — then the whole request through /api/process over HTTP. `npx tsx
 * scripts/bench-process-profile.ts` (BENCH_CUSTOMERS to change the size).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { processRepo } from '../src/lib/store/process-repo.js';
import { DEFAULT_SETTINGS } from '../src/lib/process/settings.js';
import { issueCaseLink, loadProcess } from '../src/lib/process/service.js';
import { processView } from '../src/lib/process/view.js';
import { BENCH_NAMES, visitedState } from './bench-process-state.js';

const N = Number(process.env.BENCH_CUSTOMERS ?? 1000);
const dataDir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
Object.assign(process.env, { DATA_DIR: dataDir, DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '', SMTP_URL: '', RATE_LIMIT_PROCESS: '1000000' });
const { signingContext } = await import('../src/runtime/context.js');
const { handleApi } = await import('../src/server/app.js');
const { processDeps: deps } = await signingContext();
const sql = deps.sql;

// A process in stage E: every line confirmed, every visit done, the sample drawn.
const names = BENCH_NAMES;
const state = visitedState(N, names);
const id = `profile${Date.now().toString(36)}`;
await sql.transaction(async (tx) => {
  await processRepo.insert(tx, {
    id, case_number: 'KH-PROFILE', policy_slug: null, company: '上海某某贸易有限公司', department: '华东销售部', reason: '离职', last_working_day: '2026-11-30',
    stage: 'E', settings: DEFAULT_SETTINGS, state, archive_email: null, base_url: 'http://bench.local',
  });
  for (const [i, role] of (['employee', 'receiver', 'supervisor', 'manager', 'hr'] as const).entries()) {
    await processRepo.insertParty(tx, { id: `${id}p${i}`, process_id: id, role, name: ['欧阳明远', '司马晓燕', '诸葛建国', '东方红', '人事小王'][i], email: `${role}@bench.test`, token_jti: null });
  }
});
const stateJson = JSON.stringify(state);
console.log(`\n## One stage action at ${N} customers (PGlite, in process; median of 20, ms)`);
console.log(`state ${(stateJson.length / 1024).toFixed(0)} KB as JSON`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (label: string, fn: () => Promise<unknown> | unknown, n = 20) => {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  console.log(`${label.padEnd(52)} ${median(ms).toFixed(1).padStart(8)}`);
};
const supervisor = { kind: 'party' as const, role: 'supervisor' as const, name: names.supervisor };
await time('JSON.parse(state)', () => JSON.parse(stateJson));
await time('JSON.stringify(state)', () => JSON.stringify(state));
await time('processRepo.get (SELECT row incl. state jsonb)', () => processRepo.get(sql, id));
await time('processRepo.get … FOR UPDATE in a transaction', () => sql.transaction((tx) => processRepo.get(tx, id, true)));
await time('processRepo.save of the whole state in a transaction', () => sql.transaction((tx) => processRepo.save(tx, id, { state })));
const called = { ...state, calls: [{ _cid: state.customers[0].id }], customers: state.customers.map((c, i) => (i === 0 ? { ...c, spot: 'passed' as const } : c)) };
await time('processRepo.save of a record-call (customers + calls)', () => sql.transaction((tx) => processRepo.save(tx, id, { state: called }, state)));
await processRepo.save(sql, id, { state });
await time('processRepo.addEvent', () => processRepo.addEvent(sql, id, 'x', 'profile', {}));
const l = await loadProcess(sql, id, false);
await time('processView (queries + building)', () => sql.transaction((tx) => processView(tx, deps, l, supervisor)));
const view = await sql.transaction((tx) => processView(tx, deps, l, supervisor));
const answer = JSON.stringify({ message: 'x', view });
await time(`JSON.stringify(answer) (${(answer.length / 1024).toFixed(0)} KB)`, () => JSON.stringify({ message: 'x', view }));
await time(`gzip(answer) → ${(gzipSync(answer).length / 1024).toFixed(0)} KB`, () => gzipSync(answer));

// The whole request over HTTP (this process serves it): view, and a record-call each time.
const server = createServer((req, res) => void handleApi(req, res));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const hrParty = l.parties.find((x) => x.role === 'supervisor')!;
const token = /#t=(.+)$/.exec(await sql.transaction((tx) => issueCaseLink(tx, deps, { id, base_url: base }, hrParty)))![1];
const post = async (body: Record<string, unknown>) => {
  const r = await fetch(`${base}/api/process`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ processId: id, token, ...body }) });
  const text = await r.text();
  if (r.status >= 400) throw new Error(`${r.status} ${text.slice(0, 200)}`);
  return text.length;
};
let size = 0;
await time('HTTP view (whole request)', async () => (size = await post({ action: 'view' })), 10);
console.log(`  answer ${(size / 1024).toFixed(0)} KB`);
const sample = [...state.sample!.ids];
await time('HTTP record-call (whole request)', async () => (size = await post({ action: 'record-call', customerId: sample.shift()!, callDate: '2026-12-08', reached: '已接通', handoverConfirmed: '是', satisfaction: '5', issues: '' })), 10);
console.log(`  answer ${(size / 1024).toFixed(0)} KB`);
server.close();
await sql.close();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
