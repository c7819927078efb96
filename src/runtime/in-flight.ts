/**
 * Answers first: requests this process is answering right now (the local server counts
 * them), and a pause for background work while there are any. In a burst of signatures or
 * new cases, the jobs those requests queued (stamping, rendering, sealing) would otherwise
 * take turns with the answers on the one event loop and the database; people waiting for a
 * page come first, the jobs a moment later. A Vercel function answers one request per
 * instance and never counts: its jobs run after the answer anyway.
 */
let answering = 0;

export const inFlight = {
  start: () => void answering++,
  end: () => void answering--,
  get count() {
    return answering;
  },
};

/** Waits while requests are being answered, at most `maxMs` (work is delayed, never starved). */
export async function answersFirst(maxMs = 200): Promise<void> {
  const until = Date.now() + maxMs;
  while (answering > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
}
