-- Partner units (区域化党建共建单位): the schools, hospitals, police station and companies
-- that build the community together with its party branch. A partner is an organisation
-- of kind 'partner_unit'; its profile says what it is, whom the office calls there and
-- what it offers. Co-building activities name the partners that took part, and a
-- partner can be a co-party of a project with what it contributes.
-- Twin of ../postgres/0028_partners.sql.

CREATE TABLE partner_profiles (
    organisation_id  BIGINT PRIMARY KEY REFERENCES organisations (id),
    category         TEXT NOT NULL CHECK (category IN ('school', 'hospital', 'police', 'government', 'enterprise', 'social_organisation', 'other')),
    address          TEXT,
    -- Whom the office calls; the phone is for the community's staff only.
    contact_name     TEXT,
    contact_phone    TEXT,
    description      TEXT,
    -- Comma-separated, in a fixed order: venue, volunteers, funds, expertise.
    offers           TEXT NOT NULL DEFAULT '',
    offer_details    TEXT,
    -- The day the co-building agreement was signed (签约共建).
    joined_on        TEXT,
    created_by       BIGINT NOT NULL REFERENCES people (id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE TABLE partner_activities (
    id                INTEGER PRIMARY KEY,
    community_id      BIGINT NOT NULL REFERENCES communities (id),
    title             TEXT NOT NULL,
    held_on           TEXT NOT NULL,
    place             TEXT,
    summary           TEXT,
    residents_served  BIGINT CHECK (residents_served >= 0),
    created_by        BIGINT NOT NULL REFERENCES people (id),
    created_at        TEXT NOT NULL
);
CREATE INDEX partner_activities_by_community ON partner_activities (community_id, held_on, id);

CREATE TABLE partner_activity_units (
    activity_id      BIGINT NOT NULL REFERENCES partner_activities (id) ON DELETE CASCADE,
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (activity_id, organisation_id)
);
CREATE INDEX partner_activity_units_by_unit ON partner_activity_units (organisation_id, activity_id);

-- A partner as a co-party of a project (e.g. the school lends its hall, a company pays
-- for the cameras), once per project.
CREATE TABLE project_partners (
    project_id       BIGINT NOT NULL REFERENCES projects (id),
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    contribution     TEXT NOT NULL,
    added_by         BIGINT NOT NULL REFERENCES people (id),
    added_at         TEXT NOT NULL,
    PRIMARY KEY (project_id, organisation_id)
);
CREATE INDEX project_partners_by_unit ON project_partners (organisation_id, project_id);
