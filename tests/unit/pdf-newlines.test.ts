/** Line breaks typed in a long answer stay line breaks in the PDF. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formDefinitionSchema } from '../../src/lib/form-definition.js';
import { renderFormPdf } from '../../src/lib/pdf/form-pdf.js';

describe('multi-line answers in the PDF', () => {
  it('a note typed on three lines prints on three lines', async () => {
    const definition = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/confidentiality-pledge.json', 'utf8')));
    const { bytes } = await renderFormPdf({ definition, values: { pledgerName: '张三', extraNotes: '第一行说明\n第二行说明\r\n第三行说明' } as never });
    const file = join(mkdtempSync(join(tmpdir(), 'nl-')), 'a.pdf');
    writeFileSync(file, bytes);
    const lines = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).split('\n').map((l) => l.trim());
    const first = lines.findIndex((l) => l.endsWith('第一行说明'));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(lines.slice(first + 1, first + 3)).toEqual(['第二行说明', '第三行说明']);
  });
});
