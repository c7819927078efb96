-- A durable job queue: slow work (stamping, sealing, rendering) leaves the request and runs
-- here, claimed by whichever process (local worker, Vercel function after its answer, cron)
-- gets to it first. A claim is a lease: a killed worker's job is claimed again once
-- locked_until has passed. A job is done when its handler's changes commit together with
-- done_at, in one transaction.
CREATE TABLE jobs (
  id            bigserial PRIMARY KEY,
  kind          text NOT NULL,
  payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- At most one waiting (unclaimed) job per key: a second enqueue is a no-op, a running job
  -- does not count (work added after it started needs a new run).
  dedupe_key    text,
  run_at        timestamptz NOT NULL DEFAULT now(),
  attempts      integer NOT NULL DEFAULT 0,
  max_attempts  integer NOT NULL DEFAULT 10,
  last_error    text,
  claim_token   text,
  locked_until  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  done_at       timestamptz,
  -- Gave up after max_attempts: kept, with its last error, for someone to look at.
  dead_at       timestamptz
);
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE done_at IS NULL AND dead_at IS NULL;
CREATE UNIQUE INDEX jobs_waiting_key ON jobs (dedupe_key)
  WHERE dedupe_key IS NOT NULL AND claim_token IS NULL AND done_at IS NULL AND dead_at IS NULL;

-- A signature is recorded at once and stamped into the document by a job: the drawn image
-- waits here until then (cleared once stamped), stamped_at says the party's stamped copy
-- exists. Signatures made before this migration were stamped in their request.
ALTER TABLE parties ADD COLUMN signature_png bytea;
ALTER TABLE parties ADD COLUMN stamped_at timestamptz;
UPDATE parties SET stamped_at = signed_at WHERE status = 'signed';
