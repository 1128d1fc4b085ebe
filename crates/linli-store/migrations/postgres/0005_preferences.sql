-- 长辈版 (large text, simplified layout) is remembered per person, on every device.
ALTER TABLE people ADD COLUMN large_text BOOLEAN NOT NULL DEFAULT FALSE;
