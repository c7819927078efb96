import { diffChars } from 'diff';

/**
 * A policy as HR customizes it: the template body split into clauses (one per `## `
 * section), each editable, switchable and movable, plus clauses of their own. Variables are
 * filled from the company profile or overridden per document.
 *
 * Clause numbers (一、二、…十一、) are not stored: a heading keeps only its title and
 * `numberedClauses` numbers the enabled ones at render time, so switching a clause off or
 * adding one renumbers the preview and every export the same way.
 */
export interface Clause {
  id: string;
  /** The title without its number, e.g. 目的 (the template's 一、目的). */
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

const DIGITS = '零一二三四五六七八九';

/** 1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 21 → 二十一, 105 → 一百零五 (as Chinese documents number clauses). */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 999) return String(n);
  const hundreds = Math.floor(n / 100);
  const tens = Math.floor((n % 100) / 10);
  const ones = n % 10;
  let out = hundreds ? `${DIGITS[hundreds]}百` : '';
  if (tens) out += `${tens === 1 && !hundreds ? '' : DIGITS[tens]}十`;
  else if (hundreds && ones) out += '零';
  if (ones) out += DIGITS[ones];
  return out;
}

const CLAUSE_NUMBER = /^\s*[零〇一二三四五六七八九十百]+\s*、\s*/;

/** A heading without its leading clause number: 十一、附则 → 附则. */
export const clauseTitle = (heading: string) => heading.replace(CLAUSE_NUMBER, '').trim();

/** Closing sections (附则, 附件, 附录, 附表) stay last: a new clause goes in before them. */
export const isClosingClause = (c: Pick<Clause, 'heading'>) => /^附/.test(clauseTitle(c.heading));

export interface NumberedClause {
  clause: Clause;
  /** 1-based among the enabled clauses that have a title; null for an untitled opening. */
  number: number | null;
  /** What the document shows: 十一、附则, or '' for an untitled opening. */
  heading: string;
}

/** The one place clause numbers are made: enabled, titled clauses in order, numbered from 一. */
export function numberedClauses(clauses: readonly Clause[]): NumberedClause[] {
  let n = 0;
  return clauses
    .filter((c) => c.enabled)
    .map((clause) => {
      const title = clauseTitle(clause.heading);
      if (!title) return { clause, number: null, heading: '' };
      n += 1;
      return { clause, number: n, heading: `${chineseNumeral(n)}、${title}` };
    });
}

/** The shown heading of one clause: numbered when enabled, its bare title when switched off. */
export function clauseLabel(clauses: readonly Clause[], id: string): string {
  const found = numberedClauses(clauses).find((x) => x.clause.id === id);
  if (found) return found.heading;
  return clauseTitle(clauses.find((c) => c.id === id)?.heading ?? '');
}

/** Adds a clause before the closing sections (附则/附件…), not after the appendix. */
export function insertClause(clauses: readonly Clause[], clause: Clause): Clause[] {
  let at = clauses.length;
  while (at > 0 && isClosingClause(clauses[at - 1])) at -= 1;
  return [...clauses.slice(0, at), clause, ...clauses.slice(at)];
}

/** Older saved policies stored numbered headings; numbers are computed now, so strip them. */
export function withoutStoredNumbers(policy: CustomPolicy): CustomPolicy {
  return { ...policy, clauses: policy.clauses.map((c) => ({ ...c, heading: clauseTitle(c.heading) })) };
}

/**
 * Splits a Markdown body at its `## ` headings; text before the first heading is a clause with
 * no heading. `optionalHeadings` name clauses as the template writes them (十、违规处理).
 */
export function splitClauses(body: string, optionalHeadings: readonly string[] = []): Clause[] {
  const clauses: Clause[] = [];
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  let heading = '';
  let buf: string[] = [];
  const push = () => {
    const text = buf.join('\n').trim();
    if (heading || text) {
      const optional = optionalHeadings.includes(heading) || (!!heading && optionalHeadings.some((h) => clauseTitle(h) === clauseTitle(heading)));
      clauses.push({ id: `c${clauses.length + 1}`, heading: clauseTitle(heading), body: text, enabled: true, origin: 'template', optional: optional || undefined });
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

const REFERENCE = /“[零〇一二三四五六七八九十百]+、([^”\n]{1,60})”/g;

/**
 * Clause text that points at another clause the way the templates do (格式见“六、交接内容”)
 * follows that clause's number too. A reference to a clause that is switched off or renamed
 * is left as written.
 */
function renumberReferences(text: string, headingByTitle: ReadonlyMap<string, string>): string {
  return text.replace(REFERENCE, (all, title: string) => {
    const heading = headingByTitle.get(title.trim());
    return heading ? `“${heading}”` : all;
  });
}

/** The Markdown of the enabled clauses, in order and numbered, variables left as `{{key}}`. */
export function toMarkdown(policy: CustomPolicy): string {
  const numbered = numberedClauses(policy.clauses);
  const headingByTitle = new Map(numbered.filter((x) => x.heading).map((x) => [clauseTitle(x.clause.heading), x.heading]));
  return numbered
    .map(({ clause, heading }) => {
      const body = renumberReferences(clause.body, headingByTitle);
      return heading ? `## ${heading}\n\n${body}` : body;
    })
    .filter((part) => part.trim())
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

const clauseText = (c: Clause) => (clauseTitle(c.heading) ? `${clauseTitle(c.heading)}\n${c.body}` : c.body);

/**
 * What HR changed against the template, clause by clause, in the customized order. Template
 * clauses are named as the template numbers them; added ones by their number now.
 */
export function diffPolicy(original: CustomPolicy, current: CustomPolicy): ClauseChange[] {
  const changes: ClauseChange[] = [];
  const templateName = new Map(numberedClauses(original.clauses).map((x) => [x.clause.id, x.heading]));
  const name = (c: Clause) => templateName.get(c.id) || clauseTitle(c.heading);
  const originals = new Map(original.clauses.map((c, i) => [c.id, { c, i }]));
  const templateOrder = current.clauses.filter((c) => c.origin === 'template').map((c) => originals.get(c.id)?.i ?? -1);
  current.clauses.forEach((c) => {
    if (c.origin === 'custom') return changes.push({ kind: 'added', heading: clauseLabel(current.clauses, c.id) || '（无标题条款）', parts: [[clauseText(c), 'added']] });
    const o = originals.get(c.id);
    if (!o) return;
    if (!c.enabled) return changes.push({ kind: 'switched-off', heading: name(o.c) || '（开头部分）' });
    if (clauseText(c) !== clauseText(o.c)) {
      const parts = diffChars(clauseText(o.c), clauseText(c)).map((p) => [p.value, p.added ? 'added' : p.removed ? 'removed' : 'same'] as [string, 'same' | 'added' | 'removed']);
      changes.push({ kind: 'edited', heading: name(o.c) || clauseTitle(c.heading) || '（开头部分）', parts });
    }
  });
  for (const o of original.clauses) {
    if (!current.clauses.some((c) => c.id === o.id)) changes.push({ kind: 'removed', heading: name(o) || '（开头部分）' });
  }
  const sorted = [...templateOrder].sort((a, b) => a - b);
  if (templateOrder.some((v, i) => v !== sorted[i])) changes.push({ kind: 'moved', heading: '条款顺序已调整' });
  return changes;
}
