-- no-transaction
-- Email joins the channel kinds. SQLite cannot alter a CHECK constraint, so the table is
-- rebuilt the documented way (foreign keys off outside the transaction, so that the
-- deliveries that reference it are kept as they are).
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE notification_channels_rebuilt (
    id             INTEGER PRIMARY KEY,
    community_id   BIGINT NOT NULL REFERENCES communities (id),
    kind           TEXT NOT NULL CHECK (kind IN ('wecom', 'dingtalk', 'feishu', 'webhook', 'sms', 'email')),
    name           TEXT NOT NULL,
    -- For email, a mailto: address list (RFC 6068).
    url            TEXT NOT NULL,
    secret         TEXT,
    -- Comma-separated outbox topics; empty means every topic.
    topics         TEXT NOT NULL DEFAULT '',
    active         BOOLEAN NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL
);
INSERT INTO notification_channels_rebuilt (id, community_id, kind, name, url, secret, topics, active, created_at)
    SELECT id, community_id, kind, name, url, secret, topics, active, created_at FROM notification_channels;
DROP TABLE notification_channels;
ALTER TABLE notification_channels_rebuilt RENAME TO notification_channels;
CREATE INDEX notification_channels_by_community ON notification_channels (community_id);

-- A community's own choice of who hears of a topic in their inbox; a topic without a
-- row follows the default rule (linli_domain::notifications::default_audiences).
CREATE TABLE notification_rules (
    community_id   BIGINT NOT NULL REFERENCES communities (id),
    topic          TEXT NOT NULL,
    -- Comma-separated audiences (duty_officers, lead_party, …); empty means nobody.
    audiences      TEXT NOT NULL,
    updated_by     BIGINT NOT NULL REFERENCES people (id),
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (community_id, topic)
);
COMMIT;
PRAGMA foreign_keys = ON;
