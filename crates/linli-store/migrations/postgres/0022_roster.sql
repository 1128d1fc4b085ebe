-- The joint office's duty roster (值班表): who holds the reception desk and the duty post
-- each half-day, and swaps of a shift that the supervisor approves.

-- A shift: a day (Shanghai, YYYY-MM-DD), a half ('am' or 'pm'), a post ('desk' or
-- 'duty') and who holds it: a person with an account, or a name (a party or resident
-- representative, a social organisation's volunteer) with whom they represent.
CREATE TABLE roster_shifts (
    id            BIGSERIAL PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities (id),
    day           DATE NOT NULL,
    half          TEXT NOT NULL CHECK (half IN ('am', 'pm')),
    post          TEXT NOT NULL CHECK (post IN ('desk', 'duty')),
    person_id     BIGINT REFERENCES people (id),
    name          TEXT NOT NULL,
    represents    TEXT,
    created_by    BIGINT NOT NULL REFERENCES people (id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX roster_shifts_once ON roster_shifts (community_id, day, half, post, name);

-- A request to hand a shift to someone else; approved, it changes the shift's holder.
CREATE TABLE roster_swaps (
    id                     BIGSERIAL PRIMARY KEY,
    shift_id               BIGINT NOT NULL REFERENCES roster_shifts (id) ON DELETE CASCADE,
    requested_by           BIGINT NOT NULL REFERENCES people (id),
    replacement_person_id  BIGINT REFERENCES people (id),
    replacement_name       TEXT NOT NULL,
    reason                 TEXT NOT NULL,
    status                 TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'refused', 'withdrawn')),
    decided_by             BIGINT REFERENCES people (id),
    decided_at             TIMESTAMPTZ,
    created_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX roster_swaps_by_shift ON roster_swaps (shift_id, id);
