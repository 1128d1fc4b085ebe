-- Text search terms now include each run's overlapping triples (linli_domain::search),
-- so a query of three characters or more asks for triples: a report number such as
-- 4242号 then has a handful of candidates instead of thousands. Every row is indexed
-- again: its terms are cleared here, and the store fills them in batches when it starts
-- (Store::migrate), before it serves. The FTS5 table keeps no content of its own, so it
-- is emptied at once and refilled with the terms.
INSERT INTO work_order_search (work_order_search) VALUES ('delete-all');
UPDATE work_orders SET search_terms = NULL;
