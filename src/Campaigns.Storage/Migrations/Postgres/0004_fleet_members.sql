-- The workers sharing the vendor's per-app budget (README "Scaling out"). Times are milliseconds since the
-- Unix epoch read from the database's clock, never a worker's. fleet holds the membership version: a join
-- increments it under the row's lock, so joins commit in version order.
CREATE TABLE fleet (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint  NOT NULL
);
INSERT INTO fleet (id, version) VALUES (1, 0);

CREATE TABLE fleet_members (
    member_id        text   PRIMARY KEY,
    joined_version   bigint NOT NULL,
    acked_version    bigint NOT NULL,
    joined_ms        bigint NOT NULL,
    heartbeat_ms     bigint NOT NULL,
    expires_ms       bigint NOT NULL CHECK (expires_ms > heartbeat_ms)
);
