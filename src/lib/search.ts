/**
 * Client-side search over a small static index. Chinese has no spaces between words, so
 * matching is by substring on normalized text (full-width → half-width, case folded);
 * several space-separated terms must all match.
 */
export interface SearchDoc {
  slug: string;
  title: string;
  category: string;
  categoryLabel: string;
  summary: string;
  keywords: string[];
  appliesTo: string[];
  text: string;
}

export interface SearchHit {
  doc: SearchDoc;
  score: number;
  /** Short excerpt around the first body match, and where the terms sit inside it. */
  snippet: string;
  highlights: Array<[start: number, end: number]>;
}

export function normalize(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

export function parseQuery(query: string): string[] {
  return [...new Set(normalize(query).split(/[\s,，、;；]+/).filter(Boolean))];
}

function countOccurrences(haystack: string, needle: string, cap = 20): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i !== -1 && n < cap; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}

function highlightRanges(text: string, terms: string[]): Array<[number, number]> {
  const norm = normalize(text);
  const ranges: Array<[number, number]> = [];
  for (const t of terms) {
    for (let i = norm.indexOf(t); i !== -1; i = norm.indexOf(t, i + t.length)) ranges.push([i, i + t.length]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

export function makeSnippet(text: string, terms: string[], radius = 40): { snippet: string; highlights: Array<[number, number]> } {
  const norm = normalize(text);
  const first = Math.min(...terms.map((t) => norm.indexOf(t)).filter((i) => i >= 0));
  if (!Number.isFinite(first)) {
    const snippet = text.slice(0, radius * 2) + (text.length > radius * 2 ? '…' : '');
    return { snippet, highlights: [] };
  }
  const start = Math.max(0, first - radius);
  const end = Math.min(text.length, first + radius * 2);
  const body = text.slice(start, end);
  const prefix = start > 0 ? '…' : '';
  const snippet = prefix + body + (end < text.length ? '…' : '');
  const highlights = highlightRanges(body, terms).map(([a, b]) => [a + prefix.length, b + prefix.length] as [number, number]);
  return { snippet, highlights };
}

export function search(docs: readonly SearchDoc[], query: string, options: { category?: string; limit?: number } = {}): SearchHit[] {
  const terms = parseQuery(query);
  if (terms.length === 0) return [];
  const hits: SearchHit[] = [];
  for (const doc of docs) {
    if (options.category && doc.category !== options.category) continue;
    const title = normalize(doc.title);
    const meta = normalize([doc.summary, doc.categoryLabel, ...doc.keywords, ...doc.appliesTo].join(' '));
    const text = normalize(doc.text);
    let score = 0;
    let allMatch = true;
    for (const t of terms) {
      const inTitle = title.includes(t);
      const inMeta = meta.includes(t);
      const inText = countOccurrences(text, t);
      if (!inTitle && !inMeta && inText === 0) {
        allMatch = false;
        break;
      }
      score += (inTitle ? 20 : 0) + (inMeta ? 5 : 0) + Math.min(inText, 10);
    }
    if (!allMatch) continue;
    // Show where the words are: the body if they occur there, else the summary.
    const inBody = terms.some((t) => text.includes(t));
    hits.push({ doc, score, ...makeSnippet(inBody ? doc.text : doc.summary, terms) });
  }
  hits.sort((a, b) => b.score - a.score || a.doc.title.localeCompare(b.doc.title, 'zh-CN'));
  return hits.slice(0, options.limit ?? 50);
}
