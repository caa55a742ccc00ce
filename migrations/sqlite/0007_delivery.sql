-- Delivery you can trust: leases that elect one instance for a job only one may do
-- at a time, and the inbound events the helpdesk could not take for good.
-- Keep in step with ../postgres/0007_delivery.sql.

-- One holder per name (`telegram`: the instance that polls Telegram and sends
-- to it, so that the bot's sending limits hold across instances). A holder renews
-- its lease; another instance takes the name once `until` has passed.
CREATE TABLE leases (
    name  TEXT   PRIMARY KEY,
    owner TEXT   NOT NULL,
    until BIGINT NOT NULL
);

-- An event that failed for a reason retrying cannot cure (a constraint violated by
-- a defect, corrupt data): acknowledged so that its chat goes on, and kept here
-- with what the platform sent, to be looked at and replayed.
CREATE TABLE failed_events (
    id          INTEGER PRIMARY KEY,
    platform    TEXT   NOT NULL,
    event_id    TEXT   NOT NULL,
    payload     TEXT   NOT NULL,
    error       TEXT   NOT NULL,
    failed_at   BIGINT NOT NULL,
    replayed_at BIGINT
);
CREATE UNIQUE INDEX failed_events_event ON failed_events (platform, event_id);
