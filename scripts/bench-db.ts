import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL database a benchmark may use: BENCH_DATABASE_URL, else DATABASE_URL — and
 * only ever a throw-away schema in it (bench_<random>, created here, dropped by `drop`), so a
 * benchmark never touches, let alone truncates, the tables of the database it points at.
 */
export function benchDatabaseUrl(env = process.env): string | null {
  return env.BENCH_DATABASE_URL || env.DATABASE_URL || null;
}

export interface BenchSchema {
  schema: string;
  /** The same database with `search_path` set to the schema, for code that takes a URL. */
  url: string;
  drop: () => Promise<void>;
}

export async function createBenchSchema(url: string): Promise<BenchSchema> {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE SCHEMA ${schema}`);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return { schema, url: scoped.toString(), drop: () => run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) };
}
