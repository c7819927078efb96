/**
 * The signing service against a real database: PGlite always, PostgreSQL too when
 * DATABASE_URL is set (each run in its own schema). Links, order, revocation, expiry,
 * tampering, cancel/decline, concurrent signers, sealing and verification, the outbox.
 * A signature is recorded and answered without touching the PDF; the jobs it queues (run
 * here by `flush`, as a worker would) stamp, seal and mail.
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
import { issueSignLink } from '../../src/lib/signing/links.js';
import {
  purgeClosedCases, managerDocument, createAcknowledgment, remindAllPending, cancelCase, createCase, declineAsParty, documentForParty, manageStatus, remindParty, sendDueReminders, signAsParty, verifyDocument, viewAsParty, type SigningDeps,
} from '../../src/lib/signing/service.js';
import { processOutbox, type OutgoingMail } from '../../src/lib/signing/outbox.js';
import { workHandoverValues } from '../fixtures/form-values.js';
import { storeBackends } from '../fixtures/stores.js';
import { signersFor } from '../fixtures/parties.js';
import { drainJobs } from '../fixtures/jobs.js';

const scratch = mkdtempSync(join(tmpdir(), 'signing-'));
const cert = { p12: createSelfSignedP12('Test Seal', 'pw'), passphrase: 'pw' };
const work = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/work-handover.json', 'utf8')));
const threeParallel: FormDefinition = { ...work, id: 'work-handover', signing: { order: 'parallel', parties: work.signing.parties.slice(0, 3) } };
const BASE = 'http://test.local';

const backends = storeBackends('t');

const tokenOf = (mail: OutgoingMail) => /#t=([\w.-]+)/.exec(mail.text)![1];
const caseOf = (mail: OutgoingMail) => /\/(?:sign|ack)\/\?c=([\w-]+)/.exec(mail.text)![1];

describe.each(backends)('signing on %s', (_name, makeSql) => {
  let sql: Sql;
  let deps: SigningDeps;
  let clock = new Date('2026-11-23T02:00:00Z');
  const sent: OutgoingMail[] = [];
  const flush = async () => {
    await drainJobs(deps);
    return processOutbox(sql, async (m) => void sent.push(m));
  };
  const lastTo = (email: string) => sent.filter((m) => m.to === email).at(-1)!;

  beforeAll(async () => {
    sql = await makeSql();
    await migrate(sql);
    expect(await migrate(sql)).toEqual([]); // idempotent
    deps = { sql, secret: new TextEncoder().encode('x'.repeat(40)), cert, ttlDays: 14, now: () => clock };
  });
  afterAll(() => sql?.close());

  const start = async (definition = work, parties = signersFor(definition).map((p) => p.email)) => {
    const created = await createCase(deps, {
      definition, values: workHandoverValues(work), company: '上海某某贸易有限公司', sender: { name: 'HR 小王', email: 'hr@ex.com' },
      parties: parties.map((email, i) => ({ name: signersFor(definition)[i].name, email })), archiveEmail: 'archive@ex.com', baseUrl: BASE,
    });
    await flush();
    return { ...created, key: /#k=([\w-]+)/.exec(created.manageUrl)![1] };
  };
  const sign = (mail: OutgoingMail, text = '签名') =>
    signAsParty(deps, { caseId: caseOf(mail), token: tokenOf(mail), signature: { kind: 'typed', text }, ip: '203.0.113.9', userAgent: 'test-agent', baseUrl: BASE });

  it('runs a sequential case to a sealed, verifiable final PDF', async () => {
    const c = await start();
    expect(sent.filter((m) => m.subject.includes(c.caseNumber)).map((m) => m.to)).toEqual(['giver@ex.com']);
    const first = lastTo('giver@ex.com');
    expect(first.text).toContain(`${BASE}/sign/?c=${c.caseId}#t=`);

    const view = await viewAsParty(deps, c.caseId, tokenOf(first));
    expect(view).toMatchObject({ canSign: true, you: { role: '移交人', name: '欧阳明远' } });

    // The receiver has no link yet; the giver signs; then the receiver is mailed.
    const pdfHash = async () => (await sql.query<{ h: string }>(`SELECT encode(sha256(current_pdf), 'hex') AS h FROM cases WHERE id = $1`, [c.caseId]))[0].h;
    const unsigned = await pdfHash();
    const answer = await sign(first, '欧阳明远');
    // Answered without rendering: the document is untouched, a job will stamp it.
    expect(answer).toMatchObject({ preparing: true, canSign: false, notice: '签名已记录，正在生成您的签署副本…', you: { status: 'signed' } });
    expect(await pdfHash()).toBe(unsigned);
    expect(await sql.query(`SELECT kind FROM jobs WHERE payload->>'caseId' = $1 AND done_at IS NULL`, [c.caseId])).toEqual([{ kind: 'signing.stamp' }]);
    await expect(documentForParty(deps, c.caseId, tokenOf(first))).rejects.toMatchObject({ code: 'preparing', status: 409 });
    await processOutbox(sql, async (m) => void sent.push(m));
    expect(sent.filter((m) => m.to === 'receiver@ex.com')).toHaveLength(0); // their turn comes once the signature is in the document
    await flush();
    expect(await pdfHash()).not.toBe(unsigned);
    expect((await viewAsParty(deps, c.caseId, tokenOf(first))).preparing).toBe(false);
    const copy = join(scratch, `${c.caseId}-copy.pdf`);
    writeFileSync(copy, (await documentForParty(deps, c.caseId, tokenOf(first))).pdf);
    expect(execFileSync('pdftotext', [copy, '-'], { encoding: 'utf8' }).replace(/\s+/g, '')).toContain('欧阳明远');
    expect(lastTo('receiver@ex.com').subject).toContain('请签署');
    await expect(sign(first)).rejects.toMatchObject({ code: 'already-signed' });
    expect((await viewAsParty(deps, c.caseId, tokenOf(first))).notice).toContain('您已签署');
    for (const email of ['receiver@ex.com', 'witness@ex.com', 'manager@ex.com', 'filing@ex.com']) {
      await sign(lastTo(email), email);
      await flush();
    }
    const status = await manageStatus(deps, c.caseId, c.key);
    expect(status.status).toBe('completed');
    expect(status.events.map((e) => e.type)).toEqual(['created', 'sent', 'viewed', 'signed', 'sent', 'signed', 'sent', 'signed', 'sent', 'signed', 'sent', 'signed', 'completed']);

    const finals = sent.filter((m) => m.subject.includes('已全部签署完成') && m.subject.includes(c.caseNumber));
    expect(finals.map((m) => m.to).sort()).toEqual(['archive@ex.com', 'filing@ex.com', 'giver@ex.com', 'hr@ex.com', 'manager@ex.com', 'receiver@ex.com', 'witness@ex.com']);
    const pdf = finals[0].attachments![0].content;
    const file = join(scratch, `${c.caseId}.pdf`);
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    for (const s of ['欧阳明远', '司马晓燕', '诸葛建国', '审计记录', '203.0.113.9']) expect(text).toContain(s);
    expect(execFileSync('pdfsig', [file], { encoding: 'utf8' })).toContain('Signature is Valid.');
    expect(await verifyDocument(deps, pdf)).toMatchObject({ valid: true, caseNumber: c.caseNumber });
    const altered = Buffer.from(pdf);
    altered[altered.length - 200] ^= 0x20;
    expect((await verifyDocument(deps, altered)).valid).toBe(false);
    const final = await documentForParty(deps, c.caseId, tokenOf(first));
    expect(final.final).toBe(true);
  });

  it('refuses out-of-order, forged, cross-case, expired, revoked and changed-document links', async () => {
    const a = await start();
    const b = await start();
    const tokenB = tokenOf(lastTo('giver@ex.com')); // the latest mail: case b's
    await expect(viewAsParty(deps, a.caseId, tokenB)).rejects.toMatchObject({ code: 'other-case' });
    await expect(viewAsParty(deps, b.caseId, tokenB.slice(0, -3) + 'abc')).rejects.toMatchObject({ code: 'invalid' });
    const payload = tokenB.split('.')[1];
    await expect(viewAsParty(deps, b.caseId, `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`)).rejects.toMatchObject({ code: 'invalid' });
    // A validly signed token for the right case and the second party, before its turn.
    const parties = (await manageStatus(deps, b.caseId, b.key)).parties;
    const early = await issueSignLink(deps.secret, { caseId: b.caseId, partyId: parties[1].id, documentSha256: 'x' }, 14, clock);
    await expect(viewAsParty(deps, b.caseId, early.token)).rejects.toMatchObject({ code: 'document-changed' });

    // Remind: new link, the old one revoked.
    await remindParty(deps, { caseId: b.caseId, key: b.key, partyId: parties[0].id, baseUrl: BASE });
    await flush();
    await expect(viewAsParty(deps, b.caseId, tokenB)).rejects.toMatchObject({ code: 'revoked' });
    const fresh = lastTo('giver@ex.com');
    expect(fresh.subject).toMatch(/^提醒：/);
    await viewAsParty(deps, b.caseId, tokenOf(fresh));

    // Expired after 14 days.
    const saved = clock;
    clock = new Date(clock.getTime() + 15 * 86_400_000);
    await expect(viewAsParty(deps, b.caseId, tokenOf(fresh))).rejects.toMatchObject({ code: 'expired' });
    clock = saved;
    await expect(remindParty(deps, { caseId: b.caseId, key: 'wrong-key', partyId: parties[0].id, baseUrl: BASE })).rejects.toMatchObject({ code: 'manage-denied' });
  });

  it('a decline or a cancel ends the case for everyone, with its own message', async () => {
    const c = await start();
    const giver = lastTo('giver@ex.com');
    await declineAsParty(deps, { caseId: c.caseId, token: tokenOf(giver), reason: '清单中的客户数量不对', ip: '1.2.3.4', userAgent: 'ua' });
    await expect(sign(giver)).rejects.toMatchObject({ code: 'declined', message: expect.stringContaining('欧阳明远') });
    const d = await start();
    await cancelCase(deps, { caseId: d.caseId, key: d.key, reason: '人员安排变化' });
    await expect(viewAsParty(deps, d.caseId, tokenOf(lastTo('giver@ex.com')))).rejects.toMatchObject({ code: 'cancelled' });
    await flush();
    expect(lastTo('giver@ex.com').subject).toContain('已撤销');
  });

  it('parallel parties signing at the same instant are all recorded, and the final PDF is sealed once and mailed once per party by racing workers', async () => {
    const c = await start(threeParallel, ['p1@ex.com', 'p2@ex.com', 'p3@ex.com']);
    const links = ['p1@ex.com', 'p2@ex.com', 'p3@ex.com'].map(lastTo);
    await Promise.all(links.map((m, i) => sign(m, `并行${i + 1}`)));
    expect((await manageStatus(deps, c.caseId, c.key)).parties.map((p) => p.status)).toEqual(['signed', 'signed', 'signed']);
    // Three workers at once (as three function instances would be).
    await Promise.all([drainJobs(deps), drainJobs(deps), drainJobs(deps)]);
    const status = await manageStatus(deps, c.caseId, c.key);
    expect(status.status).toBe('completed');
    expect(status.events.filter((e) => e.type === 'completed')).toHaveLength(1);
    await flush();
    const finals = sent.filter((m) => m.subject.includes(c.caseNumber) && m.attachments);
    expect(finals.map((m) => m.to).sort()).toEqual(['archive@ex.com', 'hr@ex.com', 'p1@ex.com', 'p2@ex.com', 'p3@ex.com']);
    expect(new Set(finals.map((m) => m.attachments![0].content.toString('base64'))).size).toBe(1);
    const final = finals.at(-1)!;
    const file = join(scratch, `${c.caseId}-par.pdf`);
    writeFileSync(file, final.attachments![0].content);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    for (const s of ['并行1', '并行2', '并行3']) expect(text).toContain(s);
  });

  it('signatures arriving together are written together: each answered as if it came alone, a bad one refused alone, in a handful of transactions', async () => {
    const cases = [];
    for (let i = 0; i < 10; i++) cases.push(await start(threeParallel, [1, 2, 3].map((k) => `b${i}-${k}@ex.com`)));
    const links = cases.flatMap((_, i) => [1, 2, 3].map((k) => lastTo(`b${i}-${k}@ex.com`)));
    let transactions = 0;
    // The product's own batching for whichever database this suite uses (on PGlite: a batch
    // gathers what arrived in the same turn of the event loop, one batch at a time).
    const batched: SigningDeps = { ...deps, sql: { ...sql, transaction: (fn) => (transactions++, sql.transaction(fn)) } };
    const signOne = (mail: OutgoingMail, text: string, token = tokenOf(mail)) =>
      signAsParty(batched, { caseId: caseOf(mail), token, signature: { kind: 'typed', text }, ip: '203.0.113.9', userAgent: 'test-agent', baseUrl: BASE });
    // 30 signers at the same instant, one of them clicking twice, and a forged link.
    const answers = await Promise.allSettled([
      ...links.map((m, i) => signOne(m, `同批${i}`)),
      signOne(links[4], '再点一次'),
      signOne(links[7], '伪造', tokenOf(links[7]).slice(0, -4) + 'AAAA'),
    ]);
    const views = answers.slice(0, 30).map((a) => (a.status === 'fulfilled' ? a.value : a.reason));
    views.forEach((v, i) => expect(v).toMatchObject({ you: { name: signersFor(threeParallel)[i % 3].name, status: 'signed' }, preparing: true }));
    expect(answers[30]).toMatchObject({ status: 'rejected', reason: { code: 'already-signed' } });
    expect(answers[31]).toMatchObject({ status: 'rejected', reason: { code: 'invalid' } });
    // The first few went alone (nothing was being written yet); the rest waited and went together.
    expect(transactions).toBeLessThanOrEqual(8);
    const ids = cases.map((c) => c.caseId);
    const [row] = await sql.query<{ signed: number; events: number; names: number }>(
      `SELECT (SELECT count(*)::int FROM parties WHERE case_id = ANY($1) AND status = 'signed') AS signed,
              (SELECT count(*)::int FROM events WHERE case_id = ANY($1) AND type = 'signed') AS events,
              (SELECT count(DISTINCT signed_name)::int FROM parties WHERE case_id = ANY($1) AND signed_name LIKE '同批%') AS names`,
      [ids],
    );
    expect(row).toEqual({ signed: 30, events: 30, names: 30 });
    await flush();
    const done = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM cases WHERE id = ANY($1) AND status = 'completed' AND final_sha256 IS NOT NULL", [ids]);
    expect(done[0].n).toBe(10);
  });

  it('a batch the database refuses is tried again one by one: only the signature that fails is lost to its signer', async () => {
    const cases = [];
    for (let i = 0; i < 3; i++) cases.push(await start(threeParallel, [1, 2, 3].map((k) => `f${i}-${k}@ex.com`)));
    const links = cases.flatMap((_, i) => [1, 2, 3].map((k) => lastTo(`f${i}-${k}@ex.com`)));
    // One party's row cannot be written (as a constraint or a lost row would refuse it).
    const poisoned = (JSON.parse(Buffer.from(tokenOf(links[5]).split('.')[1], 'base64url').toString()) as { h: string }).h;
    let failedAmongOthers = false;
    const failing = (s: Sql): Sql => ({
      ...s,
      query: (text, params) => {
        const ids = /UPDATE parties p SET status = 'signed'/.test(text) ? (params?.[0] as string[]) : [];
        if (!ids.includes(poisoned)) return s.query(text, params);
        failedAmongOthers ||= ids.length > 1;
        return Promise.reject(new Error('simulated write failure'));
      },
      transaction: (fn) => s.transaction((tx) => fn(failing(tx))),
    });
    const batched: SigningDeps = { ...deps, sql: failing(sql) }; // its own batches, as above
    const answers = await Promise.allSettled(links.map((m, i) => signAsParty(batched, { caseId: caseOf(m), token: tokenOf(m), signature: { kind: 'typed', text: `重试${i}` }, ip: '203.0.113.9', userAgent: 'test-agent', baseUrl: BASE })));
    expect(answers.map((a) => a.status)).toEqual(links.map((_, i) => (i === 5 ? 'rejected' : 'fulfilled')));
    const [row] = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM parties WHERE case_id = ANY($1) AND status = 'signed'", [cases.map((c) => c.caseId)]);
    expect(row.n).toBe(8);
    // It failed inside a batch with others, which were then written one by one.
    expect(failedAmongOthers).toBe(true);
  });

  it('answers a new case before its document exists; the prepare job renders it and mails the links, or does nothing once cancelled', async () => {
    await flush();
    const before = sent.length;
    const open = (emails: string[]) => createCase(deps, {
      definition: work, values: workHandoverValues(work), company: '上海某某贸易有限公司', sender: { name: 'HR 小王', email: 'hr@ex.com' },
      parties: emails.map((email, i) => ({ name: signersFor(work)[i].name, email })), baseUrl: BASE,
    });
    const emails = signersFor(work).map((_, i) => `prep${i}@ex.com`);
    const created = await open(emails);
    const key = /#k=([\w-]+)/.exec(created.manageUrl)![1];
    let status = await manageStatus(deps, created.caseId, key);
    expect(status.preparing).toBe(true);
    expect(status.mail).toEqual([]);
    await expect(managerDocument(deps, created.caseId, key, 'current')).rejects.toMatchObject({ code: 'preparing', status: 409 });
    await expect(remindAllPending(deps, { caseId: created.caseId, key, baseUrl: BASE })).resolves.toBe(0);

    // A second case cancelled before its document was rendered: its job renders nothing and mails nobody.
    const dropped = await open(emails.map((e) => e.replace('prep', 'drop')));
    await cancelCase(deps, { caseId: dropped.caseId, key: /#k=([\w-]+)/.exec(dropped.manageUrl)![1] });

    await flush();
    status = await manageStatus(deps, created.caseId, key);
    expect(status.preparing).toBe(false);
    const mailed = sent.slice(before);
    // Sequential: the first party only, with a link bound to the rendered document.
    expect(mailed.map((m) => m.to)).toEqual([emails[0]]);
    expect((await viewAsParty(deps, created.caseId, tokenOf(mailed[0]))).you.name).toBe(signersFor(work)[0].name);
    const pdf = await managerDocument(deps, created.caseId, key, 'current');
    expect(Buffer.from(pdf.pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const [gone] = await sql.query<{ document_sha256: string | null }>('SELECT document_sha256 FROM cases WHERE id = $1', [dropped.caseId]);
    expect(gone.document_sha256).toBeNull();
  });

  it('sends several messages side by side: each once, a refused one kept queued', async () => {
    await flush();
    const { repo } = await import('../../src/lib/store/repo.js');
    for (let i = 0; i < 23; i++) await repo.queueMail(sql, null, { kind: 'test', to: `side${i}@ex.com`, subject: `并发 ${i}`, text: 't', html: '<p>t</p>' });
    let inFlight = 0;
    let most = 0;
    const got: string[] = [];
    const r = await processOutbox(sql, async (m) => {
      most = Math.max(most, ++inFlight);
      // Slow and out of order, as SMTP connections answer.
      await new Promise((ok) => setTimeout(ok, 5 + (m.to.length % 4) * 7));
      inFlight--;
      if (m.to === 'side7@ex.com') throw new Error('550 mailbox unavailable');
      got.push(m.to);
    }, 50, 30, 300, 4);
    expect(r).toEqual({ sent: 22, failed: 1 });
    expect(most).toBeGreaterThan(1); // up to 4, as the claims interleave
    expect(new Set(got).size).toBe(22);
    const [left] = await sql.query<{ to_address: string; attempts: number }>(`SELECT to_address, attempts FROM outbox WHERE status = 'queued'`);
    expect(left).toMatchObject({ to_address: 'side7@ex.com', attempts: 1 });
    await sql.query(`DELETE FROM outbox WHERE kind = 'test'`);
  });

  it('keeps failed mail queued with its error and sends it later; reminds automatically', async () => {
    const before = sent.length;
    const c = await start(work, ['retry@ex.com', 'r2@ex.com', 'r3@ex.com', 'r4@ex.com', 'r5@ex.com']);
    // start() already flushed successfully; queue another by reminding, and fail the send.
    const parties = (await manageStatus(deps, c.caseId, c.key)).parties;
    await remindParty(deps, { caseId: c.caseId, key: c.key, partyId: parties[0].id, baseUrl: BASE });
    const failed = await processOutbox(sql, async () => { throw new Error('connect ECONNREFUSED'); });
    expect(failed).toEqual({ sent: 0, failed: 1 });
    const mail = (await manageStatus(deps, c.caseId, c.key)).mail.at(-1)!;
    expect(mail).toMatchObject({ status: 'queued', attempts: 1, error: 'connect ECONNREFUSED' });
    await sql.query(`UPDATE outbox SET next_attempt_at = now() - interval '1 second'`);
    expect(await flush()).toMatchObject({ sent: 1 });
    expect(sent.length).toBeGreaterThan(before);

    // Automatic reminder after 3 days for the party who has not signed.
    clock = new Date(clock.getTime() + 4 * 86_400_000);
    await sql.query(`UPDATE parties SET last_sent_at = $1::timestamptz - interval '4 days' WHERE case_id = $2`, [clock, c.caseId]);
    expect(await sendDueReminders(deps, BASE)).toBeGreaterThanOrEqual(1);
    clock = new Date(clock.getTime() - 4 * 86_400_000);
  });

  it('staff acknowledge a published policy; HR reminds the rest in one go and gets the record', async () => {
    const staff = ['s1@ex.com', 's2@ex.com', 's3@ex.com'].map((email, i) => ({ name: ['赵一', '钱二', '孙三'][i], email, department: '销售部' }));
    const ack = await createAcknowledgment(deps, { title: '工作交接管理制度', company: '某某公司', markdown: '## 一、目的\n\n为保证某某公司业务连续。', staff, sender: { name: 'HR', email: 'hr@ex.com' }, archiveEmail: 'archive@ex.com', baseUrl: BASE });
    await flush();
    const key = /#k=([\w-]+)/.exec(ack.manageUrl)![1];
    expect(lastTo('s1@ex.com').subject).toBe('请阅读并确认《工作交接管理制度》');
    const view = await viewAsParty(deps, ack.caseId, tokenOf(lastTo('s1@ex.com')));
    expect(view).toMatchObject({ kind: 'acknowledgment', canSign: true });
    expect(view.parties).toHaveLength(1); // staff do not see each other
    await sign(lastTo('s1@ex.com'), '赵一');
    expect(await remindAllPending(deps, { caseId: ack.caseId, key, baseUrl: BASE })).toBe(2);
    await flush();
    expect(lastTo('s2@ex.com').subject).toMatch(/^提醒：/);
    await sign(lastTo('s2@ex.com'), '钱二');
    await sign(lastTo('s3@ex.com'), '孙三');
    await flush();
    const finals = sent.filter((m) => m.attachments && m.subject.includes(ack.caseNumber));
    expect(finals.map((m) => m.to).sort()).toEqual(['archive@ex.com', 'hr@ex.com']);
    const file = join(scratch, 'ack.pdf');
    writeFileSync(file, finals[0].attachments![0].content);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    for (const s of ['已阅读并同意（赵一，销售部）', '钱二', '孙三', '为保证某某公司业务连续']) expect(text).toContain(s);
  });

  it('purges customer data of closed cases after the retention period, keeping the record (and the final PDF if asked)', async () => {
    const done = await start(threeParallel, ['r1@ex.com', 'r2@ex.com', 'r3@ex.com']);
    await Promise.all(['r1@ex.com', 'r2@ex.com', 'r3@ex.com'].map((e) => sign(lastTo(e))));
    await flush();
    const cancelled = await start();
    await cancelCase(deps, { caseId: cancelled.caseId, key: cancelled.key });
    const open = await start(work, ['o1@ex.com', 'o2@ex.com', 'o3@ex.com', 'o4@ex.com', 'o5@ex.com']);
    expect(await purgeClosedCases(deps, { days: 30, keepFinal: true })).toBe(0);
    const saved = clock;
    clock = new Date(Date.now() + 31 * 86_400_000);
    expect(await purgeClosedCases(deps, { days: 30, keepFinal: true })).toBeGreaterThanOrEqual(2);
    clock = saved;
    const [row] = await sql.query<{ values_json: unknown; original_pdf: Uint8Array }>('SELECT values_json, original_pdf FROM cases WHERE id = $1', [cancelled.caseId]);
    expect(row.values_json).toEqual({});
    expect(row.original_pdf.length).toBe(0);
    await expect(managerDocument(deps, cancelled.caseId, cancelled.key, 'current')).rejects.toMatchObject({ code: 'purged' });
    expect((await managerDocument(deps, done.caseId, done.key, 'final')).pdf.length).toBeGreaterThan(1000);
    expect((await manageStatus(deps, cancelled.caseId, cancelled.key)).events.at(-1)!.type).toBe('purged');
    // Open cases are never touched.
    expect((await managerDocument(deps, open.caseId, open.key, 'current')).pdf.length).toBeGreaterThan(1000);
  });
});
