-- PostgreSQL's 0043 carries the id in the triage-deadline index. Every SQLite index
-- carries its row's id already: nothing to change here; the file keeps both engines'
-- migrations in step.
SELECT 1;
