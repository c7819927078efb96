import { describe, expect, it } from 'vitest';
import { completedMail, endedMail, signRequestMail } from '../../src/lib/signing/mail.js';

const c = { title: '工作交接清单', caseNumber: 'HJ-1', company: '<b>某某</b>公司', senderName: 'HR <script>alert(1)</script>' };

describe('signing emails', () => {
  it('escape user text in HTML and keep a plain-text part with the link', () => {
    const m = signRequestMail(c, { name: '张三"><img src=x>', email: 'a@b.cn', role: '移交人' }, 'https://x.test/sign/?c=abc#t=tok', new Date('2026-12-07T00:00:00Z'));
    expect(m.html).not.toContain('<script>');
    expect(m.html).not.toContain('<img src=x>');
    expect(m.html).toContain('&lt;script&gt;');
    expect(m.text).toContain('https://x.test/sign/?c=abc#t=tok');
    expect(m.text).toContain('以“移交人”身份');
    expect(m.subject).toBe('请签署《工作交接清单》（HJ-1）');
  });

  it('strips line breaks from subjects (header injection)', () => {
    const m = endedMail({ ...c, title: '清单\r\nBcc: victim@x.test' }, 'a@b.cn', 'cancelled', '撤销');
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(completedMail(c, 'a@b.cn', 'https://x.test/verify/')).toMatchObject({ attachFinal: true });
  });
});
