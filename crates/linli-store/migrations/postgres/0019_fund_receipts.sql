-- Receipt photos of a campaign's expenses (the invoice, the clinic's bill), shown on the
-- public ledger. Kept as evidence: never changed or removed.
CREATE TABLE fund_expense_receipts (
    id             BIGSERIAL PRIMARY KEY,
    expense_id     BIGINT NOT NULL REFERENCES fund_expenses (id),
    uploaded_by    BIGINT NOT NULL REFERENCES people (id),
    storage_key    TEXT NOT NULL UNIQUE,
    thumbnail_key  TEXT NOT NULL UNIQUE,
    width          BIGINT NOT NULL,
    height         BIGINT NOT NULL,
    bytes          BIGINT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX fund_expense_receipts_by_expense ON fund_expense_receipts (expense_id, id);

CREATE FUNCTION fund_expense_receipts_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'receipts are kept as they were given';
END;
$$;
CREATE TRIGGER fund_expense_receipts_kept BEFORE UPDATE OR DELETE ON fund_expense_receipts
    FOR EACH ROW EXECUTE FUNCTION fund_expense_receipts_kept();
