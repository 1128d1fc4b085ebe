-- Roles and settings change in place (a grant is revoked by deleting its row), so the
-- record chains an append-only log of their changes instead: each grant and revocation,
-- each category created or changed (time limits, dispatch mode), each change of a
-- category's handlers and of the retention periods, with who and when. Written in the
-- change's own transaction. Twin of ../sqlite/0037_settings_changes.sql.
CREATE TABLE settings_changes (
    id            BIGSERIAL PRIMARY KEY,
    -- None for a grant of a street or of everywhere (not in any community's chain).
    community_id  BIGINT REFERENCES communities (id),
    kind          TEXT NOT NULL,
    -- The person, category or community changed.
    subject_id    BIGINT NOT NULL,
    -- The values after the change (for a revocation: the grant taken away), as JSON.
    details       TEXT NOT NULL,
    changed_by    BIGINT REFERENCES people (id),
    changed_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX settings_changes_by_community ON settings_changes (community_id, id);

ALTER TABLE audit_chain DROP CONSTRAINT audit_chain_source_check;
ALTER TABLE audit_chain ADD CONSTRAINT audit_chain_source_check
    CHECK (source IN ('timeline', 'ledger', 'ballots', 'minutes', 'settings'));

INSERT INTO audit_marks (source, last_row_id) VALUES ('settings', 0);
