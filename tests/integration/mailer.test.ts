import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { Mailbox } from '../e2e/mailbox.js';
import { freePort } from '../fixtures/ports.js';
import { createMailer } from '../../src/runtime/mailer.js';
import type { OutgoingMail } from '../../src/lib/signing/outbox.js';

// A completed case's PDF, as the outbox hands it to every recipient: one Buffer, a Chinese name.
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 256))]);
const attachment = { filename: '工作交接确认书（销售部）-HK-2026-0042.pdf', content: pdf, contentType: 'application/pdf' };
const mail = (to: string): OutgoingMail => ({ to, subject: '已全部签署完成', text: `您好 ${to}`, html: `<p>您好 ${to}</p>`, attachments: [attachment] });

describe('the mailer sends one attachment to many recipients', () => {
  const mailbox = new Mailbox();
  const saved = process.env.SMTP_URL;
  beforeAll(async () => {
    const port = await freePort();
    await mailbox.start(port);
    process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    process.env.SMTP_URL = saved;
    await mailbox.stop();
  });

  it('over SMTP: each recipient gets the same file, whole, under its own name, with their own text', async () => {
    const mailer = createMailer(mkdtempSync(join(tmpdir(), 'mailer-')));
    try {
      const to = Array.from({ length: 6 }, (_, i) => `party${i}@ex.com`);
      await Promise.all(to.map((t) => mailer.send(mail(t))));
      expect(mailbox.messages).toHaveLength(6);
      for (const t of to) {
        const got = mailbox.messages.find((m) => m.text?.includes(t))!;
        expect(got.attachments).toHaveLength(1);
        expect(got.attachments[0]).toMatchObject({ filename: attachment.filename, contentType: 'application/pdf', contentDisposition: 'attachment' });
        expect(got.attachments[0].content.equals(pdf)).toBe(true);
      }
    } finally {
      mailer.close();
    }
  });

  it('into the local outbox (.eml, Unix line ends): the file reads back whole', async () => {
    delete process.env.SMTP_URL;
    const dir = mkdtempSync(join(tmpdir(), 'mailer-local-'));
    const mailer = createMailer(dir);
    await mailer.send(mail('a@ex.com'));
    await mailer.send(mail('b@ex.com'));
    const files = readdirSync(join(dir, 'outbox'));
    expect(files).toHaveLength(2);
    for (const f of files) {
      const parsed = await simpleParser(readFileSync(join(dir, 'outbox', f)));
      expect(parsed.attachments[0].filename).toBe(attachment.filename);
      expect(parsed.attachments[0].content.equals(pdf)).toBe(true);
    }
  });
});
