-- Customer notices are sent in the background (jobs of kind process.notices, a batch of
-- customers each): one row per customer notified, so the case page shows the progress and
-- a customer is mailed once per process (the key) however often a batch is retried.
CREATE TABLE process_notices (
  process_id   text NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
  customer_id  text NOT NULL,
  name         text NOT NULL,
  contact      text NOT NULL DEFAULT '',
  email        text NOT NULL,
  -- The notice link's jti, also stored on the customer in the process state (the record that decides).
  jti          text NOT NULL,
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'cancelled')),
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text,
  queued_at    timestamptz NOT NULL DEFAULT now(),
  sent_at      timestamptz,
  PRIMARY KEY (process_id, customer_id)
);
