-- Callee-local time and holidays (issue 20 part 3, docs/callee-time-zones.md).
-- targets.time_zone: the callee's IANA zone (the CSV column time_zone, or an inline callee's timeZone), null when
-- unknown: the campaign's calling window then applies in the campaign's own zone.
ALTER TABLE targets ADD COLUMN time_zone text NULL;

-- The app's restricted days: no call on the local date holiday_date in the zone time_zone (to callees in that zone,
-- or, for callees with no zone, when the campaign's window is in that zone), whatever the campaign.
CREATE TABLE holidays (
    holiday_date  text        NOT NULL CHECK (holiday_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    time_zone     text        NOT NULL,
    added_at      timestamptz NOT NULL,
    PRIMARY KEY (holiday_date, time_zone)
);
