-- Every instance keeps a copy of its callers (session → person and role grants, and
-- people's rooms) and must drop it the moment any of that changes, whichever instance
-- or tool made the change. These triggers announce it on the `linli_access` channel in
-- the changing transaction, so the notice goes out exactly when the change commits.
-- PostgreSQL sends one notice per transaction however many rows fire it (equal
-- notifications in a transaction are folded into one).

CREATE FUNCTION linli_announce_access_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('linli_access', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

-- A session ends (sign-out, password change, purge) or is cut short; a touch only
-- lengthens one and needs no notice.
CREATE TRIGGER sessions_announce_end AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION linli_announce_access_change();
CREATE TRIGGER sessions_announce_shortening AFTER UPDATE ON sessions
    FOR EACH ROW WHEN (NEW.expires_at < OLD.expires_at OR NEW.person_id <> OLD.person_id
                       OR NEW.token_hash <> OLD.token_hash)
    EXECUTE FUNCTION linli_announce_access_change();

-- What a caller is shown as, and whether the account still works.
CREATE TRIGGER people_announce_change AFTER UPDATE OF login, display_name, phone, disabled OR DELETE ON people
    FOR EACH ROW EXECUTE FUNCTION linli_announce_access_change();

CREATE TRIGGER role_grants_announce_change AFTER INSERT OR UPDATE OR DELETE ON role_grants
    FOR EACH ROW EXECUTE FUNCTION linli_announce_access_change();

CREATE TRIGGER person_rooms_announce_change AFTER INSERT OR UPDATE OR DELETE ON person_rooms
    FOR EACH ROW EXECUTE FUNCTION linli_announce_access_change();

-- A person's rooms carry their building's name and their unit's number.
CREATE TRIGGER rooms_announce_change AFTER UPDATE OR DELETE ON rooms
    FOR EACH ROW EXECUTE FUNCTION linli_announce_access_change();
CREATE TRIGGER units_announce_change AFTER UPDATE OR DELETE ON units
    FOR EACH ROW EXECUTE FUNCTION linli_announce_access_change();
CREATE TRIGGER buildings_announce_change AFTER UPDATE OR DELETE ON buildings
    FOR EACH ROW EXECUTE FUNCTION linli_announce_access_change();

-- Emptying a table by hand (TRUNCATE fires no row trigger).
CREATE TRIGGER sessions_announce_truncate AFTER TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION linli_announce_access_change();
CREATE TRIGGER people_announce_truncate AFTER TRUNCATE ON people
    FOR EACH STATEMENT EXECUTE FUNCTION linli_announce_access_change();
CREATE TRIGGER role_grants_announce_truncate AFTER TRUNCATE ON role_grants
    FOR EACH STATEMENT EXECUTE FUNCTION linli_announce_access_change();
CREATE TRIGGER person_rooms_announce_truncate AFTER TRUNCATE ON person_rooms
    FOR EACH STATEMENT EXECUTE FUNCTION linli_announce_access_change();
CREATE TRIGGER rooms_announce_truncate AFTER TRUNCATE ON rooms
    FOR EACH STATEMENT EXECUTE FUNCTION linli_announce_access_change();
CREATE TRIGGER units_announce_truncate AFTER TRUNCATE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION linli_announce_access_change();
CREATE TRIGGER buildings_announce_truncate AFTER TRUNCATE ON buildings
    FOR EACH STATEMENT EXECUTE FUNCTION linli_announce_access_change();
