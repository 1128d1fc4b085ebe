-- Counters for statistics, kept up to date in the transaction of each change, so that
-- statistics read a few aggregated rows instead of scanning work orders.
-- Twin of ../postgres/0003_statistics.sql (SQLite: days as text).

-- Per community and day (Shanghai): the totals (dimension 'all', id 0), and the same
-- counts by one dimension at a time — 'category', 'building', 'organisation' (the lead
-- party; 0 = none). One dimension per row keeps the table small: a year of statistics
-- reads a few thousand rows whatever the number of work orders.
CREATE TABLE work_order_daily_stats (
    community_id     BIGINT NOT NULL REFERENCES communities (id),
    day              TEXT NOT NULL,
    dimension        TEXT NOT NULL,
    dimension_id     BIGINT NOT NULL,
    created          BIGINT NOT NULL DEFAULT 0,
    dispatched       BIGINT NOT NULL DEFAULT 0,
    signed           BIGINT NOT NULL DEFAULT 0,
    signed_in_time   BIGINT NOT NULL DEFAULT 0,
    resolved         BIGINT NOT NULL DEFAULT 0,
    accepted         BIGINT NOT NULL DEFAULT 0,
    rated            BIGINT NOT NULL DEFAULT 0,
    satisfied        BIGINT NOT NULL DEFAULT 0,
    reopened         BIGINT NOT NULL DEFAULT 0,
    cancelled        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, dimension, day, dimension_id)
);

-- Histograms of minutes from dispatch to signing ('sign') and to resolution ('resolve').
CREATE TABLE work_order_duration_stats (
    community_id     BIGINT NOT NULL REFERENCES communities (id),
    day              TEXT NOT NULL,
    organisation_id  BIGINT NOT NULL,
    kind             TEXT NOT NULL,
    bucket           BIGINT NOT NULL,
    count            BIGINT NOT NULL,
    PRIMARY KEY (community_id, day, organisation_id, kind, bucket)
);

-- How many work orders are in each status now.
CREATE TABLE work_order_status_counts (
    community_id  BIGINT NOT NULL REFERENCES communities (id),
    status        TEXT NOT NULL,
    count         BIGINT NOT NULL,
    PRIMARY KEY (community_id, status)
);
INSERT INTO work_order_status_counts (community_id, status, count)
    SELECT community_id, status, COUNT(*) FROM work_orders GROUP BY community_id, status;
