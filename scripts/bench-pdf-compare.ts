/**
 * PDF rendering before and after, in one run: `tsx scripts/bench-pdf-compare.ts [base-rev]`
 * (default 9f3e708, the commit before the faster renderer).
 *
 * The base commit's files are unpacked into a temporary folder (git archive; node_modules
 * linked from here), both renderers are imported side by side and fed the same inputs in
 * alternating runs, so a busy machine slows both alike. Printed per case: warm wall-clock
 * median and p95, and the CPU time median (steadier when other processes share the cores);
 * then cold starts, each a fresh process (bench-pdf-cold.ts), alternating too. Both
 * versions' text must be the same (pdftotext, every case), and their PDFs of the 1,000-row
 * list and the 1-page form are rasterised (pdftoppm, 60 dpi): page 1 and a middle page of
 * the list and the form's page must be pixel-identical; the PNGs are kept in
 * test-artifacts/pdf-compare/ to look at.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const rev = process.argv[2] ?? '9f3e708';
const here = resolve('.');
const base = join(tmpdir(), `handover-pdf-base-${execFileSync('git', ['rev-parse', '--short', rev], { encoding: 'utf8' }).trim()}`);
if (!existsSync(join(base, 'src'))) {
  mkdirSync(base, { recursive: true });
  execFileSync('bash', ['-c', `git archive ${rev} | tar -x -C ${JSON.stringify(base)}`]);
  symlinkSync(join(here, 'node_modules'), join(base, 'node_modules'));
}
const OUT = 'test-artifacts/pdf-compare';
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

type Render = (input: unknown) => Promise<{ bytes: Uint8Array; pageCount: number }>;
interface Version {
  label: string;
  root: string;
  render: Render;
  inputs: Map<string, unknown>;
}

async function load(label: string, root: string): Promise<Version> {
  const { formDefinitionSchema } = await import(`${root}/src/lib/form-definition.ts`);
  const { renderFormPdf } = await import(`${root}/src/lib/pdf/form-pdf.ts`);
  const { customerValues, workHandoverValues } = await import(`${root}/tests/fixtures/form-values.ts`);
  const { customerLedgerRows } = await import(`${root}/tests/fixtures/customers.ts`);
  const def = (id: string) => formDefinitionSchema.parse(JSON.parse(readFileSync(`${root}/content/forms/${id}.json`, 'utf8')));
  const work = def('work-handover');
  const customers = def('customer-handover');
  const common = { company: '上海某某贸易有限公司', caseNumber: 'HJ-20261123-0001', createdAt: new Date('2026-11-23T08:00:00+08:00') };
  const inputs = new Map<string, unknown>([
    ['工作交接清单（1 页表单）', { ...common, definition: work, values: workHandoverValues(work) }],
    ['客户清单 100 行', { ...common, definition: customers, values: customerValues(customers, 100) }],
    ['客户清单 1,000 行', { ...common, definition: customers, values: customerValues(customers, 1000) }],
    ['客户台账 1,000 行（15 列填满）', { ...common, definition: customers, values: { ...customerValues(customers, 0), customers: customerLedgerRows(1000) } }],
  ]);
  return { label, root, render: renderFormPdf as Render, inputs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const ms = (n: number) => `${n.toFixed(0)} ms`;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const versions = [await load(`基线 ${rev}`, base), await load('当前', here)];
console.log(`PDF 渲染对比（同一次运行，交替执行；机器负载 ${(await import('node:os')).loadavg()[0].toFixed(1)}）\n`);
console.log('| 用例 | 版本 | 页数 | 大小 | 热渲染中位数 | p95 | CPU 中位数 |');
console.log('|---|---|---:|---:|---:|---:|---:|');
const textChecks: string[] = [];
for (const name of versions[0].inputs.keys()) {
  const runs = name.includes('1,000') ? 5 : 15;
  const wall = versions.map(() => [] as number[]);
  const cpu = versions.map(() => [] as number[]);
  const last = versions.map((): { bytes: Uint8Array; pageCount: number } => ({ bytes: new Uint8Array(), pageCount: 0 }));
  // Warm-up: module code compiled, fonts loaded.
  for (const v of versions) await v.render(v.inputs.get(name));
  for (let i = 0; i < runs; i++) {
    // Alternating which goes first, so neither always runs right after the other's garbage.
    for (const k of i % 2 ? [1, 0] : [0, 1]) {
      const v = versions[k];
      const t = performance.now();
      const c = process.cpuUsage();
      last[k] = await v.render(v.inputs.get(name));
      const used = process.cpuUsage(c);
      wall[k].push(performance.now() - t);
      cpu[k].push((used.user + used.system) / 1000);
    }
  }
  versions.forEach((v, k) => {
    console.log(`| ${name} | ${v.label} | ${last[k].pageCount} | ${kb(last[k].bytes.length)} | ${ms(median(wall[k]))} | ${ms(p95(wall[k]))} | ${ms(median(cpu[k]))} |`);
    if (name === '客户清单 1,000 行') writeFileSync(`${OUT}/${k === 0 ? 'before' : 'after'}-1000.pdf`, last[k].bytes);
    if (name.includes('1 页表单')) writeFileSync(`${OUT}/${k === 0 ? 'before' : 'after'}-form.pdf`, last[k].bytes);
  });
  // The same text for copy, search and screen readers (ToUnicode): pdftotext of both versions.
  const text = last.map((r, k) => {
    const file = `${OUT}/text-${k}.pdf`;
    writeFileSync(file, r.bytes);
    const out = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    rmSync(file);
    return out;
  });
  textChecks.push(`  ${name}：${text[0] === text[1] ? 'pdftotext 文本相同' : 'pdftotext 文本不同！'}`);
}

// Cold start: a fresh process each, alternating; the first of each is thrown away (tsx's transform cache).
const cold = versions.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
const coldOnce = (root: string) =>
  JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/bench-pdf-cold.ts'], { encoding: 'utf8', env: { ...process.env, PDF_ROOT: root } })
      .trim()
      .split('\n')
      .at(-1)!,
  ) as { coldMs: number; cpuMs: number };
for (const v of versions) coldOnce(v.root);
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 5);
for (let i = 0; i < coldRuns; i++) {
  for (const k of i % 2 ? [1, 0] : [0, 1]) {
    const r = coldOnce(versions[k].root);
    cold[k].wall.push(r.coldMs);
    cold[k].cpu.push(r.cpuMs);
  }
}
console.log(`\n冷启动（新进程：加载模块、读取字体、渲染 1 页表单，各 ${coldRuns} 次）`);
versions.forEach((v, k) => console.log(`  ${v.label}：中位数 ${ms(median(cold[k].wall))}，CPU 中位数 ${ms(median(cold[k].cpu))}`));

console.log('\n文本对比（两个版本的最后一次渲染）：');
for (const line of textChecks) console.log(line);

// The pages must look the same: page 1 and a middle page of the 1,000-row list, and the 1-page form.
const pages = Number(execFileSync('bash', ['-c', `pdfinfo ${OUT}/after-1000.pdf | awk '/^Pages:/ {print $2}'`], { encoding: 'utf8' }).trim());
console.log('\n1,000 行客户清单与 1 页表单，60 dpi 光栅化对比：');
for (const [doc, page] of [['1000', 1], ['1000', Math.ceil(pages / 2)], ['form', 1]] as const) {
  const raster = (which: string, format: string[]) =>
    execFileSync('pdftoppm', ['-r', '60', ...format, '-f', String(page), '-l', String(page), '-singlefile', `${OUT}/${which}-${doc}.pdf`, `${OUT}/${which}-${doc}-p${page}`]);
  for (const which of ['before', 'after']) {
    raster(which, []);
    raster(which, ['-png']);
  }
  const [a, b] = ['before', 'after'].map((which) => readFileSync(`${OUT}/${which}-${doc}-p${page}.ppm`));
  let differing = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) differing++;
  const label = doc === 'form' ? '1 页表单' : '客户清单';
  console.log(`  ${label}第 ${page} 页：${differing === 0 ? '逐像素相同' : `${differing} 个字节不同`}（${OUT}/before-${doc}-p${page}.png 与 after-${doc}-p${page}.png）`);
  for (const which of ['before', 'after']) rmSync(`${OUT}/${which}-${doc}-p${page}.ppm`);
}
