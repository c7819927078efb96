import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType, LevelFormat } from 'docx';
import type { Block } from '../markdown-blocks.js';

/**
 * A customized policy as .docx (the `docx` library): real Word headings (so the navigation
 * pane and WPS outline work), numbered and bulleted lists, tables; East Asian font set so
 * Chinese text renders in Word and WPS alike.
 */
const FONT = { ascii: 'Arial', eastAsia: '宋体', hAnsi: 'Arial' };

export async function renderPolicyDocx(input: { title: string; company?: string; blocks: Block[] }): Promise<Buffer> {
  const children: Array<Paragraph | Table> = [new Paragraph({ text: input.title, heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER })];
  if (input.company) children.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: input.company, color: '59636E' })] }));
  let listIndex = 0;
  for (const b of input.blocks) {
    if (b.kind === 'heading') children.push(new Paragraph({ text: b.text, heading: b.level <= 2 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2 }));
    else if (b.kind === 'paragraph') children.push(new Paragraph({ children: [new TextRun(b.text)], spacing: { after: 120 } }));
    else if (b.kind === 'list') {
      const instance = ++listIndex;
      for (const item of b.items) {
        children.push(new Paragraph({ children: [new TextRun(item)], numbering: { reference: b.ordered ? 'ordered' : 'bullets', level: 0, instance } }));
      }
    } else {
      const cell = (text: string, bold = false) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold })] })] });
      children.push(
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          rows: [new TableRow({ tableHeader: true, children: b.header.map((h) => cell(h, true)) }), ...b.rows.map((r) => new TableRow({ children: b.header.map((_, i) => cell(r[i] ?? '')) }))],
        }),
        new Paragraph(''),
      );
    }
  }
  const doc = new Document({
    creator: 'Handover Kit 工作交接',
    title: input.title,
    styles: { default: { document: { run: { font: FONT, size: 22 } } } },
    numbering: {
      config: [
        { reference: 'ordered', levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.START, style: { paragraph: { indent: { left: 480, hanging: 360 } } } }] },
        { reference: 'bullets', levels: [{ level: 0, format: LevelFormat.BULLET, text: '•', alignment: AlignmentType.START, style: { paragraph: { indent: { left: 480, hanging: 360 } } } }] },
      ],
    },
    sections: [{ properties: { page: { size: { width: 11906, height: 16838 } } }, children }],
  });
  return Packer.toBuffer(doc);
}
