/**
 * Customizable values in policy text are written `{{key}}`. This module finds them and
 * splits text into literal and variable segments; it knows nothing about Markdown or HTML.
 */
export const VARIABLE_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;
export const VARIABLE_KEY = /^[a-zA-Z][a-zA-Z0-9]*$/;

export type Segment = { kind: 'text'; text: string } | { kind: 'variable'; key: string };

export function splitVariables(text: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(VARIABLE_PATTERN)) {
    const start = match.index!;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'variable', key: match[1] });
    last = start + match[0].length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}

/** Every variable key used in the text, in first-use order, without duplicates. */
export function usedVariables(text: string): string[] {
  const keys = new Set<string>();
  for (const s of splitVariables(text)) if (s.kind === 'variable') keys.add(s.key);
  return [...keys];
}

/** Fills `{{key}}` with values; keys without a (non-empty) value stay as written and are listed. */
export function fillText(text: string, values: Record<string, string>): { text: string; unknown: string[] } {
  const unknown = new Set<string>();
  const out = splitVariables(text)
    .map((s) => {
      if (s.kind === 'text') return s.text;
      const v = values[s.key];
      if (v === undefined || v === '') {
        unknown.add(s.key);
        return `{{${s.key}}}`;
      }
      return v;
    })
    .join('');
  return { text: out, unknown: [...unknown] };
}

/** Replaces each `{{key}}` with the value from `values`; unknown keys are left as written. */
export function fillVariables(text: string, values: Record<string, string>): string {
  return fillText(text, values).text;
}
