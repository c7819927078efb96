import { describe, expect, it } from 'vitest';
import { issueLink, verifyLink } from '../../src/lib/signing/links.js';

const secret = new TextEncoder().encode('a-link-secret-of-at-least-32-characters!');
const other = new TextEncoder().encode('another-secret-of-at-least-32-characters');
const t0 = new Date('2027-03-01T08:00:00Z');

describe('verifyLink remembers good tokens without loosening any check', () => {
  it('a second check of the same token answers the same, and time still counts', async () => {
    const { token, expiresAt } = await issueLink(secret, 'sign', { subject: 'case-1', holder: 'party-1', documentSha256: 'abc' }, 3600, t0);
    const first = await verifyLink(secret, token, 'sign', t0);
    expect(first).toMatchObject({ kind: 'sign', subject: 'case-1', holder: 'party-1', documentSha256: 'abc' });
    expect(await verifyLink(secret, token, 'sign', new Date(t0.getTime() + 1000))).toEqual(first);
    // One second before expiry still good; at the expiry second, expired — as on the first check.
    await expect(verifyLink(secret, token, 'sign', new Date(expiresAt.getTime() - 1000))).resolves.toMatchObject({ jti: first.jti });
    await expect(verifyLink(secret, token, 'sign', expiresAt)).rejects.toMatchObject({ code: 'expired' });
    const fresh = await issueLink(secret, 'sign', { subject: 'case-1', holder: 'party-1', documentSha256: 'abc' }, 3600, t0);
    await expect(verifyLink(secret, fresh.token, 'sign', fresh.expiresAt)).rejects.toMatchObject({ code: 'expired' });
  });

  it('a remembered token is still refused as another kind, under another secret, or changed by one character', async () => {
    const { token } = await issueLink(secret, 'case', { subject: 'process-1', holder: 'giver' }, 3600, t0);
    await verifyLink(secret, token, 'case', t0);
    await expect(verifyLink(secret, token, 'notice', t0)).rejects.toMatchObject({ code: 'invalid' });
    await expect(verifyLink(other, token, 'case', t0)).rejects.toMatchObject({ code: 'invalid' });
    const changed = token.slice(0, -2) + (token.endsWith('AA') ? 'AB' : 'AA');
    await expect(verifyLink(secret, changed, 'case', t0)).rejects.toMatchObject({ code: 'invalid' });
    // The claims handed out are copies: a caller changing them changes nothing for the next.
    const claims = await verifyLink(secret, token, 'case', t0);
    claims.holder = 'someone-else';
    expect((await verifyLink(secret, token, 'case', t0)).holder).toBe('giver');
  });
});
