import { diffChars } from 'diff';

/**
 * A policy as HR customizes it: the template body split into clauses (one per `## `
 * section), each editable, switchable and movable, plus clauses of their own. Variables are
 * filled from the company profile or overridden per document.
 */
export interface Clause {
  id: string;
  heading: string;
  body: string;
  enabled: boolean;
  /** 'template' clauses keep the id of the clause they came from; 'custom' ones are new. */
  origin: 'template' | 'custom';
  optional?: boolean;
}

export interface CustomPolicy {
  slug: string;
  title: string;
  clauses: Clause[];
  /** Per-document variable values; they win over the company profile. */
  overrides: Record<string, string>;
}

/** Splits a Markdown body at its `## ` headings; text before the first heading is a clause with no heading. */
export function splitClauses(body: string, optionalHeadings: readonly string[] = []): Clause[] {
  const clauses: Clause[] = [];
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  let heading = '';
  let buf: string[] = [];
  const push = () => {
    const text = buf.join('\n').trim();
    if (heading || text) {
      clauses.push({ id: `c${clauses.length + 1}`, heading, body: text, enabled: true, origin: 'template', optional: optionalHeadings.includes(heading) || undefined });
    }
  };
  for (const line of lines) {
    const m = /^##\s+(.+?)\s*$/.exec(line);
    if (m) {
      push();
      heading = m[1];
      buf = [];
    } else buf.push(line);
  }
  push();
  return clauses;
}

export function fromTemplate(slug: string, title: string, body: string, optionalHeadings: readonly string[] = []): CustomPolicy {
  return { slug, title, clauses: splitClauses(body, optionalHeadings), overrides: {} };
}

/** The Markdown of the enabled clauses, in order, variables left as `{{key}}`. */
export function toMarkdown(policy: CustomPolicy): string {
  return policy.clauses
    .filter((c) => c.enabled)
    .map((c) => (c.heading ? `## ${c.heading}\n\n${c.body}` : c.body))
    .join('\n\n')
    .trim();
}

export { fillText } from './template-vars.js';

export interface ClauseChange {
  kind: 'edited' | 'added' | 'removed' | 'switched-off' | 'moved';
  heading: string;
  /** Character diff of heading + body for edited clauses: [text, 'same' | 'added' | 'removed']. */
  parts?: Array<[string, 'same' | 'added' | 'removed']>;
}

const clauseText = (c: Clause) => (c.heading ? `${c.heading}\n${c.body}` : c.body);

/** What HR changed against the template, clause by clause, in the customized order. */
export function diffPolicy(original: CustomPolicy, current: CustomPolicy): ClauseChange[] {
  const changes: ClauseChange[] = [];
  const originals = new Map(original.clauses.map((c, i) => [c.id, { c, i }]));
  const templateOrder = current.clauses.filter((c) => c.origin === 'template').map((c) => originals.get(c.id)?.i ?? -1);
  current.clauses.forEach((c) => {
    if (c.origin === 'custom') return changes.push({ kind: 'added', heading: c.heading || '（无标题条款）', parts: [[clauseText(c), 'added']] });
    const o = originals.get(c.id);
    if (!o) return;
    if (!c.enabled) return changes.push({ kind: 'switched-off', heading: o.c.heading || '（开头部分）' });
    if (clauseText(c) !== clauseText(o.c)) {
      const parts = diffChars(clauseText(o.c), clauseText(c)).map((p) => [p.value, p.added ? 'added' : p.removed ? 'removed' : 'same'] as [string, 'same' | 'added' | 'removed']);
      changes.push({ kind: 'edited', heading: c.heading || o.c.heading || '（开头部分）', parts });
    }
  });
  for (const o of original.clauses) {
    if (!current.clauses.some((c) => c.id === o.id)) changes.push({ kind: 'removed', heading: o.heading || '（开头部分）' });
  }
  const sorted = [...templateOrder].sort((a, b) => a - b);
  if (templateOrder.some((v, i) => v !== sorted[i])) changes.push({ kind: 'moved', heading: '条款顺序已调整' });
  return changes;
}
