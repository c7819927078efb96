import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Sql } from './sql.js';

const BYTEA = 17;
/**
 * bytea (the PDFs). Written in PostgreSQL's binary format: PGlite sends a parameter that is
 * bytes as they are, where a hex string is encoded again character by character into the
 * protocol (a 140 KB PDF: 13–21 ms as hex, 3–4 ms as bytes). Read back from hex with Node's
 * codec: PGlite's own goes byte by byte through strings and took seconds for a 500 KB PDF.
 */
const byteaCodec = {
  serializers: {
    [BYTEA]: (x: unknown) => {
      if (!(x instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
      // PGlite's types say a serializer returns a string; bytes are what its protocol writer sends binary.
      return x as unknown as string;
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
