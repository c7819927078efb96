/**
 * Customer-handover process figures for a case with 1,000 customers (PGlite): the time to
 * build the case page's data (what /api/process answers on open) and its JSON size, the
 * time until the case page in Chromium shows the customer table (built site + local
 * server, as `npm start` serves it), and the time and size of the ZIP export (five stage
 * PDFs rendered for real + CSV). Needs `dist/` (npm run build; `npm run bench` builds first).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { formDefinitionSchema, type FormDefinition } from '../src/lib/form-definition.js';
import { repo } from '../src/lib/store/repo.js';
import { processRepo } from '../src/lib/store/process-repo.js';
import { renderFormPdf } from '../src/lib/pdf/form-pdf.js';
import { DEFAULT_SETTINGS } from '../src/lib/process/settings.js';
import { recordCall } from '../src/lib/process/actions.js';
import { draftReport } from '../src/lib/process/report.js';
import { stageDocumentValues } from '../src/lib/process/documents.js';
import { STAGES, STAGE_INFO } from '../src/lib/process/roles.js';
import { issueCaseLink, loadProcess } from '../src/lib/process/service.js';
import { processView } from '../src/lib/process/view.js';
import { exportProcessZip } from '../src/lib/process/export.js';
import { BENCH_NAMES, visitedState } from './bench-process-state.js';

/** The case page, PDFs and export of a finished 1,000-customer case (in this process). */
async function caseFigures() {
  const N = Number(process.env.BENCH_CUSTOMERS ?? 1000);
  const forms = new Map<string, FormDefinition>(readdirSync('content/forms').map((f) => {
    const d = formDefinitionSchema.parse(JSON.parse(readFileSync(`content/forms/${f}`, 'utf8')));
    return [d.id, d];
  }));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

  // The local server's own store (a fresh data folder), so the browser can open the case too.
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-process-'));
  Object.assign(process.env, { DATA_DIR: dataDir, DATABASE_URL: '', SMTP_URL: '' });
  const { signingContext } = await import('../src/runtime/context.js');
  const { createApp } = await import('../src/server/app.js');
  const { processDeps: deps } = await signingContext();
  const sql = deps.sql;

  // A finished case: every stage's data built by the same functions the service uses.
  const names = BENCH_NAMES;
  let state = visitedState(N, names);
  for (const id of state.sample!.ids) state = recordCall(state, { customerId: id, caller: names.supervisor, callDate: '2026-12-20', reached: '已接通', handoverConfirmed: '是', satisfaction: '5', issues: '' });
  const ctx = { names, department: '华东销售部', today: '2026-12-28', lastWorkingDay: '2026-11-30', visitsDue: '2026-12-30', sampleSharePercent: 20, sampleMin: 3, openedOn: '2026-11-23' };
  state = { ...state, report: draftReport(state, ctx) };

  const id = 'benchcase1';
  await sql.transaction(async (tx) => {
    await processRepo.insert(tx, { id, case_number: 'KH-BENCH', policy_slug: null, company: '上海某某贸易有限公司', department: '华东销售部', reason: '离职', last_working_day: '2026-11-30', stage: 'done', settings: DEFAULT_SETTINGS, state, archive_email: null, base_url: 'http://bench.local' });
    for (const [i, role] of (['employee', 'receiver', 'supervisor', 'manager', 'hr'] as const).entries()) {
      await processRepo.insertParty(tx, { id: `party${i}x`, process_id: id, role, name: ['欧阳明远', '司马晓燕', '诸葛建国', '东方红', '人事小王'][i], email: `${role}@bench.test`, token_jti: 'j' });
    }
  });
  let renderMs = 0;
  for (const stage of STAGES) {
    const definition = forms.get(STAGE_INFO[stage].form)!;
    const t = performance.now();
    const pdf = await renderFormPdf({ definition, values: stageDocumentValues(stage, state, ctx), caseNumber: `KH-BENCH-${stage}1`, createdAt: new Date() });
    renderMs += performance.now() - t;
    await sql.transaction(async (tx) => {
      await repo.insertCase(tx, {
        id: `bench${stage}case`, form_id: definition.id, title: definition.title, company: null, case_number: `KH-BENCH-${stage}1`, values_json: {}, signing_order: 'sequential',
        sender_name: 'HR', sender_email: 'hr@bench.test', archive_email: null, manage_key_hash: 'x'.repeat(64), document_sha256: 'x', original_pdf: pdf.bytes, current_pdf: pdf.bytes,
        signature_boxes: [], process_id: id, process_stage: stage,
      });
      await tx.query("UPDATE cases SET status = 'completed', final_pdf = current_pdf WHERE id = $1", [`bench${stage}case`]);
    });
  }

  const viewMs: number[] = [];
  let json = '';
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    const v = await sql.transaction(async (tx) => processView(tx, deps, await loadProcess(tx, id, false), { kind: 'admin', email: 'hr@bench.test' }));
    json = JSON.stringify({ view: v });
    viewMs.push(performance.now() - t);
  }
  const zipMs: number[] = [];
  let zipBytes = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const zip = await exportProcessZip(sql, (await loadProcess(sql, id, false)).p);
    zipMs.push(performance.now() - t);
    zipBytes = zip.length;
  }
  // The case page in Chromium, opened by HR's case link: navigation → customer table shown.
  const server = createApp({ distDir: resolve('dist') });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await sql.query('UPDATE processes SET base_url = $2 WHERE id = $1', [id, base]);
  const hrParty = (await loadProcess(sql, id, false)).parties.find((x) => x.role === 'hr')!;
  const caseUrl = await sql.transaction(async (tx) => issueCaseLink(tx, deps, { id, base_url: base }, hrParty));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-gpu', '--disable-background-networking'],
  });
  const pageMs: number[] = [];
  const allMs: number[] = [];
  let rowsShown = 0;
  try {
    for (let i = 0; i < 6; i++) {
      const page = await browser.newPage();
      const t = performance.now();
      await page.goto(caseUrl);
      await page.getByText(`客户（${N} 位）`).waitFor();
      if (i > 0) pageMs.push(performance.now() - t); // the first load warms the server and the cache
      const rows = page.locator('[data-testid="customer-table"] tbody tr:not(.window-gap)');
      rowsShown = await rows.count();
      const t2 = performance.now();
      // A long list renders the rows scrolled to: scroll its box to the end, wait for the last row.
      await page.locator('.rows-window').evaluate((el) => { el.scrollTop = el.scrollHeight; });
      await page.locator(`[data-testid="customer-table"] tr[aria-rowindex="${N + 1}"]`).waitFor();
      if (i > 0) allMs.push(performance.now() - t2);
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }

  console.log(`\n## Customer-handover case with ${N} customers (PGlite)`);
  console.log(`stage PDFs rendered (B–F, ${N} rows each in B/C/D): ${renderMs.toFixed(0)} ms in all`);
  console.log(`case page data (load + view + JSON), median of 15: ${median(viewMs).toFixed(1)} ms; JSON ${kb(json.length)} (${kb(gzipSync(json).length)} gzip)`);
  console.log(`case page in Chromium (link opened → customer table shown, ${rowsShown} rows drawn), median of 5: ${median(pageMs).toFixed(0)} ms; scrolled to the last of ${N}: ${median(allMs).toFixed(0)} ms more`);
  console.log(`ZIP export (5 PDFs + CSV), median of 5: ${median(zipMs).toFixed(1)} ms; ${kb(zipBytes)}`);
  await sql.close();
  rmSync(dataDir, { recursive: true, force: true });
}


/* ---------- stage actions over HTTP, server in its own process ---------- */

type Timings = Map<string, number[]>;
const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * q) - 1)];

/** Starts bench-process-server.ts on the tree `root` (its own node process) and waits for its port. */
async function startServer(root: string, smtpPort: number): Promise<{ base: string; stop: () => void }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('scripts/bench-process-server.ts'), root, String(smtpPort)], {
    cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env },
  });
  const port = await new Promise<number>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) ok(Number(m[1]));
    });
    child.once('exit', (code) => fail(new Error(`bench server exited (${code})`)));
  });
  child.stdout!.resume();
  return { base: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

/**
 * One 1,000-customer process walked from A to F through /api/process, /api/confirm and
 * /api/sign as its people would, each request timed from send to the last byte of the answer.
 */
async function journey(base: string, box: import('../tests/e2e/mailbox.js').Mailbox, k: number, times: Timings, n: number) {
  const { customerRows } = await import('../tests/fixtures/customers.js');
  const { DEFAULT_SETTINGS } = await import('../src/lib/process/settings.js');
  const add = (name: string, ms: number) => times.set(name, [...(times.get(name) ?? []), ms]);
  const call = async (path: string, body: unknown, name?: string) => {
    const t = performance.now();
    const r = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const data = (await r.json()) as Record<string, any>;
    const ms = performance.now() - t;
    if (r.status >= 400) throw new Error(`${path} ${(body as { action: string }).action}: ${r.status} ${JSON.stringify(data).slice(0, 300)}`);
    if (name) add(name, ms);
    return data;
  };
  const who = { employee: '欧阳明远', receiver: '司马晓燕', supervisor: '诸葛建国', manager: '东方红', hr: '人事小王' };
  const parties = Object.fromEntries(Object.entries(who).map(([role, name]) => [role, { name, email: `${role}${k}@bench.test` }])) as Record<keyof typeof who, { name: string; email: string }>;
  const mark = box.messages.length;
  const text = (m: { text?: string | false }) => (m.text || '') as string;
  const to = (m: { to?: unknown }) => ((m.to as { text?: string } | undefined)?.text ?? '');

  await call('/api/process', {
    action: 'open', policySlug: null, company: '上海某某贸易有限公司', department: '华东销售部', reason: '离职', lastWorkingDay: '2026-11-30',
    parties, settings: DEFAULT_SETTINGS, openedBy: 'hr',
  }, 'A open (asks HR to confirm)');
  const confirmMail = await box.waitFor(parties.hr.email, /^请确认发送/, mark);
  const confirmed = await call('/api/confirm', { action: 'confirm', token: /\/confirm\/#t=([\w.-]+)/.exec(text(confirmMail))![1] }, 'A confirm (case opened)');
  const processId = confirmed.result.processId as string;
  const token: Record<string, string> = {};
  for (const role of Object.keys(who)) {
    const m = await box.waitFor(parties[role as keyof typeof who].email, /客户交接已开始/, mark);
    token[role] = /\/case\/\?p=[\w-]+#t=([\w.-]+)/.exec(text(m))![1];
  }
  const act = (role: keyof typeof who, action: string, extra: Record<string, unknown> = {}, name = action) =>
    call('/api/process', { action, processId, token: token[role], ...extra }, name);
  const view = async (role: keyof typeof who) => (await act(role, 'view', {}, 'view')).view as Record<string, any>;

  const used = new Set<string>();
  const signStage = async () => {
    const before = (await view('employee')).stage;
    let last = -1;
    for (;;) {
      const m = box.messages.slice(mark).find((x) => { const l = /\/sign\/\?c=[\w-]+#t=[\w.-]+/.exec(text(x)); return l && !used.has(l[0]); });
      if (!m) {
        if ((await view('employee')).stage !== before) break;
        await new Promise((r) => setTimeout(r, 150));
        continue;
      }
      const link = /\/sign\/\?c=([\w-]+)#t=([\w.-]+)/.exec(text(m))!;
      used.add(link[0]);
      const role = (Object.keys(who) as (keyof typeof who)[]).find((r) => to(m).includes(parties[r].email))!;
      await call('/api/sign', { action: 'sign', caseId: link[1], token: link[2], consent: true, signature: { kind: 'typed', text: who[role] } }, 'sign');
      last = times.get('sign')!.length - 1;
    }
    // The last signature completes the stage document (sealing) and moves the process on.
    const signs = times.get('sign')!;
    add('sign (last: seals, next stage)', signs.splice(last, 1)[0]);
  };

  // B: the plan with n customers.
  const plan = (await view('employee')).plan as Record<string, unknown>;
  const values = { ...plan, customers: customerRows(n) };
  await act('employee', 'save-plan', { values }, 'B save-plan');
  await act('employee', 'submit-plan', { values }, 'B submit-plan');
  await signStage();
  // C: materials.
  const c = await view('employee');
  await act('employee', 'save-materials', { rows: c.materials }, 'C save-materials');
  await act('receiver', 'confirm-materials', { lines: c.materials.map((_: unknown, i: number) => i) }, 'C confirm-materials (all)');
  await act('employee', 'submit-materials', {}, 'C submit-materials');
  await signStage();
  // D: visits and the customer notices.
  const d = await view('receiver');
  await act('receiver', 'save-visits', { rows: d.visits }, 'D save-visits');
  const ids = d.customers.map((x: { id: string }) => x.id);
  await act('receiver', 'confirm-visit', { customerIds: ids.slice(0, 1), actualDate: '2026-12-02', outcome: '介绍新对接人', customerAccepts: '是', followUp: '' }, 'D confirm-visit (one)');
  await act('receiver', 'confirm-visit', { customerIds: ids.slice(1), actualDate: '2026-12-02', outcome: '介绍新对接人', customerAccepts: '是', followUp: '' }, 'D confirm-visit (all the rest)');
  const preview = (await act('receiver', 'preview-notices', { selection: { kind: 'all' } }, 'D preview-notices')).preview;
  const noticeMark = box.messages.length;
  const t = performance.now();
  await act('receiver', 'send-notices', { selection: { kind: 'all' }, expected: preview.recipients }, 'D send-notices (all)');
  while (box.messages.slice(noticeMark).filter((m) => /对接人变更通知/.test(m.subject ?? '')).length < preview.recipients) await new Promise((r) => setTimeout(r, 100));
  add(`notices delivered (${preview.recipients} mails, background)`, performance.now() - t);
  await act('receiver', 'submit-visits', {}, 'D submit-visits');
  await signStage();
  // E: the spot-check calls.
  const e = await view('supervisor');
  for (const id of e.sample.ids as string[]) {
    await act('supervisor', 'record-call', { customerId: id, callDate: '2026-12-08', reached: '已接通', handoverConfirmed: '是', satisfaction: '5', issues: '' }, 'E record-call');
  }
  await act('supervisor', 'submit-calls', {}, 'E submit-calls');
  await signStage();
  // F: the report.
  const f = await view('employee');
  // Before the report capped its tables, a 1,000-customer draft had more rows than the form
  // holds (refused on submit): the person then cut them to the form's 300, as done here.
  const report = Object.fromEntries(Object.entries(f.report as Record<string, unknown>).map(([key, v]) => [key, Array.isArray(v) ? v.slice(0, 300) : v]));
  await act('employee', 'save-report', { values: report }, 'F save-report');
  await act('employee', 'submit-report', { values: report }, 'F submit-report');
  await signStage();
  if ((await view('employee')).status !== 'completed') throw new Error('the process did not complete');
}

async function actionFigures() {
  const { execFileSync } = await import('node:child_process');
  const { existsSync, symlinkSync } = await import('node:fs');
  const { Mailbox } = await import('../tests/e2e/mailbox.js');
  const n = Number(process.env.BENCH_CUSTOMERS ?? 1000);
  const rounds = Number(process.env.BENCH_PROCESSES ?? 3);
  const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 2545);
  // Both sides run from a temporary `git worktree` of a commit (node_modules linked): the
  // base commit given with --baseline, and this branch's HEAD, so editing files during a run
  // changes neither.
  const at = process.argv.indexOf('--baseline');
  const trees: string[] = [];
  const checkout = (commit: string) => {
    const tree = mkdtempSync(join(tmpdir(), 'bench-tree-'));
    execFileSync('git', ['worktree', 'add', '--detach', tree, commit], { stdio: 'ignore' });
    if (!existsSync(join(tree, 'node_modules'))) symlinkSync(resolve('node_modules'), join(tree, 'node_modules'));
    trees.push(tree);
    return tree;
  };
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
  const targets: Array<{ label: string; root: string }> = [];
  if (at > 0) targets.push({ label: `before (${process.argv[at + 1]})`, root: checkout(process.argv[at + 1]) });
  targets.push({ label: `after (${head})`, root: checkout('HEAD') });
  const box = new Mailbox();
  await box.start(smtpPort);
  const results: Array<{ label: string; times: Timings }> = [];
  try {
    for (const target of targets) {
      const server = await startServer(target.root, smtpPort);
      const times: Timings = new Map();
      try {
        for (let k = 0; k < rounds; k++) await journey(server.base, box, k, times, n);
      } catch (e) {
        // Print what was measured; say where it stopped.
        console.error(`${target.label}: stopped — ${(e as Error).message}`);
      } finally {
        server.stop();
      }
      results.push({ label: target.label, times });
    }
  } finally {
    await box.stop();
    for (const tree of trees) execFileSync('git', ['worktree', 'remove', '--force', tree], { stdio: 'ignore' });
  }
  console.log(`\n## Customer-handover stage actions, ${n} customers, ${rounds} processes each (PGlite; server in its own process; ms, p50 / p95 / n)`);
  const names = [...new Set(results.flatMap((r) => [...r.times.keys()]))];
  const cell = (xs?: number[]) => (xs?.length ? `${pct(xs, 0.5).toFixed(0)} / ${pct(xs, 0.95).toFixed(0)} / ${xs.length}` : '—');
  const width = Math.max(...names.map((x) => x.length));
  console.log(`${'action'.padEnd(width)}  ${results.map((r) => r.label.padStart(24)).join('  ')}`);
  for (const name of names) console.log(`${name.padEnd(width)}  ${results.map((r) => cell(r.times.get(name)).padStart(24)).join('  ')}`);
}

if (process.argv.includes('--actions')) await actionFigures();
else await caseFigures();
