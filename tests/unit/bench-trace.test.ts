/**
 * The browser bench's reading of a Chromium trace (cpuPerKey): per key, the CPU of the task that
 * handled the keydown, of every other task until the next key (keyup, timers, React's scheduled
 * work) and of the next frame with its parts; events of other threads do not count.
 */
import { describe, expect, it } from 'vitest';
import { cpuPerKey } from '../../scripts/bench-browser.js';

const MAIN = { pid: 1, tid: 7 };
/** A complete event on the renderer's main thread; times in µs, as Chromium writes them. */
const x = (name: string, ts: number, dur: number, tdur: number, data?: { type: string }, thread = MAIN) => ({ name, ph: 'X', ts, dur, tdur, ...thread, ...(data ? { args: { data } } : {}) });

const events = [
  { name: 'thread_name', ph: 'M', ts: 0, ...MAIN, args: { name: 'CrRendererMain' } },
  { name: 'thread_name', ph: 'M', ts: 0, pid: 2, tid: 9, args: { name: 'CrRendererMain' } },
  // Key 1: its task, its keyup, its frame, a timer.
  x('RunTask', 0, 4000, 3500), x('EventDispatch', 100, 3000, 2800, { type: 'keydown' }),
  x('RunTask', 5000, 500, 400), x('EventDispatch', 5050, 300, 250, { type: 'keyup' }),
  x('RunTask', 10000, 6000, 5000), x('ProxyMain::BeginMainFrame', 10010, 5900, 4800),
  x('Blink.Paint.UpdateTime', 11000, 1000, 900), x('Layerize', 12500, 700, 600), x('Commit', 14000, 1500, 500),
  x('RunTask', 17000, 300, 200),
  // Another renderer's key, at the same time: not ours.
  x('RunTask', 17100, 9000, 9000, undefined, { pid: 2, tid: 9 }), x('EventDispatch', 17200, 8000, 8000, { type: 'keydown' }, { pid: 2, tid: 9 }),
  // Key 2: its task and frame only.
  x('RunTask', 30000, 3000, 2500), x('EventDispatch', 30100, 2000, 1900, { type: 'keydown' }),
  x('RunTask', 40000, 3000, 2800), x('ProxyMain::BeginMainFrame', 40010, 2900, 2700),
  x('EventHandler::handleMouseMoveEvent', 40100, 500, 450),
];

describe('cpuPerKey', () => {
  it('splits each key into its task, the other tasks before the next key, and its frame', () => {
    const cpu = cpuPerKey(events);
    expect(cpu['key task']).toEqual([3.5, 2.5]);
    expect(cpu['other tasks'].map((n) => +n.toFixed(3))).toEqual([0.6, 0]);
    expect(cpu.frame).toEqual([4.8, 2.7]);
    expect(cpu.paint).toEqual([0.9, 0]);
    expect(cpu.layerize).toEqual([0.6, 0]);
    expect(cpu.commit).toEqual([0.5, 0]);
    expect(cpu['hover hit test']).toEqual([0, 0.45]);
  });

  it('gives nothing for a trace without keys', () => {
    const cpu = cpuPerKey(events.filter((e) => !('args' in e && e.args && 'data' in e.args && e.args.data?.type === 'keydown')));
    expect(cpu['key task']).toEqual([]);
    expect(cpu.frame).toEqual([]);
  });
});
