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

/**
 * Before a job runner's lane claims its next job: waits while requests are being answered.
 * The first lane waits at most 200 ms, so background work keeps moving under any load and
 * the signer's stamped copy is never far behind; the other lanes wait for a quiet moment
 * (up to 3 s). In a burst of signatures each stamp would otherwise take CPU from the answers
 * still queued: measured at 200 signers at once, the answers' throughput went up by half
 * with the jobs held back, and the jobs all ran within a second of the burst.
 */
export async function answersFirst(lane = 0): Promise<void> {
  const until = Date.now() + (lane === 0 ? 200 : 3000);
  while (answering > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
}
