/**
 * Issue 16 against a real database, a real TSA (openssl ts behind HTTP) and a real SMS
 * gateway double (a local HTTP server): codes before signing — wrong, expired, reused,
 * superseded, brute-forced, rate-limited, never logged — and the seal's RFC 3161
 * time-stamp, including a TSA that is down at sealing and a retry that adds it later.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { formDefinitionSchema, type FormDefinition } from '../../src/lib/form-definition.js';
import { migrate } from '../../src/lib/store/migrate.js';
import type { Sql } from '../../src/lib/store/sql.js';
import { createSelfSignedP12 } from '../../src/lib/pdf/seal.js';
import { createCase, manageStatus, signAsParty, verifyDocument, type SigningDeps } from '../../src/lib/signing/service.js';
import { processOutbox, type OutgoingMail } from '../../src/lib/signing/outbox.js';
import { checkVerificationCode, sendVerificationCode, verificationState, type CodeDelivery } from '../../src/lib/signing/verification/actions.js';
import { requeuePendingTimestamps, retryPendingTimestamps } from '../../src/lib/signing/timestamps.js';
import { runJobs } from '../../src/lib/jobs/index.js';
import { signingJobs } from '../../src/lib/signing/service.js';
import { drainJobs } from '../fixtures/jobs.js';
import { verifyEvidence } from '../../src/lib/signing/evidence.js';
import { hasSignatureTimestamp, findSignature, parseSignedData } from '../../src/lib/pdf/timestamp.js';
import { httpSmsSender } from '../../src/lib/sms/sender.js';
import { workHandoverValues } from '../fixtures/form-values.js';
import { storeBackends } from '../fixtures/stores.js';
import { signersFor } from '../fixtures/parties.js';
import { pdfText } from '../fixtures/pdf-probe.js';
import { startTestTsa, type TestTsa } from '../fixtures/tsa.js';

const scratch = mkdtempSync(join(tmpdir(), 'evidence-'));
const cert = { p12: createSelfSignedP12('Evidence Test Seal', 'pw'), passphrase: 'pw' };
const work = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/work-handover.json', 'utf8')));
const twoParallel: FormDefinition = { ...work, id: 'work-handover', signing: { order: 'parallel', parties: work.signing.parties.slice(0, 2) } };
const BASE = 'http://test.local';
const tokenOf = (mail: OutgoingMail) => /#t=([\w.-]+)/.exec(mail.text)![1];
const caseOf = (mail: OutgoingMail) => /\/sign\/\?c=([\w-]+)/.exec(mail.text)![1];
const codeIn = (text: string) => /(?:^|\D)(\d{6})(?:\D|$)/m.exec(text)![1];

/** pdfsig's report, and the time-stamp token it dumps, read back by openssl. */
function pdfsig(pdf: Uint8Array): string {
  const dir = mkdtempSync(join(scratch, 'sig-'));
  const file = join(dir, 'doc.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdfsig', ['-nocert', file], { encoding: 'utf8' });
}

/** The signature time-stamp token inside the seal, via `pdfsig -dump` and `openssl cms`/`openssl ts`. */
function tokenReport(pdf: Uint8Array, tsaCertPem: string): { text: string; verify: string } {
  const dir = mkdtempSync(join(scratch, 'dump-'));
  writeFileSync(join(dir, 'doc.pdf'), pdf);
  execFileSync('pdfsig', ['-nocert', '-dump', 'doc.pdf'], { cwd: dir });
  const dumped = readdirSync(dir).find((f) => /\.sig\d+$/.test(f))!;
  const cms = readFileSync(join(dir, dumped));
  const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', dumped], { cwd: dir, encoding: 'utf8' });
  expect(printed).toContain('id-smime-aa-timeStampToken');
  // The token (an attribute value) and the seal's signature value, by pkijs, handed to openssl.
  const signer = parseSignedData(new Uint8Array(cms)).signerInfos[0];
  const token = signer.unsignedAttrs!.attributes[0].values[0].toBER(false);
  writeFileSync(join(dir, 'token.der'), Buffer.from(token));
  writeFileSync(join(dir, 'tsa.pem'), tsaCertPem);
  const digest = createHash('sha256').update(new Uint8Array(signer.signature.valueBlock.valueHexView)).digest('hex');
  const text = execFileSync('openssl', ['ts', '-reply', '-in', 'token.der', '-token_in', '-text', '-token_out'], { cwd: dir, encoding: 'utf8' });
  const verify = execFileSync('openssl', ['ts', '-verify', '-digest', digest, '-in', 'token.der', '-token_in', '-CAfile', 'tsa.pem'], { cwd: dir, encoding: 'utf8' });
  return { text, verify };
}

describe.each(storeBackends('ev'))('evidence on %s', (_name, makeSql) => {
  let sql: Sql;
  let deps: SigningDeps;
  let tsa: TestTsa;
  let clock = new Date('2026-11-23T02:00:00Z');
  const sent: OutgoingMail[] = [];
  const codeMails: Array<{ to: string; subject: string; text: string }> = [];
  const delivery: CodeDelivery = { email: async (m) => void codeMails.push(m), sms: null };
  // Jobs first (a new case's document and links, stamping, sealing), as a worker runs them before mail.
  const flush = async () => {
    await drainJobs(deps);
    return processOutbox(sql, async (m) => void sent.push(m));
  };
  const lastTo = (email: string) => sent.filter((m) => m.to === email && /#t=/.test(m.text)).at(-1)!;

  beforeAll(async () => {
    sql = await makeSql();
    await migrate(sql);
    tsa = await startTestTsa();
    deps = { sql, secret: new TextEncoder().encode('e'.repeat(40)), cert, ttlDays: 14, now: () => clock, tsa: { url: tsa.url, timeoutMs: 5000 } };
  });
  afterAll(async () => {
    await sql?.close();
    await tsa?.close();
  });
  afterEach(() => vi.restoreAllMocks());

  const start = async (verification: 'none' | 'email' | 'sms', phones: string[] = []) => {
    const people = signersFor(twoParallel, (k) => `${k}.${Math.random().toString(36).slice(2, 7)}@ex.com`);
    const created = await createCase(deps, {
      definition: twoParallel, values: workHandoverValues(work), company: '上海某某贸易有限公司', sender: { name: 'HR 小王', email: 'hr@ex.com' },
      parties: people.map((p, i) => ({ ...p, phone: phones[i] })), baseUrl: BASE, verification,
    });
    await flush();
    const links = people.map((p) => ({ caseId: caseOf(lastTo(p.email)), token: tokenOf(lastTo(p.email)), email: p.email }));
    return { ...created, key: /#k=([\w-]+)/.exec(created.manageUrl)![1], links };
  };
  // A signature is recorded at once; stamping and sealing are jobs, run here as a worker would.
  const sign = async (l: { caseId: string; token: string }) => {
    const answer = await signAsParty(deps, { caseId: l.caseId, token: l.token, signature: { kind: 'typed', text: '签名' }, ip: '203.0.113.9', userAgent: 'test-agent', baseUrl: BASE });
    await drainJobs(deps);
    return answer;
  };
  /** The timestamp job waits a minute (and backs off): made due now, then run once. */
  const runTimestampJob = async () => {
    await sql.query(`UPDATE jobs SET run_at = now() WHERE kind = 'signing.timestamp' AND done_at IS NULL AND dead_at IS NULL`);
    return runJobs(sql, signingJobs(deps));
  };
  const refusal = (p: Promise<unknown>) => p.then(() => null, (e: { code: string; message: string }) => ({ code: e.code, message: e.message }));

  it('a case that asks for a code refuses to sign without one; the right code lets the party sign; codes never reach the logs', async () => {
    const logged: string[] = [];
    for (const fn of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, fn).mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(' ')));
    const c = await start('email');
    const [a, b] = c.links;
    expect(await verificationState(deps, a.caseId, a.token, false)).toMatchObject({ required: true, verified: false, channel: 'email', sent: null });
    expect(await refusal(sign(a))).toMatchObject({ code: 'verification-required' });

    await sendVerificationCode(deps, a, delivery);
    const mail = codeMails.at(-1)!;
    expect(mail.to).toBe(a.email);
    const code = codeIn(mail.text);
    expect(mail.subject).not.toContain(code);
    // Stored only as an HMAC.
    const rows = await sql.query<{ code_hmac: string; masked_to: string }>('SELECT code_hmac, masked_to FROM verification_codes WHERE party_id = (SELECT party_id FROM verification_codes ORDER BY id DESC LIMIT 1)');
    expect(JSON.stringify(rows)).not.toContain(code);
    expect(rows[0].masked_to).toMatch(/^gi\*+@ex\.com$/);

    const wrong = code === '000000' ? '111111' : '000000';
    expect(await refusal(checkVerificationCode(deps, { ...a, code: wrong }))).toEqual({ code: 'code-wrong', message: '验证码不正确，请核对后重新输入（还可以再试 4 次）。' });
    expect(await checkVerificationCode(deps, { ...a, code })).toMatchObject({ verified: true });
    expect(await refusal(checkVerificationCode(deps, { ...a, code }))).toMatchObject({ code: 'code-reused', message: expect.stringContaining('已经使用过') });
    expect(await verificationState(deps, a.caseId, a.token, false)).toMatchObject({ verified: true });
    await sign(a);

    // The other party: verified, but 31 minutes later the check has lapsed.
    await sendVerificationCode(deps, b, delivery);
    await checkVerificationCode(deps, { ...b, code: codeIn(codeMails.at(-1)!.text) });
    clock = new Date(clock.getTime() + 31 * 60_000);
    expect(await refusal(sign(b))).toMatchObject({ code: 'verification-required' });
    await sendVerificationCode(deps, b, delivery);
    await checkVerificationCode(deps, { ...b, code: codeIn(codeMails.at(-1)!.text) });
    await sign(b);

    const final = (await sql.query<{ final_pdf: Uint8Array }>('SELECT final_pdf FROM cases WHERE id = $1', [c.caseId]))[0].final_pdf;
    const text = pdfText(final).replace(/\s+/g, '');
    expect(text).toContain('身份验证');
    expect(text).toContain('邮箱验证码（发送至gi');
    expect(text).toContain('验证通过');
    const evidence = await verifyEvidence(deps, final);
    expect(evidence.parties.map((p) => p.verification.method)).toEqual(['email', 'email']);
    for (const m of codeMails) expect(logged.join('\n')).not.toContain(codeIn(m.text));
  });

  it('expired, superseded and brute-forced codes each get their own message; sends are limited', async () => {
    const c = await start('email');
    const [a] = c.links;
    expect(await refusal(checkVerificationCode(deps, { ...a, code: '123456' }))).toMatchObject({ code: 'code-missing' });
    await sendVerificationCode(deps, a, delivery);
    const first = codeIn(codeMails.at(-1)!.text);
    expect(await refusal(sendVerificationCode(deps, a, delivery))).toMatchObject({ code: 'code-too-soon', message: expect.stringMatching(/请 \d+ 秒后再重新获取/) });
    clock = new Date(clock.getTime() + 11 * 60_000);
    expect(await refusal(checkVerificationCode(deps, { ...a, code: first }))).toEqual({ code: 'code-expired', message: '验证码已过期（10 分钟内有效）：请重新获取验证码。' });

    await sendVerificationCode(deps, a, delivery);
    const second = codeIn(codeMails.at(-1)!.text);
    if (first !== second) expect(await refusal(checkVerificationCode(deps, { ...a, code: first }))).toMatchObject({ code: 'code-superseded' });
    const wrong = ['000000', '111111', '222222', '333333', '444444', '555555'].filter((w) => w !== second);
    let last: { code: string; message: string } | null = null;
    for (let i = first !== second ? 1 : 0; i < 5; i++) last = await refusal(checkVerificationCode(deps, { ...a, code: wrong[i] }));
    expect(last).toMatchObject({ code: 'code-locked', message: expect.stringContaining('连续输错 5 次') });
    // Worn out: even the right code no longer works; a new one is needed.
    expect(await refusal(checkVerificationCode(deps, { ...a, code: second }))).toMatchObject({ code: 'code-locked' });

    for (let i = 0; i < 3; i++) {
      clock = new Date(clock.getTime() + 61_000);
      await sendVerificationCode(deps, a, delivery);
    }
    clock = new Date(clock.getTime() + 61_000);
    expect(await refusal(sendVerificationCode(deps, a, delivery))).toMatchObject({ code: 'code-send-limit', message: expect.stringContaining('一小时内最多获取 5 次验证码') });
  });

  it('SMS codes go through the HTTP gateway (bearer token, JSON) and the audit says 短信验证码 with a masked number', async () => {
    const messages: Array<{ auth: string; body: { to: string; text: string } }> = [];
    const server: Server = createServer((req, res) => {
      let data = '';
      req.on('data', (ch) => (data += ch));
      req.on('end', () => {
        messages.push({ auth: String(req.headers.authorization), body: JSON.parse(data) });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const sms: CodeDelivery = { email: delivery.email, sms: httpSmsSender({ url: `http://127.0.0.1:${port}/send`, token: 'test-token' }) };
    try {
      const c = await start('sms', ['13812345678', '+8613900001111']);
      for (const l of c.links) {
        clock = new Date(clock.getTime() + 61_000);
        const state = await sendVerificationCode(deps, l, sms);
        expect(state.sent).toMatchObject({ channel: 'sms' });
        const m = messages.at(-1)!;
        expect(m.auth).toBe('Bearer test-token');
        await checkVerificationCode(deps, { ...l, code: codeIn(m.body.text) });
        await sign(l);
      }
      expect(messages.map((m) => m.body.to)).toEqual(['+8613812345678', '+8613900001111']);
      const final = (await sql.query<{ final_pdf: Uint8Array }>('SELECT final_pdf FROM cases WHERE id = $1', [c.caseId]))[0].final_pdf;
      expect(pdfText(final).replace(/\s+/g, '')).toContain('短信验证码（发送至138****5678');
    } finally {
      server.close();
    }
  });

  it('a case without codes signs with the link alone, and the audit says so', async () => {
    const c = await start('none');
    for (const l of c.links) await sign(l);
    const final = (await sql.query<{ final_pdf: Uint8Array }>('SELECT final_pdf FROM cases WHERE id = $1', [c.caseId]))[0].final_pdf;
    expect(pdfText(final).replace(/\s+/g, '')).toContain('仅凭邮件链接');
  });

  it('the seal carries an RFC 3161 signature time-stamp that pdfsig keeps valid and openssl verifies', async () => {
    const c = await start('none');
    for (const l of c.links) await sign(l);
    const final = (await sql.query<{ final_pdf: Uint8Array }>('SELECT final_pdf FROM cases WHERE id = $1', [c.caseId]))[0].final_pdf;
    expect(hasSignatureTimestamp(final)).toBe(true);
    const report = pdfsig(final);
    expect(report).toContain('Signature is Valid');
    expect(report).toContain('Total document signed');
    const token = tokenReport(final, tsa.certificatePem);
    expect(token.text).toMatch(/Time stamp: \w+ +\d+ [\d:]+ \d{4} GMT/);
    expect(token.text).toContain('Handover Kit Test TSA');
    expect(token.verify).toContain('Verification: OK');
    const evidence = await verifyEvidence(deps, final);
    expect(evidence).toMatchObject({ valid: true, seal: { signatureValid: true, coversWholeFile: true, timestamp: { valid: true, authority: expect.stringContaining('Handover Kit Test TSA') } } });
    expect(evidence.seal!.certificate).toMatchObject({ subject: expect.stringContaining('CN=Evidence Test Seal'), sha256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) });
    expect((await manageStatus(deps, c.caseId, c.key)).timestamp).toMatchObject({ state: 'done' });
  });

  it('a TSA that is down never loses a signature: the final PDF is mailed, marked pending, and a retry adds the time-stamp', async () => {
    tsa.down();
    const c = await start('none');
    for (const l of c.links) await sign(l);
    const before = (await sql.query<{ final_pdf: Uint8Array; final_sha256: string }>('SELECT final_pdf, final_sha256 FROM cases WHERE id = $1', [c.caseId]))[0];
    expect(hasSignatureTimestamp(before.final_pdf)).toBe(false);
    expect(pdfsig(before.final_pdf)).toContain('Signature is Valid');
    expect((await manageStatus(deps, c.caseId, c.key)).timestamp).toMatchObject({ state: 'pending', error: expect.stringContaining('503') });
    sent.length = 0;
    await flush();
    const finalMails = sent.filter((m) => m.attachments?.length);
    expect(finalMails.length).toBeGreaterThan(0);
    expect(Buffer.from(finalMails[0].attachments![0].content as Buffer).equals(Buffer.from(before.final_pdf))).toBe(true);

    // The seal job queued a timestamp job: while the TSA is still down it fails and backs off.
    expect(await runTimestampJob()).toEqual({ done: 0, failed: 1 });
    // A job that gave up (a TSA down for a day) is replaced by the maintenance sweep, once.
    await sql.query(`UPDATE jobs SET dead_at = now() WHERE kind = 'signing.timestamp' AND done_at IS NULL`);
    expect(await requeuePendingTimestamps(sql, deps.tsa)).toBe(1);
    expect(await requeuePendingTimestamps(sql, deps.tsa)).toBe(0);
    tsa.up();
    expect(await runTimestampJob()).toEqual({ done: 1, failed: 0 });
    const after = (await sql.query<{ final_pdf: Uint8Array; final_sha256: string }>('SELECT final_pdf, final_sha256 FROM cases WHERE id = $1', [c.caseId]))[0];
    expect(after.final_sha256).not.toBe(before.final_sha256);
    expect(after.final_sha256).toBe(createHash('sha256').update(after.final_pdf).digest('hex'));
    // The same signed bytes: ByteRange unchanged, only the placeholder differs.
    expect(findSignature(after.final_pdf).byteRange).toEqual(findSignature(before.final_pdf).byteRange);
    expect(hasSignatureTimestamp(after.final_pdf)).toBe(true);
    expect(pdfsig(after.final_pdf)).toContain('Signature is Valid');
    expect(tokenReport(after.final_pdf, tsa.certificatePem).verify).toContain('Verification: OK');
    expect((await manageStatus(deps, c.caseId, c.key)).timestamp).toMatchObject({ state: 'done' });
    // Both the time-stamped final and the copy mailed before it verify.
    expect(await verifyDocument(deps, after.final_pdf)).toMatchObject({ valid: true, caseNumber: c.caseNumber });
    expect(await verifyEvidence(deps, before.final_pdf)).toMatchObject({ valid: true, beforeTimestamp: true, caseNumber: c.caseNumber });
    // Nothing left to stamp: the job is done, and the maintenance sweep finds nothing pending.
    expect(await runTimestampJob()).toEqual({ done: 0, failed: 0 });
    expect(await retryPendingTimestamps(deps)).toEqual({ stamped: 0, failed: 0 });
  });
});
