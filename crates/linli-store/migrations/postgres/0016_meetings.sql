-- Joint meetings (联席会) and the projects their decisions start (项目化运作).

-- A community's regular meeting: the weekday (1 = Monday … 7 = Sunday), the local
-- Shanghai start time and length, the place.
CREATE TABLE meeting_series (
    community_id      BIGINT PRIMARY KEY REFERENCES communities (id),
    weekday           BIGINT NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_time        TEXT NOT NULL,
    duration_minutes  BIGINT NOT NULL CHECK (duration_minutes > 0),
    place             TEXT NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);

CREATE TABLE meetings (
    id                BIGSERIAL PRIMARY KEY,
    community_id      BIGINT NOT NULL REFERENCES communities (id),
    title             TEXT NOT NULL,
    extra             BOOLEAN NOT NULL DEFAULT FALSE,
    starts_at         TIMESTAMPTZ NOT NULL,
    ends_at           TIMESTAMPTZ NOT NULL,
    place             TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('scheduled', 'closed', 'cancelled')),
    -- RFC 5545 SEQUENCE: raised whenever the time or place moves or it is called off.
    sequence          BIGINT NOT NULL DEFAULT 0,
    minutes           TEXT,
    cancel_reason     TEXT,
    created_by        BIGINT NOT NULL REFERENCES people (id),
    closed_by         BIGINT REFERENCES people (id),
    closed_at         TIMESTAMPTZ,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX meetings_by_community ON meetings (community_id, starts_at);

-- Who sits at the table: the standing parties (the "1+5") and the invited ("X"),
-- a person with or without an account, or an organisation's representative.
CREATE TABLE meeting_participants (
    id                BIGSERIAL PRIMARY KEY,
    meeting_id        BIGINT NOT NULL REFERENCES meetings (id),
    standing          BOOLEAN NOT NULL,
    organisation_id   BIGINT REFERENCES organisations (id),
    person_id         BIGINT REFERENCES people (id),
    name              TEXT NOT NULL,
    represents        TEXT,
    attendance        TEXT CHECK (attendance IN ('present', 'absent', 'excused')),
    created_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX meeting_participants_by_meeting ON meeting_participants (meeting_id, id);
CREATE INDEX meeting_participants_by_person ON meeting_participants (person_id);

CREATE TABLE meeting_items (
    id                    BIGSERIAL PRIMARY KEY,
    meeting_id            BIGINT NOT NULL REFERENCES meetings (id),
    position              BIGINT NOT NULL,
    work_order_id         BIGINT REFERENCES work_orders (id),
    title                 TEXT NOT NULL,
    notes                 TEXT,
    status                TEXT NOT NULL CHECK (status IN ('open', 'decided', 'deferred', 'withdrawn')),
    deferred_to           BIGINT REFERENCES meetings (id),
    decision              TEXT,
    lead_organisation_id  BIGINT REFERENCES organisations (id),
    -- Comma-separated organisation ids.
    co_organisation_ids   TEXT NOT NULL DEFAULT '',
    decision_deadline     TIMESTAMPTZ,
    decided_by            BIGINT REFERENCES people (id),
    decided_at            TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX meeting_items_by_meeting ON meeting_items (meeting_id, position);
CREATE INDEX meeting_items_by_work_order ON meeting_items (work_order_id);

-- Closed minutes are read-only; corrections are appended, signed and dated.
CREATE TABLE meeting_corrections (
    id            BIGSERIAL PRIMARY KEY,
    meeting_id    BIGINT NOT NULL REFERENCES meetings (id),
    body          TEXT NOT NULL,
    author_id     BIGINT NOT NULL REFERENCES people (id),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX meeting_corrections_by_meeting ON meeting_corrections (meeting_id, id);

-- Secret addresses of iCalendar feeds (a person's meetings, or a community's), only the
-- token's SHA-256 kept.
CREATE TABLE calendar_feeds (
    id            BIGSERIAL PRIMARY KEY,
    token_hash    TEXT NOT NULL UNIQUE,
    person_id     BIGINT NOT NULL REFERENCES people (id),
    community_id  BIGINT REFERENCES communities (id),
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE projects (
    id                     BIGSERIAL PRIMARY KEY,
    community_id           BIGINT NOT NULL REFERENCES communities (id),
    title                  TEXT NOT NULL,
    purpose                TEXT NOT NULL,
    meeting_item_id        BIGINT REFERENCES meeting_items (id),
    owner_organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    budget_fen             BIGINT NOT NULL CHECK (budget_fen >= 0),
    -- Comma-separated: public_income, maintenance_fund, street_fund, crowdfunding.
    funding_sources        TEXT NOT NULL DEFAULT '',
    status                 TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'in_progress', 'completed', 'cancelled')),
    percent_done           BIGINT NOT NULL DEFAULT 0 CHECK (percent_done BETWEEN 0 AND 100),
    chosen_quote_id        BIGINT,
    choice_reason          TEXT,
    agreed_price_fen       BIGINT CHECK (agreed_price_fen >= 0),
    closing_text           TEXT,
    cancel_reason          TEXT,
    created_by             BIGINT NOT NULL REFERENCES people (id),
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL,
    completed_at           TIMESTAMPTZ
);
CREATE INDEX projects_by_community ON projects (community_id, id);

CREATE TABLE project_work_orders (
    project_id     BIGINT NOT NULL REFERENCES projects (id),
    work_order_id  BIGINT NOT NULL REFERENCES work_orders (id),
    PRIMARY KEY (project_id, work_order_id)
);
CREATE INDEX project_work_orders_by_work_order ON project_work_orders (work_order_id);

-- Vendor quotes (比价); they stay after the choice (中标).
CREATE TABLE project_quotes (
    id               BIGSERIAL PRIMARY KEY,
    project_id       BIGINT NOT NULL REFERENCES projects (id),
    vendor           TEXT NOT NULL,
    contact          TEXT,
    unit_price_fen   BIGINT NOT NULL CHECK (unit_price_fen >= 0),
    quantity         BIGINT NOT NULL CHECK (quantity > 0),
    total_fen        BIGINT NOT NULL CHECK (total_fen >= 0),
    terms            TEXT,
    -- A resident who recommended the vendor (shown to the office only).
    recommended_by   BIGINT REFERENCES people (id),
    created_by       BIGINT NOT NULL REFERENCES people (id),
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_quotes_by_project ON project_quotes (project_id, id);

-- Milestones or batches: planned and actual days (Shanghai, YYYY-MM-DD), a quantity.
CREATE TABLE project_milestones (
    id              BIGSERIAL PRIMARY KEY,
    project_id      BIGINT NOT NULL REFERENCES projects (id),
    title           TEXT NOT NULL,
    planned_start   TEXT NOT NULL,
    planned_end     TEXT NOT NULL,
    actual_start    TEXT,
    actual_end      TEXT,
    quantity        BIGINT CHECK (quantity > 0),
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_milestones_by_project ON project_milestones (project_id, planned_start);

CREATE TABLE project_updates (
    id            BIGSERIAL PRIMARY KEY,
    project_id    BIGINT NOT NULL REFERENCES projects (id),
    body          TEXT NOT NULL,
    percent_done  BIGINT NOT NULL CHECK (percent_done BETWEEN 0 AND 100),
    author_id     BIGINT NOT NULL REFERENCES people (id),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_updates_by_project ON project_updates (project_id, id);
