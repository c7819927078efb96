-- Customer handover as a tracked process (stages B–F); each stage's document is a signing case.
CREATE TABLE processes (
  id                 text PRIMARY KEY,
  case_number        text NOT NULL,
  policy_slug        text,
  company            text,
  department         text NOT NULL,
  reason             text NOT NULL,
  last_working_day   date NOT NULL,
  stage              text NOT NULL CHECK (stage IN ('B', 'C', 'D', 'E', 'F', 'done')),
  status             text NOT NULL CHECK (status IN ('open', 'completed', 'cancelled')),
  settings           jsonb NOT NULL,
  state              jsonb NOT NULL,
  archive_email      text,
  base_url           text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  completed_at       timestamptz
);
CREATE INDEX processes_listing ON processes (created_at DESC);

CREATE TABLE process_parties (
  id          text PRIMARY KEY,
  process_id  text NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('employee', 'receiver', 'supervisor', 'manager', 'hr')),
  name        text NOT NULL,
  email       text NOT NULL,
  token_jti   text,
  UNIQUE (process_id, role)
);

CREATE TABLE process_events (
  id          bigserial PRIMARY KEY,
  process_id  text NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
  actor       text,
  type        text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX process_events_by_process ON process_events (process_id, id);

-- One row per reminder sent: the cron run is idempotent.
CREATE TABLE process_reminders (
  process_id    text NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
  deadline      text NOT NULL,
  reminder      text NOT NULL,
  sent_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (process_id, deadline, reminder)
);

-- Admin sign-in by emailed magic link: each link is used once.
CREATE TABLE admin_logins (
  jti         text PRIMARY KEY,
  email       text NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);

ALTER TABLE cases ADD COLUMN process_id text REFERENCES processes(id) ON DELETE CASCADE;
ALTER TABLE cases ADD COLUMN process_stage text;
CREATE INDEX cases_by_process ON cases (process_id) WHERE process_id IS NOT NULL;
