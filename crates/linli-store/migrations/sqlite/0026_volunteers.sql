-- Volunteers (志愿者报名): teams, volunteers' profiles, activities with shifts of a given
-- capacity, sign-ups with check-in and check-out, and corrections of the minutes served.

-- A team volunteers serve with (城悦志愿者工作室), with its leader when they have an account.
CREATE TABLE volunteer_teams (
    id                INTEGER PRIMARY KEY,
    community_id      BIGINT NOT NULL REFERENCES communities (id),
    name              TEXT NOT NULL,
    leader_person_id  BIGINT REFERENCES people (id),
    created_by        BIGINT NOT NULL REFERENCES people (id),
    created_at        TEXT NOT NULL,
    UNIQUE (community_id, name)
);

-- A person's volunteer profile: skills (tags, one a line), when they are free, their team.
CREATE TABLE volunteer_profiles (
    person_id     BIGINT PRIMARY KEY REFERENCES people (id),
    community_id  BIGINT NOT NULL REFERENCES communities (id),
    team_id       BIGINT REFERENCES volunteer_teams (id),
    skills        TEXT NOT NULL,
    availability  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX volunteer_profiles_by_team ON volunteer_profiles (community_id, team_id);

-- An activity (an afternoon of TNR, a haircut day) of a team or of the community, whose
-- sign-ups close `cut_off_minutes` before each shift starts.
CREATE TABLE volunteer_activities (
    id               INTEGER PRIMARY KEY,
    community_id     BIGINT NOT NULL REFERENCES communities (id),
    team_id          BIGINT REFERENCES volunteer_teams (id),
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    place            TEXT,
    cut_off_minutes  BIGINT NOT NULL CHECK (cut_off_minutes >= 0),
    created_by       BIGINT NOT NULL REFERENCES people (id),
    created_at       TEXT NOT NULL
);
CREATE INDEX volunteer_activities_by_community ON volunteer_activities (community_id, id);

-- A shift of an activity: when, how many volunteers, and the secret its check-in QR
-- code carries.
CREATE TABLE volunteer_shifts (
    id             INTEGER PRIMARY KEY,
    activity_id    BIGINT NOT NULL REFERENCES volunteer_activities (id) ON DELETE CASCADE,
    starts_at      TEXT NOT NULL,
    ends_at        TEXT NOT NULL,
    capacity       BIGINT NOT NULL CHECK (capacity > 0),
    check_in_code  TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX volunteer_shifts_by_activity ON volunteer_shifts (activity_id, starts_at);

-- One person on one shift: signed up (or cancelled), checked in and out by whom.
CREATE TABLE volunteer_sign_ups (
    id              INTEGER PRIMARY KEY,
    shift_id        BIGINT NOT NULL REFERENCES volunteer_shifts (id) ON DELETE CASCADE,
    person_id       BIGINT NOT NULL REFERENCES people (id),
    status          TEXT NOT NULL CHECK (status IN ('signed_up', 'cancelled')),
    signed_up_at    TEXT NOT NULL,
    cancelled_at    TEXT,
    checked_in_at   TEXT,
    checked_in_by   BIGINT REFERENCES people (id),
    checked_out_at  TEXT,
    checked_out_by  BIGINT REFERENCES people (id),
    CHECK (checked_out_at IS NULL OR checked_in_at IS NOT NULL)
);
CREATE UNIQUE INDEX volunteer_sign_ups_once ON volunteer_sign_ups (shift_id, person_id);
CREATE INDEX volunteer_sign_ups_by_person ON volunteer_sign_ups (person_id, shift_id);

-- The supervisor's corrections of a sign-up's minutes, appended with their reason; the
-- latest one is the minutes counted.
CREATE TABLE volunteer_corrections (
    id            INTEGER PRIMARY KEY,
    sign_up_id    BIGINT NOT NULL REFERENCES volunteer_sign_ups (id) ON DELETE CASCADE,
    minutes       BIGINT NOT NULL CHECK (minutes >= 0),
    reason        TEXT NOT NULL,
    corrected_by  BIGINT NOT NULL REFERENCES people (id),
    created_at    TEXT NOT NULL
);
CREATE INDEX volunteer_corrections_by_sign_up ON volunteer_corrections (sign_up_id, id);
