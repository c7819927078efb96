import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from './sql.js';

/** Applies migrations/*.sql in name order, each once, each in its own transaction. */
// Next to this module; from the project root when a bundler has moved the module (Vercel
// ships the folder with includeFiles).
const besideModule = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
export const MIGRATIONS_DIR = existsSync(besideModule) ? besideModule : join(process.cwd(), 'src/lib/store/migrations');

export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  // Every cold function instance gets here: when everything is applied (the usual case) one
  // read answers, without queueing behind the other instances for the migration lock.
  const done = await sql.query<{ id: string }>('SELECT id FROM schema_migrations').catch(() => null);
  if (done && files.every((f) => done.some((d) => d.id === f))) return [];
  await sql.query('CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  // Two instances starting together must not both apply a migration.
  const applied: string[] = [];
  for (const file of files) {
    await sql.transaction(async (tx) => {
      if (tx.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(727274)');
      const already = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [file]);
      if (already.length) return;
      await tx.exec(readFileSync(join(dir, file), 'utf8'));
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [file]);
      applied.push(file);
    });
  }
  return applied;
}
