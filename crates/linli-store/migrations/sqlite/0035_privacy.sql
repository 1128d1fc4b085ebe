-- Personal data (个人信息保护法): erasure on request, how long photos of closed work
-- orders and the visit log's personal fields are kept, and who read a resident's
-- unmasked details. Twin of ../postgres/0035_privacy.sql.

-- Set when the person's account was erased; their personal fields are gone.
ALTER TABLE people ADD COLUMN erased_at TEXT;

-- A community's retention periods; a community without a row keeps the defaults
-- (linli_domain::privacy::RetentionPolicy::default).
CREATE TABLE retention_policies (
    community_id  BIGINT PRIMARY KEY REFERENCES communities (id),
    photo_months  BIGINT NOT NULL CHECK (photo_months BETWEEN 1 AND 120),
    visit_months  BIGINT NOT NULL CHECK (visit_months BETWEEN 1 AND 120),
    updated_by    BIGINT NOT NULL REFERENCES people (id),
    updated_at    TEXT NOT NULL
);

-- Each application of the periods, with what it removed: the record the law asks for.
CREATE TABLE retention_runs (
    id                 INTEGER PRIMARY KEY,
    community_id       BIGINT NOT NULL REFERENCES communities (id),
    ran_at             TEXT NOT NULL,
    photo_cutoff_at    TEXT NOT NULL,
    visit_cutoff_at    TEXT NOT NULL,
    photos_deleted     BIGINT NOT NULL,
    visits_anonymised  BIGINT NOT NULL
);
CREATE INDEX retention_runs_by_community ON retention_runs (community_id, id);

-- Who saw a reporter's unmasked name, phone or room on a work order: the first time
-- each day per reader and work order.
CREATE TABLE personal_data_reads (
    id             INTEGER PRIMARY KEY,
    community_id   BIGINT NOT NULL REFERENCES communities (id),
    reader_id      BIGINT NOT NULL REFERENCES people (id),
    work_order_id  BIGINT NOT NULL REFERENCES work_orders (id),
    -- The reporter's account; none for a guest reported at the desk or by phone.
    subject_id     BIGINT REFERENCES people (id),
    day            TEXT NOT NULL,
    first_read_at  TEXT NOT NULL,
    UNIQUE (reader_id, work_order_id, day)
);
CREATE INDEX personal_data_reads_by_subject ON personal_data_reads (subject_id, id);
CREATE INDEX personal_data_reads_by_community ON personal_data_reads (community_id, id);
