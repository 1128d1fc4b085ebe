-- People's in-app inbox.
CREATE TABLE notifications (
    id             INTEGER PRIMARY KEY,
    person_id      BIGINT NOT NULL REFERENCES people (id),
    community_id   BIGINT REFERENCES communities (id),
    work_order_id  BIGINT REFERENCES work_orders (id),
    topic          TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    read_at        TEXT
);
CREATE INDEX notifications_by_person ON notifications (person_id, id);
CREATE INDEX notifications_unread ON notifications (person_id) WHERE read_at IS NULL;

-- Where a community's messages also go: office group chats and other systems.
CREATE TABLE notification_channels (
    id             INTEGER PRIMARY KEY,
    community_id   BIGINT NOT NULL REFERENCES communities (id),
    kind           TEXT NOT NULL CHECK (kind IN ('wecom', 'dingtalk', 'feishu', 'webhook', 'sms')),
    name           TEXT NOT NULL,
    url            TEXT NOT NULL,
    secret         TEXT,
    -- Comma-separated outbox topics; empty means every topic.
    topics         TEXT NOT NULL DEFAULT '',
    active         BOOLEAN NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL
);
CREATE INDEX notification_channels_by_community ON notification_channels (community_id);

-- Each message to each channel, tried until it arrives: the delivery log.
CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY,
    outbox_id        BIGINT NOT NULL REFERENCES outbox (id),
    channel_id       BIGINT NOT NULL REFERENCES notification_channels (id),
    body             TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    delivered_at     TEXT,
    created_at       TEXT NOT NULL,
    UNIQUE (outbox_id, channel_id)
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_by_channel ON deliveries (channel_id, id);
