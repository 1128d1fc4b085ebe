//! Partner units (区域化党建共建单位): anyone reads a community's partners and their
//! co-building activities; the supervisor or admin keeps them, records activities and
//! names partners as co-parties of projects. A partner's contact phone is for the
//! community's staff only.

use crate::projects::{publicly_visible, view_of};
use crate::{App, AppError, AppResult, Caller};
use chrono::NaiveDate;
use linli_domain::access::is_staff;
use linli_domain::grids::parse_contact;
use linli_domain::ids::CommunityId;
use linli_domain::meetings::{parse_line, parse_long_text};
use linli_domain::partners::{
    PartnerCategory, check_units, may_edit, parse_offers, parse_residents_served,
};
use linli_domain::projects::may_manage;
use linli_store::partners::{
    ActivityRow, ActivityText, PartnerRow, PartnerText, ProjectPartnerRow,
};

#[derive(Debug, Clone, Default)]
pub struct PartnerRequest {
    pub name: String,
    pub category: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub description: String,
    pub offers: Vec<String>,
    pub offer_details: String,
    /// YYYY-MM-DD, or empty.
    pub joined_on: String,
}

#[derive(Debug, Clone, Default)]
pub struct ActivityRequest {
    pub title: String,
    /// YYYY-MM-DD.
    pub held_on: String,
    pub place: String,
    pub summary: String,
    pub residents_served: Option<i64>,
    pub units: Vec<i64>,
}

/// One partner with what it took part in.
#[derive(Debug, Clone)]
pub struct PartnerDetail {
    pub partner: PartnerRow,
    pub activities: Vec<ActivityRow>,
    pub projects: Vec<ProjectPartnerRow>,
}

/// The most activities a page lists.
pub const LATEST_ACTIVITIES: i64 = 50;

/// Whether the caller keeps the community's partners.
pub fn edits(caller: &Caller, community: i64) -> bool {
    may_edit(caller.grants(), CommunityId(community))
}

/// Whether the caller may see the partners' contact phones: the community's staff.
fn sees_phones(caller: Option<&Caller>, community: i64) -> bool {
    caller.is_some_and(|caller| {
        is_staff(caller.grants(), CommunityId(community)) || edits(caller, community)
    })
}

fn for_viewer(mut partner: PartnerRow, phones: bool) -> PartnerRow {
    if !phones {
        partner.contact_phone = None;
    }
    partner
}

/// The community's partners, for anyone.
pub async fn list(
    app: &App,
    caller: Option<&Caller>,
    community: i64,
) -> AppResult<Vec<PartnerRow>> {
    let id = CommunityId(app.store.community(CommunityId(community)).await?.id);
    let phones = sees_phones(caller, id.0);
    Ok(app
        .store
        .partners(id)
        .await?
        .into_iter()
        .map(|partner| for_viewer(partner, phones))
        .collect())
}

/// One partner with its activities and projects, for anyone.
pub async fn detail(app: &App, caller: Option<&Caller>, id: i64) -> AppResult<PartnerDetail> {
    let partner = app.store.partner(id).await?;
    let community = CommunityId(partner.community_id);
    let phones = sees_phones(caller, partner.community_id);
    let office = caller.is_some_and(|caller| is_staff(caller.grants(), community));
    let projects = app
        .store
        .projects_of_partner(id)
        .await?
        .into_iter()
        .filter(|row| office || publicly_visible(row.project_status))
        .collect();
    Ok(PartnerDetail {
        activities: app
            .store
            .activities_of_partner(id, LATEST_ACTIVITIES)
            .await?,
        projects,
        partner: for_viewer(partner, phones),
    })
}

/// The community's co-building activities, the latest first, for anyone.
pub async fn activities(app: &App, community: i64) -> AppResult<Vec<ActivityRow>> {
    let id = CommunityId(app.store.community(CommunityId(community)).await?.id);
    Ok(app.store.partner_activities(id, LATEST_ACTIVITIES).await?)
}

fn optional_line(raw: &str, field: &'static str, max: usize) -> AppResult<Option<String>> {
    let raw = raw.trim();
    Ok((!raw.is_empty())
        .then(|| parse_line(raw, field, max))
        .transpose()?)
}

fn optional_text(raw: &str, field: &'static str, max: usize) -> AppResult<Option<String>> {
    let raw = raw.trim();
    if raw.chars().count() > max {
        return Err(AppError::invalid("validation.too_long", field));
    }
    Ok((!raw.is_empty())
        .then(|| parse_long_text(raw, field))
        .transpose()?)
}

fn parse_day(raw: &str, field: &'static str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid("partner.date_invalid", field))
}

struct CheckedPartner {
    name: String,
    category: PartnerCategory,
    address: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    description: Option<String>,
    offers: Vec<linli_domain::partners::Offer>,
    offer_details: Option<String>,
    joined_on: Option<NaiveDate>,
}

impl CheckedPartner {
    fn text(&self) -> PartnerText<'_> {
        PartnerText {
            name: &self.name,
            category: self.category,
            address: self.address.as_deref(),
            contact_name: self.contact_name.as_deref(),
            contact_phone: self.contact_phone.as_deref(),
            description: self.description.as_deref(),
            offers: &self.offers,
            offer_details: self.offer_details.as_deref(),
            joined_on: self.joined_on,
        }
    }
}

fn check_partner(input: &PartnerRequest) -> AppResult<CheckedPartner> {
    let name = parse_line(&input.name, "name", 60)?;
    let category = PartnerCategory::parse(input.category.trim())?;
    let contact = parse_contact(
        &input.contact_name,
        &input.contact_phone,
        "contact_name",
        "contact_phone",
    )?;
    let joined_on = match input.joined_on.trim() {
        "" => None,
        day => Some(parse_day(day, "joined_on")?),
    };
    Ok(CheckedPartner {
        name,
        category,
        address: optional_line(&input.address, "address", 100)?,
        contact_name: contact.as_ref().map(|contact| contact.name.clone()),
        contact_phone: contact.and_then(|contact| contact.phone),
        description: optional_text(&input.description, "description", 2_000)?,
        offers: parse_offers(&input.offers)?,
        offer_details: optional_text(&input.offer_details, "offer_details", 1_000)?,
        joined_on,
    })
}

pub async fn add(
    app: &App,
    caller: &Caller,
    community: i64,
    input: &PartnerRequest,
) -> AppResult<i64> {
    let community = CommunityId(app.store.community(CommunityId(community)).await?.id);
    if !edits(caller, community.0) {
        return Err(AppError::forbidden());
    }
    let checked = check_partner(input)?;
    Ok(app
        .store
        .add_partner(community, &checked.text(), caller.person, app.now())
        .await?)
}

pub async fn update(app: &App, caller: &Caller, id: i64, input: &PartnerRequest) -> AppResult<()> {
    let partner = app.store.partner(id).await?;
    if !edits(caller, partner.community_id) {
        return Err(AppError::forbidden());
    }
    let checked = check_partner(input)?;
    Ok(app
        .store
        .update_partner(id, &checked.text(), app.now())
        .await?)
}

/// Records a co-building activity; the units must be partners of the same community.
pub async fn record_activity(
    app: &App,
    caller: &Caller,
    community: i64,
    input: &ActivityRequest,
) -> AppResult<i64> {
    let community = CommunityId(app.store.community(CommunityId(community)).await?.id);
    if !edits(caller, community.0) {
        return Err(AppError::forbidden());
    }
    let title = parse_line(&input.title, "title", 60)?;
    let held_on = parse_day(&input.held_on, "held_on")?;
    let today = app
        .now()
        .with_timezone(&linli_domain::calendar::shanghai())
        .date_naive();
    if held_on > today {
        // An activity is recorded after it happened; plans belong to the volunteers' pages.
        return Err(AppError::invalid("partner.activity_in_future", "held_on"));
    }
    let place = optional_line(&input.place, "place", 60)?;
    let summary = optional_text(&input.summary, "summary", 2_000)?;
    let residents_served = input
        .residents_served
        .map(parse_residents_served)
        .transpose()?;
    let partners: Vec<i64> = app
        .store
        .partners(community)
        .await?
        .iter()
        .map(|partner| partner.id)
        .collect();
    check_units(&input.units, &partners)?;
    let text = ActivityText {
        title: &title,
        held_on,
        place: place.as_deref(),
        summary: summary.as_deref(),
        residents_served,
        units: &input.units,
    };
    Ok(app
        .store
        .record_partner_activity(community, &text, caller.person, app.now())
        .await?)
}

pub async fn remove_activity(app: &App, caller: &Caller, id: i64) -> AppResult<()> {
    let activity = app.store.partner_activity(id).await?;
    if !edits(caller, activity.community_id) {
        return Err(AppError::forbidden());
    }
    Ok(app.store.remove_partner_activity(id).await?)
}

/// Who names a project's co-parties: those who keep the partners, and those who manage
/// the community's projects.
pub fn edits_project(caller: &Caller, community: i64) -> bool {
    edits(caller, community) || may_manage(caller.grants(), CommunityId(community))
}

/// Makes a partner a co-party of a project of the same community, with what it gives.
pub async fn add_to_project(
    app: &App,
    caller: &Caller,
    project: i64,
    partner: i64,
    contribution: &str,
) -> AppResult<()> {
    let project = app.store.project(project).await?;
    if !edits_project(caller, project.community_id) {
        return Err(AppError::forbidden());
    }
    let contribution = parse_line(contribution, "contribution", 100)?;
    let known = match app.store.partner(partner).await {
        Ok(found) => found.community_id == project.community_id,
        Err(linli_store::StoreError::NotFound(_)) => false,
        Err(other) => return Err(other.into()),
    };
    if !known {
        return Err(AppError::invalid("partner.unit_unknown", "partner_id"));
    }
    Ok(app
        .store
        .add_project_partner(project.id, partner, &contribution, caller.person, app.now())
        .await?)
}

pub async fn remove_from_project(
    app: &App,
    caller: &Caller,
    project: i64,
    partner: i64,
) -> AppResult<()> {
    let project = app.store.project(project).await?;
    if !edits_project(caller, project.community_id) {
        return Err(AppError::forbidden());
    }
    Ok(app
        .store
        .remove_project_partner(project.id, partner)
        .await?)
}

/// A project's co-parties, for anyone who may read the project.
pub async fn of_project(
    app: &App,
    caller: Option<&Caller>,
    project: i64,
) -> AppResult<Vec<ProjectPartnerRow>> {
    let project = app.store.project(project).await?;
    view_of(caller, &project)?;
    Ok(app.store.project_partners(project.id).await?)
}
