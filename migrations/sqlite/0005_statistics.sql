-- The statistics (issue 7, src/store/stats.rs): each figure is an aggregate over a
-- range of one of these indexes, read from the index alone, never from the rows
-- (which carry subjects and descriptions). Keep in step with
-- ../postgres/0005_statistics.sql.

-- Tickets created in a period: the breakdowns, the durations, the SLA rate and the
-- openings per day. Every column these read is in the index.
CREATE INDEX tickets_created_figures ON tickets (created_at, team_id, status, category_id,
    priority, first_response_at, resolved_at, first_response_due_at, resolution_due_at,
    first_response_breached_at, resolution_breached_at);

-- Tickets resolved in a period: resolutions per day, first contact resolution (the
-- requester, to tell the team's answers from theirs) and the leaderboard.
CREATE INDEX tickets_resolved ON tickets (resolved_at, team_id, assignee_id, requester_id);

-- The backlog, whatever the tickets' age: only the tickets still to deal with. The
-- query repeats this condition word for word, so that SQLite uses the index.
CREATE INDEX tickets_backlog ON tickets (status, team_id)
    WHERE status IN ('open', 'in_progress', 'waiting_on_user');

-- First contact resolution: who wrote the public messages of a ticket.
CREATE INDEX ticket_messages_public ON ticket_messages (ticket_id, author_id) WHERE internal = 0;

-- Ratings given in a period, and points earned in a period.
CREATE INDEX ratings_created ON ratings (created_at, stars);
CREATE INDEX points_ledger_at ON points_ledger (at, agent_id, points, ticket_id);
