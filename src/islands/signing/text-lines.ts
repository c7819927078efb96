/**
 * A page's text as reading paragraphs. Runs whose baselines lie within half a line of each
 * other are one line, read left to right; a wide gap between runs (a table's columns, a
 * label and its value) becomes a wide space. A line of running text that reaches the right
 * margin without closing punctuation carries on into the next line: one paragraph, so the
 * phone wraps it at its own width instead of the A4 page's.
 */
export function textLines(items: ReadonlyArray<object>): string[] {
  const runs = items
    .filter((i): i is { str: string; transform: number[]; width: number; height: number } => 'str' in i && typeof (i as { str: unknown }).str === 'string')
    .filter((r) => r.str.trim() !== '')
    .map((r) => ({ text: r.str, x: r.transform[4], y: r.transform[5], w: r.width, h: Math.max(1, r.height || Math.abs(r.transform[3])) }));
  runs.sort((a, b) => b.y - a.y || a.x - b.x);
  const groups: (typeof runs)[] = [];
  for (const r of runs) {
    const line = groups[groups.length - 1];
    if (line && Math.abs(line[0].y - r.y) < Math.min(line[0].h, r.h) / 2) line.push(r);
    else groups.push([r]);
  }
  const lines = groups.map((line) => {
    line.sort((a, b) => a.x - b.x);
    let text = '';
    let end = -Infinity;
    let gaps = false;
    for (const r of line) {
      if (text && r.x - end > r.h * 1.5) {
        text += '　';
        gaps = true;
      }
      text += r.text;
      end = r.x + r.w;
    }
    return { text: text.trim(), right: end, h: line[0].h, gaps };
  });
  const margin = Math.max(...lines.map((l) => l.right));
  const out: string[] = [];
  let open = false;
  for (const l of lines) {
    if (open) out[out.length - 1] += l.text;
    else out.push(l.text);
    open = !l.gaps && l.right >= margin - l.h * 2 && !/[。！？：；」』）)]$/.test(l.text);
  }
  return out;
}
