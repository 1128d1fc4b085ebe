-- Crowdfunding (众筹) and its public ledger (财务公开).
--
-- The ledger is double-entry and append-only: fund_entries and fund_entry_lines are
-- only ever inserted into (triggers refuse UPDATE and DELETE); a mistake is undone by a
-- reversing entry. The campaign keeps running totals beside the entries, written in the
-- same transaction, so that the two can be cross-checked.

CREATE TABLE fund_campaigns (
    id                         INTEGER PRIMARY KEY,
    community_id               BIGINT NOT NULL REFERENCES communities (id),
    project_id                 BIGINT REFERENCES projects (id),
    title                      TEXT NOT NULL,
    purpose                    TEXT NOT NULL,
    target_fen                 BIGINT NOT NULL CHECK (target_fen > 0),
    -- The last day pledges are taken, a Shanghai calendar day (YYYY-MM-DD).
    deadline                   TEXT NOT NULL,
    treasurer_id               BIGINT NOT NULL REFERENCES people (id),
    treasurer_organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    -- How to give: the desk's hours, the committee's account; shown, never processed.
    how_to_give                TEXT NOT NULL DEFAULT '',
    status                     TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    raised_fen                 BIGINT NOT NULL DEFAULT 0,
    refunded_fen               BIGINT NOT NULL DEFAULT 0,
    spent_fen                  BIGINT NOT NULL DEFAULT 0,
    entry_count                BIGINT NOT NULL DEFAULT 0,
    last_receipt               BIGINT NOT NULL DEFAULT 0,
    created_by                 BIGINT NOT NULL REFERENCES people (id),
    created_at                 TEXT NOT NULL,
    updated_at                 TEXT NOT NULL
);
CREATE INDEX fund_campaigns_by_community ON fund_campaigns (community_id, id);

CREATE TABLE fund_pledges (
    id              INTEGER PRIMARY KEY,
    campaign_id     BIGINT NOT NULL REFERENCES fund_campaigns (id),
    donor_id        BIGINT REFERENCES people (id),
    donor_name      TEXT NOT NULL,
    anonymous       BOOLEAN NOT NULL,
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    channel         TEXT NOT NULL CHECK (channel IN ('cash', 'transfer', 'qr_code')),
    status          TEXT NOT NULL CHECK (status IN ('pledged', 'confirmed', 'withdrawn', 'lapsed')),
    -- The numbered slip the desk gives for cash taken.
    receipt_number  BIGINT,
    recorded_by     BIGINT NOT NULL REFERENCES people (id),
    created_at      TEXT NOT NULL,
    decided_by      BIGINT REFERENCES people (id),
    decided_at      TEXT,
    UNIQUE (campaign_id, receipt_number)
);
CREATE INDEX fund_pledges_by_campaign ON fund_pledges (campaign_id, id);
CREATE INDEX fund_pledges_by_donor ON fund_pledges (donor_id);

CREATE TABLE fund_expenses (
    id               INTEGER PRIMARY KEY,
    campaign_id      BIGINT NOT NULL REFERENCES fund_campaigns (id),
    amount_fen       BIGINT NOT NULL CHECK (amount_fen > 0),
    payee            TEXT NOT NULL,
    purpose          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'pending', 'approved', 'paid', 'rejected')),
    requested_by     BIGINT NOT NULL REFERENCES people (id),
    approved_by      BIGINT REFERENCES people (id),
    override_reason  TEXT,
    reject_reason    TEXT,
    paid_by          BIGINT REFERENCES people (id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    paid_at          TEXT
);
CREATE INDEX fund_expenses_by_campaign ON fund_expenses (campaign_id, id);

CREATE TABLE fund_entries (
    id             INTEGER PRIMARY KEY,
    campaign_id    BIGINT NOT NULL REFERENCES fund_campaigns (id),
    -- The entry's place in its campaign's ledger, from 0.
    seq            BIGINT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('donation', 'refund', 'expense', 'reversal')),
    amount_fen     BIGINT NOT NULL CHECK (amount_fen > 0),
    reverses_seq   BIGINT,
    pledge_id      BIGINT REFERENCES fund_pledges (id),
    expense_id     BIGINT REFERENCES fund_expenses (id),
    reason         TEXT,
    recorded_by    BIGINT NOT NULL REFERENCES people (id),
    recorded_at    TEXT NOT NULL,
    UNIQUE (campaign_id, seq),
    -- An entry is undone at most once.
    UNIQUE (campaign_id, reverses_seq)
);

CREATE TABLE fund_entry_lines (
    id        INTEGER PRIMARY KEY,
    entry_id  BIGINT NOT NULL REFERENCES fund_entries (id),
    account   TEXT NOT NULL CHECK (account IN ('funds', 'donations', 'refunds', 'expenses')),
    fen       BIGINT NOT NULL
);
CREATE INDEX fund_entry_lines_by_entry ON fund_entry_lines (entry_id);

CREATE TRIGGER fund_entries_no_update BEFORE UPDATE ON fund_entries
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER fund_entries_no_delete BEFORE DELETE ON fund_entries
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER fund_entry_lines_no_update BEFORE UPDATE ON fund_entry_lines
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER fund_entry_lines_no_delete BEFORE DELETE ON fund_entry_lines
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
