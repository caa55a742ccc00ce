-- Scheduled work and SLA clocks. Keep in step with ../postgres/0003_scheduler.sql.

-- The SLA targets of a ticket (from its creation, by priority, in working time when
-- business hours are on), and when the scheduler found each one missed.
ALTER TABLE tickets ADD COLUMN first_response_due_at BIGINT;
ALTER TABLE tickets ADD COLUMN resolution_due_at BIGINT;
ALTER TABLE tickets ADD COLUMN first_response_breached_at BIGINT;
ALTER TABLE tickets ADD COLUMN resolution_breached_at BIGINT;

-- One row per ticket and rule (reminder, escalation, e-mail, closing), and one per
-- housekeeping task (no ticket). Written in the transaction that changed the
-- ticket; claimed when due by one instance, which moves `due_at` to the end of its
-- lease and names the claim, so that two instances never run the same step.
CREATE TABLE jobs (
    id         INTEGER PRIMARY KEY,
    ticket_id  BIGINT REFERENCES tickets (id),
    kind       TEXT   NOT NULL,
    -- What this run of the rule counts from (the message waited on, the
    -- resolution…): a different anchor starts the rule over.
    anchor     BIGINT NOT NULL,
    -- Steps done for this anchor: reminders sent, escalation levels reached.
    step       BIGINT NOT NULL DEFAULT 0,
    -- 1 while the rule applies to the ticket.
    live       BIGINT NOT NULL DEFAULT 1,
    -- When the next step is due; NULL when nothing is left to do.
    due_at     BIGINT,
    claim      TEXT,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX jobs_ticket_kind ON jobs (ticket_id, kind) WHERE ticket_id IS NOT NULL;
CREATE UNIQUE INDEX jobs_housekeeping ON jobs (kind) WHERE ticket_id IS NULL;
-- A tick reads only what is due: its cost follows the due jobs, not the tickets.
CREATE INDEX jobs_due ON jobs (due_at) WHERE due_at IS NOT NULL;

-- Retention deletes old sent messages and old event ids by time.
CREATE INDEX outbox_done ON outbox (created_at) WHERE status <> 'pending';
CREATE INDEX inbound_events_received ON inbound_events (received_at);
