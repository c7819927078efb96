/** One item's answer from a batch write: its value, or an error of its own. */
export type Outcome<R> = { value: R } | { error: unknown };

/**
 * Group commit: calls that arrive while earlier ones are being written wait, and are then
 * written together — up to `max` in one batch, `atOnce` batches side by side. A call that
 * finds a writer free is written at once, as a batch of one, and waits for nothing; under a
 * burst each write carries many. With `gather` it waits for the rest of the event loop's turn
 * first (see below). Used where a burst of requests would each pay a database
 * round trip and a commit of their own (signatures, rate-limit hits). On Vercel a function
 * instance answers one request at a time, so there every batch is a batch of one.
 *
 * `write` answers each item, in order. If it throws, every item of that batch gets the error.
 */
/**
 * The batching that suits a database. PGlite runs inside this process, one statement at a
 * time, and its statements hold the thread: one batch at a time, gathered from what arrived in
 * the same turn (for signatures, 9.5 → 4.7 ms of CPU each in bench-load). A database server
 * answers over the network: the defaults.
 */
export const batchingFor = (sql: { kind: string }) => (sql.kind === 'pglite' ? { atOnce: 1, gather: true } : {});

export function groupCommit<I, R>(write: (items: I[]) => Promise<Outcome<R>[]>, { max = 50, atOnce = 4, gather = false } = {}): (item: I) => Promise<R> {
  const waiting: Array<{ item: I; resolve: (value: R) => void; reject: (error: unknown) => void }> = [];
  let writing = 0;
  const drain = async () => {
    writing++;
    try {
      // `gather`: for a database that runs on this thread (PGlite). While its statement runs
      // nothing else does, so no call can arrive during a write and every batch would be a
      // batch of one. Waiting for the rest of this turn of the event loop lets the requests
      // read in the same turn join (a fraction of a millisecond when alone).
      if (gather) await new Promise((r) => setImmediate(r));
      while (waiting.length) {
        const batch = waiting.splice(0, max);
        try {
          const outcomes = await write(batch.map((w) => w.item));
          batch.forEach((w, i) => {
            const o = outcomes[i];
            if (o && 'value' in o) w.resolve(o.value);
            else w.reject(o ? o.error : new Error('group commit: no answer for this item'));
          });
        } catch (e) {
          for (const w of batch) w.reject(e);
        }
      }
    } finally {
      writing--;
    }
  };
  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (writing < atOnce) void drain();
    });
}
