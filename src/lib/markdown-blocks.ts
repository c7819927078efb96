import { marked, type Token, type Tokens } from 'marked';

/**
 * Markdown → a few block kinds the PDF and Word exporters draw: headings, paragraphs, lists
 * and tables, with inline formatting reduced to text (bold kept as a flag on paragraphs).
 */
export type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'table'; header: string[]; rows: string[][] };

const plain = (tokens: Token[] | undefined, raw: string): string =>
  tokens ? tokens.map((t) => ('tokens' in t && t.tokens ? plain(t.tokens as Token[], t.raw) : 'text' in t ? (t as { text: string }).text : t.raw)).join('') : raw;

export function markdownBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const t of marked.lexer(markdown)) {
    switch (t.type) {
      case 'heading':
        blocks.push({ kind: 'heading', level: (t as Tokens.Heading).depth, text: plain((t as Tokens.Heading).tokens, (t as Tokens.Heading).text) });
        break;
      case 'paragraph':
        blocks.push({ kind: 'paragraph', text: plain((t as Tokens.Paragraph).tokens, (t as Tokens.Paragraph).text) });
        break;
      case 'list': {
        const list = t as Tokens.List;
        blocks.push({ kind: 'list', ordered: list.ordered, items: list.items.map((i) => plain(i.tokens, i.text).trim()) });
        break;
      }
      case 'table': {
        const table = t as Tokens.Table;
        blocks.push({ kind: 'table', header: table.header.map((h) => plain(h.tokens, h.text)), rows: table.rows.map((r) => r.map((c) => plain(c.tokens, c.text))) });
        break;
      }
      case 'blockquote':
        blocks.push({ kind: 'paragraph', text: plain((t as Tokens.Blockquote).tokens, (t as Tokens.Blockquote).text) });
        break;
      case 'code':
        blocks.push({ kind: 'paragraph', text: (t as Tokens.Code).text });
        break;
      default:
        break; // spaces, rules, html: nothing to draw
    }
  }
  return blocks;
}
