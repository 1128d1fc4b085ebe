-- PostgreSQL's 0013 adds triggers that tell every instance when a session, a person, a
-- role grant or a room changes, so each can drop its copy of its callers. A SQLite
-- database has one process, which makes (and so knows of) every change itself: nothing
-- to add here; the file keeps both engines' migrations in step.
SELECT 1;
