-- Contact policy (issue 20 part 1, README "Contact policy"): frequency caps per callee over every campaign.
-- contact_policy holds the app's policy (one row, or none: no cap). callee_contacts is the callee → attempt index a
-- capped claim counts from: one row per callee of every claimed attempt, written in the claim's own statement, with
-- the claim's time (a released claim that is claimed again gets the new time). Only attempts still dialing, dialed,
-- settled or unknown count (a start refused or never sent rang nobody), read through the join to call_attempts.
CREATE TABLE contact_policy (
    id           integer     PRIMARY KEY CHECK (id = 1),
    per_day      integer     NULL CHECK (per_day >= 1),
    per_week     integer     NULL CHECK (per_week >= 1),
    per_30_days  integer     NULL CHECK (per_30_days >= 1),
    updated_at   timestamptz NOT NULL
);

CREATE TABLE callee_contacts (
    callee        text        NOT NULL,
    attempt_key   text        NOT NULL,
    contacted_at  timestamptz NOT NULL,
    PRIMARY KEY (callee, attempt_key)
);

-- An attempt a cap deferred waits here with the time the cap frees (its due_at, or later: the calling window's
-- opening): what the progress counts as Deferred, and what becomes Capped if the campaign ends first.
ALTER TABLE pending_attempts ADD COLUMN capped_until timestamptz NULL;

-- The attempts claimed before this script (the last 31 days: the longest cap is 30 days) count from the start.
INSERT INTO callee_contacts (callee, attempt_key, contacted_at)
SELECT DISTINCT c.value, a.attempt_key, COALESCE(a.claimed_at, a.dialed_at)
FROM call_attempts a
JOIN targets t ON t.campaign_id = a.campaign_id AND t.seq = a.target_seq,
     jsonb_array_elements_text(CAST(t.callees AS jsonb)) AS c(value)
WHERE a.state IN ('dialing', 'dialed', 'settled', 'unknown')
  AND COALESCE(a.claimed_at, a.dialed_at) >= now() - interval '31 days'
ON CONFLICT DO NOTHING;
