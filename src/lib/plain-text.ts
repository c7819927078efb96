import { fillVariables } from './template-vars.js';

/**
 * Markdown → plain text for the search index: drops syntax, keeps every word. Good enough
 * for matching and snippets; it is not a renderer.
 */
export function markdownToPlainText(markdown: string, values: Record<string, string> = {}): string {
  return fillVariables(markdown, values)
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/gm, ' ') // table rule rows
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/^\s*>\s?/gm, '')
    .replace(/^\s*(?:[-*+]|\d+[.)])\s+/gm, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`~|]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
