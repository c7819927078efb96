/**
 * Faults: the server killed in the middle of a signature, of a stamping job, of a sealing
 * job and between a mail's send and its record; the SMTP server down and back, the database
 * unreachable. After each, nothing is half-done, lost or done twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { confirmFromMail } from '../fixtures/confirm.js';
import { freePort } from '../fixtures/ports.js';


class Mailbox {
  mails: Array<{ to: string; subject: string; text: string; messageId: string }> = [];
  private server: SMTPServer | null = null;
  async start(port: number) {
    this.server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
      onData: (stream, _s, done) => void simpleParser(stream).then((m) => { this.mails.push({ to: (m.to as { text: string }).text, subject: m.subject ?? '', text: m.text ?? '', messageId: m.messageId ?? '' }); done(); }),
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
  }
  async stop() {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = null;
  }
  async waitFor(to: string, subject: RegExp, timeoutMs = 90_000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = this.mails.filter((x) => x.to.includes(to) && subject.test(x.subject)).at(-1);
      if (m) return m;
      if (Date.now() > end) throw new Error(`no mail to ${to} ${subject}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

async function startServer(env: Record<string, string>): Promise<{ base: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/api-server.ts'], {
    env: { ...process.env, ...env, PORT: String(port), RATE_LIMIT_SIGN: '100000', RATE_LIMIT_BAD_LINKS: '100000', RATE_LIMIT_MANAGE: '100000', RATE_LIMIT_SEND: '100000', RATE_LIMIT_RENDER: '100000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  if (process.env.DEBUG_SERVER) proc.stdout!.on('data', (d) => process.stderr.write(`[server-out] ${d}`));
  if (process.env.DEBUG_SERVER) proc.stderr!.on('data', (d) => process.stderr.write(`[server] ${d}`));
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
    proc.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { base: `http://127.0.0.1:${port}`, proc };
}
const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

const post = (base: string, path: string, body: unknown) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

const pledge = {
  pledgerName: '张三', employeeNo: 'E1001', department: '销售部', reason: '离职', scope: '客户名单与合同', noCopyNoLeak: '是', returnedAll: '是',
  deletedPersonal: '是', noMisuse: '是', continueDuty: '是', dutyYears: '2', awareOfLiability: '是', signDate: '2026-11-23',
};

describe('faults', () => {
  it('a kill mid-signature, mid-stamping, mid-sealing or between a send and its record: nothing lost, nothing done twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crash-'));
    const smtpPort = await freePort();
    const mailbox = new Mailbox();
    await mailbox.start(smtpPort);
    // Short leases, so a killed worker's job (and mail) is taken over within the test; the cron
    // function (as on Vercel) sweeps what is left after a restart.
    const env = { DATA_DIR: dataDir, SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, DATABASE_URL: '', JOB_LEASE_SECONDS: '2', MAIL_LEASE_SECONDS: '2', CRON_SECRET: 'crash-cron' };
    const cron = async (base: string) => {
      await new Promise((r) => setTimeout(r, 2_200)); // the dead worker's lease runs out
      const res = await fetch(`${base}/api/cron`, { headers: { Authorization: 'Bearer crash-cron' } });
      expect(res.status).toBe(200);
    };
    const restart = async (failpoint?: string) => {
      server.proc.kill('SIGKILL');
      await exited(server.proc);
      server = await startServer(failpoint ? { ...env, HANDOVER_FAILPOINT: failpoint } : env);
    };

    let server = await startServer(env);
    const defRes = await post(server.base, '/api/cases', {
      formId: 'confidentiality-pledge', values: pledge, sender: { name: 'HR', email: 'hr@crash.test' },
      parties: [{ name: '张三', email: 'pledger@crash.test' }, { name: '王五', email: 'receiver@crash.test' }, { name: '李四', email: 'hr-file@crash.test' }],
    });
    if (defRes.status !== 202) throw new Error(await defRes.text());
    // The sender confirms from their mail; only then are the parties mailed.
    const created = (await confirmFromMail(mailbox, 'hr@crash.test')).result as { caseId: string; manageUrl: string };
    const key = /#k=([\w-]+)/.exec(created.manageUrl)![1];
    const token = (to: string) => mailbox.waitFor(to, /请签署/).then((m) => /#t=([\w.-]+)/.exec(m.text)![1]);
    type Status = { status: string; parties: Array<{ status: string }>; events: Array<{ type: string }>; mail: Array<{ to: string; status: string }> };
    const status = (base: string) => post(base, '/api/manage', { action: 'status', caseId: created.caseId, key }).then((r) => r.json() as Promise<Status>);
    const sign = (base: string, t: string, text: string) => post(base, '/api/sign', { action: 'sign', caseId: created.caseId, token: t, consent: true, signature: { kind: 'typed', text } });
    const count = (s: Status, type: string) => s.events.filter((e) => e.type === type).length;
    const received = (to: string, subject: RegExp) => mailbox.mails.filter((m) => m.to.includes(to) && subject.test(m.subject));

    // 1. Killed inside the signature's transaction: the signature is not recorded at all.
    const first = await token('pledger@crash.test');
    await restart('sign-before-commit');
    await expect(sign(server.base, first, '张三')).rejects.toThrow();
    await exited(server.proc);
    server = await startServer(env);
    let s = await status(server.base);
    expect(s.parties[0].status).not.toBe('signed');
    expect(s.parties[1].status).toBe('waiting');
    expect(count(s, 'signed')).toBe(0);

    // 2. Killed in the stamping job, after stamping, before its commit: the signature was
    // recorded and answered; the job runs again after its lease, stamps once, mails the next party once.
    await restart('stamp-before-commit');
    const answered = await sign(server.base, first, '张三');
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({ preparing: true });
    await exited(server.proc);
    server = await startServer(env);
    s = await status(server.base);
    expect(s.parties.map((p) => p.status)).toEqual(['signed', 'waiting', 'waiting']);
    await cron(server.base);
    const second = await token('receiver@crash.test');
    s = await status(server.base);
    expect(count(s, 'signed')).toBe(1);
    expect(count(s, 'sent')).toBe(2); // first party, then the second once, not twice
    expect(received('receiver@crash.test', /请签署/)).toHaveLength(1);
    expect((await sign(server.base, second, '王五')).status).toBe(200);
    const third = await token('hr-file@crash.test');

    // 3. Killed in the sealing job, sealed but not committed: not completed, nothing mailed;
    // the retried job completes the case once and mails each party once.
    await restart('seal-before-commit');
    expect((await sign(server.base, third, '李四')).status).toBe(200);
    await exited(server.proc);
    server = await startServer(env);
    s = await status(server.base);
    expect(s.status).toBe('open');
    expect(s.parties.map((p) => p.status)).toEqual(['signed', 'signed', 'signed']);
    expect(count(s, 'completed')).toBe(0);
    expect(received('hr@crash.test', /已全部签署完成/)).toHaveLength(0);

    // 4. The retried sealing job queues the final mail; killed after the first message is
    // handed to SMTP, before it is marked sent.
    await restart('mail-after-send');
    await fetch(`${server.base}/api/cron`, { headers: { Authorization: 'Bearer crash-cron' } }).catch(() => {});
    await new Promise((r) => setTimeout(r, 2_200));
    await exited(server.proc);
    server = await startServer(env);
    await cron(server.base);
    await mailbox.waitFor('hr@crash.test', /已全部签署完成/);
    s = await status(server.base);
    expect(s.status).toBe('completed');
    expect(count(s, 'completed')).toBe(1);
    expect(count(s, 'signed')).toBe(3);
    expect(s.mail.every((m) => m.status === 'sent')).toBe(true);
    // One final message per recipient: those in flight at the kill (the outbox sends
    // MAIL_CONCURRENCY side by side) went out again — SMTP gives at least once — each as the
    // same message, one Message-ID, and never more than twice.
    for (const to of ['pledger@crash.test', 'receiver@crash.test', 'hr-file@crash.test', 'hr@crash.test']) {
      const copies = received(to, /已全部签署完成/);
      expect(copies.length).toBeGreaterThanOrEqual(1);
      expect(copies.length).toBeLessThanOrEqual(2);
      expect(new Set(copies.map((m) => m.messageId)).size).toBe(1);
    }
    server.proc.kill('SIGKILL');
    await mailbox.stop();
  }, 600_000);

  it('SMTP down: mail stays queued and visible, then goes out when the server returns', async () => {
    const smtpPort = await freePort();
    const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'smtp-')), SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, DATABASE_URL: '', CRON_SECRET: 'test-cron', MAIL_RETRY_BASE_SECONDS: '1' };
    const server = await startServer(env);
    // The sender's confirmation arrives; then the SMTP server goes down before they click.
    const mailbox = new Mailbox();
    await mailbox.start(smtpPort);
    const res = await post(server.base, '/api/cases', {
      formId: 'confidentiality-pledge', values: pledge, sender: { name: 'HR', email: 'hr@smtp.test' },
      parties: [{ name: '张三', email: 'a@smtp.test' }, { name: '王五', email: 'c@smtp.test' }, { name: '李四', email: 'b@smtp.test' }],
    });
    expect(res.status).toBe(202);
    const confirmMail = await mailbox.waitFor('hr@smtp.test', /^请确认发送/);
    await mailbox.stop();
    const created = (await confirmFromMail({ waitFor: async () => confirmMail }, 'hr@smtp.test')).result as { caseId: string; manageUrl: string };
    const key = /#k=([\w-]+)/.exec(created.manageUrl)![1];
    const mailState = async () => ((await (await post(server.base, '/api/manage', { action: 'status', caseId: created.caseId, key })).json()) as { mail: Array<{ status: string; error: string | null; attempts: number }> }).mail;
    await expect.poll(async () => (await mailState())[0], { timeout: 60_000 }).toMatchObject({ status: 'queued', attempts: 1, error: expect.stringContaining('ECONNREFUSED') });

    await mailbox.start(smtpPort);
    // Once the (shortened) back-off has passed, the maintenance run sends it.
    await new Promise((r) => setTimeout(r, 1_500));
    const cron = await fetch(`${server.base}/api/cron`, { headers: { Authorization: 'Bearer test-cron' } });
    expect(cron.status).toBe(200);
    await mailbox.waitFor('a@smtp.test', /请签署/);
    expect((await mailState())[0]).toMatchObject({ status: 'sent' });
    server.proc.kill('SIGKILL');
    await mailbox.stop();
  });

  it('database unreachable: a 503 with a clear message, nothing else', async () => {
    const closedPort = await freePort();
    const server = await startServer({ DATA_DIR: mkdtempSync(join(tmpdir(), 'nodb-')), DATABASE_URL: `postgres://x:y@127.0.0.1:${closedPort}/none` });
    const res = await post(server.base, '/api/sign', { action: 'view', caseId: 'abcdefgh', token: 'x'.repeat(40) });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(((await res.json()) as { error: string }).error).toContain('数据库暂时不可用');
    server.proc.kill('SIGKILL');
  });
});
