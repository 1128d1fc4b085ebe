-- The responsibility charter (责任清单) on the office wall: besides the party that usually
-- leads a category's work orders, the parties that usually co-handle them (comma-
-- separated organisation ids); the dispatch form starts from both.
ALTER TABLE categories ADD COLUMN default_co_handler_ids TEXT NOT NULL DEFAULT '';
