-- The text message that tells an invited number it was invited to a room (see
-- linli_app::accounts::members): sent right after the invitation is saved, and tried
-- again by the jobs leader until it goes or has been tried five times. Twin of
-- ../sqlite/0038_invitation_texts.sql.
ALTER TABLE room_invitations ADD COLUMN texted_at TIMESTAMPTZ;
ALTER TABLE room_invitations ADD COLUMN text_tried_at TIMESTAMPTZ;
ALTER TABLE room_invitations ADD COLUMN text_attempts BIGINT NOT NULL DEFAULT 0;
