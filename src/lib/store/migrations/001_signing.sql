-- Signing cases, their parties, the append-only event log and the mail outbox.
CREATE TABLE cases (
  id                text PRIMARY KEY,
  form_id           text NOT NULL,
  title             text NOT NULL,
  company           text,
  case_number       text NOT NULL,
  values_json       jsonb NOT NULL,
  signing_order     text NOT NULL CHECK (signing_order IN ('sequential', 'parallel')),
  status            text NOT NULL CHECK (status IN ('open', 'completed', 'declined', 'cancelled')),
  sender_name       text NOT NULL,
  sender_email      text NOT NULL,
  archive_email     text,
  manage_key_hash   text NOT NULL,
  document_sha256   text NOT NULL,
  original_pdf      bytea NOT NULL,
  current_pdf       bytea NOT NULL,
  signature_boxes   jsonb NOT NULL,
  final_pdf         bytea,
  final_sha256      text UNIQUE,
  created_at        timestamptz NOT NULL DEFAULT now(),
  completed_at      timestamptz
);

CREATE TABLE parties (
  id                text PRIMARY KEY,
  case_id           text NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  position          integer NOT NULL,
  role              text NOT NULL,
  name              text NOT NULL,
  email             text NOT NULL,
  status            text NOT NULL CHECK (status IN ('waiting', 'sent', 'viewed', 'signed', 'declined')),
  token_jti         text,
  token_expires_at  timestamptz,
  last_sent_at      timestamptz,
  reminders         integer NOT NULL DEFAULT 0,
  signed_at         timestamptz,
  signature_kind    text,
  signed_name       text,
  ip                text,
  user_agent        text,
  doc_sha256_signed text,
  decline_reason    text,
  UNIQUE (case_id, position)
);

CREATE TABLE events (
  id        bigserial PRIMARY KEY,
  case_id   text NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  party_id  text,
  type      text NOT NULL CHECK (type IN ('created', 'sent', 'viewed', 'signed', 'declined', 'reminded', 'completed', 'cancelled')),
  at        timestamptz NOT NULL DEFAULT now(),
  detail    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX events_case ON events (case_id, id);

CREATE TABLE outbox (
  id              bigserial PRIMARY KEY,
  case_id         text REFERENCES cases(id) ON DELETE CASCADE,
  kind            text NOT NULL,
  to_address      text NOT NULL,
  subject         text NOT NULL,
  text_body       text NOT NULL,
  html_body       text NOT NULL,
  attach_final    boolean NOT NULL DEFAULT false,
  status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent')),
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
