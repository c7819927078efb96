/**
 * The cron run has 30 s (maxDuration): a backlog of thousands of messages or jobs must not
 * take all of it, or the reminders and retention after it never run. The jobs-and-mail part
 * stops taking new batches after its budget; the next runs send the rest, each message once.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'maintenance-'));

beforeAll(() => {
  Object.assign(process.env, { DATA_DIR: dataDir, SMTP_URL: '', MAINTENANCE_JOBS_BUDGET_MS: '300' });
  delete process.env.DATABASE_URL;
});

describe('maintenance under a backlog', () => {
  it('returns after its budget with mail still queued, and the next runs send the rest once each', async () => {
    const { signingContext } = await import('../../src/runtime/context.js');
    const { runMaintenance } = await import('../../src/runtime/maintenance.js');
    const { repo } = await import('../../src/lib/store/repo.js');
    const ctx = await signingContext();
    vi.spyOn(console, 'log').mockImplementation(() => {}); // the local outbox prints a line per message: 3,000 here
    const sql = ctx.deps.sql;
    const mails = Array.from({ length: 3000 }, (_, i) => ({ kind: 'reminder', to: `s${i}@backlog.test`, subject: `提醒 ${i}`, text: '请阅读并确认。', html: '<p>请阅读并确认。</p>' }));
    await repo.queueMails(sql, null, mails);
    const queued = async () => (await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE status = 'queued'"))[0].n;

    const t = performance.now();
    await runMaintenance(ctx, 'http://127.0.0.1');
    const first = performance.now() - t;
    const left = await queued();
    // Stopped early: mail left for later, and well before a 30 s function would be killed.
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(3000);
    expect(first).toBeLessThan(15_000);

    for (let run = 0; run < 200 && (await queued()) > 0; run++) await runMaintenance(ctx, 'http://127.0.0.1');
    expect(await queued()).toBe(0);
    const files = readdirSync(join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(3000);
  });
});
