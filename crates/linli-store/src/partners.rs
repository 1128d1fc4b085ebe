//! Partner units (区域化党建共建单位): an organisation of kind `partner_unit` with its
//! profile, the co-building activities partners took part in, and partners as co-parties
//! of projects.

use crate::db::{Store, stored_time};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::partners::{Offer, PartnerCategory, offers_from_text, offers_text};
use linli_domain::projects::ProjectStatus;
use linli_domain::registry::OrganisationKind;

/// A partner as written (checked by the use case).
pub struct PartnerText<'a> {
    pub name: &'a str,
    pub category: PartnerCategory,
    pub address: Option<&'a str>,
    pub contact_name: Option<&'a str>,
    pub contact_phone: Option<&'a str>,
    pub description: Option<&'a str>,
    pub offers: &'a [Offer],
    pub offer_details: Option<&'a str>,
    pub joined_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerRow {
    /// The organisation's id.
    pub id: i64,
    pub community_id: i64,
    pub name: String,
    pub category: PartnerCategory,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    /// For the community's staff only: the use case strips it for everyone else.
    pub contact_phone: Option<String>,
    pub description: Option<String>,
    pub offers: Vec<Offer>,
    pub offer_details: Option<String>,
    pub joined_on: Option<NaiveDate>,
    /// How many co-building activities and projects it took part in.
    pub activities: i64,
    pub projects: i64,
}

#[derive(sqlx::FromRow)]
struct StoredPartner {
    id: i64,
    community_id: i64,
    name: String,
    #[sqlx(try_from = "String")]
    category: PartnerCategory,
    address: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    description: Option<String>,
    offers: String,
    offer_details: Option<String>,
    joined_on: Option<NaiveDate>,
    activities: i64,
    projects: i64,
}

impl From<StoredPartner> for PartnerRow {
    fn from(row: StoredPartner) -> Self {
        Self {
            id: row.id,
            community_id: row.community_id,
            name: row.name,
            category: row.category,
            address: row.address,
            contact_name: row.contact_name,
            contact_phone: row.contact_phone,
            description: row.description,
            offers: offers_from_text(&row.offers),
            offer_details: row.offer_details,
            joined_on: row.joined_on,
            activities: row.activities,
            projects: row.projects,
        }
    }
}

const PARTNER_COLUMNS: &str = "SELECT o.id, o.community_id, o.name, p.category, p.address, p.contact_name,
        p.contact_phone, p.description, p.offers, p.offer_details, p.joined_on,
        (SELECT COUNT(*) FROM partner_activity_units u WHERE u.organisation_id = o.id) AS activities,
        (SELECT COUNT(*) FROM project_partners j WHERE j.organisation_id = o.id) AS projects
    FROM organisations o JOIN partner_profiles p ON p.organisation_id = o.id";

/// An activity as written (checked by the use case).
pub struct ActivityText<'a> {
    pub title: &'a str,
    pub held_on: NaiveDate,
    pub place: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub residents_served: Option<i64>,
    pub units: &'a [i64],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRow {
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    pub summary: Option<String>,
    pub residents_served: Option<i64>,
    /// The partners that took part: (organisation id, name), by name.
    pub units: Vec<(i64, String)>,
}

type StoredActivity = (
    i64,
    i64,
    String,
    NaiveDate,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// A partner's part in a project.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProjectPartnerRow {
    pub project_id: i64,
    pub project_title: String,
    #[sqlx(try_from = "String")]
    pub project_status: ProjectStatus,
    pub organisation_id: i64,
    pub name: String,
    pub contribution: String,
    pub added_at: DateTime<Utc>,
}

const PROJECT_PARTNER_COLUMNS: &str = "SELECT j.project_id, pr.title AS project_title, pr.status AS project_status, j.organisation_id, o.name,
        j.contribution, j.added_at
    FROM project_partners j JOIN projects pr ON pr.id = j.project_id
    JOIN organisations o ON o.id = j.organisation_id";

impl Store {
    /// Adds a partner unit: its organisation and its profile together.
    pub async fn add_partner(
        &self,
        community: CommunityId,
        partner: &PartnerText<'_>,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO organisations (community_id, kind, name) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(community.0)
            .bind(OrganisationKind::PartnerUnit.as_str())
            .bind(partner.name)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::unique_as("partner.name_taken"))?;
            sqlx::query(
                "INSERT INTO partner_profiles (organisation_id, category, address, contact_name, contact_phone,
                     description, offers, offer_details, joined_on, created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
            )
            .bind(id)
            .bind(partner.category.as_str())
            .bind(partner.address)
            .bind(partner.contact_name)
            .bind(partner.contact_phone)
            .bind(partner.description)
            .bind(offers_text(partner.offers))
            .bind(partner.offer_details)
            .bind(partner.joined_on)
            .bind(by.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Rewrites a partner's name and profile.
    pub async fn update_partner(
        &self,
        id: i64,
        partner: &PartnerText<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE partner_profiles SET category = $2, address = $3, contact_name = $4, contact_phone = $5,
                     description = $6, offers = $7, offer_details = $8, joined_on = $9, updated_at = $10
                 WHERE organisation_id = $1",
            )
            .bind(id)
            .bind(partner.category.as_str())
            .bind(partner.address)
            .bind(partner.contact_name)
            .bind(partner.contact_phone)
            .bind(partner.description)
            .bind(offers_text(partner.offers))
            .bind(partner.offer_details)
            .bind(partner.joined_on)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound("partner.not_found"));
            }
            sqlx::query("UPDATE organisations SET name = $2 WHERE id = $1")
                .bind(id)
                .bind(partner.name)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::unique_as("partner.name_taken"))?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// A community's partners by name.
    pub async fn partners(&self, community: CommunityId) -> StoreResult<Vec<PartnerRow>> {
        let sql = format!("{PARTNER_COLUMNS} WHERE o.community_id = $1 ORDER BY o.name, o.id");
        let rows = on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, StoredPartner>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(community.0)
                .fetch_all(pool)
                .await
        })?;
        Ok(rows.into_iter().map(PartnerRow::from).collect())
    }

    pub async fn partner(&self, id: i64) -> StoreResult<PartnerRow> {
        let sql = format!("{PARTNER_COLUMNS} WHERE o.id = $1");
        on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, StoredPartner>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(id)
                .fetch_optional(pool)
                .await
        })?
        .map(PartnerRow::from)
        .ok_or(StoreError::NotFound("partner.not_found"))
    }

    /// Records a co-building activity with the partners that took part.
    pub async fn record_partner_activity(
        &self,
        community: CommunityId,
        activity: &ActivityText<'_>,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO partner_activities (community_id, title, held_on, place, summary, residents_served, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(community.0)
            .bind(activity.title)
            .bind(activity.held_on)
            .bind(activity.place)
            .bind(activity.summary)
            .bind(activity.residents_served)
            .bind(by.0)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for unit in activity.units {
                sqlx::query(
                    "INSERT INTO partner_activity_units (activity_id, organisation_id) VALUES ($1, $2)",
                )
                .bind(id)
                .bind(unit)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn partner_activity(&self, id: i64) -> StoreResult<ActivityRow> {
        self.partner_activities_where("a.id = $1", id, 1)
            .await?
            .pop()
            .ok_or(StoreError::NotFound("partner.activity_not_found"))
    }

    /// A community's activities, the latest first, at most `limit`.
    pub async fn partner_activities(
        &self,
        community: CommunityId,
        limit: i64,
    ) -> StoreResult<Vec<ActivityRow>> {
        self.partner_activities_where("a.community_id = $1", community.0, limit)
            .await
    }

    /// The activities one partner took part in, the latest first, at most `limit`.
    pub async fn activities_of_partner(
        &self,
        partner: i64,
        limit: i64,
    ) -> StoreResult<Vec<ActivityRow>> {
        self.partner_activities_where(
            "a.id IN (SELECT activity_id FROM partner_activity_units WHERE organisation_id = $1)",
            partner,
            limit,
        )
        .await
    }

    async fn partner_activities_where(
        &self,
        filter: &str,
        key: i64,
        limit: i64,
    ) -> StoreResult<Vec<ActivityRow>> {
        let head_sql = format!(
            "SELECT a.id, a.community_id, a.title, a.held_on, a.place, a.summary, a.residents_served
             FROM partner_activities a WHERE {filter} ORDER BY a.held_on DESC, a.id DESC LIMIT $2"
        );
        let unit_sql = format!(
            "SELECT u.activity_id, o.id, o.name FROM partner_activity_units u
             JOIN organisations o ON o.id = u.organisation_id
             WHERE u.activity_id IN (SELECT a.id FROM partner_activities a WHERE {filter}
                                     ORDER BY a.held_on DESC, a.id DESC LIMIT $2)
             ORDER BY o.name, o.id"
        );
        let (heads, units) = on_pool!(&self.db, |pool| {
            let heads = sqlx::query_as::<_, StoredActivity>(sqlx::AssertSqlSafe(head_sql.as_str()))
                .bind(key)
                .bind(limit)
                .fetch_all(pool)
                .await?;
            let units =
                sqlx::query_as::<_, (i64, i64, String)>(sqlx::AssertSqlSafe(unit_sql.as_str()))
                    .bind(key)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?;
            (heads, units)
        });
        Ok(heads
            .into_iter()
            .map(
                |(id, community_id, title, held_on, place, summary, residents_served)| {
                    ActivityRow {
                        id,
                        community_id,
                        title,
                        held_on,
                        place,
                        summary,
                        residents_served,
                        units: units
                            .iter()
                            .filter(|(activity, _, _)| *activity == id)
                            .map(|(_, unit, name)| (*unit, name.clone()))
                            .collect(),
                    }
                },
            )
            .collect())
    }

    /// Removes an activity recorded by mistake, with its list of units.
    pub async fn remove_partner_activity(&self, id: i64) -> StoreResult<()> {
        on_pool!(&self.db, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM partner_activity_units WHERE activity_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let done = sqlx::query("DELETE FROM partner_activities WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound("partner.activity_not_found"));
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Makes a partner a co-party of a project; once per project.
    pub async fn add_project_partner(
        &self,
        project: i64,
        partner: i64,
        contribution: &str,
        by: PersonId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let now = stored_time(now);
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO project_partners (project_id, organisation_id, contribution, added_by, added_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(project)
            .bind(partner)
            .bind(contribution)
            .bind(by.0)
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ())
        })
        .map_err(StoreError::unique_as("partner.already_in_project"))
    }

    pub async fn remove_project_partner(&self, project: i64, partner: i64) -> StoreResult<()> {
        let removed = on_pool!(&self.db, |pool| {
            sqlx::query(
                "DELETE FROM project_partners WHERE project_id = $1 AND organisation_id = $2",
            )
            .bind(project)
            .bind(partner)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        if removed == 0 {
            return Err(StoreError::NotFound("partner.not_in_project"));
        }
        Ok(())
    }

    /// A project's co-parties, in the order they joined.
    pub async fn project_partners(&self, project: i64) -> StoreResult<Vec<ProjectPartnerRow>> {
        self.project_partners_where("j.project_id = $1 ORDER BY j.added_at, o.id", project)
            .await
    }

    /// The projects a partner is a co-party of, the latest first.
    pub async fn projects_of_partner(&self, partner: i64) -> StoreResult<Vec<ProjectPartnerRow>> {
        self.project_partners_where(
            "j.organisation_id = $1 ORDER BY j.added_at DESC, j.project_id DESC",
            partner,
        )
        .await
    }

    async fn project_partners_where(
        &self,
        filter: &str,
        key: i64,
    ) -> StoreResult<Vec<ProjectPartnerRow>> {
        let sql = format!("{PROJECT_PARTNER_COLUMNS} WHERE {filter}");
        Ok(on_pool!(&self.db, |pool| {
            sqlx::query_as::<_, ProjectPartnerRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(key)
                .fetch_all(pool)
                .await
        })?)
    }
}
