import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formDefinitionSchema } from '../../src/lib/form-definition.js';
import { DraftStore, DraftStoreError, draftFileContent, parseDraftFile, type KeyValueStorage } from '../../src/lib/drafts.js';
import { emptyValues } from '../../src/lib/form-data.js';

const def = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/work-handover.json', 'utf8')));

class MemoryStorage implements KeyValueStorage {
  data = new Map<string, string>();
  quota = Infinity;
  getItem(k: string) { return this.data.get(k) ?? null; }
  setItem(k: string, v: string) {
    if (v.length > this.quota) throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
    this.data.set(k, v);
  }
  removeItem(k: string) { this.data.delete(k); }
}

describe('draft store', () => {
  it('keeps several drafts per form, newest first, with their dates', () => {
    const store = new DraftStore(new MemoryStorage(), def.id);
    const v = emptyValues(def);
    store.save({ id: 'a', title: '张三', values: { ...v, giverName: '张三' } }, new Date('2026-11-20T08:00:00Z'));
    store.save({ id: 'b', title: '李四', values: v }, new Date('2026-11-21T08:00:00Z'));
    store.save({ id: 'a', title: '张三（改）', values: { ...v, giverName: '张三丰' } }, new Date('2026-11-22T08:00:00Z'));
    expect(store.list().map((d) => [d.id, d.title, d.createdAt.slice(0, 10), d.updatedAt.slice(0, 10)])).toEqual([
      ['a', '张三（改）', '2026-11-20', '2026-11-22'],
      ['b', '李四', '2026-11-21', '2026-11-21'],
    ]);
    expect(store.load('a')!.values.giverName).toBe('张三丰');
    store.remove('b');
    expect(store.list().map((d) => d.id)).toEqual(['a']);
  });

  it('says clearly when the browser storage is full', () => {
    const storage = new MemoryStorage();
    storage.quota = 10;
    const store = new DraftStore(storage, def.id);
    expect(() => store.save({ id: 'a', title: 'x', values: emptyValues(def) })).toThrow(DraftStoreError);
    expect(() => store.save({ id: 'a', title: 'x', values: emptyValues(def) })).toThrow(/存储空间已满/);
  });

  it('survives a damaged index', () => {
    const storage = new MemoryStorage();
    storage.setItem(`handover-kit:drafts:${def.id}`, '{not json');
    expect(new DraftStore(storage, def.id).list()).toEqual([]);
  });
});

describe('draft files', () => {
  const draft = { id: 'a', title: '张三', createdAt: '2026-11-20T08:00:00Z', updatedAt: '2026-11-21T08:00:00Z', values: { ...emptyValues(def), giverName: '张三', duties: [{ duty: '报表', method: '', cycle: '', status: '坏值', remark: '' }] } };

  it('round-trips, keeping invalid values to be marked', () => {
    const parsed = parseDraftFile(draftFileContent(def, draft), def);
    expect(parsed).toMatchObject({ ok: true, title: '张三' });
    expect(parsed.ok && (parsed.values.duties as { status: string }[])[0].status).toBe('坏值');
  });

  it('refuses corrupt files, other forms and wrong shapes with a reason', () => {
    expect(parseDraftFile('{oops', def)).toEqual({ ok: false, error: expect.stringContaining('JSON 格式错误') });
    expect(parseDraftFile('{"hello":1}', def)).toEqual({ ok: false, error: expect.stringContaining('不是本系统导出的草稿') });
    const other = draftFileContent({ ...def, id: 'customer-handover' }, draft);
    expect(parseDraftFile(other, def)).toEqual({ ok: false, error: expect.stringContaining('属于另一张表单') });
    const broken = JSON.parse(draftFileContent(def, draft));
    broken.values.duties = 'not rows';
    expect(parseDraftFile(JSON.stringify(broken), def)).toEqual({ ok: false, error: expect.stringContaining('“岗位职责”已损坏') });
  });
});
