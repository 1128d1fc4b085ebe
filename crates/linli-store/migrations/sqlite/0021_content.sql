-- The community's published content (issue 18): news (新闻资讯), notices (通知公告) and
-- the disclosures (党务公开, 政务公开, 居务公开, 财务公开).
-- Twin of ../postgres/0021_content.sql (SQLite: times as RFC 3339 text, booleans 0/1).
--
-- An item is written in the name of a party (organisation), never of a person. Its
-- current text is on the item; every published text is kept in content_versions, which
-- is only ever inserted into (a trigger refuses UPDATE and DELETE), so an edit of a
-- published item keeps the earlier text. content_events is the item's audit trail.

CREATE TABLE content_items (
    id               INTEGER PRIMARY KEY,
    community_id     BIGINT NOT NULL REFERENCES communities (id),
    kind             TEXT NOT NULL CHECK (kind IN ('news', 'notice', 'party_affairs',
                         'government_affairs', 'residents_affairs', 'financial')),
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    status           TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'published')),
    title            TEXT NOT NULL,
    body             TEXT NOT NULL,
    -- The number of the published text on the item (0 until first published).
    version          BIGINT NOT NULL DEFAULT 0 CHECK (version >= 0),
    audience         TEXT NOT NULL CHECK (audience IN ('everyone', 'buildings', 'roles')),
    -- For the 'roles' audience: role names joined by commas.
    audience_roles   TEXT NOT NULL DEFAULT '',
    pinned           BOOLEAN NOT NULL DEFAULT 0,
    urgent           BOOLEAN NOT NULL DEFAULT 0,
    expires_at       TEXT,
    -- A financial disclosure may link a campaign's public ledger.
    campaign_id      BIGINT REFERENCES fund_campaigns (id),
    -- Why the reviewer last sent it back (cleared when submitted again).
    return_reason    TEXT,
    created_by       BIGINT NOT NULL REFERENCES people (id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    published_at     TEXT
);
CREATE INDEX content_items_by_community ON content_items (community_id, kind, status, id);

CREATE TABLE content_audience_buildings (
    item_id      BIGINT NOT NULL REFERENCES content_items (id),
    building_id  BIGINT NOT NULL REFERENCES buildings (id),
    PRIMARY KEY (item_id, building_id)
);

CREATE TABLE content_versions (
    item_id    BIGINT NOT NULL REFERENCES content_items (id),
    version    BIGINT NOT NULL CHECK (version > 0),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    -- Why the published text was changed (empty for the first).
    note       TEXT NOT NULL DEFAULT '',
    edited_by  BIGINT NOT NULL REFERENCES people (id),
    edited_at  TEXT NOT NULL,
    PRIMARY KEY (item_id, version)
);

CREATE TABLE content_events (
    id         INTEGER PRIMARY KEY,
    item_id    BIGINT NOT NULL REFERENCES content_items (id),
    action     TEXT NOT NULL CHECK (action IN ('created', 'edited', 'submitted', 'returned',
                   'approved', 'published', 'corrected')),
    person_id  BIGINT NOT NULL REFERENCES people (id),
    reason     TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL
);
CREATE INDEX content_events_by_item ON content_events (item_id, id);

-- Who has read a notice (counted for staff notices: 已读 12/15).
CREATE TABLE content_reads (
    item_id    BIGINT NOT NULL REFERENCES content_items (id),
    person_id  BIGINT NOT NULL REFERENCES people (id),
    read_at    TEXT NOT NULL,
    PRIMARY KEY (item_id, person_id)
);

-- Images in content bodies, re-encoded like work-order photos, served by an unguessable
-- name so that an image of a draft is not found by counting.
CREATE TABLE content_images (
    id             INTEGER PRIMARY KEY,
    community_id   BIGINT NOT NULL REFERENCES communities (id),
    name           TEXT NOT NULL UNIQUE,
    uploaded_by    BIGINT NOT NULL REFERENCES people (id),
    storage_key    TEXT NOT NULL UNIQUE,
    thumbnail_key  TEXT NOT NULL UNIQUE,
    width          BIGINT NOT NULL,
    height         BIGINT NOT NULL,
    bytes          BIGINT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TRIGGER content_versions_no_update BEFORE UPDATE ON content_versions
BEGIN SELECT RAISE(ABORT, 'published texts are kept as they were'); END;
CREATE TRIGGER content_versions_no_delete BEFORE DELETE ON content_versions
BEGIN SELECT RAISE(ABORT, 'published texts are kept as they were'); END;
