/**
 * The checklist's customer table in real Chromium, before and after in one run: the base
 * commit's site (built once into /tmp from a temporary git worktree) and the current build
 * are served side by side and driven the same way.
 *   - paste N customers from Excel: time from the paste to the rows on screen (the row count
 *     shown and the next frame painted), in the page's own clock
 *   - then key press → next frame in a cell of the middle row (median, p95 of 2 × 40 keys). Frames
 *     come at ~60 Hz, so this waits up to a frame even when the page does nothing; beside it,
 *     the page's own work per key: handling the key (keydown to the end of the input event,
 *     the render it flushes included) plus rendering its frame (rAF to the task after it)
 * Scenarios: clean rows, and rows that each lack a required value (交接状态) with 检查填写
 * switched on, so every row shows its error and the summary is checked on every key.
 *
 * `tsx scripts/bench-browser.ts` runs it alone (BENCH_BASE=<commit>[,<commit>…], default 9f3e708;
 * BENCH_KEYS keys per round, default 40; BENCH_ROUNDS rounds, default 2; the
 * current site must be built into dist/); `npm run bench` runs it as its section 3.
 * BENCH_TRACE=1 also records a Chromium trace while typing and prints where each key's
 * main-thread CPU time goes (its own task; its frame: hover hit test, paint, layerize, commit).
 * CPU time, unlike the wall clock, hardly moves with the machine's load; tracing slows the
 * page a little, the same for every site.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpus, loadavg, tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from '@playwright/test';
import { createApp } from '../src/server/app.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** The site of `commit`, built once into /tmp (a temporary worktree, this tree's node_modules linked in). */
export function baseDist(commit: string): string {
  const out = join(tmpdir(), `handover-bench-dist-${commit}`);
  if (existsSync(join(out, 'index.html'))) return out;
  const tree = mkdtempSync(join(tmpdir(), `handover-bench-${commit}-`));
  rmSync(tree, { recursive: true });
  execFileSync('git', ['worktree', 'add', '--detach', tree, commit], { stdio: 'ignore' });
  try {
    symlinkSync(resolve('node_modules'), join(tree, 'node_modules'), 'dir');
    execFileSync(process.execPath, ['node_modules/astro/astro.js', 'build'], { cwd: tree, stdio: 'ignore', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
    cpSync(join(tree, 'dist'), out, { recursive: true });
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', tree], { stdio: 'ignore' });
  }
  return out;
}

const HEADER = '客户名称\t客户等级\t联系人\t联系电话\t邮箱\t合同金额\t续约日期\t交接状态\t需求与特别事项';
/** Customers as pasted from Excel; with `errors`, every row leaves 交接状态 (required) empty. */
function customersTsv(rows: number, errors: boolean): string {
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    lines.push(`客户${i}有限公司\t${'ABC'[i % 3]}\t联系人${i}\t138${String(10000000 + i)}\tc${i}@example.com\t${1000 + i}\t2027-01-15\t${errors ? '' : '已交接'}\t按月结算，需提前确认发票抬头`);
  }
  return lines.join('\n');
}

/** Pastes into the customer table; ms from the paste event to the next frame with the rows on screen. */
async function pasteRows(page: Page, rows: number, errors: boolean): Promise<number> {
  return page.locator('[data-table="customers"] .table-scroll').evaluate(async (el, { text, rows }) => {
    const count = document.querySelector('[data-testid="count-customers"]')!;
    const t0 = performance.now();
    const data = new DataTransfer();
    data.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    // (No named functions in here: tsx would wrap them in a helper the page does not have.)
    while (!(count.textContent!.includes(`共 ${rows} 行`) && document.getElementById('customers-0-name'))) await new Promise((r) => setTimeout(r, 5));
    // The frame that shows them.
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - t0;
  }, { text: customersTsv(rows, errors), rows });
}

/** Scrolls the table until the middle row's cell is rendered (a windowed table renders it only then), types `keys` keys. */
async function typeInMiddle(page: Page, rows: number, keys: number): Promise<{ frame: number[]; work: number[] }> {
  const row = Math.floor(rows / 2);
  await page.locator('[data-table="customers"] .table-scroll').evaluate(async (el, { row, rows }) => {
    const id = `customers-${row}-needs`;
    for (let tries = 0; tries < 100 && !document.getElementById(id); tries++) {
      el.scrollTop = (row / rows) * el.scrollHeight - el.clientHeight / 2 + (tries % 2 ? tries * 10 : -tries * 10);
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 20)));
    }
  }, { row, rows });
  await page.evaluate(() => {
    const w = window as unknown as { __lat: number[]; __work: number[] };
    w.__lat = [];
    w.__work = [];
    // The page's own work per key, without the wait for the next frame: from the keydown (first
    // listener, capture on document) to the end of the input event's dispatch (a listener on
    // window runs after the page's handlers and the render they flush), plus the frame's
    // rendering (rAF → the task after the frame: style, layout, paint, observers).
    let key: { start: number; input: number } | null = null;
    window.addEventListener('input', () => {
      if (key && !key.input) key.input = performance.now() - key.start;
    });
    document.addEventListener('keydown', (e) => {
      const t0 = e.timeStamp;
      const k = (key = { start: performance.now(), input: 0 });
      // After the next animation frame (and the paint that follows it).
      requestAnimationFrame(() => {
        const frame = performance.now();
        setTimeout(() => {
          const now = performance.now();
          w.__lat.push(now - t0);
          w.__work.push(k.input + (now - frame));
        }, 0);
      });
    }, true);
  });
  await page.locator(`#customers-${row}-needs`).click();
  for (let i = 0; i < keys; i++) {
    await page.keyboard.press('a');
    await page.waitForTimeout(30);
  }
  await page.waitForTimeout(300);
  return page.evaluate(() => {
    const w = window as unknown as { __lat: number[]; __work: number[] };
    return { frame: w.__lat, work: w.__work };
  });
}

export interface Scenario {
  rows: number;
  errors: boolean;
}
export interface Figures {
  pasteMs: number;
  /** Key press → next frame (ms). */
  keys: number[];
  /** The page's own work per key (ms): handling the key and rendering its frame. */
  work: number[];
  /** With BENCH_TRACE: main-thread CPU per key by part (ms, one entry per key). */
  cpu?: Record<string, number[]>;
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of a complete event. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { type?: string } };
}
interface TraceNode {
  e: TraceEvent;
  kids: TraceNode[];
}

/** The parts of a key's main-thread work, by the trace event that holds each. */
const CPU_PARTS: [string, string][] = [
  ['hover hit test', 'EventHandler::handleMouseMoveEvent'],
  ['paint', 'Blink.Paint.UpdateTime'],
  ['layerize', 'Layerize'],
  ['commit', 'Commit'],
];

/**
 * Main-thread CPU per key from a Chromium trace: the task that handled the keydown, and the
 * next frame (BeginMainFrame) with its parts. Only the renderer that received the keys counts.
 */
export function cpuPerKey(events: TraceEvent[]): Record<string, number[]> {
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const isKeydown = (e: TraceEvent) => e.name === 'EventDispatch' && e.args?.data?.type === 'keydown';
  const thread = events.find((e) => isKeydown(e) && mains.has(`${e.pid}:${e.tid}`));
  const out: Record<string, number[]> = { 'key task': [], frame: [], ...Object.fromEntries(CPU_PARTS.map(([label]) => [label, [] as number[]])) };
  if (!thread) return out;
  const own = events
    .filter((e) => e.ph === 'X' && e.dur !== undefined && e.pid === thread.pid && e.tid === thread.tid)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  // Nesting from the times: an event inside another's span is its child.
  const roots: TraceNode[] = [];
  const stack: TraceNode[] = [];
  for (const e of own) {
    while (stack.length && stack[stack.length - 1].e.ts + stack[stack.length - 1].e.dur! <= e.ts) stack.pop();
    const node = { e, kids: [] };
    (stack.length ? stack[stack.length - 1].kids : roots).push(node);
    stack.push(node);
  }
  const find = (n: TraceNode, test: (e: TraceEvent) => boolean): TraceEvent[] => n.kids.flatMap((k) => (test(k.e) ? [k.e] : find(k, test)));
  const cpu = (e: TraceEvent) => (e.tdur ?? e.dur!) / 1000;
  roots.forEach((task, i) => {
    if (!find(task, isKeydown).length) return;
    out['key task'].push(cpu(task.e));
    for (const next of roots.slice(i + 1)) {
      const [frame] = find(next, (e) => e.name === 'ProxyMain::BeginMainFrame');
      if (!frame) continue;
      const node = next.e === frame ? next : (function locate(n: TraceNode): TraceNode | undefined {
        for (const k of n.kids) {
          const hit = k.e === frame ? k : locate(k);
          if (hit) return hit;
        }
        return undefined;
      })(next)!;
      out.frame.push(cpu(frame));
      for (const [label, name] of CPU_PARTS) out[label].push(find(node, (e) => e.name === name).reduce((sum, e) => sum + cpu(e), 0));
      break;
    }
  });
  return out;
}

/** One scenario on one site, in a fresh page. */
async function measureOnce(browser: Browser, port: number, s: Scenario, keys: number): Promise<Figures> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    // The old table can keep the page busy for a minute on a loaded machine.
    page.setDefaultTimeout(600_000);
    await page.goto(`http://127.0.0.1:${port}/forms/customer-handover/`);
    await page.waitForFunction(() => !document.querySelector('astro-island[ssr]'));
    const pasteMs = await pasteRows(page, s.rows, s.errors);
    await page.waitForTimeout(1500); // let the paste's own work (autosave, print view) settle
    if (s.errors) {
      // 检查填写: the summary of every error is then worked out again on each key.
      await page.getByRole('button', { name: '检查填写' }).click();
      await page.getByTestId('check-result').waitFor();
      await page.waitForTimeout(500);
    }
    const trace = !!process.env.BENCH_TRACE;
    if (trace) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'blink', 'cc', 'toplevel'] });
    const typed = await typeInMiddle(page, s.rows, keys);
    const cpu = trace ? cpuPerKey((JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents) : undefined;
    return { pasteMs, keys: typed.frame, work: typed.work, cpu };
  } finally {
    await context.close();
  }
}

/**
 * Every site, every scenario. On a shared machine the load changes from minute to minute: the
 * sites take turns within each scenario (in `rounds` rounds, the order alternating), so each
 * comparison is made under the same load. Per site and scenario: the paste time's median over
 * the rounds, and the keys of all rounds.
 */
async function measureSites(distDirs: string[], scenarios: Scenario[], keys: number, rounds: number): Promise<Figures[][]> {
  const servers = distDirs.map((distDir) => createApp({ distDir }));
  await Promise.all(servers.map((server) => new Promise<void>((r) => server.listen(0, '127.0.0.1', r))));
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-gpu', '--disable-background-networking'],
  });
  const runs: Figures[][][] = distDirs.map(() => scenarios.map(() => []));
  try {
    for (const [si, s] of scenarios.entries()) {
      for (let round = 0; round < rounds; round++) {
        const order = distDirs.map((_, i) => i);
        if (round % 2) order.reverse();
        for (const i of order) runs[i][si].push(await measureOnce(browser, ports[i], s, keys));
      }
    }
  } finally {
    await browser.close();
    for (const server of servers) server.close();
  }
  const mergeCpu = (rs: Figures[]) => (rs[0].cpu ? Object.fromEntries(Object.keys(rs[0].cpu).map((k) => [k, rs.flatMap((r) => r.cpu![k])])) : undefined);
  return runs.map((site) => site.map((rs) => ({ pasteMs: median(rs.map((r) => r.pasteMs)), keys: rs.flatMap((r) => r.keys), work: rs.flatMap((r) => r.work), cpu: mergeCpu(rs) })));
}

export const SCENARIOS: Scenario[] = [
  { rows: 1000, errors: false },
  { rows: 300, errors: true },
  { rows: 1000, errors: true },
];

/** Measures the base commits' sites (BENCH_BASE, comma-separated) and the current one; prints one table. */
export async function tableBench({
  base = process.env.BENCH_BASE ?? '9f3e708',
  dist = 'dist',
  keys = Number(process.env.BENCH_KEYS ?? 40),
  rounds = Number(process.env.BENCH_ROUNDS ?? 2),
  scenarios = SCENARIOS,
} = {}): Promise<void> {
  const bases = base.split(',').map((b) => b.trim()).filter(Boolean);
  const baseDirs = bases.map(baseDist);
  const load = loadavg()[0];
  const figures = await measureSites([...baseDirs, resolve(dist)], scenarios, keys, rounds);
  const sites = [...bases.map((b) => `基线 ${b}`), '当前'].map((label, i) => [label, figures[i]] as const);
  // Wall-clock figures: on a shared machine they grow with its load, so the load is printed too.
  console.log(`清单客户表（Chromium，1280 px，每场景 ${rounds} 轮 × ${keys} 次按键，各版本轮流测）：基线 ${bases.join('、')} 与当前树，同一次运行；系统负载 ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}（${cpus().length} 核）`);
  console.log('| 场景 | 版本 | 粘贴到行显示 | 按键到下一帧 中位数 | p95 | 最慢 | 每键自身工作 中位数 | p95 |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  scenarios.forEach((s, i) => {
    const name = `${s.rows} 行${s.errors ? '，每行缺必填（已点检查填写）' : '，无错误'}`;
    for (const [label, figures] of sites) {
      const f = figures[i];
      console.log(`| ${name} | ${label} | ${ms(f.pasteMs)} | ${ms(median(f.keys))} | ${ms(p95(f.keys))} | ${ms(Math.max(...f.keys))} | ${ms(median(f.work))} | ${ms(p95(f.work))} |`);
    }
  });
  console.log('');
  const parts = sites[0][1][0].cpu && Object.keys(sites[0][1][0].cpu);
  if (parts) {
    console.log('每键主线程 CPU 时间（Chromium 跟踪，中位数 / p95）：按键任务、其后一帧及帧内各部分');
    console.log(`| 场景 | 版本 | ${parts.join(' | ')} |`);
    console.log(`|---|---|${parts.map(() => '---:').join('|')}|`);
    scenarios.forEach((s, i) => {
      const name = `${s.rows} 行${s.errors ? '，每行缺必填' : '，无错误'}`;
      for (const [label, figures] of sites) {
        const cpu = figures[i].cpu!;
        console.log(`| ${name} | ${label} | ${parts.map((p) => (cpu[p].length ? `${median(cpu[p]).toFixed(2)} / ${p95(cpu[p]).toFixed(2)}` : '–')).join(' | ')} |`);
      }
    });
    console.log('');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await tableBench();
