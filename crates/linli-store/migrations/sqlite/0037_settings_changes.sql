-- Roles and settings change in place (a grant is revoked by deleting its row), so the
-- record chains an append-only log of their changes instead: each grant and revocation,
-- each category created or changed (time limits, dispatch mode), each change of a
-- category's handlers and of the retention periods, with who and when. Written in the
-- change's own transaction. Twin of ../postgres/0037_settings_changes.sql.
CREATE TABLE settings_changes (
    id            INTEGER PRIMARY KEY,
    -- None for a grant of a street or of everywhere (not in any community's chain).
    community_id  BIGINT REFERENCES communities (id),
    kind          TEXT NOT NULL,
    -- The person, category or community changed.
    subject_id    BIGINT NOT NULL,
    -- The values after the change (for a revocation: the grant taken away), as JSON.
    details       TEXT NOT NULL,
    changed_by    BIGINT REFERENCES people (id),
    changed_at    TEXT NOT NULL
);
CREATE INDEX settings_changes_by_community ON settings_changes (community_id, id);

-- The chain takes the new source: SQLite changes a CHECK by rebuilding the table.
CREATE TABLE audit_chain_rebuilt (
    id            INTEGER PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities (id),
    seq           BIGINT NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('timeline', 'ledger', 'ballots', 'minutes', 'settings')),
    row_id        BIGINT NOT NULL,
    digest        TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL,
    sealed_at     TEXT NOT NULL,
    UNIQUE (community_id, seq),
    UNIQUE (source, row_id)
);
INSERT INTO audit_chain_rebuilt (id, community_id, seq, source, row_id, digest, prev_hash, hash, sealed_at)
    SELECT id, community_id, seq, source, row_id, digest, prev_hash, hash, sealed_at FROM audit_chain;
DROP TABLE audit_chain;
ALTER TABLE audit_chain_rebuilt RENAME TO audit_chain;

INSERT INTO audit_marks (source, last_row_id) VALUES ('settings', 0);
