/**
 * `npm run bench`: figures a person can compare between versions.
 *   - site build time (median of N clean builds; BENCH_BUILDS, default 3)
 *   - per page type: HTML bytes and the JavaScript each page loads (raw and gzip, following
 *     static imports), plus the lazily fetched search index
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const DIST = 'dist';
const builds = Number(process.env.BENCH_BUILDS ?? 3);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
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

/** Every JS file a page loads: its module scripts and, transitively, their static imports. */
function scriptsOf(html: string): string[] {
  const seen = new Set<string>();
  const queue = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  if (inline.some((s) => s.trim())) throw new Error('inline script found: the CSP would block it');
  while (queue.length) {
    const src = queue.pop()!;
    if (seen.has(src)) continue;
    seen.add(src);
    const code = readFileSync(join(DIST, src), 'utf8');
    for (const m of code.matchAll(/(?:import|from)\s*["'](\.{1,2}\/[^"']+|\/_astro\/[^"']+)["']/g)) {
      queue.push(m[1].startsWith('/') ? m[1] : join(src, '..', m[1]));
    }
  }
  return [...seen];
}

function pageFigures(label: string, htmlPath: string) {
  const html = readFileSync(join(DIST, htmlPath));
  const scripts = scriptsOf(html.toString());
  const js = scripts.map((s) => readFileSync(join(DIST, s)));
  return {
    page: label,
    path: htmlPath,
    htmlRaw: html.length,
    htmlGzip: gz(html),
    scripts: scripts.length,
    jsRaw: js.reduce((a, b) => a + b.length, 0),
    jsGzip: js.reduce((a, b) => a + gz(b), 0),
  };
}

function firstPage(dir: string): string {
  const slug = readdirSync(join(DIST, dir)).find((d) => statSync(join(DIST, dir, d)).isDirectory())!;
  return `${dir}/${slug}/index.html`;
}

const times = timeBuilds();
const pages = [
  pageFigures('首页（含搜索）', 'index.html'),
  pageFigures('分类页', firstPage('categories')),
  pageFigures('模板页', 'policies/general-handover-policy/index.html'),
  pageFigures('清单索引', 'forms/index.html'),
  pageFigures('清单页', 'forms/work-handover/index.html'),
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
