-- Email joins the channel kinds.
ALTER TABLE notification_channels DROP CONSTRAINT notification_channels_kind_check;
ALTER TABLE notification_channels ADD CONSTRAINT notification_channels_kind_check
    CHECK (kind IN ('wecom', 'dingtalk', 'feishu', 'webhook', 'sms', 'email'));
COMMENT ON COLUMN notification_channels.url IS 'For email, a mailto: address list (RFC 6068).';

-- A community's own choice of who hears of a topic in their inbox; a topic without a
-- row follows the default rule (linli_domain::notifications::default_audiences).
CREATE TABLE notification_rules (
    community_id   BIGINT NOT NULL REFERENCES communities (id),
    topic          TEXT NOT NULL,
    -- Comma-separated audiences (duty_officers, lead_party, …); empty means nobody.
    audiences      TEXT NOT NULL,
    updated_by     BIGINT NOT NULL REFERENCES people (id),
    updated_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, topic)
);
