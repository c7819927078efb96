/** The pieces of issue 16's codes that need no database: masking, the HMAC binding, the SMS gateway's HTTP contract. */
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { codeHmac, codeKey, maskEmail, maskPhone, newCode, parseMethod } from '../../src/lib/signing/verification/codes.js';
import { httpSmsSender, normalizePhone, PHONE_PATTERN } from '../../src/lib/sms/sender.js';

describe('verification codes', () => {
  it('are six digits, stored as an HMAC bound to case, party and link', () => {
    for (let i = 0; i < 50; i++) expect(newCode()).toMatch(/^\d{6}$/);
    const key = codeKey(new TextEncoder().encode('s'.repeat(40)));
    const b = { caseId: 'c1', partyId: 'p1', jti: 'j1' };
    const h = codeHmac(key, b, '123456');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).not.toContain('123456');
    expect(codeHmac(key, { ...b, jti: 'j2' }, '123456')).not.toBe(h);
    expect(codeHmac(key, { ...b, partyId: 'p2' }, '123456')).not.toBe(h);
    expect(codeHmac(codeKey(new TextEncoder().encode('t'.repeat(40))), b, '123456')).not.toBe(h);
  });

  it('mask addresses and numbers for the audit page', () => {
    expect(maskEmail('zhangsan@example.com')).toBe('zh******@example.com');
    expect(maskEmail('a@ex.com')).toBe('a**@ex.com');
    expect(maskPhone('+8613812345678')).toBe('138****5678');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('read the per-kind setting, anything unknown meaning none', () => {
    expect(parseMethod('EMAIL')).toBe('email');
    expect(parseMethod('sms')).toBe('sms');
    expect(parseMethod('yes')).toBe('none');
    expect(parseMethod(undefined)).toBe('none');
  });
});

describe('HTTP SMS sender', () => {
  it('posts JSON with a bearer token, and a refusal never quotes the gateway (which may echo the code)', async () => {
    const got: Array<{ auth?: string; type?: string; body: unknown }> = [];
    let status = 200;
    const server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        got.push({ auth: req.headers.authorization, type: req.headers['content-type'], body: JSON.parse(data) });
        res.writeHead(status).end(`{"error":"bad","echo":${data}}`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/sms`;
    try {
      const sms = httpSmsSender({ url, token: 'tok' });
      await sms.send('138 1234 5678', '验证码 654321');
      expect(got[0]).toEqual({ auth: 'Bearer tok', type: 'application/json', body: { to: '+8613812345678', text: '验证码 654321' } });
      status = 500;
      const err = await sms.send('13812345678', '验证码 987654').catch((e: Error) => e);
      expect((err as Error).message).toBe('短信服务返回 HTTP 500');
      const down = await httpSmsSender({ url: 'http://127.0.0.1:9/x' }).send('13812345678', '验证码 111222').catch((e: Error) => e);
      expect((down as Error).message).not.toContain('111222');
    } finally {
      server.close();
    }
    expect(PHONE_PATTERN.test('13812345678')).toBe(true);
    expect(PHONE_PATTERN.test('12345')).toBe(false);
    expect(normalizePhone('+441234567890')).toBe('+441234567890');
  });
});
