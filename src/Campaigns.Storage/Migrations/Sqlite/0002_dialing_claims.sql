-- A dial is claimed before it is sent (state 'dialing', with the claiming execution's token and time),
-- so only one activity execution ever sends the start request of an attempt (DESIGN.md, "Never ring
-- anyone twice"). Spellings are checked by constraints; indexes serve keyset paging by state and the
-- search for stale attempts across campaigns.
--
-- SQLite cannot alter a CHECK constraint, so call_attempts is rebuilt, and outcomes with it: renaming a
-- parent table rewrites its children's foreign keys, and dropping it would cascade to them. Both old
-- tables are renamed away (outcomes_0001 then points at call_attempts_0001), the new ones created and
-- filled, and the old ones dropped child first, so the drop cascades to nothing that is kept.

DROP INDEX call_attempts_by_state;
DROP INDEX call_attempts_by_call;
DROP INDEX outcomes_by_result;
-- (call_id, callee) is unique anyway once an outcome must carry its attempt's CallId (checked on write);
-- as a second unique index it made racing idempotent upserts fail instead of updating. Not recreated.
DROP INDEX outcomes_by_call;
ALTER TABLE outcomes RENAME TO outcomes_0001;
ALTER TABLE call_attempts RENAME TO call_attempts_0001;

CREATE TABLE call_attempts (
    attempt_key  text        PRIMARY KEY,
    campaign_id  text        NOT NULL,
    target_seq   integer     NOT NULL,
    attempt_no   integer     NOT NULL CHECK (attempt_no >= 1),
    state        text        NOT NULL CHECK (state IN ('intended', 'dialing', 'dialed', 'settled', 'unknown', 'failed', 'skipped')),
    call_id      text        NULL,
    result_codes text        NULL, -- JSON object callee -> ResultCode of the start
    error_code   INTEGER     NULL,
    error_info   text        NULL,
    intended_at  TEXT        NOT NULL,
    dialed_at    TEXT        NULL,
    settled_at   TEXT        NULL,
    updated_at   TEXT        NOT NULL,
    claim_token  text        NULL,
    claimed_at   TEXT        NULL,
    UNIQUE (campaign_id, target_seq, attempt_no),
    FOREIGN KEY (campaign_id, target_seq) REFERENCES targets (campaign_id, seq) ON DELETE CASCADE,
    CHECK (state <> 'dialing' OR claim_token IS NOT NULL)
);
INSERT INTO call_attempts (attempt_key, campaign_id, target_seq, attempt_no, state, call_id, result_codes, error_code, error_info,
                           intended_at, dialed_at, settled_at, updated_at)
SELECT attempt_key, campaign_id, target_seq, attempt_no, state, call_id, result_codes, error_code, error_info,
       intended_at, dialed_at, settled_at, updated_at
FROM call_attempts_0001;

CREATE TABLE outcomes (
    attempt_key  text        NOT NULL REFERENCES call_attempts (attempt_key) ON DELETE CASCADE,
    callee       text        NOT NULL,
    campaign_id  text        NOT NULL,
    call_id      text        NULL,
    result       text        NOT NULL, -- normalised: NormalEnd, Reject, NotAnswer, CallBusy, Cancel, Interrupt, Offline, Unknown, …
    raw_result   text        NULL,     -- as the vendor spelled it (normal_end, NormalEnd, …)
    start_time   TEXT        NULL,
    accept_time  TEXT        NULL,
    end_time     TEXT        NULL,
    duration_ms  INTEGER     NULL,
    raw_record   TEXT        NULL,
    recorded_at  TEXT        NOT NULL,
    PRIMARY KEY (attempt_key, callee)
);
INSERT INTO outcomes SELECT * FROM outcomes_0001;

DROP TABLE outcomes_0001;
DROP TABLE call_attempts_0001;
CREATE INDEX call_attempts_by_state ON call_attempts (campaign_id, state, target_seq, attempt_no);
CREATE UNIQUE INDEX call_attempts_by_call ON call_attempts (call_id) WHERE call_id IS NOT NULL;
CREATE INDEX call_attempts_open ON call_attempts (updated_at, attempt_key) WHERE state IN ('intended', 'dialing', 'unknown');
CREATE INDEX outcomes_by_result ON outcomes (campaign_id, result);

-- Campaign statuses were PascalCase; attempt states lower case. One spelling, checked (by triggers:
-- adding a CHECK would mean rebuilding campaigns, whose targets cascade from it).
UPDATE campaigns SET status = lower(status);
CREATE TRIGGER campaigns_status_insert BEFORE INSERT ON campaigns
WHEN NEW.status NOT IN ('registered', 'running', 'paused', 'completed', 'cancelled', 'failed')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: campaigns.status'); END;
CREATE TRIGGER campaigns_status_update BEFORE UPDATE OF status ON campaigns
WHEN NEW.status NOT IN ('registered', 'running', 'paused', 'completed', 'cancelled', 'failed')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: campaigns.status'); END;
