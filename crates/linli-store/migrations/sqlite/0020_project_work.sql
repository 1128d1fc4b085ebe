-- The rest of a project's work: photos of its progress and of its completion, the
-- documents of its quotes (photos or PDF), volunteers who offer help (有力出力), and which
-- origin work orders the project itself resolved (for the statistics).
-- Twin of ../postgres/0020_project_work.sql.

-- Files in blob storage, rows here; kept as evidence, never changed or removed.
CREATE TABLE project_files (
    id             INTEGER PRIMARY KEY,
    project_id     BIGINT NOT NULL REFERENCES projects (id),
    purpose        TEXT NOT NULL CHECK (purpose IN ('update', 'quote', 'completion')),
    update_id      BIGINT REFERENCES project_updates (id),
    quote_id       BIGINT REFERENCES project_quotes (id),
    content_type   TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'application/pdf')),
    storage_key    TEXT NOT NULL UNIQUE,
    -- Photos only; a PDF has no thumbnail and no size in pixels.
    thumbnail_key  TEXT UNIQUE,
    width          BIGINT,
    height         BIGINT,
    bytes          BIGINT NOT NULL,
    uploaded_by    BIGINT NOT NULL REFERENCES people (id),
    created_at     TEXT NOT NULL,
    CHECK ((purpose = 'update') = (update_id IS NOT NULL)),
    CHECK ((purpose = 'quote') = (quote_id IS NOT NULL))
);
CREATE INDEX project_files_by_project ON project_files (project_id, id);

CREATE TRIGGER project_files_no_update BEFORE UPDATE ON project_files
BEGIN SELECT RAISE(ABORT, 'project files are kept as they were given'); END;
CREATE TRIGGER project_files_no_delete BEFORE DELETE ON project_files
BEGIN SELECT RAISE(ABORT, 'project files are kept as they were given'); END;

-- A person's offer of help on a project, once per project; the owner accepts it for a
-- batch (milestone) or declines it; the volunteer may withdraw it.
CREATE TABLE project_volunteers (
    id            INTEGER PRIMARY KEY,
    project_id    BIGINT NOT NULL REFERENCES projects (id),
    person_id     BIGINT NOT NULL REFERENCES people (id),
    skill         TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('offered', 'accepted', 'declined', 'withdrawn')),
    milestone_id  BIGINT REFERENCES project_milestones (id),
    decided_by    BIGINT REFERENCES people (id),
    decided_at    TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK ((status = 'accepted') = (milestone_id IS NOT NULL))
);
CREATE UNIQUE INDEX project_volunteers_once ON project_volunteers (project_id, person_id);

-- When the project's completion resolved this work order (NULL: it was closed otherwise).
ALTER TABLE project_work_orders ADD COLUMN resolved_at TEXT;
