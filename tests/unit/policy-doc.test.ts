import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffPolicy, fillText, fromTemplate, splitClauses, toMarkdown } from '../../src/lib/policy-doc.js';
import { parseProfileFile, profileFileContent } from '../../src/lib/company-profile.js';
import { markdownBlocks } from '../../src/lib/markdown-blocks.js';
import { renderPolicyPdf } from '../../src/lib/pdf/policy-pdf.js';
import { renderPolicyDocx } from '../../src/lib/docx/policy-docx.js';
import { splitFrontmatter } from '../../src/lib/frontmatter.js';

const body = '开头说明。\n\n## 一、目的\n\n为保证{{companyName}}业务连续。\n\n## 二、违规处理\n\n视情节给予警告。\n\n## 三、附则\n\n由{{hrDept}}解释。';

describe('clauses', () => {
  it('splits at ## headings, keeping an untitled opening clause', () => {
    const cs = splitClauses(body, ['二、违规处理']);
    expect(cs.map((c) => [c.heading, c.body, !!c.optional])).toEqual([
      ['', '开头说明。', false],
      ['一、目的', '为保证{{companyName}}业务连续。', false],
      ['二、违规处理', '视情节给予警告。', true],
      ['三、附则', '由{{hrDept}}解释。', false],
    ]);
  });

  it('rebuilds Markdown from the enabled clauses in order', () => {
    const p = fromTemplate('x', 'X', body);
    p.clauses[2].enabled = false;
    p.clauses = [p.clauses[0], p.clauses[3], p.clauses[1], p.clauses[2]];
    expect(toMarkdown(p)).toBe('开头说明。\n\n## 三、附则\n\n由{{hrDept}}解释。\n\n## 一、目的\n\n为保证{{companyName}}业务连续。');
  });

  it('fills variables and flags unknown ones instead of leaving silent braces', () => {
    expect(fillText('由{{hrDept}}于{{deadline}}前完成', { hrDept: '人事部' })).toEqual({ text: '由人事部于{{deadline}}前完成', unknown: ['deadline'] });
  });

  it('diffs edits, switched-off, added, removed and moved clauses', () => {
    const original = fromTemplate('x', 'X', body);
    const current = structuredClone(original);
    current.clauses[1].body = '为保证{{companyName}}各项业务连续、平稳。';
    current.clauses[2].enabled = false;
    current.clauses.splice(3, 1);
    current.clauses.unshift({ id: 'n1', heading: '零、定义', body: '本制度所称交接……', enabled: true, origin: 'custom' });
    const changes = diffPolicy(original, current);
    expect(changes.map((c) => [c.kind, c.heading])).toEqual([
      ['added', '零、定义'],
      ['edited', '一、目的'],
      ['switched-off', '二、违规处理'],
      ['removed', '三、附则'],
    ]);
    const edited = changes[1].parts!;
    expect(edited.filter(([, k]) => k === 'added').map(([t]) => t).join('')).toContain('各项');
  });
});

describe('company profile files', () => {
  it('round-trips and refuses corrupt or foreign files', () => {
    expect(parseProfileFile(profileFileContent({ companyName: '某某公司', hrDept: '人事部' }))).toEqual({ ok: true, profile: { companyName: '某某公司', hrDept: '人事部' } });
    expect(parseProfileFile('{bad')).toMatchObject({ ok: false, error: expect.stringContaining('当前公司信息未改动') });
    expect(parseProfileFile('{"format":"handover-kit-draft"}')).toMatchObject({ ok: false });
  });
});

describe('export', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'policy-export-'));
  const source = splitFrontmatter(readFileSync('content/policies/general-handover-policy.md', 'utf8'))!.body;
  const md = fillText(source.repeat(6), { companyName: '上海某某贸易有限公司', hrDept: '人事行政部' }).text;
  const blocks = markdownBlocks(md);

  it('turns Markdown into headings, paragraphs, lists and tables', () => {
    const kinds = new Set(blocks.map((b) => b.kind));
    expect([...kinds].sort()).toEqual(['heading', 'list', 'paragraph', 'table'].filter((k) => kinds.has(k as never)).sort());
    expect(blocks.some((b) => b.kind === 'heading')).toBe(true);
  });

  it('exports a long policy to a searchable, paginated PDF', async () => {
    const pdf = await renderPolicyPdf({ title: '工作交接管理制度', company: '上海某某贸易有限公司', blocks });
    expect(pdf.pageCount).toBeGreaterThan(5);
    const file = join(scratch, 'p.pdf');
    writeFileSync(file, pdf.bytes);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(text).toContain('上海某某贸易有限公司');
    expect(text).toContain(`第${pdf.pageCount}页/共${pdf.pageCount}页`);
  });

  it('exports Word with real headings and the Chinese text', async () => {
    const docx = await renderPolicyDocx({ title: '工作交接管理制度', company: '上海某某贸易有限公司', blocks });
    const file = join(scratch, 'p.docx');
    writeFileSync(file, docx);
    const xml = execFileSync('unzip', ['-p', file, 'word/document.xml'], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
    expect(xml).toContain('上海某某贸易有限公司');
    expect(xml).toContain('w:pStyle w:val="Heading1"');
    expect(xml).toContain('w:pStyle w:val="Title"');
  });
});
