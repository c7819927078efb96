import { Marked, type Tokens } from 'marked';
import { escapeHtml } from '../signing/mail.js';

/**
 * The policy as staff read it on a phone: HTML from the published Markdown. The Markdown
 * comes from whoever sent the campaign, so nothing in it runs: raw HTML is shown as text,
 * images as their description, and links only open web or mail addresses.
 */
const SAFE_LINK = /^(https?:|mailto:)/i;

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag) {
      return escapeHtml(text);
    },
    image({ text }: Tokens.Image) {
      return escapeHtml(text);
    },
    link(this: { parser: { parseInline: (t: Tokens.Link['tokens']) => string } }, { href, tokens }: Tokens.Link) {
      const inner = this.parser.parseInline(tokens);
      return SAFE_LINK.test(href) ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer" target="_blank">${inner}</a>` : inner;
    },
  },
});

/** Tables sit in their own scroll box: a wide one must not make a phone's page scroll sideways. */
export function policyHtml(markdown: string): string {
  return marked.parse(markdown, { async: false }).replaceAll('<table>', '<div class="table-box"><table>').replaceAll('</table>', '</table></div>');
}
