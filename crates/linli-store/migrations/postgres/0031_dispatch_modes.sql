-- How a category's work orders find their handler (派单方式): 'assign' (the duty officer
-- dispatches, as always), 'grab' (抢单: the handlers registered for the category take
-- waiting work orders themselves, each up to `open_cap` unfinished), or 'round_robin'
-- (轮派: each new work order goes to the next registered handler, those on duty first).
-- Twin of ../sqlite/0031_dispatch_modes.sql.
ALTER TABLE categories ADD COLUMN dispatch_mode TEXT NOT NULL DEFAULT 'assign'
    CHECK (dispatch_mode IN ('assign', 'grab', 'round_robin'));
ALTER TABLE categories ADD COLUMN open_cap BIGINT NOT NULL DEFAULT 5;

-- The one person of the lead party who has the work order (承办人), when one was named.
ALTER TABLE work_orders ADD COLUMN assignee_id BIGINT REFERENCES people (id);
CREATE INDEX work_orders_by_assignee ON work_orders (assignee_id, status);

-- Handlers registered for a category: they see its waiting work orders in grab mode and
-- take turns in round-robin mode. `last_assigned_at` orders the turns; it is also the
-- row every grab or turn of the handler writes first, so that on PostgreSQL two of them
-- at once wait for each other and the cap holds.
CREATE TABLE category_handlers (
    category_id       BIGINT NOT NULL REFERENCES categories (id),
    person_id         BIGINT NOT NULL REFERENCES people (id),
    last_assigned_at  TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (category_id, person_id)
);
CREATE INDEX category_handlers_by_person ON category_handlers (person_id);
