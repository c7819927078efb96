-- Group robots of WeCom, DingTalk and Feishu that hear about cases. The webhook address
-- and the signing secret are credentials (anyone holding them can post into the group):
-- stored AES-256-GCM encrypted, and only a hint (host and the key's last characters) is
-- kept readable for the admin page.
CREATE TABLE robots (
  id              text PRIMARY KEY,
  name            text NOT NULL,
  platform        text NOT NULL CHECK (platform IN ('wecom', 'dingtalk', 'feishu')),
  webhook_enc     text NOT NULL,
  secret_enc      text,
  webhook_hint    text NOT NULL,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Which robot hears about what: a scope (every customer-handover case, one signing form
-- kind, every acknowledgment campaign; scope_id '*' for all of a kind) and the events.
CREATE TABLE robot_subscriptions (
  robot_id    text NOT NULL REFERENCES robots(id) ON DELETE CASCADE,
  scope_kind  text NOT NULL CHECK (scope_kind IN ('process', 'signing-form', 'acknowledgment')),
  scope_id    text NOT NULL,
  events      text[] NOT NULL,
  PRIMARY KEY (robot_id, scope_kind, scope_id)
);

-- Messages waiting for their robot, like the mail outbox: durable, retried with back-off,
-- never dropped. body is the platform-neutral message; the platform's JSON (and its
-- signature, which must carry a fresh timestamp) is built at each attempt.
CREATE TABLE robot_outbox (
  id               bigserial PRIMARY KEY,
  robot_id         text NOT NULL REFERENCES robots(id) ON DELETE CASCADE,
  event            text NOT NULL,
  -- The process or case the message is about, so its page can show failures.
  subject_id       text,
  body             jsonb NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  sent_at          timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX robot_outbox_due ON robot_outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX robot_outbox_robot ON robot_outbox (robot_id, id);
CREATE INDEX robot_outbox_subject ON robot_outbox (subject_id) WHERE subject_id IS NOT NULL;

-- Every request made to a robot's webhook (successful or not), for its platform's rate
-- limit; rows older than an hour are swept.
CREATE TABLE robot_attempts (
  robot_id  text NOT NULL REFERENCES robots(id) ON DELETE CASCADE,
  at        timestamptz NOT NULL
);
CREATE INDEX robot_attempts_robot ON robot_attempts (robot_id, at);
