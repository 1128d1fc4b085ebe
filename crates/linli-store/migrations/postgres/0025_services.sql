-- The directory of services (办事指南): an errand's title, its category, the official
-- link or the steps (Markdown), the office that handles it and its hours.
CREATE TABLE services (
    id            BIGSERIAL PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities (id),
    title         TEXT NOT NULL,
    category      TEXT NOT NULL CHECK (category IN ('licences', 'social_security', 'medical', 'elderly', 'education', 'housing', 'other')),
    url           TEXT,
    steps         TEXT,
    office        TEXT,
    hours         TEXT,
    created_by    BIGINT NOT NULL REFERENCES people (id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    CHECK (url IS NOT NULL OR steps IS NOT NULL)
);
CREATE INDEX services_by_community ON services (community_id, category, id);
