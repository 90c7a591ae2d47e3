-- The ledger of the vendor's call callbacks (README "Callbacks"): each event is written here before it is acted
-- on. The natural key makes a duplicate or replayed callback change nothing; event_time (Unix ms, the vendor's
-- clock) orders events whatever order they arrived in. member and action are '' for events about the whole call;
-- action is in the key so that an answer and a hang-up stamped in the same millisecond are two events.
CREATE TABLE call_events (
    call_id      text        NOT NULL,
    command      text        NOT NULL,
    event_time   bigint      NOT NULL,
    member       text        NOT NULL,
    action       text        NOT NULL, -- the member's ActionType, or '' for start/end
    call_record  text        NULL,     -- AfterEndCall: the CallRecord object as sent
    body         text        NOT NULL, -- the whole callback as received, byte for byte (UTF-8)
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (call_id, command, event_time, member, action)
);

-- Retention deletes by arrival time (README "Callbacks"), in batches.
CREATE INDEX call_events_received ON call_events (received_at);
