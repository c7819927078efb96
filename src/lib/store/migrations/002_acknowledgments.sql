-- A case is either a checklist to sign or a policy that staff acknowledge (已阅读并同意).
ALTER TABLE cases ADD COLUMN kind text NOT NULL DEFAULT 'form' CHECK (kind IN ('form', 'acknowledgment'));
ALTER TABLE parties ADD COLUMN department text;
ALTER TABLE parties DROP CONSTRAINT IF EXISTS parties_case_id_position_key;
CREATE UNIQUE INDEX parties_case_position ON parties (case_id, position);
