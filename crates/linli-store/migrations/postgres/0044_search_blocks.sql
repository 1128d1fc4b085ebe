-- The text index also holds each work order's block of ids: '#' and id >> 12, a label
-- no term can equal (terms are letters and digits). A search in id order then asks the
-- index for the matches of the newest blocks first, a window at a time, instead of
-- walking the primary key past every newer report that does not match (after a burst
-- of 55,000 reports of something else, 380 ms for 路灯 at 16 clients). Queries name the
-- index by this expression: linli_store::search::POSTGRES_INDEXED.
DROP INDEX work_orders_search_terms;
CREATE INDEX work_orders_search_terms ON work_orders
    USING gin ((string_to_array(search_terms, ' ') || ('#' || (id >> 12)::text)))
    WITH (gin_pending_list_limit = 256);
