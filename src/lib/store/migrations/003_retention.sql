-- Closed cases can have their customer data purged after a retention period.
ALTER TABLE cases ADD COLUMN purged_at timestamptz;
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_type_check;
ALTER TABLE events ADD CONSTRAINT events_type_check
  CHECK (type IN ('created', 'sent', 'viewed', 'signed', 'declined', 'reminded', 'completed', 'cancelled', 'purged'));
