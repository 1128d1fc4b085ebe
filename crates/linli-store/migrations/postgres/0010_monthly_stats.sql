-- Monthly roll-ups of the daily counters, written in the same transaction as them, so a
-- year of statistics reads twelve rows per slice instead of 365.
-- Twin of ../sqlite/0010_monthly_stats.sql (months as the date of their first day).
CREATE TABLE work_order_monthly_stats (
    community_id     BIGINT NOT NULL REFERENCES communities (id),
    month            DATE NOT NULL,
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
    PRIMARY KEY (community_id, dimension, month, dimension_id)
);
INSERT INTO work_order_monthly_stats (community_id, month, dimension, dimension_id, created, dispatched,
        signed, signed_in_time, resolved, accepted, rated, satisfied, reopened, cancelled)
    SELECT community_id, date_trunc('month', day)::date, dimension, dimension_id, SUM(created), SUM(dispatched),
        SUM(signed), SUM(signed_in_time), SUM(resolved), SUM(accepted), SUM(rated), SUM(satisfied),
        SUM(reopened), SUM(cancelled)
    FROM work_order_daily_stats GROUP BY community_id, date_trunc('month', day)::date, dimension, dimension_id;

CREATE TABLE work_order_duration_monthly_stats (
    community_id     BIGINT NOT NULL REFERENCES communities (id),
    month            DATE NOT NULL,
    organisation_id  BIGINT NOT NULL,
    kind             TEXT NOT NULL,
    bucket           BIGINT NOT NULL,
    count            BIGINT NOT NULL,
    PRIMARY KEY (community_id, month, organisation_id, kind, bucket)
);
INSERT INTO work_order_duration_monthly_stats (community_id, month, organisation_id, kind, bucket, count)
    SELECT community_id, date_trunc('month', day)::date, organisation_id, kind, bucket, SUM(count)
    FROM work_order_duration_stats GROUP BY community_id, date_trunc('month', day)::date, organisation_id, kind, bucket;
