-- Tokens that let an office television show a community's (or a street's) big screen
-- without anyone signing in. Only a hash of the token is kept.
CREATE TABLE screen_tokens (
    id            BIGSERIAL PRIMARY KEY,
    scope_kind    TEXT NOT NULL CHECK (scope_kind IN ('community', 'street')),
    scope_id      BIGINT NOT NULL,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_by    BIGINT NOT NULL REFERENCES people (id),
    created_at    TIMESTAMPTZ NOT NULL,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX screen_tokens_by_scope ON screen_tokens (scope_kind, scope_id);
