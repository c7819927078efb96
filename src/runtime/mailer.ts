import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
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
        await transport.sendMail({ from: MAIL_FROM, ...m });
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
      const info = await transport.sendMail({ from: MAIL_FROM, ...m });
      const file = join(outbox, `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}.eml`);
      writeFileSync(file, info.message as Buffer);
      const links = m.text.match(/https?:\/\/\S+/g) ?? [];
      console.log(`[mail] ${m.subject} → ${m.to}（已存入 ${file}）${links.map((l) => `\n       ${l}`).join('')}`);
    },
  };
}
