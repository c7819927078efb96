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
import { emptyState } from '../src/lib/process/state.js';
import { customersFromPlan, initialMaterials, initialVisits } from '../src/lib/process/customers.js';
import { confirmMaterials, confirmVisit, drawSpotCheckSample, recordCall } from '../src/lib/process/actions.js';
import { draftReport } from '../src/lib/process/report.js';
import { stageDocumentValues } from '../src/lib/process/documents.js';
import { STAGES, STAGE_INFO } from '../src/lib/process/roles.js';
import { issueCaseLink, loadProcess } from '../src/lib/process/service.js';
import { processView } from '../src/lib/process/view.js';
import { exportProcessZip } from '../src/lib/process/export.js';
import { customerRows } from '../tests/fixtures/customers.js';

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
const names = { employee: '欧阳明远', receiver: '司马晓燕', supervisor: '诸葛建国' };
let state = emptyState({ giverName: names.employee, department: '华东销售部', reason: '离职', receiverName: names.receiver, witnessName: names.supervisor, handoverDate: '2026-11-23', customers: customerRows(N) });
state = { ...state, customers: customersFromPlan(state.plan) };
state = { ...state, materials: initialMaterials(state.customers, '2026-11-30'), visits: initialVisits(state.customers, '欧阳明远、司马晓燕', '2026-12-07', '2026-12-30') };
state = confirmMaterials(state, state.materials.map((_, i) => i), '2026-12-01');
for (const c of state.customers) state = confirmVisit(state, c.id, { actualDate: '2026-12-10', outcome: '已拜访', customerAccepts: '是', followUp: '' });
state = drawSpotCheckSample(state, { share: 0.2, min: 3 }, 'bench:E', new Date().toISOString());
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
