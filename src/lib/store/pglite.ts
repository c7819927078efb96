import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Sql } from './sql.js';

const BYTEA = 17;
/**
 * PGlite's own bytea codec goes byte by byte through strings (Array.from(…).map(toString(16))):
 * a 500 KB PDF took seconds to store and to read back. Node's hex codec does the same in
 * milliseconds.
 */
const byteaCodec = {
  serializers: {
    [BYTEA]: (x: unknown) => {
      if (!(x instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
      return `\\x${Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('hex')}`;
    },
  },
  parsers: {
    [BYTEA]: (x: string) => {
      const b = Buffer.from(x.slice(2), 'hex');
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    },
  },
};

/** Embedded PostgreSQL (WASM) in a data folder: no set-up, one process. */
export async function createPgliteSql(dataDir?: string): Promise<Sql> {
  const db = await PGlite.create(dataDir, byteaCodec);
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
