-- New rows' search terms wait in the GIN index's pending list until it is merged into
-- the index, and every search reads the whole list first. At the default limit (4 MB)
-- that is a few thousand recent reports' terms: 3 of a rare search's 4 ms after a burst
-- of reports. At 256 kB the list is merged eight times as often, by the report that
-- fills it, and a search reads at most 32 pages of it.
ALTER INDEX work_orders_search_terms SET (gin_pending_list_limit = 256);
