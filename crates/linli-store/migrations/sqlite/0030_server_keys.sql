-- Secret keys of the server, made once by whichever instance first needs one and then
-- shared by every instance through the database: the key the pages' CSRF tokens are
-- derived with (an HMAC of the session), so a token one instance gave is good on all.
-- Twin of ../postgres/0030_server_keys.sql.

CREATE TABLE server_keys (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
