-- Grids (网格化党建): groups of a community's buildings, each with its grid leader
-- (网格长), a building leader (楼组长) per building and the party members serving it.
-- Leaders and members are a name and a phone: many have no account.
CREATE TABLE grids (
    id            INTEGER PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities (id),
    name          TEXT NOT NULL,
    leader_name   TEXT,
    leader_phone  TEXT,
    created_by    BIGINT NOT NULL REFERENCES people (id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (community_id, name)
);

-- A building is in one grid at most (its key), with its building leader.
CREATE TABLE grid_buildings (
    building_id   BIGINT PRIMARY KEY REFERENCES buildings (id),
    grid_id       BIGINT NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
    leader_name   TEXT,
    leader_phone  TEXT
);
CREATE INDEX grid_buildings_by_grid ON grid_buildings (grid_id, building_id);

-- The party members serving a grid (党员), in the order given.
CREATE TABLE grid_party_members (
    id        INTEGER PRIMARY KEY,
    grid_id   BIGINT NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    phone     TEXT
);
CREATE INDEX grid_party_members_by_grid ON grid_party_members (grid_id, id);
