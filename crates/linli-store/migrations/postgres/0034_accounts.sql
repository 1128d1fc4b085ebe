-- Joining without staff: sign-in codes sent by SMS (短信验证码), claims of a room that the
-- committee confirms or refuses, owners' invitations of family members and tenants, and
-- the mark of reports made by a resident whose claim is not yet confirmed (未核实).
-- Twin of ../sqlite/0034_accounts.sql.

-- A 6-digit code sent to a mobile number: stored only as a keyed hash (HMAC with the
-- server's `phone_codes` key), good for 5 minutes, once. `attempts` counts wrong guesses
-- against it; `client_ip` is the address that asked for it (the limits count both).
CREATE TABLE phone_codes (
    id          BIGSERIAL PRIMARY KEY,
    phone       TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    client_ip   TEXT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX phone_codes_by_phone ON phone_codes (phone, created_at);
CREATE INDEX phone_codes_by_address ON phone_codes (client_ip, created_at);

-- A person's claim of a room: pending until the residents' committee (for owners, the
-- owners' committee) confirms it, which writes the person's room and resident role, or
-- refuses it with a reason.
CREATE TABLE room_claims (
    id            BIGSERIAL PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities (id),
    person_id     BIGINT NOT NULL REFERENCES people (id),
    room_id       BIGINT NOT NULL REFERENCES rooms (id),
    relation      TEXT NOT NULL CHECK (relation IN ('owner', 'family', 'tenant')),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'refused')),
    reason        TEXT,
    decided_by    BIGINT REFERENCES people (id),
    decided_at    TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX room_claims_by_community ON room_claims (community_id, status, id);
CREATE INDEX room_claims_by_person ON room_claims (person_id, id);
CREATE UNIQUE INDEX room_claims_one_pending ON room_claims (person_id, room_id) WHERE status = 'pending';

-- An owner's invitation of a family member or a tenant, by mobile number: whoever signs
-- in with that number joins the room, no committee step. A tenant's access ends on
-- `ends_at`; `removed_at` is set when the owner removes them (or the access ended).
CREATE TABLE room_invitations (
    id           BIGSERIAL PRIMARY KEY,
    room_id      BIGINT NOT NULL REFERENCES rooms (id),
    phone        TEXT NOT NULL,
    relation     TEXT NOT NULL CHECK (relation IN ('family', 'tenant')),
    ends_at      TIMESTAMPTZ,
    invited_by   BIGINT NOT NULL REFERENCES people (id),
    person_id    BIGINT REFERENCES people (id),
    created_at   TIMESTAMPTZ NOT NULL,
    accepted_at  TIMESTAMPTZ,
    removed_at   TIMESTAMPTZ
);
CREATE INDEX room_invitations_by_phone ON room_invitations (phone);
CREATE INDEX room_invitations_by_room ON room_invitations (room_id);

-- A report made by someone whose claim of a room was not yet confirmed: triage shows it
-- as 未核实.
CREATE TABLE unverified_reports (
    work_order_id  BIGINT PRIMARY KEY REFERENCES work_orders (id),
    claim_id       BIGINT NOT NULL REFERENCES room_claims (id)
);
