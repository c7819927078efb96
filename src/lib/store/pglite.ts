import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Sql } from './sql.js';

/** Embedded PostgreSQL (WASM) in a data folder: no set-up, one process. */
export async function createPgliteSql(dataDir?: string): Promise<Sql> {
  const db = await PGlite.create(dataDir);
  const wrap = (q: PGlite | Transaction): Omit<Sql, 'transaction' | 'close' | 'kind'> => ({
    query: async <T>(text: string, params: unknown[] = []) => (await q.query<T>(text, params)).rows,
    exec: async (text: string) => {
      await q.exec(text);
    },
  });
  return {
    kind: 'pglite',
    ...wrap(db),
    transaction: <T>(fn: (tx: Sql) => Promise<T>) =>
      db.transaction((tx) =>
        fn({
          kind: 'pglite',
          ...wrap(tx),
          transaction: () => Promise.reject(new Error('nested transaction')),
          close: async () => {},
        }),
      ),
    close: () => db.close(),
  };
}
