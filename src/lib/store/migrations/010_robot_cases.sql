-- Robot notices beside their case. A case page (opened by anyone holding the case link or
-- the management key) shows its robot messages' state: the failure is shown there by its
-- kind only, explained in fixed wording, never the platform's raw reply (which can quote
-- the webhook); the raw reply stays in last_error for the HR admin page.
ALTER TABLE robot_outbox ADD COLUMN last_error_kind text;

-- Optional mainland mobile of a process person, used only to @mention them in WeCom and
-- DingTalk group messages about their own action (never in mail or logs).
ALTER TABLE process_parties ADD COLUMN mobile text;
