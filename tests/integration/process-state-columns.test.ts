/**
 * The process state's large parts in columns of their own (migration 016): a process stored
 * before the migration reads back the same after it, and a step writes only the parts it
 * changed — the others stay exactly as stored.
 */
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR } from '../../src/lib/store/migrate.js';
import type { Sql } from '../../src/lib/store/sql.js';
import { processRepo } from '../../src/lib/store/process-repo.js';
import { DEFAULT_SETTINGS } from '../../src/lib/process/settings.js';
import { emptyState, type ProcessState } from '../../src/lib/process/state.js';
import { customersFromPlan, initialMaterials, initialVisits } from '../../src/lib/process/customers.js';
import { drawSpotCheckSample, recordCall } from '../../src/lib/process/actions.js';
import { customerRows } from '../fixtures/customers.js';
import { storeBackends } from '../fixtures/stores.js';

function stateOf(n: number): ProcessState {
  let state = emptyState({ giverName: '欧阳明远', department: '华东销售部', customers: customerRows(n) });
  state = { ...state, customers: customersFromPlan(state.plan) };
  state = { ...state, materials: initialMaterials(state.customers, '2026-11-30'), visits: initialVisits(state.customers, '欧阳明远、司马晓燕', '2026-12-07', '2026-12-30') };
  return drawSpotCheckSample(state, { share: 0.2, min: 3 }, 'columns:E', '2026-12-05T00:00:00.000Z');
}

describe.each(storeBackends('pstate'))('process state columns on %s', (_name, makeSql) => {
  let sql: Sql;
  beforeAll(async () => {
    sql = await makeSql();
  });
  afterAll(() => sql?.close());

  it('moves a process stored as one document into the columns, and reads it back the same', async () => {
    // The schema as it was before 016, with a process stored the old way.
    const before = mkdtempSync(join(tmpdir(), 'migrations-015-'));
    for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f < '016')) cpSync(join(MIGRATIONS_DIR, f), join(before, f));
    await migrate(sql, before);
    const state = stateOf(20);
    await sql.query(
      `INSERT INTO processes (id, case_number, policy_slug, department, reason, last_working_day, stage, status, settings, state, base_url)
       VALUES ('oldstyle01', 'KH-OLD', NULL, '华东销售部', '离职', '2026-11-30', 'E', 'open', $1, $2, 'http://x.test')`,
      [JSON.stringify(DEFAULT_SETTINGS), JSON.stringify(state)],
    );
    expect((await migrate(sql))[0]).toBe('016_process_state_parts.sql');
    expect((await processRepo.get(sql, 'oldstyle01'))!.state).toEqual(state);
    // The small rest stays in `state`; the list counts its customers from their column.
    const [row] = await sql.query<{ keys: string[] }>("SELECT array(SELECT jsonb_object_keys(state) ORDER BY 1) AS keys FROM processes WHERE id = 'oldstyle01'");
    expect(row.keys).toEqual(['accountsRevokedAt', 'report', 'returns', 'sample', 'stageCases', 'stageStatus']);
    await processRepo.insertParty(sql, { id: 'oldparty01', process_id: 'oldstyle01', role: 'employee', name: '欧阳明远', email: 'giver@ex.com', token_jti: null });
    expect((await processRepo.list(sql, { limit: 10 })).find((p) => p.id === 'oldstyle01')).toMatchObject({ employee: '欧阳明远', customers: 20 });
  });

  it('writes only the parts a step changed', async () => {
    const state = stateOf(30);
    await processRepo.insert(sql, {
      id: 'newstyle01', case_number: 'KH-NEW', policy_slug: null, company: null, department: '华东销售部', reason: '离职', last_working_day: '2026-11-30',
      stage: 'E', settings: DEFAULT_SETTINGS, state, archive_email: null, base_url: 'http://x.test',
    });
    const id = state.sample!.ids[0];
    const next = recordCall(state, { customerId: id, caller: '诸葛建国', callDate: '2026-12-08', reached: '已接通', handoverConfirmed: '是', satisfaction: '5', issues: '' });
    // Someone (a test here) changes the visits column meanwhile: a step that did not change
    // the visits must not write its own copy over it.
    await sql.query(`UPDATE processes SET state_visits = '[]' WHERE id = 'newstyle01'`);
    await processRepo.save(sql, 'newstyle01', { state: next }, state);
    const stored = (await processRepo.get(sql, 'newstyle01'))!.state;
    expect(stored.calls).toEqual(next.calls);
    expect(stored.customers.find((c) => c.id === id)!.spot).toBe('passed');
    expect(stored.visits).toEqual([]);
    expect(stored.materials).toEqual(state.materials);
    // Without `before` every part is written.
    await processRepo.save(sql, 'newstyle01', { state: next });
    expect((await processRepo.get(sql, 'newstyle01'))!.state).toEqual(next);
  });
});
