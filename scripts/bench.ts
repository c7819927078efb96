/**
 * `npm run bench`: figures a person can compare between versions.
 *   1. site build time (median of BENCH_BUILDS clean builds, default 3)
 *   2. per page type: HTML bytes and the JavaScript each page loads (raw and gzip, following
 *      static imports), plus the lazily fetched search index and the signing page's document
 *      viewer (PDF.js and its worker, fetched once a document is shown)
 *   3. checklist input latency: a 500-row customer table in Chromium, time from a key press
 *      to the next painted frame (median and p95 of 40 keys)
 *   4. PDF: render time warm (median and p95 of 20 runs, 5 for the 1,000-row lists) and cold
 *      (fresh process, median of 3), file size
 *      and pages for a 1-page form, 100- and 1,000-row customer lists and the fully filled
 *      300- and 1,000-customer ledger; /api/pdf latency
 *      with 4 concurrent clients
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/server/app.js';
import { formDefinitionSchema } from '../src/lib/form-definition.js';
import { renderFormPdf } from '../src/lib/pdf/form-pdf.js';
import { customerValues, workHandoverValues } from '../tests/fixtures/form-values.js';
import { customerLedgerRows } from '../tests/fixtures/customers.js';
import { markdownBlocks } from '../src/lib/markdown-blocks.js';
import { renderPolicyPdf } from '../src/lib/pdf/policy-pdf.js';
import { renderPolicyDocx } from '../src/lib/docx/policy-docx.js';
import { splitFrontmatter } from '../src/lib/frontmatter.js';
import { fillText } from '../src/lib/policy-doc.js';
import { tableBench } from './bench-browser.js';

const DIST = 'dist';
const builds = Number(process.env.BENCH_BUILDS ?? 3);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const gz = (buf: Buffer) => gzipSync(buf, { level: 9 }).length;

function timeBuilds(): number[] {
  const times: number[] = [];
  for (let i = 0; i < builds; i++) {
    const start = performance.now();
    execFileSync(process.execPath, ['node_modules/astro/astro.js', 'build'], {
      stdio: 'ignore',
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    });
    times.push(performance.now() - start);
  }
  return times;
}

/**
 * Every JS file a page loads: module scripts, island components and their static imports.
 * With `lazy`, also what it fetches later: dynamic imports and worker scripts (the signing
 * page's PDF.js, loaded once a document is shown).
 */
function scriptsOf(html: string, lazy = false): string[] {
  const seen = new Set<string>();
  const queue = [
    ...[...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]),
    ...[...html.matchAll(/\b(?:component-url|renderer-url)="([^"]+)"/g)].map((m) => m[1]),
  ];
  while (queue.length) {
    const src = queue.pop()!;
    if (seen.has(src)) continue;
    seen.add(src);
    const code = readFileSync(join(DIST, src), 'utf8');
    for (const m of code.matchAll(/(?:import|from)\s*["'](\.{1,2}\/[^"']+|\/_astro\/[^"']+)["']/g)) {
      queue.push(m[1].startsWith('/') ? m[1] : join(src, '..', m[1]));
    }
    if (lazy) {
      for (const m of code.matchAll(/import\(\s*["'](\.{1,2}\/[^"']+\.js)["']\s*\)/g)) queue.push(join(src, '..', m[1]));
      for (const m of code.matchAll(/["'](\/_astro\/[\w.-]+\.worker[\w.-]*\.m?js)["']/g)) queue.push(m[1]);
    }
  }
  return [...seen];
}

/** Inline scripts Astro writes itself (the island loader), counted with the page's JS. */
function inlineScripts(html: string): Buffer[] {
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => Buffer.from(m[1]));
}

function pageFigures(label: string, htmlPath: string, lazy = false) {
  const html = readFileSync(join(DIST, htmlPath));
  const scripts = scriptsOf(html.toString(), lazy);
  const js = [...scripts.map((s) => readFileSync(join(DIST, s))), ...inlineScripts(html.toString())];
  return {
    page: label,
    htmlRaw: html.length,
    htmlGzip: gz(html),
    scripts: js.length,
    jsRaw: js.reduce((a, b) => a + b.length, 0),
    jsGzip: js.reduce((a, b) => a + gz(b), 0),
  };
}

function firstPage(dir: string): string {
  const slug = readdirSync(join(DIST, dir)).find((d) => statSync(join(DIST, dir, d)).isDirectory())!;
  return `${dir}/${slug}/index.html`;
}

const times = process.env.BENCH_SKIP_BUILD ? [0] : timeBuilds();
const pages = [
  pageFigures('首页（含搜索）', 'index.html'),
  pageFigures('分类页', firstPage('categories')),
  pageFigures('模板页', 'policies/general-handover-policy/index.html'),
  pageFigures('清单索引', 'forms/index.html'),
  pageFigures('清单页（填写岛）', 'forms/customer-handover/index.html'),
  pageFigures('模板定制页', 'policies/general-handover-policy/customize/index.html'),
  pageFigures('签署页', 'sign/index.html'),
  pageFigures('签署页（含打开文件后加载的 PDF.js 与 worker）', 'sign/index.html', true),
  pageFigures('客户交接案件页', 'case/index.html'),
  pageFigures('交接档案', 'archive/index.html'),
];
const index = readFileSync(join(DIST, 'search-index.json'));
const policyCount = readdirSync(join(DIST, 'policies')).length;

console.log(`\n构建（astro build，${builds} 次）：中位数 ${(median(times) / 1000).toFixed(2)} s，` +
  `最快 ${(Math.min(...times) / 1000).toFixed(2)} s，最慢 ${(Math.max(...times) / 1000).toFixed(2)} s；${policyCount} 个模板页\n`);
console.log('| 页面类型 | HTML 原始 | HTML gzip | 脚本数 | JS 原始 | JS gzip |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const p of pages) {
  console.log(`| ${p.page} | ${kb(p.htmlRaw)} | ${kb(p.htmlGzip)} | ${p.scripts} | ${kb(p.jsRaw)} | ${kb(p.jsGzip)} |`);
}
console.log(`| 搜索索引（首次输入时加载） | ${kb(index.length)} | ${kb(gz(index))} | – | – | – |\n`);

// 3. The checklist's customer table in Chromium (paste, key press → next frame), the base
// commit's build and this tree's side by side: see scripts/bench-browser.ts.
await tableBench();

// 4. PDF
const loadDef = (id: string) => formDefinitionSchema.parse(JSON.parse(readFileSync(`content/forms/${id}.json`, 'utf8')));
const work = loadDef('work-handover');
const customers = loadDef('customer-handover');
const cases = [
  { label: '工作交接清单（小表单）', definition: work, values: workHandoverValues(work) },
  { label: '离职客户交接清单 100 行', definition: customers, values: customerValues(customers, 100) },
  { label: '离职客户交接清单 1,000 行', definition: customers, values: customerValues(customers, 1000) },
  // The customer list as people fill it: all 15 columns, long names, extensions, notes.
  { label: '客户台账 300 行（15 列填满）', definition: customers, values: { ...customerValues(customers, 0), customers: customerLedgerRows(300) } },
  { label: '客户台账 1,000 行（15 列填满）', definition: customers, values: { ...customerValues(customers, 0), customers: customerLedgerRows(1000) } },
];
console.log('| PDF | 页数 | 大小 | 渲染（热，中位数） | p95 | 次数 |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const c of cases) {
  const input = { definition: c.definition, values: c.values, company: '上海某某贸易有限公司', caseNumber: 'HJ-20261123-0001' };
  await renderFormPdf(input); // warm-up
  const runs: number[] = [];
  let last = await renderFormPdf(input);
  const count = c.label.includes('1,000') ? 5 : 20;
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    last = await renderFormPdf(input);
    runs.push(performance.now() - t);
  }
  console.log(`| ${c.label} | ${last.pageCount} | ${kb(last.bytes.length)} | ${ms(median(runs))} | ${ms(p95(runs))} | ${count} |`);
}
const cold = Array.from({ length: 3 }, () =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'scripts/bench-pdf-cold.ts'], { encoding: 'utf8' }).trim().split('\n').at(-1)!) as { coldMs: number; cpuMs: number },
);
console.log(`\n冷启动（新进程：加载模块、读取字体、渲染 1 页表单，3 次）：中位数 ${ms(median(cold.map((c) => c.coldMs)))}（CPU ${ms(median(cold.map((c) => c.cpuMs)))}）`);
console.log('（改动前后在同一次运行中对比：tsx scripts/bench-pdf-compare.ts）');

{
  const server = createApp({ distDir: resolve(DIST) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/pdf`;
  const body = JSON.stringify({ formId: 'work-handover', values: workHandoverValues(work) });
  const post = () => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }).then((r) => r.arrayBuffer());
  await post();
  const latencies: number[] = [];
  const total = 40;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next++ < total) {
        const t = performance.now();
        await post();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  server.close();
  console.log(`/api/pdf（1 页表单，4 并发，${total} 次）：p50 ${ms(median(latencies))}，p95 ${ms(p95(latencies))}，吞吐 ${(total / seconds).toFixed(1)} 次/秒\n`);
}

// 5. Policy export (customizer): a long policy — the general template ten times over.
{
  const body = splitFrontmatter(readFileSync('content/policies/general-handover-policy.md', 'utf8'))!.body;
  const md = fillText(Array.from({ length: 10 }, () => body).join('\n\n'), { companyName: '上海某某贸易有限公司' }).text;
  const blocks = markdownBlocks(md);
  const time = async (f: () => Promise<unknown>) => {
    await f();
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await f();
      runs.push(performance.now() - t);
    }
    return median(runs);
  };
  const pdf = await renderPolicyPdf({ title: '工作交接管理制度', blocks });
  const docx = await renderPolicyDocx({ title: '工作交接管理制度', blocks });
  const pdfMs = await time(() => renderPolicyPdf({ title: '工作交接管理制度', blocks }));
  const docxMs = await time(() => renderPolicyDocx({ title: '工作交接管理制度', blocks }));
  console.log(`长制度导出（通用模板 ×10，${md.replace(/\s/g, '').length} 字）：PDF ${pdf.pageCount} 页 ${kb(pdf.bytes.length)} ${ms(pdfMs)}；Word ${kb(docx.length)} ${ms(docxMs)}\n`);
}
