import { Node, mergeAttributes, type AnyExtension, type JSONContent, type MarkdownRendererHelpers } from '@tiptap/core';
import Document from '@tiptap/extension-document';
import Paragraph from '@tiptap/extension-paragraph';
import Text from '@tiptap/extension-text';
import Bold from '@tiptap/extension-bold';
import Italic from '@tiptap/extension-italic';
import Heading from '@tiptap/extension-heading';
import HardBreak from '@tiptap/extension-hard-break';
import Blockquote from '@tiptap/extension-blockquote';
import { BulletList, ListItem, ListKeymap, OrderedList } from '@tiptap/extension-list';
import { Dropcursor, Gapcursor, TrailingNode, UndoRedo } from '@tiptap/extensions';
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table';

/**
 * The editor schema for one clause body, shared by the browser editor and the unit tests
 * that prove Markdown survives a trip through it. Only what policy templates use: paragraphs,
 * sub-headings (### and ####, because `## ` starts a new clause), lists, bold, tables and
 * `{{variable}}` chips. Markdown remains the stored format.
 */

/** Shows a variable's filled value; `lookup` is swapped by the editor when values change. */
export interface VariableOptions {
  lookup: (key: string) => { label: string; value: string };
  /** Node views register here so a changed company profile updates every chip in place. */
  views: Set<(lookup: VariableOptions['lookup']) => void>;
}

const chipText = (key: string, lookup: VariableOptions['lookup']) => {
  const { label, value } = lookup(key);
  return { text: value || `{{${key}}}`, title: value ? `变量：${label}（{{${key}}}）` : `未填写的变量：${label}（{{${key}}}）`, unknown: !value };
};

export const Variable = Node.create<VariableOptions>({
  name: 'variable',
  group: 'inline',
  inline: true,
  atom: true,
  selectable: true,

  addOptions() {
    return { lookup: (key: string) => ({ label: key, value: '' }), views: new Set() };
  },

  addAttributes() {
    return { key: { default: '', parseHTML: (el) => el.getAttribute('data-var') ?? '', renderHTML: (a) => ({ 'data-var': a.key }) } };
  },

  parseHTML() {
    return [{ tag: 'span[data-var]' }];
  },

  renderHTML({ node, HTMLAttributes }) {
    return ['span', mergeAttributes(HTMLAttributes, { class: 'var-chip' }), `{{${node.attrs.key}}}`];
  },

  renderText({ node }) {
    return `{{${node.attrs.key}}}`;
  },

  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement('span');
      dom.contentEditable = 'false';
      dom.dataset.var = node.attrs.key as string;
      const paint = (lookup: VariableOptions['lookup']) => {
        const c = chipText(node.attrs.key as string, lookup);
        dom.textContent = c.text;
        dom.title = c.title;
        dom.className = c.unknown ? 'var-chip var-unknown' : 'var-chip';
      };
      paint(this.options.lookup);
      this.options.views.add(paint);
      return { dom, destroy: () => void this.options.views.delete(paint) };
    };
  },
});

/**
 * Tables are stored the way the templates write them: `| a | b |`, one `| --- |` rule, no
 * column padding (Tiptap pads columns by string length, which misaligns Chinese anyway and
 * turns every cell edit into a whole-table diff).
 */
const PolicyTable = Table.extend({
  renderMarkdown: (node: JSONContent, h: MarkdownRendererHelpers) => {
    const rows = (node.content ?? []).map((row) =>
      (row.content ?? []).map((cell) =>
        (cell.content ?? [])
          .map((p) => h.renderChildren(p.content ?? []))
          .join(' ')
          .replace(/\s*\n\s*/g, ' ')
          .replace(/(?<!\\)\|/g, '\\|')
          .trim(),
      ),
    );
    if (!rows.length) return '';
    const width = Math.max(...rows.map((r) => r.length));
    const line = (cells: string[]) => `| ${Array.from({ length: width }, (_, i) => cells[i] ?? '').join(' | ')} |`;
    return [line(rows[0]), line(Array.from({ length: width }, () => '---')), ...rows.slice(1).map(line)].join('\n');
  },
});

/** Extensions of the clause editor; `variable` may be pre-configured by the caller. */
export function clauseExtensions(variable: AnyExtension = Variable): AnyExtension[] {
  return [
    // One by one rather than StarterKit, whose code blocks, links (linkify) and rules the
    // templates and exporters do not use but every visitor who opens a clause would download.
    Document,
    Paragraph,
    Text,
    Bold,
    Italic,
    Heading.configure({ levels: [3, 4] }),
    HardBreak,
    Blockquote,
    BulletList,
    OrderedList,
    ListItem,
    ListKeymap,
    UndoRedo,
    Dropcursor,
    Gapcursor,
    TrailingNode,
    PolicyTable.configure({ resizable: false }),
    TableRow,
    TableHeader,
    TableCell,
    variable,
  ];
}
