//! Volunteers: teams, profiles, activities and their shifts. Sign-ups, check-in and the
//! hours served are in [`sign_ups`].

pub mod sign_ups;

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, PersonId};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamRow {
    pub id: i64,
    pub community_id: i64,
    pub name: String,
    pub leader_person_id: Option<i64>,
    pub leader_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProfileRow {
    pub person_id: i64,
    pub community_id: i64,
    pub display_name: String,
    pub team_id: Option<i64>,
    /// One tag a line.
    pub skills: String,
    pub availability: Option<String>,
}

impl ProfileRow {
    pub fn skill_list(&self) -> Vec<String> {
        self.skills
            .lines()
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActivityRow {
    pub id: i64,
    pub community_id: i64,
    pub team_id: Option<i64>,
    pub team_name: Option<String>,
    pub title: String,
    pub description: String,
    pub place: Option<String>,
    pub cut_off_minutes: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ShiftRow {
    pub id: i64,
    pub activity_id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i64,
    /// The secret the shift's check-in QR code carries (shown to staff only).
    pub check_in_code: String,
    /// Volunteers signed up now (cancelled ones not counted).
    pub signed_up: i64,
}

pub struct NewActivity<'a> {
    pub team_id: Option<i64>,
    pub title: &'a str,
    pub description: &'a str,
    pub place: Option<&'a str>,
    pub cut_off_minutes: i64,
}

/// A shift to add: start, end, capacity and its check-in secret.
pub struct NewShift {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i64,
    pub check_in_code: String,
}

const TEAM_COLUMNS: &str =
    "SELECT t.id, t.community_id, t.name, t.leader_person_id, p.display_name AS leader_name
    FROM volunteer_teams t LEFT JOIN people p ON p.id = t.leader_person_id";
const PROFILE_COLUMNS: &str =
    "SELECT v.person_id, v.community_id, p.display_name, v.team_id, v.skills, v.availability
    FROM volunteer_profiles v JOIN people p ON p.id = v.person_id";
const ACTIVITY_COLUMNS: &str =
    "SELECT a.id, a.community_id, a.team_id, t.name AS team_name, a.title, a.description,
        a.place, a.cut_off_minutes, a.created_at
    FROM volunteer_activities a LEFT JOIN volunteer_teams t ON t.id = a.team_id";
const SHIFT_COLUMNS: &str = "SELECT s.id, s.activity_id, s.starts_at, s.ends_at, s.capacity, s.check_in_code,
        (SELECT COUNT(*) FROM volunteer_sign_ups u WHERE u.shift_id = s.id AND u.status = 'signed_up') AS signed_up
    FROM volunteer_shifts s";

impl Store {
    /// Adds a team; the same name twice in a community is refused.
    pub async fn add_volunteer_team(
        &self,
        community: CommunityId,
        name: &str,
        leader: Option<PersonId>,
        created_by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO volunteer_teams (community_id, name, leader_person_id, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (community_id, name) DO NOTHING RETURNING id",
            )
            .bind(community.0)
            .bind(name)
            .bind(leader.map(|person| person.0))
            .bind(created_by.0)
            .bind(now)
            .fetch_optional(pool)
            .await
        })?
        .ok_or(StoreError::Conflict("volunteer.team_exists"))
    }

    pub async fn volunteer_team(&self, id: i64) -> StoreResult<TeamRow> {
        let sql = format!("{TEAM_COLUMNS} WHERE t.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, TeamRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("volunteer.team_not_found"))
    }

    pub async fn volunteer_teams(&self, community: CommunityId) -> StoreResult<Vec<TeamRow>> {
        let sql = format!("{TEAM_COLUMNS} WHERE t.community_id = $1 ORDER BY t.name, t.id");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, TeamRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Creates or replaces a person's profile.
    pub async fn save_volunteer_profile(
        &self,
        person: PersonId,
        community: CommunityId,
        team: Option<i64>,
        skills: &[String],
        availability: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        let skills = skills.join("\n");
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO volunteer_profiles (person_id, community_id, team_id, skills, availability, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $6)
                 ON CONFLICT (person_id) DO UPDATE SET community_id = excluded.community_id,
                    team_id = excluded.team_id, skills = excluded.skills,
                    availability = excluded.availability, updated_at = excluded.updated_at",
            )
            .bind(person.0)
            .bind(community.0)
            .bind(team)
            .bind(&skills)
            .bind(availability)
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    pub async fn volunteer_profile(&self, person: PersonId) -> StoreResult<Option<ProfileRow>> {
        let sql = format!("{PROFILE_COLUMNS} WHERE v.person_id = $1");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ProfileRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(person.0)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// A community's volunteers, by name.
    pub async fn volunteer_profiles(&self, community: CommunityId) -> StoreResult<Vec<ProfileRow>> {
        let sql = format!(
            "{PROFILE_COLUMNS} WHERE v.community_id = $1 ORDER BY p.display_name, v.person_id"
        );
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ProfileRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Adds an activity with its shifts, in one transaction.
    pub async fn add_volunteer_activity(
        &self,
        community: CommunityId,
        activity: &NewActivity<'_>,
        shifts: &[NewShift],
        created_by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO volunteer_activities (community_id, team_id, title, description, place, cut_off_minutes, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(community.0)
            .bind(activity.team_id)
            .bind(activity.title)
            .bind(activity.description)
            .bind(activity.place)
            .bind(activity.cut_off_minutes)
            .bind(created_by.0)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for shift in shifts {
                sqlx::query(
                    "INSERT INTO volunteer_shifts (activity_id, starts_at, ends_at, capacity, check_in_code, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(stored_time(shift.starts_at))
                .bind(stored_time(shift.ends_at))
                .bind(shift.capacity)
                .bind(&shift.check_in_code)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn volunteer_activity(&self, id: i64) -> StoreResult<ActivityRow> {
        let sql = format!("{ACTIVITY_COLUMNS} WHERE a.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ActivityRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("volunteer.activity_not_found"))
    }

    /// A community's activities, newest first.
    pub async fn volunteer_activities(
        &self,
        community: CommunityId,
    ) -> StoreResult<Vec<ActivityRow>> {
        let sql = format!("{ACTIVITY_COLUMNS} WHERE a.community_id = $1 ORDER BY a.id DESC");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ActivityRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .fetch_all(pool)
                .await
        })?)
    }

    /// The shifts of the activities `ids`, by start.
    pub async fn volunteer_shifts(&self, activities: &[i64]) -> StoreResult<Vec<ShiftRow>> {
        if activities.is_empty() {
            return Ok(Vec::new());
        }
        let list = activities
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        // The ids are numbers formatted here, not text from a request.
        let sql =
            format!("{SHIFT_COLUMNS} WHERE s.activity_id IN ({list}) ORDER BY s.starts_at, s.id");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ShiftRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .fetch_all(pool)
                .await
        })?)
    }

    pub async fn volunteer_shift(&self, id: i64) -> StoreResult<ShiftRow> {
        let sql = format!("{SHIFT_COLUMNS} WHERE s.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ShiftRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("volunteer.shift_not_found"))
    }
}
