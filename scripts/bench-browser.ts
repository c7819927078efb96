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
 *   - frames late per key: whether the frame that shows the key's change is the first one the
 *     key could be in (0), or 1, 2, … vsyncs later (a long key task or frame, or a frame
 *     between the keydown and its input event)
 * Scenarios: clean rows, and rows that each lack a required value (交接状态) with 检查填写
 * switched on, so every row shows its error and the summary is checked on every key. Beside
 * them a control: a page with one text box and nothing else, served and typed the same way
 * (after every scenario's turn), which is the floor of this measure on this machine (the wait
 * for the next vsync plus the browser's own text editing and frame).
 *
 * `tsx scripts/bench-browser.ts` runs it alone (BENCH_BASE=<commit>[,<commit>…], default 9f3e708;
 * BENCH_KEYS keys per round, default 40; BENCH_ROUNDS rounds, default 2; the
 * current site must be built into dist/); `npm run bench` runs it as its section 3.
 * BENCH_TRACE=1 also records a Chromium trace while typing and prints where each key's
 * main-thread CPU time goes (its own task; the other tasks before the next key; its frame:
 * hover hit test, paint, layerize, commit).
 * CPU time, unlike the wall clock, hardly moves with the machine's load; tracing slows the
 * page a little, the same for every site.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, cpSync, writeFileSync } from 'node:fs';
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

/** Scrolls the table until the middle row's cell is rendered (a windowed table renders it only then). */
async function scrollToMiddle(page: Page, rows: number): Promise<string> {
  const row = Math.floor(rows / 2);
  await page.locator('[data-table="customers"] .table-scroll').evaluate(async (el, { row, rows }) => {
    const id = `customers-${row}-needs`;
    for (let tries = 0; tries < 100 && !document.getElementById(id); tries++) {
      el.scrollTop = (row / rows) * el.scrollHeight - el.clientHeight / 2 + (tries % 2 ? tries * 10 : -tries * 10);
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 20)));
    }
  }, { row, rows });
  return `#customers-${row}-needs`;
}

interface Typed {
  frame: number[];
  work: number[];
  /** Frames late per key (see typeInto). */
  late: number[];
}

/** Clicks into `selector` and types `keys` keys, each a moment after the last one's frame. */
async function typeInto(page: Page, selector: string, keys: number): Promise<Typed> {
  await page.evaluate(() => {
    const w = window as unknown as { __lat: number[]; __work: number[]; __late: number[] };
    w.__lat = [];
    w.__work = [];
    w.__late = [];
    // The page's own work per key, without the wait for the next frame: from the keydown (first
    // listener, capture on document) to the end of the input event's dispatch (a listener on
    // window runs after the page's handlers and the render they flush), plus the frame's
    // rendering (rAF → the task after the frame: style, layout, paint, observers).
    // Frames late: vsyncs missed between the key and the frame that shows its change (the first
    // frame after the input event). A frame's rAF time stamp is its vsync, so the vsyncs fall on
    // a known 60 Hz grid: the key is on time (0) when the frame that shows it starts before the
    // second vsync after the keydown's time stamp; a key task or a frame that runs past a vsync,
    // or a frame between the keydown and the input event, makes it 1, 2, … frames late.
    const INTERVAL = 1000 / 60;
    let key: { t0: number; start: number; input: number } | null = null;
    window.addEventListener('input', () => {
      if (!key || key.input) return;
      const k = key;
      k.input = performance.now() - k.start;
      requestAnimationFrame((vsync) => {
        const now = performance.now();
        const first = vsync + Math.ceil((k.t0 - vsync) / INTERVAL) * INTERVAL;
        w.__late.push(Math.max(0, Math.floor((now - first) / INTERVAL)));
      });
    });
    document.addEventListener('keydown', (e) => {
      const t0 = e.timeStamp;
      const k = (key = { t0, start: performance.now(), input: 0 });
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
  await page.locator(selector).click();
  for (let i = 0; i < keys; i++) {
    await page.keyboard.press('a');
    await page.waitForTimeout(30);
  }
  await page.waitForTimeout(300);
  return page.evaluate(() => {
    const w = window as unknown as { __lat: number[]; __work: number[]; __late: number[] };
    return { frame: w.__lat, work: w.__work, late: w.__late };
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
  /** Per key, how many frames late its change was shown (0: in the first frame after the key). */
  late: number[];
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
 * Main-thread CPU per key from a Chromium trace: the task that handled the keydown, the other
 * tasks until the next key (its keyup, timers, React's scheduled work; not the frame), and the
 * next frame (BeginMainFrame) with its parts. Only the renderer that received the keys counts.
 */
export function cpuPerKey(events: TraceEvent[]): Record<string, number[]> {
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const isKeydown = (e: TraceEvent) => e.name === 'EventDispatch' && e.args?.data?.type === 'keydown';
  const thread = events.find((e) => isKeydown(e) && mains.has(`${e.pid}:${e.tid}`));
  const out: Record<string, number[]> = { 'key task': [], 'other tasks': [], frame: [], ...Object.fromEntries(CPU_PARTS.map(([label]) => [label, [] as number[]])) };
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
  const keyTasks = roots.filter((task) => find(task, isKeydown).length);
  roots.forEach((task, i) => {
    if (!find(task, isKeydown).length) return;
    out['key task'].push(cpu(task.e));
    // Every other task until the next key: its keyup, timers, React's scheduled work, idle work
    // (after the last key, for as long as keys were apart: not the work once typing stops).
    const until = keyTasks[keyTasks.indexOf(task) + 1]?.e.ts ?? task.e.ts + 100_000;
    const between = roots.slice(i + 1).filter((t) => t.e.ts < until);
    const frameTask = between.find((t) => t.e.name === 'ProxyMain::BeginMainFrame' || find(t, (e) => e.name === 'ProxyMain::BeginMainFrame').length);
    out['other tasks'].push(between.filter((t) => t !== frameTask).reduce((sum, t) => sum + cpu(t.e), 0));
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

const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'blink', 'cc', 'toplevel'];

/** Types into `selector` of a page made ready, with BENCH_TRACE tracing the typing. */
async function typeMeasured(browser: Browser, page: Page, selector: string, keys: number, pasteMs: number): Promise<Figures> {
  const trace = !!process.env.BENCH_TRACE;
  if (trace) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  const typed = await typeInto(page, selector, keys);
  const cpu = trace ? cpuPerKey((JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents) : undefined;
  return { pasteMs, keys: typed.frame, work: typed.work, late: typed.late, cpu };
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
    const selector = await scrollToMiddle(page, s.rows);
    return await typeMeasured(browser, page, selector, keys, pasteMs);
  } finally {
    await context.close();
  }
}

/**
 * The control: a page holding one text box and nothing else, served the same way and typed
 * into the same way. What it shows is the floor of the measure on this machine: the wait for
 * the next vsync and the browser's own text editing and frame.
 */
const BARE_PAGE = '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>对照</title></head>' +
  '<body><textarea id="bare" rows="2" cols="40">按月结算，需提前确认发票抬头</textarea></body></html>';

export function bareSite(): string {
  const dir = mkdtempSync(join(tmpdir(), 'handover-bench-bare-'));
  for (const name of ['index.html', '404.html']) writeFileSync(join(dir, name), BARE_PAGE);
  return dir;
}

export async function measureBare(browser: Browser, port: number, keys: number): Promise<Figures> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForTimeout(1500); // as long as the table pages settle (the last page closed, its renderer gone)
    return await typeMeasured(browser, page, '#bare', keys, 0);
  } finally {
    await context.close();
  }
}

/**
 * Every site, every scenario. On a shared machine the load changes from minute to minute: each
 * round goes through every scenario, the sites taking turns within it (the order alternating
 * from round to round) and the control page after them, so the sites, the scenarios and the
 * control are each compared under the same load. Per site and scenario: the paste time's median
 * over the rounds, and the keys of all rounds; the control's keys of every turn it had.
 */
async function measureSites(distDirs: string[], scenarios: Scenario[], keys: number, rounds: number): Promise<{ sites: Figures[][]; control: Figures }> {
  const bare = bareSite();
  const servers = [...distDirs, bare].map((distDir) => createApp({ distDir }));
  await Promise.all(servers.map((server) => new Promise<void>((r) => server.listen(0, '127.0.0.1', r))));
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  const barePort = ports.pop()!;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-gpu', '--disable-background-networking'],
  });
  const runs: Figures[][][] = distDirs.map(() => scenarios.map(() => []));
  const controls: Figures[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [si, s] of scenarios.entries()) {
        const order = distDirs.map((_, i) => i);
        if (round % 2) order.reverse();
        for (const i of order) runs[i][si].push(await measureOnce(browser, ports[i], s, keys));
        controls.push(await measureBare(browser, barePort, keys));
      }
    }
  } finally {
    await browser.close();
    for (const server of servers) server.close();
    rmSync(bare, { recursive: true, force: true });
  }
  const mergeCpu = (rs: Figures[]) => (rs[0].cpu ? Object.fromEntries(Object.keys(rs[0].cpu).map((k) => [k, rs.flatMap((r) => r.cpu![k])])) : undefined);
  const merge = (rs: Figures[]): Figures => ({ pasteMs: median(rs.map((r) => r.pasteMs)), keys: rs.flatMap((r) => r.keys), work: rs.flatMap((r) => r.work), late: rs.flatMap((r) => r.late), cpu: mergeCpu(rs) });
  return { sites: runs.map((site) => site.map(merge)), control: merge(controls) };
}

/** Shares of keys shown 0, 1 and 2 or more frames late. */
function lateShares(late: number[]): string {
  const share = (test: (n: number) => boolean) => `${Math.round((100 * late.filter(test).length) / Math.max(1, late.length))}%`;
  return `${share((n) => n === 0)} / ${share((n) => n === 1)} / ${share((n) => n >= 2)}`;
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
  const { sites: figures, control } = await measureSites([...baseDirs, resolve(dist)], scenarios, keys, rounds);
  const sites = [...bases.map((b) => `基线 ${b}`), '当前'].map((label, i) => [label, figures[i]] as const);
  // Wall-clock figures: on a shared machine they grow with its load, so the load is printed too.
  console.log(`清单客户表（Chromium，1280 px，每场景 ${rounds} 轮 × ${keys} 次按键，各版本与各场景轮流测）：基线 ${bases.join('、')} 与当前树，同一次运行；系统负载 ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}（${cpus().length} 核）`);
  console.log('对照：只有一个文本框的空白页，同样由本服务器提供、同样输入（每个场景的每轮之后一次），即本测量在这台机器上的下限：等下一个 60 Hz 帧（0–16.7 ms）加浏览器自身的文字编辑与绘制。');
  console.log('晚几帧：显示按键改动的帧比按键后的第一帧晚几帧（0 帧 / 1 帧 / ≥2 帧 的按键占比）。');
  console.log('| 场景 | 版本 | 粘贴到行显示 | 按键到下一帧 中位数 | p95 | 最慢 | 每键自身工作 中位数 | p95 | 晚几帧 0 / 1 / ≥2 |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  const row = (name: string, label: string, f: Figures, paste: string) =>
    `| ${name} | ${label} | ${paste} | ${ms(median(f.keys))} | ${ms(p95(f.keys))} | ${ms(Math.max(...f.keys))} | ${ms(median(f.work))} | ${ms(p95(f.work))} | ${lateShares(f.late)} |`;
  console.log(row('对照：空白页，一个文本框', '–', control, '–'));
  scenarios.forEach((s, i) => {
    const name = `${s.rows} 行${s.errors ? '，每行缺必填（已点检查填写）' : '，无错误'}`;
    for (const [label, figures] of sites) console.log(row(name, label, figures[i], ms(figures[i].pasteMs)));
  });
  console.log('');
  const parts = control.cpu && Object.keys(control.cpu);
  if (parts) {
    console.log('每键主线程 CPU 时间（Chromium 跟踪，中位数 / p95）：按键任务、其后一帧及帧内各部分');
    console.log(`| 场景 | 版本 | ${parts.join(' | ')} |`);
    console.log(`|---|---|${parts.map(() => '---:').join('|')}|`);
    const cpuRow = (name: string, label: string, cpu: Record<string, number[]>) =>
      `| ${name} | ${label} | ${parts.map((p) => (cpu[p].length ? `${median(cpu[p]).toFixed(2)} / ${p95(cpu[p]).toFixed(2)}` : '–')).join(' | ')} |`;
    console.log(cpuRow('对照：空白页', '–', control.cpu!));
    scenarios.forEach((s, i) => {
      const name = `${s.rows} 行${s.errors ? '，每行缺必填' : '，无错误'}`;
      for (const [label, figures] of sites) console.log(cpuRow(name, label, figures[i].cpu!));
    });
    console.log('');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await tableBench();
