import { diffChars } from 'diff';
import type { ClauseChange, CustomPolicy } from '../policy-doc.js';
import { fillText } from '../template-vars.js';

/**
 * What changed from one saved version to the next, in the terms of the customizer's
 * 与模板相比的修改 (ClauseChange, character diff per edited clause), clause by clause by id.
 * Compared as staff read them (variables filled with each version's values), so a changed
 * 提前书面申请期限 in the profile shows as an edited clause too.
 */
export interface VersionText {
  doc: Pick<CustomPolicy, 'title' | 'clauses'>;
  vars: Record<string, string>;
}

export const CHANGE_LABEL: Record<ClauseChange['kind'], string> = { edited: '修改', added: '新增', removed: '删除', 'switched-off': '停用', moved: '调整顺序' };

const filledClauses = (v: VersionText) =>
  v.doc.clauses
    .filter((c) => c.enabled)
    .map((c) => ({ id: c.id, heading: fillText(c.heading, v.vars).text, text: fillText(c.heading ? `${c.heading}\n${c.body}` : c.body, v.vars).text }));

export function diffVersions(before: VersionText | null, after: VersionText): ClauseChange[] {
  const now = filledClauses(after);
  if (!before) return [];
  const was = filledClauses(before);
  const wasById = new Map(was.map((c, i) => [c.id, { c, i }]));
  const nowIds = new Set(now.map((c) => c.id));
  const changes: ClauseChange[] = [];
  if (before.doc.title !== after.doc.title) changes.push({ kind: 'edited', heading: '制度名称', parts: diffChars(before.doc.title, after.doc.title).map(part) });
  for (const c of now) {
    const o = wasById.get(c.id);
    if (!o) changes.push({ kind: 'added', heading: c.heading || '（开头部分）', parts: [[c.text, 'added']] });
    else if (o.c.text !== c.text) changes.push({ kind: 'edited', heading: c.heading || o.c.heading || '（开头部分）', parts: diffChars(o.c.text, c.text).map(part) });
  }
  for (const o of was) {
    if (nowIds.has(o.id)) continue;
    const still = after.doc.clauses.find((c) => c.id === o.id);
    changes.push({ kind: still ? 'switched-off' : 'removed', heading: o.heading || '（开头部分）', parts: [[o.text, 'removed']] });
  }
  const order = now.filter((c) => wasById.has(c.id)).map((c) => wasById.get(c.id)!.i);
  if (order.some((v, i) => i > 0 && v < order[i - 1])) changes.push({ kind: 'moved', heading: '条款顺序已调整' });
  return changes;
}

const part = (p: { value: string; added?: boolean; removed?: boolean }): [string, 'same' | 'added' | 'removed'] => [p.value, p.added ? 'added' : p.removed ? 'removed' : 'same'];

/** 修改 2 条、新增 1 条: a version list's one-line summary of its changes. */
export function changeSummary(changes: readonly ClauseChange[]): string {
  if (!changes.length) return '内容无变化';
  const counts = new Map<ClauseChange['kind'], number>();
  for (const c of changes) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => (k === 'moved' ? CHANGE_LABEL[k] : `${CHANGE_LABEL[k]} ${n} 条`)).join('、');
}
