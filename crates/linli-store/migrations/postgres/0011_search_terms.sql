-- Text search for Chinese: each work order's description as its index terms (single
-- characters and neighbouring pairs, computed in Rust: linli_domain::search), in a GIN
-- index over their array. Rows written before this migration get their terms when the
-- store starts (Store::migrate fills what is missing).
ALTER TABLE work_orders ADD COLUMN search_terms TEXT;
CREATE INDEX work_orders_search_terms ON work_orders USING gin (string_to_array(search_terms, ' '));
-- What is not indexed yet, found without reading the table at every start (empty once
-- every row has its terms).
CREATE INDEX work_orders_without_search_terms ON work_orders (id) WHERE search_terms IS NULL;
