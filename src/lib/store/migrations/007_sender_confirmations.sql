-- Requests that would make the server mail other people (a checklist sent for signature, a
-- policy sent to staff, a customer-handover case opened), held until the sender proves
-- their address by the link mailed to it. The stored request is what was validated; the
-- row is claimed once (confirmed_at), and only then is the original create function run.
CREATE TABLE pending_sends (
  id            text PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('case', 'acknowledgment', 'process')),
  request_json  jsonb NOT NULL,
  -- What is being sent, in words, and to how many people: kept after the request is cleared.
  summary       text NOT NULL,
  recipients    integer NOT NULL,
  sender_email  text NOT NULL,
  -- The confirmation link's jti: only the link mailed for this row confirms it.
  token_jti     text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  confirmed_at  timestamptz,
  -- What the confirmation created (case or process id and number), shown on a second click.
  result_json   jsonb
);
-- The per-sender daily quotas count these.
CREATE INDEX pending_sends_sender ON pending_sends (sender_email, created_at);
