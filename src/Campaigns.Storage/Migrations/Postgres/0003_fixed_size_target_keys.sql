-- A target's de-duplication key becomes SHA-256 (hex) of the sorted, comma-joined callees: a large
-- group no longer exceeds PostgreSQL's index row limit. The stored keys are exactly that joined text.
UPDATE targets SET target_key = encode(sha256(convert_to(target_key, 'UTF8')), 'hex');
ALTER TABLE targets ADD CONSTRAINT targets_key_size CHECK (length(target_key) = 64);
