-- Attempts waiting to be dispatched (issue 18 item 5): redials not yet due and attempts a batch could not start
-- in its start window (Deferred). They live here, not in the workflow's state, so a campaign continues as new
-- carrying a count and a due time instead of a list that grows with the campaign. A batch takes due rows by
-- setting taken_by to its token; its retries (and, after a continue-as-new, the batch that adopts its token)
-- find them again by that token. A row is never deleted while its campaign runs: a taken row names the batch
-- whose result reports it.
CREATE TABLE pending_attempts (
    campaign_id  text        NOT NULL,
    target_seq   integer     NOT NULL,
    attempt_no   integer     NOT NULL,
    due_at       TEXT        NOT NULL,
    taken_by     text        NULL,
    PRIMARY KEY (campaign_id, target_seq, attempt_no)
);
CREATE INDEX pending_attempts_due ON pending_attempts (campaign_id, due_at) WHERE taken_by IS NULL;
CREATE INDEX pending_attempts_taken ON pending_attempts (campaign_id, taken_by) WHERE taken_by IS NOT NULL;
