/** PDFs are stored as bytea: every byte comes back as it went in, on either database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteSql } from '../../src/lib/store/pglite.js';
import { createPostgresSql } from '../../src/lib/store/postgres.js';
import type { Sql } from '../../src/lib/store/sql.js';

const stores: Array<[string, () => Promise<Sql>]> = [['PGlite', () => createPgliteSql()]];
if (process.env.DATABASE_URL) stores.push(['PostgreSQL', () => createPostgresSql(process.env.DATABASE_URL!, `bytes_${process.pid}_${Date.now().toString(36)}`)]);

describe.each(stores)('bytea on %s', (_name, open) => {
  let sql: Sql;
  beforeAll(async () => {
    sql = await open();
    await sql.exec('CREATE TABLE IF NOT EXISTS blobs (id int PRIMARY KEY, data bytea)');
  });
  afterAll(async () => {
    await sql?.exec('DROP TABLE IF EXISTS blobs');
    await sql?.close();
  });

  it('every byte value, a Buffer cut from a larger one, nothing at all and a 2 MB file come back unchanged', async () => {
    const all = Uint8Array.from({ length: 512 }, (_, i) => i % 256); // NUL, backslash, quote, high bytes
    const pool = Buffer.from('....%PDF-1.7 \\x00 body....', 'latin1');
    const cut = pool.subarray(4, pool.length - 4); // shares memory with its neighbours
    const big = Uint8Array.from({ length: 2 * 1024 * 1024 }, (_, i) => (i * 7919) % 251);
    const values = [all, cut, new Uint8Array(0), big];
    for (const [i, v] of values.entries()) await sql.query('INSERT INTO blobs (id, data) VALUES ($1, $2)', [i, v]);
    const rows = await sql.query<{ id: number; data: Uint8Array; n: number }>('SELECT id, data, length(data) AS n FROM blobs ORDER BY id');
    rows.forEach((r, i) => {
      expect(Buffer.from(r.data).equals(Buffer.from(values[i]))).toBe(true);
      expect(Number(r.n)).toBe(values[i].byteLength);
    });
    // The database sees the bytes themselves, not their text.
    const [head] = await sql.query<{ head: string }>("SELECT encode(substring(data from 1 for 8), 'escape') AS head FROM blobs WHERE id = 1");
    expect(head.head).toBe('%PDF-1.7');
  });
});
