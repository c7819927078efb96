/**
 * PDF work on worker threads (src/runtime/pdf-workers.ts), as `npm start` runs it: a case is
 * rendered, stamped and sealed by the pool's threads, and what comes back is the same kind
 * of document — a sealed PDF whose signature pdfsig finds valid.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Piscina } from 'piscina';
import { formDefinitionSchema } from '../../src/lib/form-definition.js';
import { migrate } from '../../src/lib/store/migrate.js';
import { createPgliteSql } from '../../src/lib/store/pglite.js';
import type { Sql } from '../../src/lib/store/sql.js';
import { createSelfSignedP12 } from '../../src/lib/pdf/seal.js';
import { createCase, managerDocument, signAsParty, type SigningDeps } from '../../src/lib/signing/service.js';
import { runPdfEngineElsewhere } from '../../src/lib/signing/common.js';
import { processOutbox, type OutgoingMail } from '../../src/lib/signing/outbox.js';
import { startPdfWorkers } from '../../src/runtime/pdf-workers.js';
import { workHandoverValues } from '../fixtures/form-values.js';
import { signersFor } from '../fixtures/parties.js';
import { drainJobs } from '../fixtures/jobs.js';

const work = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/work-handover.json', 'utf8')));

describe('PDF work on worker threads', () => {
  let sql: Sql;
  let deps: SigningDeps;
  let pool: Piscina;
  const sent: OutgoingMail[] = [];
  const flush = async () => {
    await drainJobs(deps);
    await processOutbox(sql, async (m) => void sent.push(m));
  };

  beforeAll(async () => {
    sql = await createPgliteSql();
    await migrate(sql);
    deps = { sql, secret: new TextEncoder().encode('w'.repeat(40)), cert: { p12: createSelfSignedP12('Worker Seal', 'pw'), passphrase: 'pw' }, ttlDays: 14 };
    pool = startPdfWorkers(2)!;
  });
  afterAll(async () => {
    runPdfEngineElsewhere(null);
    await pool?.destroy();
    await sql?.close();
  });

  it('renders, stamps and seals a case on the threads; the seal verifies', async () => {
    const people = signersFor(work);
    const created = await createCase(deps, {
      definition: work, values: workHandoverValues(work), sender: { name: 'HR', email: 'hr@workers.test' },
      parties: people.map((p, i) => ({ name: p.name, email: `w${i}@workers.test` })), baseUrl: 'http://workers.test',
    });
    await flush();
    for (let i = 0; i < people.length; i++) {
      const mail = sent.filter((m) => m.to === `w${i}@workers.test`).at(-1)!;
      await signAsParty(deps, { caseId: created.caseId, token: /#t=([\w.-]+)/.exec(mail.text)![1], signature: { kind: 'typed', text: people[i].name }, ip: '127.0.0.1', userAgent: 'test', baseUrl: 'http://workers.test' });
      await flush();
    }
    // The render, one stamp per party (the last with the audit page and the seal) ran on the pool.
    expect(pool.completed).toBeGreaterThanOrEqual(1 + people.length + 2);
    const final = await managerDocument(deps, created.caseId, /#k=([\w-]+)/.exec(created.manageUrl)![1], 'final');
    const file = join(mkdtempSync(join(tmpdir(), 'workers-')), 'final.pdf');
    writeFileSync(file, final.pdf);
    const report = execFileSync('pdfsig', [file], { encoding: 'utf8' });
    expect(report).toContain('Signature is Valid');
    expect(sent.filter((m) => /已全部签署完成/.test(m.subject)).length).toBe(people.length + 1);
  });
});
