import { PDFDocument } from './pdf-lib.js';
import type { FormDefinition } from '../form-definition.js';
import { hasWideTable } from '../form-definition.js';
import { formatComputed, isRowEmpty, rowsOf, textOf, type FormValues } from '../form-data.js';
import { displayValue } from '../field-values.js';
import { A4, INK, MUTED, PdfWriter, RULE, type MissingCharacter } from './writer.js';
import { drawTable, type TableColumn } from './table.js';

/**
 * A filled checklist as an A4 PDF: header, sections, key/value blocks, tables that break
 * across pages, and one signature box per party whose position is returned so a later
 * step can stamp a signature into exactly that box.
 */
export interface FormPdfInput {
  definition: FormDefinition;
  values: FormValues;
  company?: string;
  caseNumber?: string;
  createdAt?: Date;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SignatureBox {
  party: number;
  role: string;
  /** 0-based page index. */
  page: number;
  /** Whole box, and the empty area a drawn or typed signature goes into. */
  box: Rect;
  signatureArea: Rect;
  /** Where the signer's printed name and the date go (left end of each line's baseline). */
  nameAt: { x: number; y: number };
  dateAt: { x: number; y: number };
}

export interface FormPdfResult {
  bytes: Uint8Array;
  pageCount: number;
  signatureBoxes: SignatureBox[];
  missingCharacters: MissingCharacter[];
}

/** Column types whose values never break inside (an e-mail or phone number cut in two cannot be searched or dialled). */
const ATOMIC_TYPES = new Set(['date', 'phone', 'email', 'money', 'number', 'status', 'rating', 'yesno']);
/** Amounts and numbers are right-aligned, as in a ledger. */
const RIGHT_TYPES = new Set(['money', 'number']);
/**
 * Tables wider than this many columns are set like a ledger: 8 pt, shrinking to 7 pt if
 * that keeps most rows to two lines, with tight padding and leading, so a 15-column
 * customer list fits 20 or more customers on a landscape page.
 */
const DENSE_COLUMNS = 10;
const DENSE_TABLE = { minSize: 7, pad: 2.2, padX: 1.8, leading: 1.25 };
const LANDSCAPE_MARGIN = { top: 52, right: 28, bottom: 44, left: 28 };

const FIXED_TEXT = '交接编号：生成日期签字确认依次签署各方可同时签署签名：日期：第页共序号（未填写）无工作交接 /';
const PRODUCER = 'Handover Kit 工作交接 (pdf-lib)';

export function formatDateZh(d: Date): string {
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
}

/**
 * Each table's filled rows as the PDF prints them (amounts formatted) and each computed
 * field's value (a total over a long table), worked out once per document.
 */
interface Printed {
  tables: Map<string, string[][]>;
  computed: Map<string, string>;
}

function printedValues(input: FormPdfInput): Printed {
  const printed: Printed = { tables: new Map(), computed: new Map() };
  for (const s of input.definition.sections) {
    for (const f of s.fields) {
      if (f.type === 'computed') printed.computed.set(f.id, formatComputed(input.definition, f.id, input.values));
      if (f.type !== 'table') continue;
      const rows = rowsOf(input.values, f.id).filter((r) => !isRowEmpty(r));
      printed.tables.set(
        f.id,
        rows.map((r) => f.columns.map((c) => displayValue(c, r[c.id] ?? ''))),
      );
    }
  }
  return printed;
}

/** Every string the PDF draws, split by weight, so each font subset holds only its characters. */
function allText(input: FormPdfInput, created: string, { tables, computed }: Printed): { regular: string; bold: string } {
  const { definition: def, values } = input;
  // A set: a long list repeats itself (状态, 阶段, the same note), and only the characters count.
  const regular = new Set<string>([def.description, input.company ?? '', input.caseNumber ?? '', created, FIXED_TEXT, def.title]);
  const bold: string[] = [def.title, FIXED_TEXT];
  for (const s of def.sections) {
    bold.push(s.title);
    for (const f of s.fields) {
      bold.push(f.label, '：');
      if (f.type === 'table') {
        for (const c of f.columns) bold.push(c.label);
        for (const row of tables.get(f.id) ?? []) for (const cell of row) regular.add(cell);
      } else if (f.type === 'computed') regular.add(computed.get(f.id)!);
      else regular.add(displayValue(f, textOf(values, f.id)));
    }
  }
  for (const p of def.signing.parties) bold.push(p.label ?? p.role);
  return { regular: [...regular].join(''), bold: bold.join('') };
}

export async function renderFormPdf(input: FormPdfInput): Promise<FormPdfResult> {
  const { definition: def, values } = input;
  const createdAt = input.createdAt ?? new Date();
  const created = formatDateZh(createdAt);
  const doc = await PDFDocument.create();
  const wide = hasWideTable(def);
  const pageSize: [number, number] = wide ? [A4[1], A4[0]] : A4;
  // Landscape tables get narrower margins (10 mm at the sides; the running header and footer
  // stay over 6 mm from the edge, inside any printer's reach): every point of width and
  // height saves wrapped lines and pages across hundreds of rows.
  const margin = wide ? LANDSCAPE_MARGIN : undefined;
  const printed = printedValues(input);
  const w = await PdfWriter.create(doc, allText(input, created, printed), { pageSize, margin });

  // Title block.
  w.newPage();
  const title = w.clean(def.title, w.bold);
  w.line(title, w.margin.left + (w.contentWidth - w.width(title, w.bold, 18)) / 2, w.y, 18, w.bold);
  w.y -= w.lineHeight(18) + 2;
  const sub = w.clean([input.company, input.caseNumber ? `交接编号：${input.caseNumber}` : '', `生成日期 ${created}`].filter(Boolean).join('    '));
  w.line(sub, w.margin.left + (w.contentWidth - w.width(sub, w.regular, 9)) / 2, w.y, 9, w.regular, MUTED);
  w.y -= w.lineHeight(9) + 10;

  for (const section of def.sections) {
    w.heading(section.title);
    let pending: Array<{ label: string; value: string; wide?: boolean }> = [];
    const flush = () => {
      if (pending.length) w.keyValues(pending);
      pending = [];
    };
    for (const f of section.fields) {
      if (f.type === 'table') {
        flush();
        const rows = printed.tables.get(f.id) ?? [];
        const columns: TableColumn[] = [
          { label: '序号', atomic: true, align: 'right' },
          ...f.columns.map((c): TableColumn => ({ label: c.label, atomic: ATOMIC_TYPES.has(c.type), align: RIGHT_TYPES.has(c.type) ? 'right' : 'left' })),
        ];
        const cells = rows.length
          ? rows.map((r, i) => [String(i + 1), ...r])
          : [['', '（未填写）', ...f.columns.slice(1).map(() => '')]];
        if (columns.length > DENSE_COLUMNS) drawTable(w, columns, cells, 8, DENSE_TABLE);
        else drawTable(w, columns, cells, 8.5);
      } else if (f.type === 'computed') {
        pending.push({ label: f.label, value: printed.computed.get(f.id)! });
      } else {
        pending.push({ label: f.label, value: displayValue(f, textOf(values, f.id)), wide: f.type === 'longtext' });
      }
    }
    flush();
  }

  const signatureBoxes = drawSignatureBoxes(w, def);
  w.decoratePages({ left: input.company || '工作交接', right: def.title }, input.caseNumber ? `交接编号：${input.caseNumber}` : def.title);

  doc.setTitle(input.caseNumber ? `${def.title}（${input.caseNumber}）` : def.title);
  doc.setSubject(def.description);
  doc.setAuthor(input.company || '工作交接');
  doc.setKeywords(['工作交接', def.title, def.id]);
  doc.setCreator('Handover Kit 工作交接');
  doc.setProducer(PRODUCER);
  doc.setLanguage('zh-CN');
  doc.setCreationDate(createdAt);
  doc.setModificationDate(createdAt);
  const bytes = await doc.save();
  return { bytes, pageCount: w.pages.length, signatureBoxes, missingCharacters: w.missingCharacters };
}

function drawSignatureBoxes(w: PdfWriter, def: FormDefinition): SignatureBox[] {
  const parties = def.signing.parties;
  const perRow = Math.min(4, parties.length);
  const gap = 10;
  const boxW = (w.contentWidth - gap * (perRow - 1)) / perRow;
  const boxH = 104;
  const rows = Math.ceil(parties.length / perRow);
  // The whole signature block stays on one page.
  w.ensureSpace(40 + rows * (boxH + gap));
  w.heading(`签字确认（${def.signing.order === 'sequential' ? '依次签署' : '各方可同时签署'}）`);
  const boxes: SignatureBox[] = [];
  parties.forEach((p, i) => {
    const x = w.margin.left + (i % perRow) * (boxW + gap);
    const top = w.y - Math.floor(i / perRow) * (boxH + gap);
    const y = top - boxH;
    w.ink().strokeRect(x, y, boxW, boxH, 0.8, INK);
    w.line(w.clean(p.label ?? p.role, w.bold), x + 8, top - 6, 10.5, w.bold);
    // Two lines at the bottom: name and date.
    const nameY = y + 28;
    const dateY = y + 10;
    for (const [label, ly] of [['签名：', nameY], ['日期：', dateY]] as const) {
      w.drawOn(w.page, label, x + 8, ly, 8.5, w.regular, MUTED);
      w.rule(x + 38, ly - 2, x + boxW - 8, ly - 2, 0.4, RULE);
    }
    boxes.push({
      party: i,
      role: p.role,
      page: w.pages.length - 1,
      box: { x, y, width: boxW, height: boxH },
      signatureArea: { x: x + 6, y: y + 42, width: boxW - 12, height: boxH - 42 - 26 },
      nameAt: { x: x + 40, y: nameY },
      dateAt: { x: x + 40, y: dateY },
    });
  });
  w.y -= rows * (boxH + gap);
  return boxes;
}
