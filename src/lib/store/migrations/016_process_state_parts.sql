-- A process's state was one jsonb document: at 1,000 customers about 1 MB, read and written
-- whole by every step (a phone call recorded rewrote the plan, the materials and the visits).
-- Its large parts now have their own columns, so a step writes only the parts it changed;
-- `state` keeps the small rest (stage status, sample, report, returns, stage cases).
ALTER TABLE processes
  ADD COLUMN state_plan jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN state_customers jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN state_materials jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN state_visits jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN state_calls jsonb NOT NULL DEFAULT '[]';

UPDATE processes SET
  state_plan = coalesce(state->'plan', '{}'),
  state_customers = coalesce(state->'customers', '[]'),
  state_materials = coalesce(state->'materials', '[]'),
  state_visits = coalesce(state->'visits', '[]'),
  state_calls = coalesce(state->'calls', '[]'),
  state = state - 'plan' - 'customers' - 'materials' - 'visits' - 'calls';
