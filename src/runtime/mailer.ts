import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import MimeNode from 'nodemailer/lib/mime-node';
import type { OutgoingMail } from '../lib/signing/outbox.js';
import { settings } from './settings.js';

/**
 * SMTP_URL set → real SMTP. Unset → each message is written as an .eml file into the data
 * folder's outbox and its links are printed, so a local run needs no mail server.
 */
export interface Mailer {
  send: (mail: OutgoingMail) => Promise<void>;
  /** Where mail goes, for messages and the test command. */
  describe: string;
  /** Closes kept connections (a command that sends and exits). */
  close: () => void;
}

export const MAIL_FROM = process.env.MAIL_FROM ?? '工作交接 <no-reply@handover.local>';

type Attachment = NonNullable<OutgoingMail['attachments']>[number];
/**
 * A completed case's PDF goes to every party and to HR: six mails with the same attachment
 * (the outbox hands them the same Buffer). It is encoded once into the MIME part nodemailer
 * would write (base64 in 76-column lines, the file name encoded the same way) and each mail
 * takes that part as it is. Encoding 140 KB again for each recipient was the largest share of
 * the server thread's work after a burst of completed cases (bench-load, PGlite: ~0.9 s of
 * 7.5 s for 300 mails).
 */
const encodedParts = new WeakMap<Buffer, Map<string, Promise<Buffer>>>();
function encodedPart(a: Attachment): Promise<Buffer> {
  let byName = encodedParts.get(a.content);
  if (!byName) encodedParts.set(a.content, (byName = new Map()));
  const key = `${a.contentType}\n${a.filename}`;
  let part = byName.get(key);
  if (!part) {
    const node = new MimeNode('multipart/mixed').createChild(a.contentType, { filename: a.filename });
    node.setHeader('Content-Transfer-Encoding', 'base64');
    node.setHeader('Content-Disposition', 'attachment');
    node.setContent(a.content);
    part = new Promise<Buffer>((ok, fail) => node.build((e, built) => (e ? fail(e) : ok(built))));
    byName.set(key, part);
  }
  return part;
}
/** The message as nodemailer takes it: sender added, attachments as ready MIME parts. */
async function composed(m: OutgoingMail) {
  return { from: MAIL_FROM, ...m, attachments: m.attachments && (await Promise.all(m.attachments.map(async (a) => ({ raw: await encodedPart(a) })))) };
}

export function createMailer(dataDir: string): Mailer {
  if (process.env.SMTP_URL) {
    // A long-running server keeps a few connections open and sends over them side by side
    // (the outbox sends MAIL_CONCURRENCY at once). A function on Vercel is frozen between
    // requests, so a kept connection would be dead when it thaws: one connection per message there.
    const pooled = !process.env.VERCEL;
    const transport = nodemailer.createTransport({ url: process.env.SMTP_URL, pool: pooled, maxConnections: settings.mailConcurrency(), maxMessages: 500 });
    return {
      describe: `SMTP ${new URL(process.env.SMTP_URL).host}`,
      send: async (m) => {
        await transport.sendMail(await composed(m));
      },
      close: () => transport.close(),
    };
  }
  const outbox = join(dataDir, 'outbox');
  mkdirSync(outbox, { recursive: true });
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    describe: `本地发件箱 ${outbox}`,
    close: () => {},
    send: async (m) => {
      const info = await transport.sendMail(await composed(m));
      const file = join(outbox, `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}.eml`);
      writeFileSync(file, info.message as Buffer);
      const links = m.text.match(/https?:\/\/\S+/g) ?? [];
      console.log(`[mail] ${m.subject} → ${m.to}（已存入 ${file}）${links.map((l) => `\n       ${l}`).join('')}`);
    },
  };
}
