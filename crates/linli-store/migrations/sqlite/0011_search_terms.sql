-- Text search for Chinese: each work order's description as its index terms (single
-- characters and neighbouring pairs, computed in Rust: linli_domain::search), indexed
-- by FTS5 over that column. Rows written before this migration get their terms when the
-- store starts (Store::migrate fills what is missing).
ALTER TABLE work_orders ADD COLUMN search_terms TEXT;
-- The terms are words already: unicode61 only splits them at the spaces. No positions
-- are kept (detail=none): a query asks for terms, the phrase is confirmed on the row.
CREATE VIRTUAL TABLE work_order_search USING fts5(
    search_terms, content = 'work_orders', content_rowid = 'id', detail = none
);
-- What is not indexed yet, found without reading the table at every start (empty once
-- every row has its terms).
CREATE INDEX work_orders_without_search_terms ON work_orders (id) WHERE search_terms IS NULL;
