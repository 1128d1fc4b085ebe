-- Owners' votes (业主表决) under 民法典 第二百七十八条.
-- Twin of ../sqlite/0018_votes.sql.
--
-- A vote is set up as a draft; opening it makes its roll (业主名册) from the registry —
-- the voters (the owners of one room, or of several rooms owned by the very same
-- people), their rooms with the floor area in square centimetres, and their owners of
-- record — once, in one transaction. The roll and the ballots are only ever inserted
-- into (triggers refuse UPDATE and DELETE): a changed ballot is a new row, and the last
-- one of each voter counts.

CREATE TABLE votes (
    id              BIGSERIAL PRIMARY KEY,
    community_id    BIGINT NOT NULL REFERENCES communities (id),
    estate_id       BIGINT NOT NULL REFERENCES estates (id),
    -- A matter of one building (its cameras, its lift): only its owners vote.
    building_id     BIGINT REFERENCES buildings (id),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    matter          TEXT NOT NULL CHECK (matter IN ('rules', 'elect_committee', 'engage_manager',
                        'use_repair_fund', 'raise_repair_fund', 'rebuild', 'common_parts_use', 'other')),
    opens_at        TIMESTAMPTZ NOT NULL,
    closes_at       TIMESTAMPTZ NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'opened')),
    -- Kept when the roll is made, cross-checked with it.
    room_count      BIGINT NOT NULL DEFAULT 0,
    voter_count     BIGINT NOT NULL DEFAULT 0,
    total_area_cm2  BIGINT NOT NULL DEFAULT 0,
    created_by      BIGINT NOT NULL REFERENCES people (id),
    created_at      TIMESTAMPTZ NOT NULL,
    opened_by       BIGINT REFERENCES people (id),
    opened_at       TIMESTAMPTZ
);
CREATE INDEX votes_by_community ON votes (community_id, id);

CREATE TABLE vote_options (
    id        BIGSERIAL PRIMARY KEY,
    vote_id   BIGINT NOT NULL REFERENCES votes (id),
    -- From 0, in the order shown.
    position  BIGINT NOT NULL CHECK (position >= 0),
    label     TEXT NOT NULL,
    UNIQUE (vote_id, position)
);

CREATE TABLE vote_voters (
    id        BIGSERIAL PRIMARY KEY,
    vote_id   BIGINT NOT NULL REFERENCES votes (id),
    -- From 0, in the order of the roll.
    number    BIGINT NOT NULL CHECK (number >= 0),
    area_cm2  BIGINT NOT NULL CHECK (area_cm2 > 0),
    UNIQUE (vote_id, number)
);

CREATE TABLE vote_rooms (
    vote_id   BIGINT NOT NULL REFERENCES votes (id),
    room_id   BIGINT NOT NULL REFERENCES rooms (id),
    voter_id  BIGINT NOT NULL REFERENCES vote_voters (id),
    area_cm2  BIGINT NOT NULL CHECK (area_cm2 > 0),
    PRIMARY KEY (vote_id, room_id)
);
CREATE INDEX vote_rooms_by_voter ON vote_rooms (voter_id);

CREATE TABLE vote_owners (
    voter_id   BIGINT NOT NULL REFERENCES vote_voters (id),
    person_id  BIGINT NOT NULL REFERENCES people (id),
    PRIMARY KEY (voter_id, person_id)
);
CREATE INDEX vote_owners_by_person ON vote_owners (person_id);

CREATE TABLE vote_ballots (
    id                  BIGSERIAL PRIMARY KEY,
    vote_id             BIGINT NOT NULL REFERENCES votes (id),
    voter_id            BIGINT NOT NULL REFERENCES vote_voters (id),
    option_id           BIGINT NOT NULL REFERENCES vote_options (id),
    channel             TEXT NOT NULL CHECK (channel IN ('online', 'paper')),
    -- Online: the owner who voted. Paper: the desk's person who entered it, with the scan.
    cast_by             BIGINT REFERENCES people (id),
    entered_by          BIGINT REFERENCES people (id),
    scan_key            TEXT UNIQUE,
    scan_thumbnail_key  TEXT UNIQUE,
    cast_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX vote_ballots_by_vote ON vote_ballots (vote_id, voter_id, id);

CREATE FUNCTION vote_rows_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the roll and the ballots of a vote are append-only';
END;
$$;
CREATE TRIGGER vote_voters_append_only BEFORE UPDATE OR DELETE ON vote_voters
    FOR EACH ROW EXECUTE FUNCTION vote_rows_append_only();
CREATE TRIGGER vote_rooms_append_only BEFORE UPDATE OR DELETE ON vote_rooms
    FOR EACH ROW EXECUTE FUNCTION vote_rows_append_only();
CREATE TRIGGER vote_owners_append_only BEFORE UPDATE OR DELETE ON vote_owners
    FOR EACH ROW EXECUTE FUNCTION vote_rows_append_only();
CREATE TRIGGER vote_ballots_append_only BEFORE UPDATE OR DELETE ON vote_ballots
    FOR EACH ROW EXECUTE FUNCTION vote_rows_append_only();
