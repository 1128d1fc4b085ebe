-- Open311 GeoReport v2 clients (a city's FixMyStreet, a street's hotline system) that
-- report problems into one community, and what each of their reports carried beyond a
-- work order: the token it was answered with, where the client placed it and who sent
-- it. A report through Open311 is an ordinary work order of channel 'open311'.
-- Twin of ../postgres/0029_open311.sql.

CREATE TABLE open311_clients (
    id            INTEGER PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities (id),
    name          TEXT NOT NULL,
    -- Who stands for the client in timelines: a person who cannot sign in.
    person_id     BIGINT NOT NULL REFERENCES people (id),
    -- SHA-256 of the api_key, which is shown once, when it is issued.
    key_hash      TEXT NOT NULL UNIQUE,
    -- Its last four characters, so that the admin can tell keys apart.
    key_hint      TEXT NOT NULL,
    created_by    BIGINT NOT NULL REFERENCES people (id),
    created_at    TEXT NOT NULL,
    revoked_at    TEXT
);
CREATE INDEX open311_clients_by_community ON open311_clients (community_id, id);

CREATE TABLE open311_requests (
    work_order_id   BIGINT PRIMARY KEY REFERENCES work_orders (id),
    client_id       BIGINT NOT NULL REFERENCES open311_clients (id),
    token           TEXT NOT NULL UNIQUE,
    address_string  TEXT,
    address_id      TEXT,
    latitude        REAL,
    longitude       REAL,
    email           TEXT,
    first_name      TEXT,
    last_name       TEXT,
    phone           TEXT,
    device_id       TEXT,
    account_id      TEXT,
    media_url       TEXT
);
CREATE INDEX open311_requests_by_client ON open311_requests (client_id, work_order_id);
