/**
 * What the signing page saw of the reader (pages on screen, of how many, time) travels with
 * the signature: into the 'signed' event and onto the audit page of the sealed PDF, for a
 * checklist and for an employee's own acknowledgment copy. PGlite always, PostgreSQL too
 * when DATABASE_URL is set.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formDefinitionSchema, type FormDefinition } from '../../src/lib/form-definition.js';
import { migrate } from '../../src/lib/store/migrate.js';
import type { Sql } from '../../src/lib/store/sql.js';
import { createSelfSignedP12 } from '../../src/lib/pdf/seal.js';
import { createAcknowledgment, createCase, documentForParty, manageStatus, readingText, signatureFontForParty, signAsParty, type SigningDeps } from '../../src/lib/signing/service.js';
import { signBody } from '../../src/lib/signing/requests.js';
import { processOutbox, type OutgoingMail } from '../../src/lib/signing/outbox.js';
import { workHandoverValues } from '../fixtures/form-values.js';
import { storeBackends } from '../fixtures/stores.js';
import { signersFor } from '../fixtures/parties.js';
import { drainJobs } from '../fixtures/jobs.js';

const scratch = mkdtempSync(join(tmpdir(), 'reading-'));
const cert = { p12: createSelfSignedP12('Test Seal', 'pw'), passphrase: 'pw' };
const work = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/work-handover.json', 'utf8')));
const twoParallel: FormDefinition = { ...work, id: 'work-handover', signing: { order: 'parallel', parties: work.signing.parties.slice(0, 2) } };
const BASE = 'http://test.local';
const tokenOf = (mail: OutgoingMail) => /#t=([\w.-]+)/.exec(mail.text)![1];
const pdfText = (bytes: Uint8Array, name: string) => {
  const file = join(scratch, name);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
};

describe('the reading record in /api/sign', () => {
  const base = { action: 'sign', caseId: 'AAAAAAAAAAAA', token: 'x'.repeat(40), consent: true, signature: { kind: 'typed', text: '欧阳明远' } };
  it('is optional, bounded and consistent', () => {
    expect(signBody.safeParse(base).success).toBe(true);
    expect(signBody.safeParse({ ...base, reading: { pageCount: 3, pagesViewed: 3, seconds: 95 } }).success).toBe(true);
    for (const reading of [
      { pageCount: 3, pagesViewed: 4, seconds: 5 },
      { pageCount: 0, pagesViewed: 0, seconds: 5 },
      { pageCount: 3, pagesViewed: 3, seconds: -1 },
      { pageCount: 3, pagesViewed: 3, seconds: 90_000 },
      { pageCount: 3, pagesViewed: 2.5, seconds: 5 },
      { pageCount: 3, pagesViewed: 3, seconds: 5, note: '多余字段' },
    ]) expect(signBody.safeParse({ ...base, reading }).success, JSON.stringify(reading)).toBe(false);
  });
  it('reads as a line of the audit page', () => {
    expect(readingText({ pageCount: 3, pagesViewed: 3, seconds: 125 })).toBe('已阅读全部 3 页，用时 2 分 5 秒');
    expect(readingText({ pageCount: 4, pagesViewed: 2, seconds: 40 })).toBe('已翻阅 2/4 页，用时 40 秒');
  });
});

describe.each(storeBackends('r'))('reading records on %s', (_name, makeSql) => {
  let sql: Sql;
  let deps: SigningDeps;
  const sent: OutgoingMail[] = [];
  // Jobs first (a new case's document and links, stamping, sealing), as a worker runs them before mail.
  const flush = async () => {
    await drainJobs(deps);
    return processOutbox(sql, async (m) => void sent.push(m));
  };
  const lastTo = (email: string) => sent.filter((m) => m.to === email).at(-1)!;

  beforeAll(async () => {
    sql = await makeSql();
    await migrate(sql);
    deps = { sql, secret: new TextEncoder().encode('y'.repeat(40)), cert, ttlDays: 14, now: () => new Date('2026-11-23T02:00:00Z') };
  });
  afterAll(() => sql?.close());

  it('a checklist: each signature carries its reading record into the event and the sealed audit page', async () => {
    const c = await createCase(deps, {
      definition: twoParallel, values: workHandoverValues(work), sender: { name: 'HR 小王', email: 'hr@ex.com' },
      parties: ['r1@ex.com', 'r2@ex.com'].map((email, i) => ({ name: signersFor(twoParallel)[i].name, email })), baseUrl: BASE,
    });
    await flush();
    const key = /#k=([\w-]+)/.exec(c.manageUrl)![1];
    // The typed signature's preview font: the brush font cut to the name, only through a valid link.
    const font = await signatureFontForParty(deps, c.caseId, tokenOf(lastTo('r1@ex.com')), '欧阳明远');
    expect(Buffer.from(font.subarray(0, 4)).toString('hex')).toBe('00010000'); // TrueType
    expect(font.length).toBeLessThan(200_000);
    await expect(signatureFontForParty(deps, c.caseId, tokenOf(lastTo('r1@ex.com')).slice(0, -2) + 'xx', '欧阳明远')).rejects.toBeTruthy();
    await signAsParty(deps, { caseId: c.caseId, token: tokenOf(lastTo('r1@ex.com')), signature: { kind: 'typed', text: '甲' }, reading: { pageCount: 2, pagesViewed: 2, seconds: 125 }, ip: '203.0.113.9', userAgent: 'ua', baseUrl: BASE });
    await drainJobs(deps); // the stamping (and, after the last party, sealing) jobs
    // An older page (or an API client) sends no record: its line says nothing about reading.
    await signAsParty(deps, { caseId: c.caseId, token: tokenOf(lastTo('r2@ex.com')), signature: { kind: 'typed', text: '乙' }, ip: '203.0.113.9', userAgent: 'ua', baseUrl: BASE });
    await drainJobs(deps); // the stamping (and, after the last party, sealing) jobs
    const status = await manageStatus(deps, c.caseId, key);
    expect(status.status).toBe('completed');
    const final = await documentForParty(deps, c.caseId, tokenOf(lastTo('r1@ex.com')));
    const text = pdfText(final.pdf, 'form.pdf');
    expect(text).toContain('已签署（输入姓名：甲；已阅读全部2页，用时2分5秒）');
    expect(text).toContain('已签署（输入姓名：乙）');
  });

  it("an employee's own acknowledgment copy says how much of the policy they read", async () => {
    const a = await createAcknowledgment(deps, {
      title: '人员变动交接工作制度', markdown: '## 总则\n\n第一条 交接须当面核对。', sender: { name: 'HR 小王', email: 'hr@ex.com' },
      staff: [{ name: '赵一', email: 'zhao@ex.com', department: '销售部' }], baseUrl: BASE,
    });
    await flush();
    const token = tokenOf(lastTo('zhao@ex.com'));
    await signAsParty(deps, { caseId: a.caseId, token, signature: { kind: 'typed', text: '赵一' }, reading: { pageCount: 1, pagesViewed: 1, seconds: 48 }, ip: '203.0.113.9', userAgent: 'ua', baseUrl: BASE });
    await drainJobs(deps); // the stamping (and, after the last party, sealing) jobs
    const copy = await documentForParty(deps, a.caseId, token);
    expect(pdfText(copy.pdf, 'ack.pdf')).toContain('已阅读并同意（赵一，销售部；已阅读全部1页，用时48秒）');
  });
});
