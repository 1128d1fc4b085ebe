-- A resident's own lists (what is going on; the latest finished) are read per status in
-- id order. With the status and id beside the reporter, each status's part of a
-- person's reports is one range of this index, newest first: a resident who reported a
-- few of a community's million is not found by walking the community's history.
-- It replaces the index on the reporter alone, which is its prefix.
CREATE INDEX work_orders_by_reporter_status ON work_orders (reporter_id, status, id);
DROP INDEX work_orders_by_reporter;

-- The overdue count of the statistics and the big screen counts work orders waiting for
-- triage past their deadline; with the community in the index it never reads the table.
CREATE INDEX work_orders_by_triage_deadline_community ON work_orders (status, triage_deadline, community_id);
DROP INDEX work_orders_by_triage_deadline;
