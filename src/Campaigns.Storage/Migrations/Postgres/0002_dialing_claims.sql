-- A dial is claimed before it is sent (state 'dialing', with the claiming execution's token and time),
-- so only one activity execution ever sends the start request of an attempt (DESIGN.md, "Never ring
-- anyone twice"). Spellings are checked by constraints; indexes serve keyset paging by state and the
-- search for stale attempts across campaigns.

ALTER TABLE call_attempts
    ADD COLUMN claim_token text        NULL,
    ADD COLUMN claimed_at  timestamptz NULL;
ALTER TABLE call_attempts DROP CONSTRAINT call_attempts_state_check;
ALTER TABLE call_attempts ADD CONSTRAINT call_attempts_state_check
    CHECK (state IN ('intended', 'dialing', 'dialed', 'settled', 'unknown', 'failed', 'skipped'));
ALTER TABLE call_attempts ADD CONSTRAINT call_attempts_claimed_check
    CHECK (state <> 'dialing' OR claim_token IS NOT NULL);

-- Campaign statuses were PascalCase; attempt states lower case. One spelling, checked.
UPDATE campaigns SET status = lower(status);
ALTER TABLE campaigns ADD CONSTRAINT campaigns_status_check
    CHECK (status IN ('registered', 'running', 'paused', 'completed', 'cancelled', 'failed'));

DROP INDEX call_attempts_by_state;
CREATE INDEX call_attempts_by_state ON call_attempts (campaign_id, state, target_seq, attempt_no);
CREATE INDEX call_attempts_open ON call_attempts (updated_at, attempt_key) WHERE state IN ('intended', 'dialing', 'unknown');

-- (call_id, callee) is unique anyway once an outcome must carry its attempt's CallId (checked on write);
-- as a second unique index it made racing idempotent upserts fail with 23505 instead of updating.
DROP INDEX outcomes_by_call;
