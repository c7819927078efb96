import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/** A real SMTP server for the tests: every message the product sends, parsed. */
export class Mailbox {
  readonly messages: ParsedMail[] = [];
  private server: SMTPServer | null = null;

  async start(port: number): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, done) => {
        // A sender killed in the middle of a message (the crash tests) leaves it cut short:
        // dropped, as a real server drops it.
        let cut = false;
        stream.once('error', () => (cut = true));
        simpleParser(stream).then(
          (mail) => {
            if (!cut) this.messages.push(mail);
            done();
          },
          () => done(),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = null;
  }

  private find(to: string, subject: RegExp, after: number) {
    return this.messages.slice(after).find((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '').includes(to) && subject.test(m.subject ?? ''));
  }

  /** Waits for a message to `to` whose subject matches, received after message number `after`. */
  async waitFor(to: string, subject: RegExp, after = 0, timeoutMs = 90_000): Promise<ParsedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.find(to, subject, after);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${subject} (have: ${this.messages.map((m) => m.subject).join(' | ')})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  static link(mail: ParsedMail): string {
    const url = /https?:\/\/\S+\/(?:sign|ack)\/\?c=[\w-]+#t=[\w.-]+/.exec(mail.text ?? '');
    if (!url) throw new Error('no signing link in mail');
    return url[0];
  }
}
