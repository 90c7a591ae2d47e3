-- The run chain (Temporal's first execution run id, kept across continue-as-new) that registered the campaign:
-- a campaign id is used once, so a later run under the same workflow id (after a close, a terminate) or a
-- run under another workflow id is refused instead of dialing the campaign's leftovers (README "Guarantees").
-- NULL for campaigns registered before this column (or only imported, never started).
ALTER TABLE campaigns ADD COLUMN run_id text;
