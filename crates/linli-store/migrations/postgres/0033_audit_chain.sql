-- A record no one can quietly change: per community, a hash chain over the timeline of
-- work orders, the money ledger, ballots and corrections of meeting minutes. Each entry
-- holds the SHA-256 of its row's content (never the content, so personal data can still
-- be erased) and the hash of the entry before it; `linli audit verify` walks it and names
-- the first row edited, deleted or inserted behind the chain's back.
-- Twin of ../sqlite/0033_audit_chain.sql.
CREATE TABLE audit_chain (
    id            BIGSERIAL PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities (id),
    -- The entry's place in its community's chain, from 0.
    seq           BIGINT NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('timeline', 'ledger', 'ballots', 'minutes')),
    row_id        BIGINT NOT NULL,
    digest        TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL,
    sealed_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (community_id, seq),
    UNIQUE (source, row_id)
);

-- How far each source has been sealed, in id order: a row at or below its mark that is
-- not in the chain was inserted behind the chain's back.
CREATE TABLE audit_marks (
    source       TEXT PRIMARY KEY,
    last_row_id  BIGINT NOT NULL
);
INSERT INTO audit_marks (source, last_row_id) VALUES ('timeline', 0), ('ledger', 0), ('ballots', 0), ('minutes', 0);
