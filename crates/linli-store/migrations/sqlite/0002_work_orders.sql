-- The work-order loop: categories with time limits, the holiday calendar, work orders,
-- their timeline, followers, the outbox for notifications, and the reception visit log.
-- Twin of ../postgres/0002_work_orders.sql (SQLite: timestamps and dates as text, booleans 0/1).

CREATE TABLE holidays (
    day   TEXT PRIMARY KEY,
    kind  TEXT NOT NULL,          -- 'off' (a day off) or 'work' (a weekend day worked, 调休)
    name  TEXT NOT NULL
);

CREATE TABLE categories (
    id                     INTEGER PRIMARY KEY,
    community_id           BIGINT NOT NULL REFERENCES communities (id),
    code                   TEXT NOT NULL,
    name                   TEXT NOT NULL,
    name_en                TEXT NOT NULL,
    icon                   TEXT NOT NULL,
    sign_limit_kind        TEXT NOT NULL,
    sign_limit_minutes     BIGINT NOT NULL,
    resolve_limit_kind     TEXT NOT NULL,
    resolve_limit_minutes  BIGINT NOT NULL,
    complex                BOOLEAN NOT NULL DEFAULT 0,
    position               BIGINT NOT NULL,
    active                 BOOLEAN NOT NULL DEFAULT 1,
    UNIQUE (community_id, code)
);

-- The last number given to a work order of each community: numbers people see are
-- gap-free, so they are taken under this row's lock in the creating transaction.
CREATE TABLE work_order_counters (
    community_id  BIGINT PRIMARY KEY REFERENCES communities (id),
    last_number   BIGINT NOT NULL
);

CREATE TABLE work_orders (
    id                         INTEGER PRIMARY KEY,
    community_id               BIGINT NOT NULL REFERENCES communities (id),
    number                     BIGINT NOT NULL,
    category_id                BIGINT NOT NULL REFERENCES categories (id),
    description                TEXT NOT NULL,
    building_id                BIGINT REFERENCES buildings (id),
    room_id                    BIGINT REFERENCES rooms (id),
    place                      TEXT,
    channel                    TEXT NOT NULL,
    reporter_id                BIGINT REFERENCES people (id),
    guest_name                 TEXT,
    guest_phone                TEXT,
    created_by                 BIGINT NOT NULL REFERENCES people (id),
    lead_organisation_id       BIGINT REFERENCES organisations (id),
    priority                   TEXT NOT NULL,
    status                     TEXT NOT NULL,
    is_public                  BOOLEAN NOT NULL,
    escalated                  BOOLEAN NOT NULL DEFAULT 0,
    supervised                 BOOLEAN NOT NULL DEFAULT 0,
    reopen_count               BIGINT NOT NULL DEFAULT 0,
    urge_count                 BIGINT NOT NULL DEFAULT 0,
    me_too_count               BIGINT NOT NULL DEFAULT 0,
    last_urged_at              TEXT,
    sign_deadline              TEXT,
    resolve_deadline           TEXT,
    dispatched_at              TEXT,
    signed_at                  TEXT,
    resolved_at                TEXT,
    closed_at                  TEXT,
    hold_started_at            TEXT,
    rating                     BIGINT,
    extension_requested_until  TEXT,
    merged_into_id             BIGINT REFERENCES work_orders (id),
    overdue_alerted_at         TEXT,
    version                    BIGINT NOT NULL DEFAULT 1,
    created_at                 TEXT NOT NULL,
    updated_at                 TEXT NOT NULL,
    UNIQUE (community_id, number)
);
-- Lists are pages in id order (newest first) under a filter: each index below lets one
-- kind of filter walk rows already in that order and stop after a page.
CREATE INDEX work_orders_by_community ON work_orders (community_id, id);
CREATE INDEX work_orders_by_community_status ON work_orders (community_id, status, id);
CREATE INDEX work_orders_by_community_category ON work_orders (community_id, category_id, status, id);
CREATE INDEX work_orders_by_community_created ON work_orders (community_id, created_at);
CREATE INDEX work_orders_by_lead ON work_orders (lead_organisation_id, status);
CREATE INDEX work_orders_by_reporter ON work_orders (reporter_id);
-- The overdue job (every community) and the overdue count of a community.
CREATE INDEX work_orders_by_deadline ON work_orders (status, resolve_deadline);
CREATE INDEX work_orders_by_community_deadline ON work_orders (community_id, status, resolve_deadline);

CREATE TABLE work_order_co_handlers (
    work_order_id    BIGINT NOT NULL REFERENCES work_orders (id),
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (work_order_id, organisation_id)
);
CREATE INDEX work_order_co_handlers_by_organisation ON work_order_co_handlers (organisation_id);

-- People who follow a work order besides its reporter: "me too" (附议), and the reporters
-- of duplicates merged into it.
CREATE TABLE work_order_followers (
    work_order_id  BIGINT NOT NULL REFERENCES work_orders (id),
    person_id      BIGINT NOT NULL REFERENCES people (id),
    reason         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (work_order_id, person_id)
);
CREATE INDEX work_order_followers_by_person ON work_order_followers (person_id);

CREATE TABLE work_order_events (
    id             INTEGER PRIMARY KEY,
    work_order_id  BIGINT NOT NULL REFERENCES work_orders (id),
    kind           TEXT NOT NULL,
    actor_id       BIGINT REFERENCES people (id),
    at             TEXT NOT NULL,
    body           TEXT,
    internal       BOOLEAN NOT NULL,
    details        TEXT
);
CREATE INDEX work_order_events_by_order ON work_order_events (work_order_id, id);

-- Messages to deliver (notifications, webhooks), written in the same transaction as the
-- change they announce so that none is lost; a later part delivers them.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    topic            TEXT NOT NULL,
    community_id     BIGINT REFERENCES communities (id),
    work_order_id    BIGINT REFERENCES work_orders (id),
    payload          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    delivered_at     TEXT
);
CREATE INDEX outbox_pending ON outbox (delivered_at, next_attempt_at);

CREATE TABLE visits (
    id               INTEGER PRIMARY KEY,
    community_id     BIGINT NOT NULL REFERENCES communities (id),
    visitor_name     TEXT NOT NULL,
    visitor_phone    TEXT,
    person_id        BIGINT REFERENCES people (id),
    building_id      BIGINT REFERENCES buildings (id),
    room_text        TEXT,
    matter           TEXT NOT NULL,
    receptionist_id  BIGINT NOT NULL REFERENCES people (id),
    outcome          TEXT,
    work_order_id    BIGINT REFERENCES work_orders (id),
    visited_at       TEXT NOT NULL
);
CREATE INDEX visits_by_community ON visits (community_id, visited_at);
