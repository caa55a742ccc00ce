-- Nothing left behind by the scheduler. Keep in step with ../sqlite/0009_scheduler.sql.
--
-- The `unassigned` rule used to stop after its last reminder: its row kept no due
-- time, and the ticket was never offered again. Its attempts to assign now go on
-- past the reminders; the rows left without a due time are made due at once, so
-- the first tick tries them (silently, the reminders being done) and plans the
-- next attempt.
UPDATE jobs SET due_at = (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT, claim = NULL
WHERE kind = 'unassigned' AND live = 1 AND due_at IS NULL AND ticket_id IS NOT NULL;
