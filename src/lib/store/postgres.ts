import pg from 'pg';
import type { Sql } from './sql.js';

/**
 * PostgreSQL through a connection pool: the shared state when functions scale out.
 * `schema` (tests) keeps all tables in their own schema, created if missing.
 */
export async function createPostgresSql(url: string, schema?: string): Promise<Sql> {
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('bad schema name');
  // search_path set at connection start, so no query can run before it applies.
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.PG_POOL_MAX ?? 10), ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  if (schema) {
    // IF NOT EXISTS is not safe under concurrency: two pools creating the same schema at once
    // can still collide on the catalogue's unique index (23505) — the schema then exists, fine.
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((err: { code?: string }) => {
      if (err.code !== '23505' && err.code !== '42P06') throw err;
    });
  }
  // bytea comes back as Buffer; bigserial ids as strings (fine for us).
  return {
    kind: 'postgres',
    query: async <T>(text: string, params: unknown[] = []) => (await pool.query(text, params)).rows as T[],
    exec: async (text: string) => {
      await pool.query(text);
    },
    transaction: async <T>(fn: (tx: Sql) => Promise<T>) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          kind: 'postgres',
          query: async <R>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as R[],
          exec: async (text: string) => {
            await client.query(text);
          },
          transaction: () => Promise.reject(new Error('nested transaction')),
          close: async () => {},
        });
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
