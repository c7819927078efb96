-- Closed customer-handover processes can have their customer data purged after a retention period.
ALTER TABLE processes ADD COLUMN purged_at timestamptz;
