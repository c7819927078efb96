-- Issue 12, trust chain.

-- An employee's question about a policy (sent to HR, never ending the acknowledgment) is an
-- event of its case.
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_type_check;
ALTER TABLE events ADD CONSTRAINT events_type_check
  CHECK (type IN ('created', 'sent', 'viewed', 'signed', 'declined', 'reminded', 'completed', 'cancelled', 'purged', 'question'));

-- An employee's own copy of an acknowledgment (the policy and their confirmation only,
-- sealed): its hash, so /verify/ recognises it like a final document.
CREATE TABLE issued_copies (
  sha256     text PRIMARY KEY,
  case_id    text NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  party_id   text NOT NULL,
  issued_at  timestamptz NOT NULL DEFAULT now()
);

-- Admin sessions are stored, so signing out ends one on the server.
CREATE TABLE admin_sessions (
  jti         text PRIMARY KEY,
  email       text NOT NULL,
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);

-- One person's case link can be revoked; every case link stops a while after the case closes.
ALTER TABLE process_parties ADD COLUMN revoked_at timestamptz;
ALTER TABLE processes ADD COLUMN closed_at timestamptz;
UPDATE processes
   SET closed_at = coalesce(completed_at, (SELECT max(e.at) FROM process_events e WHERE e.process_id = processes.id), created_at)
 WHERE status <> 'open';
