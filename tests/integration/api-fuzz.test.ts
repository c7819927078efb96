/**
 * Property-based fuzzing (fast-check) of every api/ endpoint over real HTTP: whatever the
 * body, query, content type or headers, the answer is a 4xx with a zh-CN message — never a
 * 500, never a stack trace — and a refused request changes nothing in the store.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: Server;
let base: string;
let countRows: () => Promise<string>;

beforeAll(async () => {
  process.env.DATA_DIR = mkdtempSync(join(tmpdir(), 'fuzz-'));
  delete process.env.DATABASE_URL; // an embedded store of its own
  process.env.RATE_LIMIT_SIGN = process.env.RATE_LIMIT_BAD_LINKS = process.env.RATE_LIMIT_MANAGE = process.env.RATE_LIMIT_VERIFY = process.env.RATE_LIMIT_PROCESS = process.env.RATE_LIMIT_ADMIN_LINK = process.env.RATE_LIMIT_RENDER = process.env.RATE_LIMIT_SEND = '100000';
  process.env.APP_URL = 'http://127.0.0.1:9';
  const { handleApi } = await import('../../src/server/app.js');
  const { signingContext } = await import('../../src/runtime/context.js');
  // Paths outside /api/ (e.g. `/api/../etc/passwd` after URL normalisation) get the site's 404.
  server = createServer((req, res) => {
    if (handleApi(req, res)) return;
    res.statusCode = 404;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ error: '页面不存在' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ctx = await signingContext();
  countRows = async () =>
    JSON.stringify(await ctx.deps.sql.query(`SELECT (SELECT count(*) FROM cases) c, (SELECT count(*) FROM parties) p, (SELECT count(*) FROM events) e, (SELECT count(*) FROM outbox) o, (SELECT count(*) FROM processes) pr, (SELECT count(*) FROM process_events) pe, (SELECT count(*) FROM admin_logins) al, (SELECT count(*) FROM pending_sends) ps`));
});
afterAll(() => server?.close());

const ENDPOINTS = ['/api/pdf', '/api/cases', '/api/sign', '/api/manage', '/api/verify', '/api/acknowledgments', '/api/policy-export', '/api/cron', '/api/process', '/api/process-export', '/api/notice', '/api/admin', '/api/confirm', '/api/nope', '/api/../etc/passwd'];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/pdf', 'multipart/form-data; boundary=x', '', 'application/x-www-form-urlencoded'];

/** JSON-ish bodies: arbitrary values, and objects shaped like our requests with hostile fields. */
const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom('<script>alert(1)</script>', '../../etc/passwd', '=HYPERLINK("x")', '\r\nBcc: x@y.z', 'eyJhbGciOiJub25lIn0.eyJjIjoiYSJ9.', '𠮷😀', '\u0000', 'A'.repeat(5000)),
);
const shaped = fc.record(
  {
    action: fc.constantFrom('view', 'document', 'sign', 'decline', 'status', 'remind', 'remind-all', 'cancel', 'list', 'answer', 'sign-in', 'save-plan', 'confirm-materials', 'return-materials', 'open', 'confirm', 'x'),
    formId: fc.oneof(fc.constantFrom('work-handover', 'customer-handover', '../secrets'), hostileString),
    caseId: hostileString,
    processId: fc.oneof(hostileString, fc.constant('abcdefgh12')),
    lines: fc.oneof(fc.array(fc.integer()), fc.jsonValue()),
    reason: hostileString,
    email: fc.oneof(hostileString, fc.constant('hr-admin@example.test')),
    token: hostileString,
    key: hostileString,
    values: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.constant({ giverName: '<b>x</b>' })),
    consent: fc.oneof(fc.boolean(), fc.string()),
    signature: fc.oneof(fc.record({ kind: fc.constantFrom('typed', 'drawn'), text: hostileString, png: hostileString }), fc.jsonValue()),
    parties: fc.array(fc.record({ name: hostileString, email: hostileString }), { maxLength: 12 }),
    markdown: hostileString,
    format: fc.constantFrom('pdf', 'docx', 'exe'),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), shaped.map((v) => JSON.stringify(v)), fc.string(), fc.constant('['.repeat(10_000)));

describe('api fuzzing', () => {
  it('never answers 5xx or leaks a stack trace, and refused requests change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS),
        fc.constantFrom('POST', 'GET', 'PUT', 'DELETE'),
        fc.constantFrom(...CONTENT_TYPES),
        body,
        fc.dictionary(fc.constantFrom('download', 'q', 'c', 'x'), fc.string({ maxLength: 20 }), { maxKeys: 2 }),
        fc.constantFrom(undefined, 'Bearer x', 'Basic ' + 'a'.repeat(100)),
        // Forged proxy headers and a forged admin cookie: never believed, never echoed into a link.
        fc.record(
          {
            'X-Forwarded-Host': fc.constantFrom('evil.example.net', 'evil.example.net, handover.test', '"><script>'),
            'X-Forwarded-Proto': fc.constantFrom('https', 'javascript', ''),
            'X-Forwarded-For': fc.constantFrom('6.6.6.6', '6.6.6.6, 7.7.7.7', 'not-an-ip', '::1'),
            'X-Real-IP': fc.constantFrom('6.6.6.6', '<b>'),
            Cookie: fc.constantFrom('hk_admin=' + 'a'.repeat(40), 'hk_admin=eyJhbGciOiJub25lIn0.eyJzIjoiYWRtaW4tc2Vzc2lvbiJ9.'),
          },
          { requiredKeys: [] },
        ),
        async (path, method, type, payload, query, auth, forged) => {
          const before = await countRows();
          const url = `${base}${path}?${new URLSearchParams(query)}`;
          const headers: Record<string, string> = { ...forged, ...(type ? { 'Content-Type': type } : {}), ...(auth ? { Authorization: auth } : {}) };
          const res = await fetch(url, { method, headers, body: method === 'GET' ? undefined : payload, signal: AbortSignal.timeout(60_000) });
          const text = await res.text();
          expect(res.status, `${method} ${path} ${type} ${payload.slice(0, 200)} → ${text.slice(0, 200)}`).toBeLessThan(500);
          expect(text).not.toMatch(/\bat [\w.<>]+ \(|node:internal|\.ts:\d+:\d+/);
          expect(text).not.toContain('evil.example.net');
          if (res.status >= 400) {
            expect(res.headers.get('content-type') ?? '').toContain('application/json');
            expect(JSON.parse(text).error).toMatch(/[\u4e00-\u9fff]/);
            expect(await countRows()).toBe(before);
          }
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1000), seed: Number(process.env.FUZZ_SEED ?? 20261123) },
    );
  }, 240_000);
});
