//! People with accounts, the rooms they live in and the roles they hold.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, GrantId, PersonId, RoomId};
use linli_domain::registry::{Login, Name, Phone, RoomRelation};
use linli_domain::roles::{Grant, Role, Scope};
use sqlx::AssertSqlSafe;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Person {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub disabled: bool,
}

/// A person with what sign-in needs; never serialised.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credentials {
    pub id: i64,
    pub password_hash: String,
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredGrant {
    pub id: i64,
    pub grant: Grant,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct GrantRow {
    id: i64,
    role: String,
    scope_kind: String,
    scope_id: i64,
    organisation_id: Option<i64>,
}

impl GrantRow {
    /// The grant from its stored columns; `None` for a role or scope this version does
    /// not know.
    pub(crate) fn from_parts(
        id: i64,
        role: String,
        scope_kind: String,
        scope_id: i64,
        organisation_id: Option<i64>,
    ) -> Option<StoredGrant> {
        Self {
            id,
            role,
            scope_kind,
            scope_id,
            organisation_id,
        }
        .into_grant()
    }

    fn into_grant(self) -> Option<StoredGrant> {
        let role = Role::parse(&self.role).ok()?;
        let scope = Scope::from_parts(&self.scope_kind, self.scope_id)?;
        let organisation = self.organisation_id.map(linli_domain::ids::OrganisationId);
        Some(StoredGrant {
            id: self.id,
            grant: Grant {
                role,
                scope,
                organisation,
            },
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonRoom {
    pub room_id: i64,
    pub community_id: i64,
    pub building_id: i64,
    pub building_name: String,
    pub unit_number: String,
    pub room_number: String,
    pub relation: String,
}

pub struct NewPerson<'a> {
    pub login: &'a Login,
    pub display_name: &'a Name,
    pub phone: Option<&'a Phone>,
    pub password_hash: &'a str,
}

const PERSON_COLUMNS: &str = "SELECT id, login, display_name, phone, disabled FROM people";

impl Store {
    pub async fn create_person(
        &self,
        person: NewPerson<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Person> {
        let now = stored_time(now);
        let row = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Person>(
                "INSERT INTO people (login, display_name, phone, password_hash, created_at, password_changed_at)
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id, login, display_name, phone, disabled",
            )
            .bind(person.login.as_str())
            .bind(person.display_name.as_str())
            .bind(person.phone.map(Phone::as_str))
            .bind(person.password_hash)
            .bind(now)
            .fetch_one(pool)
            .await
        });
        row.map_err(StoreError::unique_as("person.login_taken"))
    }

    pub async fn person(&self, id: PersonId) -> StoreResult<Person> {
        let sql = format!("{PERSON_COLUMNS} WHERE id = $1");
        on_pool!(&self.db, |pool| sqlx::query_as::<_, Person>(AssertSqlSafe(
            sql.as_str()
        ))
        .bind(id.0)
        .fetch_optional(pool)
        .await)?
        .ok_or(StoreError::NotFound("person.not_found"))
    }

    /// What every signed-in page shows of the person, in one read: whether they chose
    /// 长辈版, and how many messages in their inbox are unread, counted up to
    /// `unread_cap` (a duty officer may have thousands unread: the menu says 99+, and
    /// counting them all on every page would cost milliseconds).
    pub async fn page_frame(&self, id: PersonId, unread_cap: i64) -> StoreResult<(bool, i64)> {
        let found: Option<(bool, i64)> = on_pool!(&self.db, |pool| {
            sqlx::query_as(
                "SELECT p.large_text,
                        (SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT 1 FROM notifications n
                         WHERE n.person_id = p.id AND n.read_at IS NULL LIMIT $2) unread)
                 FROM people p WHERE p.id = $1",
            )
            .bind(id.0)
            .bind(unread_cap)
            .fetch_optional(pool)
            .await
        })?;
        found.ok_or(StoreError::NotFound("person.not_found"))
    }

    pub async fn set_large_text(&self, id: PersonId, large: bool) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query("UPDATE people SET large_text = $1 WHERE id = $2")
                .bind(large)
                .bind(id.0)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    pub async fn person_by_login(&self, login: &Login) -> StoreResult<Option<Person>> {
        let sql = format!("{PERSON_COLUMNS} WHERE login = $1");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Person>(AssertSqlSafe(sql.as_str()))
                .bind(login.as_str())
                .fetch_optional(pool)
                .await
        })?)
    }

    pub async fn credentials(&self, login: &Login) -> StoreResult<Option<Credentials>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Credentials>(
                "SELECT id, password_hash, disabled FROM people WHERE login = $1",
            )
            .bind(login.as_str())
            .fetch_optional(pool)
            .await
        })?)
    }

    pub async fn password_hash(&self, person: PersonId) -> StoreResult<String> {
        on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, String>("SELECT password_hash FROM people WHERE id = $1")
                .bind(person.0)
                .fetch_optional(pool)
                .await
        })?
        .ok_or(StoreError::NotFound("person.not_found"))
    }

    /// Sets a new password and ends every session of the person except `keep_session`
    /// (the one that asked for the change), in one transaction.
    pub async fn set_password(
        &self,
        person: PersonId,
        password_hash: &str,
        keep_session: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        let _forget = self.callers.forget_when_done();
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query(
                "UPDATE people SET password_hash = $1, password_changed_at = $2 WHERE id = $3",
            )
            .bind(password_hash)
            .bind(now)
            .bind(person.0)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::NotFound("person.not_found"));
            }
            sqlx::query("DELETE FROM sessions WHERE person_id = $1 AND token_hash <> $2")
                .bind(person.0)
                .bind(keep_session.unwrap_or_default())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn grants_of(&self, person: PersonId) -> StoreResult<Vec<StoredGrant>> {
        let rows = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, GrantRow>(
                "SELECT id, role, scope_kind, scope_id, organisation_id FROM role_grants WHERE person_id = $1 ORDER BY id",
            )
            .bind(person.0)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows.into_iter().filter_map(GrantRow::into_grant).collect())
    }

    pub async fn grant(&self, id: GrantId) -> StoreResult<(PersonId, StoredGrant)> {
        let row = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, (i64, i64, String, String, i64, Option<i64>)>(
                "SELECT person_id, id, role, scope_kind, scope_id, organisation_id FROM role_grants WHERE id = $1",
            )
            .bind(id.0)
            .fetch_optional(pool)
            .await
        })?
        .ok_or(StoreError::NotFound("role.grant_not_found"))?;
        let (person_id, id, role, scope_kind, scope_id, organisation_id) = row;
        GrantRow::from_parts(id, role, scope_kind, scope_id, organisation_id)
            .map(|grant| (PersonId(person_id), grant))
            .ok_or(StoreError::NotFound("role.grant_not_found"))
    }

    /// Records a role. A handler's organisation must belong to the community it is
    /// granted in; the scope's community or street must exist.
    pub async fn add_grant(
        &self,
        person: PersonId,
        grant: Grant,
        granted_by: Option<PersonId>,
        now: DateTime<Utc>,
    ) -> StoreResult<StoredGrant> {
        self.person(person).await?;
        match grant.scope {
            Scope::Global => {}
            Scope::Street(street) => {
                self.street(street).await?;
            }
            Scope::Community(community) => {
                self.community(community).await?;
            }
        }
        if let Some(organisation) = grant.organisation {
            let organisation = self.organisation(organisation).await?;
            if grant.scope != Scope::Community(CommunityId(organisation.community_id)) {
                return Err(StoreError::Conflict("role.organisation_of_other_community"));
            }
        }
        let now = stored_time(now);
        let _forget = self.callers.forget_when_done();
        let community = match grant.scope {
            Scope::Community(community) => Some(community.0),
            Scope::Global | Scope::Street(_) => None,
        };
        let details = grant_details(
            grant.role.as_str(),
            grant.scope.kind(),
            grant.scope.id(),
            grant.organisation.map(|organisation| organisation.0),
        );
        let inserted = on_pool!(&self.db, |pool| {
            async {
                let mut tx = pool.begin().await?;
                let id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO role_grants (person_id, role, scope_kind, scope_id, organisation_id, granted_by, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(person.0)
                .bind(grant.role.as_str())
                .bind(grant.scope.kind())
                .bind(grant.scope.id())
                .bind(grant.organisation.map(|organisation| organisation.0))
                .bind(granted_by.map(|person| person.0))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                record_setting_change!(
                    tx,
                    community,
                    "role.granted",
                    person.0,
                    details,
                    granted_by.map(|person| person.0),
                    now
                )?;
                tx.commit().await?;
                Ok::<_, sqlx::Error>(id)
            }
            .await
        });
        let id = inserted.map_err(StoreError::unique_as("role.already_granted"))?;
        Ok(StoredGrant { id, grant })
    }

    /// Takes a grant away, recording who did and when.
    pub async fn revoke_grant(
        &self,
        id: GrantId,
        by: Option<PersonId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let _forget = self.callers.forget_when_done();
        let deleted = on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let deleted = sqlx::query_as::<_, (i64, String, String, i64, Option<i64>)>(
                "DELETE FROM role_grants WHERE id = $1
                 RETURNING person_id, role, scope_kind, scope_id, organisation_id",
            )
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((person, role, scope_kind, scope_id, organisation)) = &deleted {
                let community = (scope_kind == "community").then_some(*scope_id);
                record_setting_change!(
                    tx,
                    community,
                    "role.revoked",
                    *person,
                    grant_details(role, scope_kind, *scope_id, *organisation),
                    by.map(|person| person.0),
                    now
                )?;
            }
            tx.commit().await?;
            deleted
        });
        if deleted.is_none() {
            return Err(StoreError::NotFound("role.grant_not_found"));
        }
        Ok(())
    }

    pub async fn link_room(
        &self,
        person: PersonId,
        room: RoomId,
        relation: RoomRelation,
    ) -> StoreResult<()> {
        self.person(person).await?;
        self.room(room).await?;
        let _forget = self.callers.forget_when_done();
        let inserted = on_pool!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO person_rooms (person_id, room_id, relation) VALUES ($1, $2, $3)",
            )
            .bind(person.0)
            .bind(room.0)
            .bind(relation.as_str())
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        });
        inserted.map_err(StoreError::unique_as("person.room_already_linked"))?;
        Ok(())
    }

    /// A person's rooms in their order (from this instance's copy when it has one).
    pub async fn rooms_of(&self, person: PersonId) -> StoreResult<Vec<PersonRoom>> {
        if let Some(kept) = self.callers.rooms(person.0) {
            return Ok(kept.as_ref().clone());
        }
        let since = self.callers.generation();
        let rooms = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, PersonRoom>(
                "SELECT r.id AS room_id, r.community_id, r.building_id, b.name AS building_name,
                        u.number AS unit_number, r.number AS room_number, pr.relation
                 FROM person_rooms pr
                 JOIN rooms r ON r.id = pr.room_id
                 JOIN units u ON u.id = r.unit_id
                 JOIN buildings b ON b.id = r.building_id
                 WHERE pr.person_id = $1
                 ORDER BY b.position, u.position, r.number",
            )
            .bind(person.0)
            .fetch_all(pool)
            .await
        })?;
        let rooms = std::sync::Arc::new(rooms);
        self.callers
            .keep_rooms(since, person.0, std::sync::Arc::clone(&rooms));
        Ok(std::sync::Arc::unwrap_or_clone(rooms))
    }

    /// The communities the person has a room in, from their rooms (this instance's copy
    /// when it has one: nearly every page asks, several times).
    pub async fn room_communities_of(&self, person: PersonId) -> StoreResult<Vec<i64>> {
        let mut communities: Vec<i64> = self
            .rooms_of(person)
            .await?
            .iter()
            .map(|room| room.community_id)
            .collect();
        communities.sort_unstable();
        communities.dedup();
        Ok(communities)
    }

    /// Whether the person belongs to the community at all: a role there or a room there.
    pub async fn is_member_of(
        &self,
        person: PersonId,
        community: CommunityId,
    ) -> StoreResult<bool> {
        let found = on_pool!(&self.db, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT CAST(1 AS BIGINT) WHERE EXISTS (
                    SELECT 1 FROM role_grants WHERE person_id = $1 AND scope_kind = 'community' AND scope_id = $2)
                 OR EXISTS (
                    SELECT 1 FROM person_rooms pr JOIN rooms r ON r.id = pr.room_id
                    WHERE pr.person_id = $1 AND r.community_id = $2)",
            )
            .bind(person.0)
            .bind(community.0)
            .fetch_optional(pool)
            .await
        })?;
        Ok(found.is_some())
    }

    /// The people of a community (a role or a room there), optionally matching a search:
    /// part of the name or login, the tail of the phone number, or a room number (`301`).
    pub async fn people_of(
        &self,
        community: CommunityId,
        query: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<Person>> {
        let pattern = query
            .map(str::trim)
            .filter(|query| !query.is_empty())
            .map(|query| {
                let escaped = query
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                (format!("%{escaped}%"), format!("%{escaped}"))
            });
        let (contains, ends_with) = pattern.unzip();
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, Person>(
                "SELECT p.id, p.login, p.display_name, p.phone, p.disabled FROM people p
                 WHERE (EXISTS (SELECT 1 FROM role_grants g
                                WHERE g.person_id = p.id AND g.scope_kind = 'community' AND g.scope_id = $1)
                        OR EXISTS (SELECT 1 FROM person_rooms pr JOIN rooms r ON r.id = pr.room_id
                                   WHERE pr.person_id = p.id AND r.community_id = $1))
                   AND ($2 IS NULL OR p.display_name LIKE $2 ESCAPE '\\' OR p.login LIKE $2 ESCAPE '\\'
                        OR p.phone LIKE $3 ESCAPE '\\'
                        OR EXISTS (SELECT 1 FROM person_rooms pr JOIN rooms r ON r.id = pr.room_id
                                   WHERE pr.person_id = p.id AND r.community_id = $1 AND r.number = $5))
                 ORDER BY p.display_name, p.id
                 LIMIT $4",
            )
            .bind(community.0)
            .bind(contains.as_deref())
            .bind(ends_with.as_deref())
            .bind(limit)
            .bind(query.map(str::trim))
            .fetch_all(pool)
            .await
        })?)
    }
}

/// Someone set up by an administrator or an import: the account, its roles and its
/// rooms, all written in one transaction. With `community` set, every role and room must
/// belong to that community.
pub struct Registration<'a> {
    pub person: NewPerson<'a>,
    pub community: Option<CommunityId>,
    pub grants: Vec<Grant>,
    pub rooms: Vec<(RoomId, RoomRelation)>,
    pub registered_by: Option<PersonId>,
}

impl Store {
    pub async fn register_person(
        &self,
        registration: Registration<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Person> {
        if let Some(community) = registration.community {
            for (room, _) in &registration.rooms {
                if self.room(*room).await?.community_id != community.0 {
                    return Err(StoreError::Conflict("registry.room_of_other_community"));
                }
            }
            if registration
                .grants
                .iter()
                .any(|grant| grant.scope != Scope::Community(community))
            {
                return Err(StoreError::Conflict("role.scope_mismatch"));
            }
        }
        for grant in &registration.grants {
            if let Some(organisation) = grant.organisation
                && grant.scope
                    != Scope::Community(CommunityId(
                        self.organisation(organisation).await?.community_id,
                    ))
            {
                return Err(StoreError::Conflict("role.organisation_of_other_community"));
            }
        }
        let now = stored_time(now);
        let person = registration.person;
        let _forget = self.callers.forget_when_done();
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let created = sqlx::query_as::<_, Person>(
                "INSERT INTO people (login, display_name, phone, password_hash, created_at, password_changed_at)
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id, login, display_name, phone, disabled",
            )
            .bind(person.login.as_str())
            .bind(person.display_name.as_str())
            .bind(person.phone.map(Phone::as_str))
            .bind(person.password_hash)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::unique_as("person.login_taken"))?;
            for grant in &registration.grants {
                sqlx::query(
                    "INSERT INTO role_grants (person_id, role, scope_kind, scope_id, organisation_id, granted_by, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(created.id)
                .bind(grant.role.as_str())
                .bind(grant.scope.kind())
                .bind(grant.scope.id())
                .bind(grant.organisation.map(|organisation| organisation.0))
                .bind(registration.registered_by.map(|person| person.0))
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::unique_as("role.already_granted"))?;
            }
            for (room, relation) in &registration.rooms {
                sqlx::query(
                    "INSERT INTO person_rooms (person_id, room_id, relation) VALUES ($1, $2, $3)",
                )
                .bind(created.id)
                .bind(room.0)
                .bind(relation.as_str())
                .execute(&mut *tx)
                .await
                .map_err(StoreError::unique_as("person.room_already_linked"))?;
            }
            tx.commit().await?;
            Ok(created)
        })
    }

    /// The communities a person belongs to, through a role or a room.
    pub async fn communities_of(
        &self,
        person: PersonId,
    ) -> StoreResult<Vec<crate::registry::Community>> {
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, crate::registry::Community>(
                "SELECT c.id, c.street_id, c.name, c.office_phone FROM communities c
                 WHERE c.id IN (SELECT scope_id FROM role_grants WHERE person_id = $1 AND scope_kind = 'community')
                    OR c.id IN (SELECT r.community_id FROM person_rooms pr JOIN rooms r ON r.id = pr.room_id
                                WHERE pr.person_id = $1)
                 ORDER BY c.id",
            )
            .bind(person.0)
            .fetch_all(pool)
            .await
        })?)
    }
}

/// A grant as the record of changes keeps it.
fn grant_details(
    role: &str,
    scope_kind: &str,
    scope_id: i64,
    organisation: Option<i64>,
) -> serde_json::Value {
    serde_json::json!({
        "role": role,
        "scope": scope_kind,
        "scope_id": scope_id,
        "organisation_id": organisation,
    })
}
