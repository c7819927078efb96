/** Issue 12: mail headers built from user text, and what the signing mail promises. */
import { describe, expect, it } from 'vitest';
import { headerSafe, signRequestMail } from '../../src/lib/signing/mail.js';
import { adminLinkMail, caseLinkMail, customerNoticeMail, deadlineMail, processCompletedMail, returnedMail, stepMail } from '../../src/lib/process/mail.js';

const hostile = '张三\r\nBcc: victim@x.test\u0000\u0007\u001b[31m\u0085\u2028\u2029\u202e';

describe('mail headers', () => {
  it('process mail subjects cannot carry line breaks or control characters from a name', () => {
    const p = { caseNumber: 'KH-1', employeeName: hostile, company: `某某${hostile}公司` };
    const to = { name: '李四', email: 'a@b.cn', role: 'receiver' as const };
    const mails = [
      caseLinkMail(p, to, 'https://x.test/case/'),
      stepMail(p, to, '处理', '详情', 'https://x.test/case/'),
      returnedMail(p, to, '客户交接计划', hostile, '意见', 'https://x.test/case/'),
      deadlineMail(p, to, `期限${hostile}`, '2026-12-01', 2, 'https://x.test/case/'),
      processCompletedMail(p, to, 'https://x.test/case/'),
      customerNoticeMail(p, { name: hostile, contact: '', email: 'c@d.cn' }, { name: '李四', email: 'a@b.cn' }, 'https://x.test/notice/'),
      adminLinkMail('a@b.cn', 'https://x.test/archive/', 15),
    ];
    for (const m of mails) {
      expect(m.subject).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
      expect(m.subject.length).toBeLessThanOrEqual(200);
    }
    expect(mails[0].subject).toContain('张三 Bcc: victim@x.test');
  });

  it('one header-safety function: strips CR/LF and control characters, bounds the length without splitting a character', () => {
    expect(headerSafe(' a\r\n\tb\u0000c ')).toBe('a bc');
    expect(headerSafe('\u202e反转')).toBe('反转');
    const long = headerSafe('𠮷'.repeat(300));
    expect(Array.from(long)).toHaveLength(200);
    expect(long.endsWith('𠮷')).toBe(true);
  });
});

describe('signing mail text', () => {
  it('says what the link really does after signing: sign once, then the signed copy read-only until it expires', () => {
    const m = signRequestMail({ title: '工作交接清单', caseNumber: 'HJ-1', senderName: 'HR' }, { name: '张三', email: 'a@b.cn', role: '移交人' }, 'https://x.test/sign/', new Date('2026-12-07T00:00:00Z'));
    expect(m.text).not.toContain('签署一次后即失效');
    expect(m.text).toContain('只能签署一次');
    expect(m.text).toContain('只读');
    expect(m.text).toContain('2026/12/7');
  });
});
