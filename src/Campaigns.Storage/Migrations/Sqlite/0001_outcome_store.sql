-- Campaigns outcome store, SQLite (the embedded default). Differences from Postgres/0001 are types only:
-- times are ISO-8601 TEXT, documents are JSON TEXT, error codes INTEGER.

CREATE TABLE campaigns (
    campaign_id  text        PRIMARY KEY,
    workflow_id  text        NOT NULL,
    definition   TEXT        NOT NULL,
    status       text        NOT NULL,
    created_at   TEXT        NOT NULL,
    updated_at   TEXT        NOT NULL,
    totals       TEXT        NULL
);

-- One row per thing dialed at once: one callee (1v1) or several (a group call), in dispatch order.
CREATE TABLE targets (
    campaign_id  text    NOT NULL REFERENCES campaigns (campaign_id) ON DELETE CASCADE,
    seq          integer NOT NULL,
    target_key   text    NOT NULL, -- the callees sorted and comma-joined: the de-duplication key
    callees      text    NOT NULL, -- JSON array, in the order given
    PRIMARY KEY (campaign_id, seq),
    UNIQUE (campaign_id, target_key)
);

-- Written before dialing (state 'intended'), so a crash between the request and its answer leaves
-- a row to reconcile instead of a blind retry that would ring the callee twice. A target with a
-- callee on the do-not-call list gets 'skipped' instead, in the same statement.
CREATE TABLE call_attempts (
    attempt_key  text        PRIMARY KEY,
    campaign_id  text        NOT NULL,
    target_seq   integer     NOT NULL,
    attempt_no   integer     NOT NULL CHECK (attempt_no >= 1),
    state        text        NOT NULL CHECK (state IN ('intended', 'dialed', 'settled', 'unknown', 'failed', 'skipped')),
    call_id      text        NULL,
    result_codes text        NULL, -- JSON object callee -> ResultCode of the start
    error_code   INTEGER     NULL,
    error_info   text        NULL,
    intended_at  TEXT        NOT NULL,
    dialed_at    TEXT        NULL,
    settled_at   TEXT        NULL,
    updated_at   TEXT        NOT NULL,
    UNIQUE (campaign_id, target_seq, attempt_no),
    FOREIGN KEY (campaign_id, target_seq) REFERENCES targets (campaign_id, seq) ON DELETE CASCADE
);
CREATE INDEX call_attempts_by_state ON call_attempts (campaign_id, state);
CREATE UNIQUE INDEX call_attempts_by_call ON call_attempts (call_id) WHERE call_id IS NOT NULL;

-- One row per callee per attempt.
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
CREATE INDEX outcomes_by_result ON outcomes (campaign_id, result);
CREATE UNIQUE INDEX outcomes_by_call ON outcomes (call_id, callee) WHERE call_id IS NOT NULL;

CREATE TABLE do_not_call (
    callee    text        PRIMARY KEY,
    reason    text        NULL,
    added_at  TEXT        NOT NULL
);
