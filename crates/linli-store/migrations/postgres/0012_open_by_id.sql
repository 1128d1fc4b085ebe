-- The overdue list and the overdue count: only work orders being handled can be overdue,
-- and they are few beside the history. With this partial index PostgreSQL walks them
-- newest first, testing the deadline in the index, instead of walking every recent work
-- order (88 ms → 0.6 ms for a page at 1,000,000 work orders, 80,000 of them newer than
-- the newest overdue one). New reports are not in it, so a report does not write to it.
CREATE INDEX work_orders_open_by_id ON work_orders (community_id, id, resolve_deadline)
    WHERE status IN ('dispatched', 'in_progress');
