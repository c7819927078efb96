-- Issue 16: who clicked (a one-time code before signing) and when (a trusted time-stamp on the seal).

-- How each party of a case proves they hold the address the link was sent to, before the
-- sign button: 'none' (the emailed link alone), 'email' or 'sms' (a 6-digit code).
ALTER TABLE cases ADD COLUMN verification text NOT NULL DEFAULT 'none' CHECK (verification IN ('none', 'email', 'sms'));
-- A party's mobile number for SMS codes (given by the sender; cleared with the case's data).
ALTER TABLE parties ADD COLUMN phone text;

-- One row per code sent. The code itself is never stored: only an HMAC bound to the case,
-- the party and the link (jti), keyed from SIGNING_SECRET. A verified row is the evidence
-- the audit page and /verify/ show (channel, masked address, time).
CREATE TABLE verification_codes (
  id           bigserial PRIMARY KEY,
  case_id      text NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  party_id     text NOT NULL,
  link_jti     text NOT NULL,
  channel      text NOT NULL CHECK (channel IN ('email', 'sms')),
  masked_to    text NOT NULL,
  code_hmac    text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  attempts     integer NOT NULL DEFAULT 0,
  verified_at  timestamptz
);
CREATE INDEX verification_codes_party ON verification_codes (party_id, created_at);

-- The seal's RFC 3161 time-stamp: pending while the TSA could not be reached (the final PDF
-- was issued without it and a retry adds it later). sealed_sha256 keeps the hash of the
-- final PDF as first issued, so the copy already mailed still verifies after the retry.
ALTER TABLE cases ADD COLUMN timestamp_pending_since timestamptz;
ALTER TABLE cases ADD COLUMN timestamp_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN timestamp_error text;
ALTER TABLE cases ADD COLUMN timestamped_at timestamptz;
ALTER TABLE cases ADD COLUMN sealed_sha256 text;
CREATE INDEX cases_timestamp_pending ON cases (timestamp_pending_since) WHERE timestamp_pending_since IS NOT NULL;
CREATE INDEX cases_sealed_sha256 ON cases (sealed_sha256) WHERE sealed_sha256 IS NOT NULL;
