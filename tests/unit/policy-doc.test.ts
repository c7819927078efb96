import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chineseNumeral, diffPolicy, fillText, fromTemplate, insertClause, numberedClauses, splitClauses, toMarkdown, withoutStoredNumbers, type Clause } from '../../src/lib/policy-doc.js';
import { parseProfileFile, profileFileContent } from '../../src/lib/company-profile.js';
import { markdownBlocks } from '../../src/lib/markdown-blocks.js';
import { renderPolicyPdf } from '../../src/lib/pdf/policy-pdf.js';
import { renderPolicyDocx } from '../../src/lib/docx/policy-docx.js';
import { splitFrontmatter } from '../../src/lib/frontmatter.js';

const body = '开头说明。\n\n## 一、目的\n\n为保证{{companyName}}业务连续。\n\n## 二、违规处理\n\n视情节给予警告。\n\n## 三、附则\n\n由{{hrDept}}解释。';

describe('clauses', () => {
  it('splits at ## headings, keeping an untitled opening clause and dropping stored numbers', () => {
    const cs = splitClauses(body, ['二、违规处理']);
    expect(cs.map((c) => [c.heading, c.body, !!c.optional])).toEqual([
      ['', '开头说明。', false],
      ['目的', '为保证{{companyName}}业务连续。', false],
      ['违规处理', '视情节给予警告。', true],
      ['附则', '由{{hrDept}}解释。', false],
    ]);
  });

  it('rebuilds Markdown from the enabled clauses in order, numbered by position', () => {
    const p = fromTemplate('x', 'X', body);
    p.clauses[2].enabled = false;
    p.clauses = [p.clauses[0], p.clauses[3], p.clauses[1], p.clauses[2]];
    expect(toMarkdown(p)).toBe('开头说明。\n\n## 一、附则\n\n由{{hrDept}}解释。\n\n## 二、目的\n\n为保证{{companyName}}业务连续。');
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
      ['added', '一、定义'],
      ['edited', '一、目的'],
      ['switched-off', '二、违规处理'],
      ['removed', '三、附则'],
    ]);
    const edited = changes[1].parts!;
    expect(edited.filter(([, k]) => k === 'added').map(([t]) => t).join('')).toContain('各项');
  });
});

describe('clause numbers', () => {
  const general = () => {
    const source = splitFrontmatter(readFileSync('content/policies/general-handover-policy.md', 'utf8'))!.body;
    return fromTemplate('general-handover-policy', '工作交接管理制度（通用版）', source, ['十、违规处理', '十二、附件：工作交接清单样式']);
  };
  const headings = (md: string) => [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  const custom = (heading: string): Clause => ({ id: `n-${heading}`, heading, body: '新增的内容。', enabled: true, origin: 'custom' });

  it('writes Chinese numerals the way clause numbers are written, past ten', () => {
    expect([1, 2, 9, 10, 11, 12, 19, 20, 21, 29, 30, 99, 100, 101, 110, 111].map(chineseNumeral)).toEqual([
      '一', '二', '九', '十', '十一', '十二', '十九', '二十', '二十一', '二十九', '三十', '九十九', '一百', '一百零一', '一百一十', '一百一十一',
    ]);
  });

  it('numbers the template as it is written, from the one place numbers are made', () => {
    const p = general();
    expect(p.clauses.every((c) => !/^[一二三四五六七八九十]+、/.test(c.heading))).toBe(true);
    expect(p.clauses.find((c) => c.heading === '违规处理')?.optional).toBe(true);
    const source = splitFrontmatter(readFileSync('content/policies/general-handover-policy.md', 'utf8'))!.body;
    expect(headings(toMarkdown(p))).toEqual(headings(source));
  });

  it('switching off 十、违规处理 makes 附则 the new 十 and leaves no gap', () => {
    const p = general();
    p.clauses.find((c) => c.heading === '违规处理')!.enabled = false;
    expect(headings(toMarkdown(p)).slice(-3)).toEqual(['九、签字确认与归档', '十、附则', '十一、附件：工作交接清单样式']);
  });

  it('an added clause lands before the closing 附则 and 附件, and everything after renumbers', () => {
    const p = general();
    p.clauses = insertClause(p.clauses, custom('考核与奖励'));
    expect(headings(toMarkdown(p)).slice(-4)).toEqual(['十、违规处理', '十一、考核与奖励', '十二、附则', '十三、附件：工作交接清单样式']);
    // A number typed by hand into a heading is not kept: the position decides.
    p.clauses = insertClause(p.clauses, custom('二十、数据安全'));
    expect(headings(toMarkdown(p))).toContain('十二、数据安全');
  });

  it('numbers 21 clauses 一 … 二十一, skipping switched-off ones and the untitled opening', () => {
    const clauses: Clause[] = [{ id: 'o', heading: '', body: '开头。', enabled: true, origin: 'template' }];
    for (let i = 1; i <= 22; i++) clauses.push({ id: `c${i}`, heading: `第${i}条内容`, body: `正文${i}`, enabled: i !== 5, origin: 'template' });
    const n = numberedClauses(clauses);
    expect(n[0]).toMatchObject({ number: null, heading: '' });
    expect(n.filter((x) => x.number).map((x) => x.heading.split('、')[0])).toEqual([
      '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五', '十六', '十七', '十八', '十九', '二十', '二十一',
    ]);
    expect(n.at(-1)!.heading).toBe('二十一、第22条内容');
  });

  it('a reference to another clause (见“六、交接内容”) follows its new number', () => {
    const source = splitFrontmatter(readFileSync('content/policies/customer-service-handover.md', 'utf8'))!.body;
    const p = fromTemplate('customer-service-handover', 'X', source);
    expect(toMarkdown(p)).toContain('格式见“六、交接内容”第（三）项');
    p.clauses.find((c) => c.heading === '交接原则' || c.heading === '各方职责')!.enabled = false;
    const md = toMarkdown(p);
    expect(md).toContain('## 五、交接内容');
    expect(md).toContain('格式见“五、交接内容”第（三）项');
    // The stored clause text keeps the template's wording; only the rendered document changes.
    expect(p.clauses.some((c) => c.body.includes('“六、交接内容”'))).toBe(true);
  });

  it('older saved policies with numbered headings are read without their numbers', () => {
    const old = { slug: 'x', title: 'X', overrides: {}, clauses: [{ id: 'c1', heading: '十一、附则', body: '', enabled: true, origin: 'template' as const }] };
    expect(withoutStoredNumbers(old).clauses[0].heading).toBe('附则');
  });

  it('PDF, Word and Markdown exports carry the same renumbered headings', async () => {
    const p = general();
    p.clauses.find((c) => c.heading === '违规处理')!.enabled = false;
    p.clauses = insertClause(p.clauses, custom('考核与奖励'));
    const md = fillText(toMarkdown(p), { companyName: '上海某某贸易有限公司' }).text;
    const expected = ['九、签字确认与归档', '十、考核与奖励', '十一、附则', '十二、附件：工作交接清单样式'];
    expect(headings(md).slice(-4)).toEqual(expected);

    const blocks = markdownBlocks(md);
    const scratch = mkdtempSync(join(tmpdir(), 'policy-numbers-'));
    const pdf = await renderPolicyPdf({ title: '工作交接管理制度', blocks });
    writeFileSync(join(scratch, 'p.pdf'), pdf.bytes);
    const pdfText = execFileSync('pdftotext', [join(scratch, 'p.pdf'), '-'], { encoding: 'utf8' }).replace(/[ \t]+/g, '');
    const docx = await renderPolicyDocx({ title: '工作交接管理制度', blocks });
    writeFileSync(join(scratch, 'p.docx'), docx);
    const xml = execFileSync('unzip', ['-p', join(scratch, 'p.docx'), 'word/document.xml'], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
    const docxHeadings = [...xml.matchAll(/<w:p>(?:(?!<\/w:p>).)*?w:val="Heading1"(?:(?!<\/w:p>).)*?<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]);
    for (const h of expected) expect(pdfText).toContain(h);
    expect(pdfText).not.toContain('十三、');
    expect(docxHeadings.slice(-4)).toEqual(expected);
    expect(docxHeadings).not.toContain('十、违规处理');
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
