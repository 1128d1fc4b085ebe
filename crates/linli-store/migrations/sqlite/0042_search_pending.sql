-- PostgreSQL's 0042 shortens its text index's pending list. SQLite's FTS5 index writes
-- each report's terms as it is made: nothing to change here; the file keeps both
-- engines' migrations in step.
SELECT 1;
