-- The head of each community's hash chain, published once a day on the public board (and
-- readable by anyone through the API): whoever keeps a copy can show later that the chain
-- was rewritten, even by someone able to recompute every hash. Twin of
-- ../sqlite/0036_audit_anchors.sql.
CREATE TABLE audit_anchors (
    id            BIGSERIAL PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities (id),
    day           DATE NOT NULL,
    -- Entries in the chain then; the head is the hash of the last (seq = length - 1).
    length        BIGINT NOT NULL,
    head          TEXT NOT NULL,
    published_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (community_id, day)
);
