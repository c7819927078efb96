import { describe, expect, it } from 'vitest';
import { makeSnippet, normalize, parseQuery, search, type SearchDoc } from '../../src/lib/search.js';
import { markdownToPlainText } from '../../src/lib/plain-text.js';

const doc = (slug: string, title: string, text: string, extra: Partial<SearchDoc> = {}): SearchDoc => ({
  slug, title, text, category: 'general', categoryLabel: '通用', summary: '', keywords: [], appliesTo: [], ...extra,
});

const docs = [
  doc('ops', '运营岗位离职交接管理制度', '离职后一个工作日内注销全部系统账号，包括外部平台账号。', { category: 'operations', categoryLabel: '运营' }),
  doc('crm', '离职客户交接维护制度', '接收人应在一周内联系客户，一个月内完成拜访。', { category: 'sales', categoryLabel: '销售/业务', keywords: ['客户维护'] }),
  doc('gen', '工作交接管理制度', '移交人、接收人、监交人三方签字，清单交行政部存档。'),
];

describe('search', () => {
  it('finds Chinese words inside running text (no word boundaries)', () => {
    expect(search(docs, '账号').map((h) => h.doc.slug)).toEqual(['ops']);
    expect(search(docs, '监交人').map((h) => h.doc.slug)).toEqual(['gen']);
  });

  it('requires every space-separated term and ranks title matches first', () => {
    expect(search(docs, '客户 拜访').map((h) => h.doc.slug)).toEqual(['crm']);
    expect(search(docs, '交接').map((h) => h.doc.slug)[0]).toBe('gen');
    expect(search(docs, '客户 账号')).toEqual([]);
  });

  it('normalizes full-width characters and case', () => {
    expect(normalize('ＣＲＭ　系统')).toBe('crm 系统');
    expect(parseQuery('  客户，账号 客户 ')).toEqual(['客户', '账号']);
    expect(search([doc('x', 'CRM 账号', '')], 'ｃｒｍ')).toHaveLength(1);
  });

  it('filters by category and returns nothing for an empty query', () => {
    expect(search(docs, '交接', { category: 'sales' }).map((h) => h.doc.slug)).toEqual(['crm']);
    expect(search(docs, '   ')).toEqual([]);
  });

  it('builds a snippet around the first match with highlight ranges', () => {
    const text = '甲'.repeat(100) + '账号注销' + '乙'.repeat(100);
    const { snippet, highlights } = makeSnippet(text, ['账号'], 10);
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    const [[a, b]] = highlights;
    expect(snippet.slice(a, b)).toBe('账号');
  });
});

describe('snippets', () => {
  it('falls back to the summary when the words are only in title or keywords', () => {
    const [hit] = search([doc('k', '客户维护', '正文没有这个词。', { summary: '说明客户维护的要求。' })], '客户维护');
    expect(hit.snippet).toBe('说明客户维护的要求。');
    expect(hit.snippet.slice(...hit.highlights[0])).toBe('客户维护');
  });
});

describe('markdownToPlainText', () => {
  it('drops Markdown syntax, fills variables and keeps table text', () => {
    const md = '## 一、目的\n\n为保证**{{companyName}}**业务连续：\n\n1. 第一步\n- 要点\n\n| 阶段 | 时限 |\n| --- | --- |\n| 账号注销 | {{deadline}} |';
    expect(markdownToPlainText(md, { companyName: '某某公司', deadline: '1 个工作日' })).toBe(
      '一、目的 为保证 某某公司 业务连续： 第一步 要点 阶段 时限 账号注销 1 个工作日',
    );
  });
});
