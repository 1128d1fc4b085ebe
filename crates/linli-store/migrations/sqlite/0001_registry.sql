-- The community registry (SQLite: timestamps are RFC 3339 text in UTC, booleans 0/1), accounts, roles and sessions.
-- Twin of ../postgres/0001_registry.sql: same tables, same columns (a test compares them).

CREATE TABLE streets (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE communities (
    id          INTEGER PRIMARY KEY,
    street_id   BIGINT NOT NULL REFERENCES streets (id),
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (street_id, name)
);

CREATE TABLE estates (
    id            INTEGER PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities (id),
    name          TEXT NOT NULL,
    UNIQUE (community_id, name)
);

CREATE TABLE buildings (
    id            INTEGER PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities (id),
    estate_id     BIGINT NOT NULL REFERENCES estates (id),
    number        TEXT NOT NULL,
    name          TEXT NOT NULL,
    position      BIGINT NOT NULL,
    UNIQUE (estate_id, number)
);
CREATE INDEX buildings_by_community ON buildings (community_id, position);

CREATE TABLE units (
    id           INTEGER PRIMARY KEY,
    building_id  BIGINT NOT NULL REFERENCES buildings (id),
    number       TEXT NOT NULL,
    position     BIGINT NOT NULL,
    UNIQUE (building_id, number)
);

CREATE TABLE rooms (
    id                        INTEGER PRIMARY KEY,
    unit_id                   BIGINT NOT NULL REFERENCES units (id),
    building_id               BIGINT NOT NULL REFERENCES buildings (id),
    community_id              BIGINT NOT NULL REFERENCES communities (id),
    floor                     BIGINT NOT NULL,
    number                    TEXT NOT NULL,
    floor_area_hundredths_m2  BIGINT,
    UNIQUE (unit_id, number)
);
CREATE INDEX rooms_by_building ON rooms (building_id, floor, number);

CREATE TABLE organisations (
    id            INTEGER PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities (id),
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    UNIQUE (community_id, name)
);

CREATE TABLE people (
    id                   INTEGER PRIMARY KEY,
    login                TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    phone                TEXT,
    password_hash        TEXT NOT NULL,
    disabled             BOOLEAN NOT NULL DEFAULT 0,
    created_at           TEXT NOT NULL,
    password_changed_at  TEXT NOT NULL
);
CREATE INDEX people_by_phone ON people (phone);

CREATE TABLE person_rooms (
    person_id  BIGINT NOT NULL REFERENCES people (id),
    room_id    BIGINT NOT NULL REFERENCES rooms (id),
    relation   TEXT NOT NULL,
    PRIMARY KEY (person_id, room_id)
);
CREATE INDEX person_rooms_by_room ON person_rooms (room_id);

CREATE TABLE role_grants (
    id               INTEGER PRIMARY KEY,
    person_id        BIGINT NOT NULL REFERENCES people (id),
    role             TEXT NOT NULL,
    scope_kind       TEXT NOT NULL,
    scope_id         BIGINT NOT NULL,
    organisation_id  BIGINT REFERENCES organisations (id),
    granted_by       BIGINT REFERENCES people (id),
    created_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX role_grants_unique
    ON role_grants (person_id, role, scope_kind, scope_id, COALESCE(organisation_id, 0));
CREATE INDEX role_grants_by_scope ON role_grants (scope_kind, scope_id);

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    token_hash    TEXT NOT NULL UNIQUE,
    person_id     BIGINT NOT NULL REFERENCES people (id),
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    client_ip     TEXT,
    user_agent    TEXT
);
CREATE INDEX sessions_by_person ON sessions (person_id);

CREATE TABLE login_failures (
    id         INTEGER PRIMARY KEY,
    login      TEXT NOT NULL,
    client_ip  TEXT NOT NULL,
    failed_at  TEXT NOT NULL
);
CREATE INDEX login_failures_by_login ON login_failures (login, failed_at);
CREATE INDEX login_failures_by_ip ON login_failures (client_ip, failed_at);
