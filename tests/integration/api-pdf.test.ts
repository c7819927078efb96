/** /api/pdf over real HTTP, through the same adapter the local server uses. */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import handler from '../../api/pdf.js';
import { runVercelHandler } from '../../src/server/vercel-adapter.js';
import { MAX_PDF_BODY_BYTES } from '../../src/lib/pdf-request.js';
import { findForm } from '../../src/runtime/forms.js';
import { workHandoverValues } from '../fixtures/form-values.js';
import { emptyValues } from '../../src/lib/form-data.js';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => void runVercelHandler(handler, req, res, MAX_PDF_BODY_BYTES));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/pdf`;
});
afterAll(() => server.close());

const post = (body: unknown, init: RequestInit = {}) =>
  fetch(base, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body), ...init });

describe('POST /api/pdf', () => {
  it('returns the stamped PDF for valid data, with its page count', async () => {
    const values = workHandoverValues(findForm('work-handover')!);
    const res = await post({ formId: 'work-handover', values, company: '上海某某贸易有限公司', caseNumber: 'HJ-2026-001' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^inline; filename\*=UTF-8''/);
    expect(Number(res.headers.get('x-pdf-pages'))).toBeGreaterThan(0);
    const file = join(mkdtempSync(join(tmpdir(), 'api-pdf-')), 'out.pdf');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(text).toContain('欧阳明远');
    expect(text).toContain('上海某某贸易有限公司');
    expect(text).toContain('HJ-2026-001');
  });

  it('asks for an attachment with ?download=1', async () => {
    const res = await fetch(`${base}?download=1`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ formId: 'work-handover', values: workHandoverValues(findForm('work-handover')!) }) });
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it('rejects invalid values field by field in Chinese', async () => {
    const values = { ...workHandoverValues(findForm('work-handover')!), handoverDate: '2026-13-45', giverName: '' };
    const res = await post({ formId: 'work-handover', values });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: string; fields: string[] };
    expect(body.error).toContain('表单内容有误');
    expect(body.fields).toEqual(expect.arrayContaining(['请填写移交人姓名', expect.stringMatching(/^交接日期不是有效日期/)]));
  });

  it('refuses a damaged item without an explanation, naming the row as it is shown', async () => {
    const def = findForm('office-property')!;
    const item = { name: 'ThinkPad T14 笔记本电脑', assetNo: 'IT-0031', quantity: '1', condition: '完好', damage: '', status: '已交接', remark: '' };
    const blank = Object.fromEntries(Object.keys(item).map((k) => [k, '']));
    const values = {
      ...emptyValues(def), giverName: '欧阳明远', department: '华东区销售部', receiverName: '司马晓燕', witnessName: '诸葛建国', handoverDate: '2026-11-23',
      // The blank second row is still counted: the refusal's 第 4 行 is the fourth row on screen.
      equipment: [item, blank, item, { ...item, name: '戴尔显示器 P2422H', condition: '有损坏' }],
    };
    const res = await post({ formId: 'office-property', values });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: string; fields: string[]; errors: { path: string; text: string }[] };
    expect(body.fields).toEqual(['办公设备及用品 第 4 行：状况为“有损坏”时，请填写损坏/缺失说明']);
    expect(body.errors).toEqual([{ path: 'equipment.3.damage', text: body.fields[0] }]);
    const fixed = await post({ formId: 'office-property', values: { ...values, equipment: values.equipment.map((r, i) => (i === 3 ? { ...r, damage: '屏幕右下角裂纹，已报修' } : r)) } });
    expect(fixed.status).toBe(200);
  });

  it('refuses wrong methods, content types, bad JSON, unknown forms, extra fields and oversized bodies', async () => {
    expect((await fetch(base)).status).toBe(405);
    expect((await post('{}', { headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);
    const bad = await post('{"formId":');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('请求内容不是有效的 JSON');
    expect((await post({ formId: 'no-such-form', values: {} })).status).toBe(404);
    expect((await post({ formId: '../../etc/passwd', values: {} })).status).toBe(400);
    expect((await post({ formId: 'work-handover', values: {}, admin: true })).status).toBe(400);
    const huge = await post({ formId: 'work-handover', values: { notes: 'x'.repeat(MAX_PDF_BODY_BYTES) } });
    expect(huge.status).toBe(413);
    const body = await huge.text();
    expect(body).not.toMatch(/at .*\.ts:\d+/); // no stack traces
  });
});
