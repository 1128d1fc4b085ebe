-- Photos of work orders: what the reporter saw, and the evidence of the fix. The image
-- bytes live in blob storage (the data directory by default); these rows say where.
-- Twin of ../sqlite/0004_photos.sql.

CREATE TABLE work_order_photos (
    id             BIGSERIAL PRIMARY KEY,
    work_order_id  BIGINT NOT NULL REFERENCES work_orders (id),
    uploaded_by    BIGINT NOT NULL REFERENCES people (id),
    purpose        TEXT NOT NULL,         -- 'report' or 'resolution'
    storage_key    TEXT NOT NULL UNIQUE,
    thumbnail_key  TEXT NOT NULL UNIQUE,
    width          BIGINT NOT NULL,
    height         BIGINT NOT NULL,
    bytes          BIGINT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX work_order_photos_by_order ON work_order_photos (work_order_id, id);
