import { readFileSync, readdirSync } from 'node:fs';
import type { JSONContent } from '@tiptap/core';
import { describe, expect, it } from 'vitest';
import { docToMarkdown, markdownToDoc } from '../../src/islands/customize/editor/markdown.js';
import { splitClauses } from '../../src/lib/policy-doc.js';
import { splitFrontmatter } from '../../src/lib/frontmatter.js';

/** Every clause of every shipped template goes through the editor schema and comes back unchanged. */
const clauses = readdirSync('content/policies')
  .filter((f) => f.endsWith('.md'))
  .flatMap((f) => splitClauses(splitFrontmatter(readFileSync(`content/policies/${f}`, 'utf8'))!.body).map((c) => ({ file: f, heading: c.heading, body: c.body })));

const nodes = (doc: JSONContent): JSONContent[] => [doc, ...(doc.content ?? []).flatMap(nodes)];

describe('clause Markdown through the editor schema', () => {
  it('covers the kinds of content the templates use', () => {
    const all = clauses.flatMap((c) => nodes(markdownToDoc(c.body)));
    const types = new Set(all.map((n) => n.type));
    for (const t of ['heading', 'bulletList', 'orderedList', 'table', 'tableHeader', 'variable']) expect(types, t).toContain(t);
    expect(all.some((n) => n.type === 'text' && n.marks?.some((m) => m.type === 'bold'))).toBe(true);
    expect(clauses.length).toBeGreaterThan(200);
  });

  it.each(clauses.map((c) => [`${c.file} ${c.heading || '（开头）'}`, c.body]))('%s round-trips exactly', (_name, body) => {
    expect(docToMarkdown(markdownToDoc(body))).toBe(body.trim());
  });

  it('turns {{key}} into a chip, keeps bold around it, and restores it exactly', () => {
    const doc = markdownToDoc('- **{{hrDept}}**：由{{companyName}}负责，{{ not a key }}照写。');
    const inline = nodes(doc).filter((n) => n.type === 'variable' || n.type === 'text');
    expect(inline.filter((n) => n.type === 'variable').map((n) => [n.attrs?.key, (n.marks ?? []).map((m) => m.type)])).toEqual([
      ['hrDept', ['bold']],
      ['companyName', []],
    ]);
    expect(docToMarkdown(doc)).toBe('- **{{hrDept}}**：由{{companyName}}负责，{{ not a key }}照写。');
  });

  it('writes tables compactly and normalizes padding, spacing and variable spelling', () => {
    const messy = '|名称|负责人|\n|:--|--|\n|  交接清单  | {{ hrDept }} |\n\n\n\n段落 **加粗**';
    expect(docToMarkdown(markdownToDoc(messy))).toBe('| 名称 | 负责人 |\n| --- | --- |\n| 交接清单 | {{hrDept}} |\n\n段落 **加粗**');
  });

  it('an edited document (row added, cell changed, chip inserted) serializes as Markdown the exports read', () => {
    const doc = markdownToDoc('| 事项 | 时限 |\n| --- | --- |\n| 提交清单 | {{handoverDeadline}} |');
    const table = doc.content![0];
    table.content!.push({ type: 'tableRow', content: [
      { type: 'tableCell', content: [{ type: 'paragraph', content: [{ type: 'text', text: '注销账号 | 邮箱' }] }] },
      { type: 'tableCell', content: [{ type: 'paragraph', content: [{ type: 'variable', attrs: { key: 'accountRevocationDeadline' } }] }] },
    ] });
    expect(docToMarkdown(doc)).toBe('| 事项 | 时限 |\n| --- | --- |\n| 提交清单 | {{handoverDeadline}} |\n| 注销账号 \\| 邮箱 | {{accountRevocationDeadline}} |');
  });
});
