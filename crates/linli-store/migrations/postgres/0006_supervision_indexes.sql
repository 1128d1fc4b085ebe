-- The supervisor's lists: few work orders are supervised or on the meeting's agenda, so a
-- partial index finds them without walking the community's history.
CREATE INDEX work_orders_supervised ON work_orders (community_id, id) WHERE supervised;
CREATE INDEX work_orders_escalated ON work_orders (community_id, id) WHERE escalated;
