-- A handling party's queue (its open work orders, nearest resolve deadline first) is read
-- per status from this index in deadline order and stops at the page's end; on the index
-- of the lead and status alone every one of the party's open work orders was read and
-- sorted for a page of thirty. It replaces that index, which is its prefix.
CREATE INDEX work_orders_by_lead_deadline ON work_orders (lead_organisation_id, status, resolve_deadline, id);
DROP INDEX work_orders_by_lead;
