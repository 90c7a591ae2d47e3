-- The workers sharing the vendor's per-app budget (README "Scaling out"). Times are milliseconds since the
-- Unix epoch read from the database's clock, never a worker's. fleet holds the membership version: a join
-- increments it under the row's lock, so joins commit in version order.
CREATE TABLE fleet (
    id      integer PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO fleet (id, version) VALUES (1, 0);

CREATE TABLE fleet_members (
    member_id        text   PRIMARY KEY,
    joined_version   INTEGER NOT NULL,
    acked_version    INTEGER NOT NULL,
    joined_ms        INTEGER NOT NULL,
    heartbeat_ms     INTEGER NOT NULL,
    expires_ms       INTEGER NOT NULL CHECK (expires_ms > heartbeat_ms)
);
