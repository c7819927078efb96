import type { JSONContent } from '@tiptap/core';
import { MarkdownManager } from '@tiptap/markdown';
import { VARIABLE_KEY, VARIABLE_PATTERN } from '../../../lib/template-vars.js';
import { clauseExtensions } from './schema.js';

/**
 * Clause Markdown ⇄ editor document. Variables travel through the Markdown parser as
 * private-use placeholders (U+E000 key U+E001) rather than a custom inline token, because
 * Tiptap's Markdown layer only puts marks on text: `**{{hrDept}}**` must stay bold around
 * its chip, and the chip must come back as exactly `{{hrDept}}`.
 */
const OPEN = '\uE000';
const CLOSE = '\uE001';
const PLACEHOLDER = new RegExp(`${OPEN}([A-Za-z][A-Za-z0-9]*)${CLOSE}`, 'g');

let manager: MarkdownManager | null = null;
const markdown = () => (manager ??= new MarkdownManager({ extensions: clauseExtensions() }));

function splitPlaceholders(nodes: JSONContent[]): JSONContent[] {
  return nodes.flatMap((n): JSONContent[] => {
    if (n.type !== 'text') return [n.content ? { ...n, content: splitPlaceholders(n.content) } : n];
    const text = n.text ?? '';
    if (!text.includes(OPEN)) return [n];
    const out: JSONContent[] = [];
    let last = 0;
    for (const m of text.matchAll(PLACEHOLDER)) {
      if (m.index! > last) out.push({ ...n, text: text.slice(last, m.index) });
      out.push({ type: 'variable', attrs: { key: m[1] }, ...(n.marks ? { marks: n.marks } : {}) });
      last = m.index! + m[0].length;
    }
    if (last < text.length) out.push({ ...n, text: text.slice(last) });
    return out;
  });
}

const sameMarks = (a: JSONContent, b: JSONContent) => JSON.stringify(a.marks ?? []) === JSON.stringify(b.marks ?? []);

function joinPlaceholders(nodes: JSONContent[]): JSONContent[] {
  const out: JSONContent[] = [];
  for (const n of nodes) {
    const node: JSONContent =
      n.type === 'variable'
        ? { type: 'text', text: `${OPEN}${(n.attrs as { key: string }).key}${CLOSE}`, ...(n.marks ? { marks: n.marks } : {}) }
        : n.content
          ? { ...n, content: joinPlaceholders(n.content) }
          : n;
    const prev = out[out.length - 1];
    if (node.type === 'text' && prev?.type === 'text' && sameMarks(prev, node)) out[out.length - 1] = { ...prev, text: (prev.text ?? '') + node.text };
    else out.push(node);
  }
  return out;
}

/** Clause body Markdown → editor JSON; `{{key}}` with a well-formed key becomes a chip. */
export function markdownToDoc(md: string): JSONContent {
  const marked = md.replace(VARIABLE_PATTERN, (all, key: string) => (VARIABLE_KEY.test(key) ? `${OPEN}${key}${CLOSE}` : all));
  const doc = markdown().parse(marked);
  return { ...doc, content: splitPlaceholders(doc.content ?? []) };
}

/** Editor JSON → clause body Markdown, chips back to `{{key}}`. */
export function docToMarkdown(doc: JSONContent): string {
  const md = markdown().serialize({ ...doc, content: joinPlaceholders(doc.content ?? []) });
  return md
    .replace(PLACEHOLDER, '{{$1}}')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
