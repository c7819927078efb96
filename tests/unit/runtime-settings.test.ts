/** Deployed settings: production fails closed, links come from configuration, client IPs only from a trusted proxy. */
import { describe, expect, it } from 'vitest';
import { appUrl, assertConfigured, ConfigError, dataDir, missingProductionSettings, trustProxy } from '../../src/runtime/settings.js';
import { clientIp } from '../../src/runtime/request-info.js';

const complete = {
  VERCEL_ENV: 'production', APP_URL: 'https://handover.example.com/', SIGNING_SECRET: 's'.repeat(40), DATABASE_URL: 'postgres://x',
  SIGNING_P12_BASE64: 'AAAA', SIGNING_P12_PASSPHRASE: '', SMTP_URL: 'smtp://mail',
};

describe('production settings', () => {
  it('production without its settings names every missing one and refuses', () => {
    expect(missingProductionSettings({ VERCEL_ENV: 'production' })).toEqual(['APP_URL', 'SIGNING_SECRET', 'DATABASE_URL', 'SIGNING_P12_BASE64/SIGNING_P12_PASSPHRASE', 'SMTP_URL']);
    expect(() => assertConfigured({ VERCEL_ENV: 'production', APP_URL: 'https://x' })).toThrow(ConfigError);
    expect(() => assertConfigured(complete)).not.toThrow();
  });

  it('local runs need nothing; preview deployments keep data in /tmp', () => {
    expect(() => assertConfigured({})).not.toThrow();
    expect(dataDir({})).toBe('.data');
    expect(dataDir({ VERCEL: '1', VERCEL_ENV: 'preview' })).toBe('/tmp/handover-data');
  });

  it('links use APP_URL only; production never falls back to the deployment host', () => {
    expect(appUrl(complete)).toBe('https://handover.example.com');
    expect(appUrl({ VERCEL: '1', VERCEL_ENV: 'preview', VERCEL_URL: 'kit-abc.vercel.app' })).toBe('https://kit-abc.vercel.app');
    expect(() => appUrl({ VERCEL_ENV: 'production', VERCEL_URL: 'kit-abc.vercel.app' })).toThrow(ConfigError);
    expect(() => appUrl({})).toThrow(ConfigError);
  });
});

describe('client address', () => {
  const req = (headers: Record<string, string>, remoteAddress = '::ffff:10.0.0.7') => ({ headers, socket: { remoteAddress } });

  it('a forged X-Forwarded-For is ignored unless TRUST_PROXY says a proxy of ours sets it', () => {
    expect(clientIp(req({ 'x-forwarded-for': '6.6.6.6' }), trustProxy({}))).toBe('10.0.0.7');
    expect(clientIp(req({ 'x-real-ip': '6.6.6.6' }), trustProxy({}))).toBe('10.0.0.7');
  });

  it('behind N proxies the client is the Nth entry from the end, whatever it prepended', () => {
    expect(clientIp(req({ 'x-forwarded-for': '6.6.6.6, 203.0.113.9' }), trustProxy({ TRUST_PROXY: '1' }))).toBe('203.0.113.9');
    expect(clientIp(req({ 'x-forwarded-for': '6.6.6.6, 203.0.113.9, 10.0.0.2' }), trustProxy({ TRUST_PROXY: '2' }))).toBe('203.0.113.9');
  });

  it('on Vercel the platform header decides; free text never passes for an address', () => {
    expect(clientIp(req({ 'x-real-ip': '198.51.100.4', 'x-forwarded-for': '6.6.6.6' }), trustProxy({ VERCEL: '1' }))).toBe('198.51.100.4');
    expect(clientIp(req({ 'x-real-ip': '<script>' }), trustProxy({ VERCEL: '1' }))).toBe('10.0.0.7');
  });
});
