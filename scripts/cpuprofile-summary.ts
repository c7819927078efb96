/**
 * Where a V8 CPU profile's time went (`tsx scripts/cpuprofile-summary.ts <file.cpuprofile> [N]`):
 * self time by function and by package or source folder, the top N of each, idle left out.
 * For the profiles `BENCH_PROFILE=<dir>` makes the load bench write.
 */
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx scripts/cpuprofile-summary.ts <file.cpuprofile> [N]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

/** A package name for node_modules, a folder for our own sources, the kind for V8's own entries. */
const area = (url: string, name: string) => {
  if (!url) return `(${name || 'native'})`;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return url.split('/')[0];
  const own = /\/(src\/[^/]+(?:\/[^/]+)?|api|scripts)\//.exec(url);
  return own ? own[1] : url.replace(/^file:\/\//, '');
};
const fn = new Map<string, number>();
const areas = new Map<string, number>();
let total = 0;
for (const [id, us] of self) {
  const n = byId.get(id)!;
  if (n.callFrame.functionName === '(idle)') continue;
  total += us;
  const where = area(n.callFrame.url, n.callFrame.functionName);
  const key = `${n.callFrame.functionName || '(anonymous)'}  ${where}:${n.callFrame.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  areas.set(where, (areas.get(where) ?? 0) + us);
}
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
};
console.log(`busy ${(total / 1000).toFixed(0)} ms of samples`);
print('by package or folder (self time)', areas);
print('by function (self time)', fn);
