import { Marked } from 'marked';
import { splitVariables } from '../../lib/template-vars.js';

/**
 * Markdown → preview HTML. Raw HTML in clauses is shown as text (never run); filled
 * variables are marked so HR sees what came from the profile, unknown ones stand out.
 */
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const marked = new Marked({ renderer: { html: (token) => escape(token.text) } });

const OPEN = '\u0001';
const CLOSE = '\u0002';
const UNKNOWN = '\u0003';

export function previewHtml(markdown: string, values: Record<string, string>): string {
  const marked_ = splitVariables(markdown)
    .map((s) => (s.kind === 'text' ? s.text : values[s.key] ? `${OPEN}${values[s.key]}${CLOSE}` : `${UNKNOWN}${s.key}${CLOSE}`))
    .join('');
  return (marked.parse(marked_, { async: false }) as string)
    .replace(new RegExp(`${OPEN}([^${CLOSE}]*)${CLOSE}`, 'g'), '<span class="var">$1</span>')
    .replace(new RegExp(`${UNKNOWN}([^${CLOSE}]*)${CLOSE}`, 'g'), '<span class="var var-unknown" title="未定义的变量">{{$1}}</span>');
}
