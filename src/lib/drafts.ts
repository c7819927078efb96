import { z } from 'zod';
import './zod-messages.js';
import type { FormDefinition } from './form-definition.js';
import { allFields, type FormValues } from './form-data.js';

/**
 * Drafts live in the browser (localStorage): several per form, each with its dates. A draft
 * can be exported to and imported from a JSON file. Works over any Storage-like object so
 * it is testable without a browser.
 */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface DraftMeta {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

export interface Draft extends DraftMeta {
  values: FormValues;
}

export const DRAFT_FILE_FORMAT = 'handover-kit-draft';

const metaSchema = z.object({ id: z.string(), title: z.string(), createdAt: z.string(), updatedAt: z.string() });

export class DraftStoreError extends Error {}

export class DraftStore {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly formId: string,
  ) {}

  private get indexKey() {
    return `handover-kit:drafts:${this.formId}`;
  }
  private draftKey(id: string) {
    return `handover-kit:draft:${this.formId}:${id}`;
  }

  /** Newest first. A damaged index is treated as empty rather than breaking the page. */
  list(): DraftMeta[] {
    try {
      const parsed = z.array(metaSchema).safeParse(JSON.parse(this.storage.getItem(this.indexKey) ?? '[]'));
      return parsed.success ? [...parsed.data].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)) : [];
    } catch {
      return [];
    }
  }

  load(id: string): Draft | null {
    const meta = this.list().find((d) => d.id === id);
    const raw = this.storage.getItem(this.draftKey(id));
    if (!meta || !raw) return null;
    try {
      return { ...meta, values: JSON.parse(raw) as FormValues };
    } catch {
      return null;
    }
  }

  save(draft: { id: string; title: string; values: FormValues }, now = new Date()): DraftMeta {
    const list = this.list();
    const existing = list.find((d) => d.id === draft.id);
    const meta: DraftMeta = {
      id: draft.id,
      title: draft.title,
      createdAt: existing?.createdAt ?? now.toISOString(),
      updatedAt: now.toISOString(),
    };
    try {
      this.storage.setItem(this.draftKey(draft.id), JSON.stringify(draft.values));
      this.storage.setItem(this.indexKey, JSON.stringify([meta, ...list.filter((d) => d.id !== draft.id)]));
    } catch (e) {
      throw new DraftStoreError(
        (e as Error).name === 'QuotaExceededError'
          ? '浏览器存储空间已满，草稿未能保存：请导出为文件，或删除不用的草稿。'
          : '浏览器不允许保存草稿（可能处于无痕模式）：请随时导出为文件。',
      );
    }
    return meta;
  }

  remove(id: string): void {
    this.storage.removeItem(this.draftKey(id));
    this.storage.setItem(this.indexKey, JSON.stringify(this.list().filter((d) => d.id !== id)));
  }
}

export function newDraftId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function draftFileContent(definition: FormDefinition, draft: Draft): string {
  return JSON.stringify(
    { format: DRAFT_FILE_FORMAT, version: 1, formId: definition.id, formTitle: definition.title, title: draft.title, savedAt: draft.updatedAt, values: draft.values },
    null,
    2,
  );
}

/**
 * Reads an exported draft file. Refuses anything that is not one (wrong format, another
 * form, wrong shapes, oversized) with a zh-CN reason; values that are merely invalid are kept
 * so the form can mark them.
 */
export function parseDraftFile(text: string, definition: FormDefinition): { ok: true; title: string; values: FormValues } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: '文件不是有效的草稿（JSON 格式错误），当前内容未改动。' };
  }
  const envelope = z
    .object({ format: z.literal(DRAFT_FILE_FORMAT), version: z.literal(1), formId: z.string(), title: z.string().max(200).default(''), values: z.record(z.unknown()) })
    .safeParse(json);
  if (!envelope.success) return { ok: false, error: '文件不是本系统导出的草稿，当前内容未改动。' };
  if (envelope.data.formId !== definition.id) {
    return { ok: false, error: `这个草稿属于另一张表单（${envelope.data.formId}），不能导入到《${definition.title}》，当前内容未改动。` };
  }
  const values: FormValues = {};
  const text20k = z.string().max(20_000);
  for (const f of allFields(definition)) {
    if (f.type === 'computed') continue;
    const v = envelope.data.values[f.id];
    if (v === undefined) continue;
    if (f.type === 'table') {
      const rows = z.array(z.record(text20k)).max(f.maxRows).safeParse(v);
      if (!rows.success) return { ok: false, error: `草稿中的“${f.label}”已损坏或超过 ${f.maxRows} 行，当前内容未改动。` };
      values[f.id] = rows.data.map((r) => Object.fromEntries(f.columns.map((c) => [c.id, r[c.id] ?? ''])));
    } else {
      const s = text20k.safeParse(v);
      if (!s.success) return { ok: false, error: `草稿中的“${f.label}”已损坏，当前内容未改动。` };
      values[f.id] = s.data;
    }
  }
  return { ok: true, title: envelope.data.title, values };
}
