-- A work order waiting for the duty officer (待受理) has a time limit too: each category
-- has one for triage, starting as long as its limit to sign for (2 working hours, 30
-- minutes when urgent). Work orders already waiting get their deadline from the clock's
-- job, which counts it on the working calendar from when they were reported.
ALTER TABLE categories ADD COLUMN triage_limit_kind TEXT NOT NULL DEFAULT 'working_minutes';
ALTER TABLE categories ADD COLUMN triage_limit_minutes BIGINT NOT NULL DEFAULT 120;
UPDATE categories SET triage_limit_kind = sign_limit_kind, triage_limit_minutes = sign_limit_minutes;
ALTER TABLE work_orders ADD COLUMN triage_deadline TEXT;
CREATE INDEX work_orders_by_triage_deadline ON work_orders (status, triage_deadline);

-- An inbox message keeps what it says as a text key with its values, so that each reader
-- reads it in their own language; `body` stays as it was first written (the default
-- language) for older rows and for channels.
ALTER TABLE notifications ADD COLUMN text_args TEXT;
-- The inbox lists by time.
CREATE INDEX notifications_by_person_time ON notifications (person_id, created_at);

-- The joint office's phone number, printed on the slip a visitor takes home.
ALTER TABLE communities ADD COLUMN office_phone TEXT;
