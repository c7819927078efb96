import { describe, expect, it } from 'vitest';
import { confirmSendMail, sendStartedMail } from '../../src/lib/senders/mail.js';

/** The sender's own mails carry text a stranger typed: it is escaped and kept out of headers. */
describe('sender emails', () => {
  const outline = {
    sender: { name: 'HR <script>alert(1)</script>', email: 'victim@corp.test' },
    summary: '阅读并确认《通知\r\nBcc: all@corp.test》',
    recipients: Array.from({ length: 12 }, (_, i) => ({ name: `员工${i}"><img src=x>`, email: `s${i}@corp.test`, role: '员工' })),
  };

  it('asks to confirm: what and to whom (the first 10 and the count), nothing sent yet, only our own link', () => {
    const m = confirmSendMail(outline, 'https://hk.test/confirm/#t=tok', new Date('2026-11-24T02:00:00Z'));
    expect(m).toMatchObject({ kind: 'send-confirm', to: 'victim@corp.test' });
    expect(m.subject).toMatch(/^请确认发送：/);
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.html).not.toContain('<script>');
    expect(m.html).not.toContain('<img src=x>');
    expect(m.text).toContain('员工9"><img src=x> <s9@corp.test>');
    expect(m.text).not.toContain('s10@corp.test');
    expect(m.text).toContain('等，共 12 人');
    expect(m.text).toContain('目前尚未向任何人发送');
    expect(m.text.match(/https?:\/\/\S+/g)).toEqual(['https://hk.test/confirm/#t=tok']);
  });

  it('once sent, carries the management link', () => {
    const m = sendStartedMail('victim@corp.test', outline.summary, { kind: 'acknowledgment', caseNumber: 'ZD-1', manageUrl: 'https://hk.test/manage/?c=a#k=b' });
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.subject).toContain('ZD-1');
    expect(m.text).toContain('https://hk.test/manage/?c=a#k=b');
  });
});
