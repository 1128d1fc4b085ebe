-- PostgreSQL's 0044 adds blocks of ids to its text index, so that a search in id order
-- reads the newest matches first. SQLite's FTS5 index gives its matches in id order
-- already: nothing to change here; the file keeps both engines' migrations in step.
SELECT 1;
