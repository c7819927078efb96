import { PDFDocument } from './pdf-lib.js';
import type { Block } from '../markdown-blocks.js';
import { PdfWriter } from './writer.js';

/** A customized policy as an A4 PDF: title, headings, paragraphs, lists and tables; searchable CJK text. */
export async function renderPolicyPdf(input: { title: string; company?: string; blocks: Block[]; createdAt?: Date }) {
  const created = input.createdAt ?? new Date();
  const texts = input.blocks.flatMap((b) => (b.kind === 'table' ? [...b.header, ...b.rows.flat()] : b.kind === 'list' ? b.items : [b.text]));
  const headings = input.blocks.filter((b) => b.kind === 'heading').map((b) => (b as { text: string }).text);
  const doc = await PDFDocument.create();
  const w = await PdfWriter.create(doc, {
    regular: [input.title, input.company ?? '', ...texts, '0123456789.、·'].join(''),
    bold: [input.title, ...headings, ...input.blocks.flatMap((b) => (b.kind === 'table' ? b.header : []))].join(''),
  });
  w.newPage();
  const title = w.clean(input.title, w.bold);
  w.line(title, w.margin.left + (w.contentWidth - w.width(title, w.bold, 18)) / 2, w.y, 18, w.bold);
  w.y -= w.lineHeight(18) + 14;
  for (const b of input.blocks) {
    if (b.kind === 'heading') w.heading(b.text, b.level <= 2 ? 13 : 11);
    else if (b.kind === 'paragraph') w.paragraph(b.text, { size: 10.5, gapAfter: 6 });
    else if (b.kind === 'list') b.items.forEach((item, i) => w.paragraph(`${b.ordered ? `${i + 1}.` : '·'} ${item}`, { size: 10.5, indent: 10, gapAfter: 2 }));
    else w.table(b.header.map((label) => ({ label })), b.rows, 9);
  }
  w.decoratePages({ left: input.company || '工作交接', right: input.title }, input.title);
  doc.setTitle(input.title);
  doc.setAuthor(input.company || '工作交接');
  doc.setCreator('Handover Kit 工作交接');
  doc.setProducer('Handover Kit 工作交接 (pdf-lib)');
  doc.setLanguage('zh-CN');
  doc.setCreationDate(created);
  return { bytes: await doc.save(), pageCount: w.pages.length, missingCharacters: w.missingCharacters };
}
