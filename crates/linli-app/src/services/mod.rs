//! The directory of services (办事指南): anyone reads a community's; its supervisor and
//! duty officer keep it — a title, a category, the official link or the steps, the
//! office and its hours.

use crate::{App, AppError, AppResult, Caller};
use linli_domain::ids::CommunityId;
use linli_domain::meetings::{parse_line, parse_long_text};
use linli_domain::services::{ServiceCategory, may_edit, parse_title, parse_url};
use linli_store::services::{ServiceRow, ServiceText};

#[derive(Debug, Clone, Default)]
pub struct ServiceRequest {
    pub title: String,
    pub category: String,
    pub url: Option<String>,
    pub steps: Option<String>,
    pub office: Option<String>,
    pub hours: Option<String>,
}

/// A request that passed every check.
struct Checked {
    title: String,
    category: ServiceCategory,
    url: Option<String>,
    steps: Option<String>,
    office: Option<String>,
    hours: Option<String>,
}

fn given(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|text| !text.is_empty())
}

fn check(input: &ServiceRequest) -> AppResult<Checked> {
    let title = parse_title(&input.title)?;
    let category = ServiceCategory::parse(input.category.trim())?;
    let url = given(input.url.as_deref()).map(parse_url).transpose()?;
    let steps = given(input.steps.as_deref())
        .map(|steps| parse_long_text(steps, "steps"))
        .transpose()?;
    if url.is_none() && steps.is_none() {
        return Err(AppError::invalid("service.link_or_steps", "url"));
    }
    let office = given(input.office.as_deref())
        .map(|office| parse_line(office, "office", 80))
        .transpose()?;
    let hours = given(input.hours.as_deref())
        .map(|hours| parse_line(hours, "hours", 80))
        .transpose()?;
    Ok(Checked {
        title,
        category,
        url,
        steps,
        office,
        hours,
    })
}

impl Checked {
    fn text(&self) -> ServiceText<'_> {
        ServiceText {
            title: &self.title,
            category: self.category,
            url: self.url.as_deref(),
            steps: self.steps.as_deref(),
            office: self.office.as_deref(),
            hours: self.hours.as_deref(),
        }
    }
}

/// A community's directory, for anyone.
pub async fn list(app: &App, community: i64) -> AppResult<Vec<ServiceRow>> {
    let community = CommunityId(app.store.community(CommunityId(community)).await?.id);
    Ok(app.store.services(community).await?)
}

/// Whether the caller keeps the community's directory.
pub fn edits(caller: &Caller, community: i64) -> bool {
    may_edit(caller.grants(), CommunityId(community))
}

pub async fn add(
    app: &App,
    caller: &Caller,
    community: i64,
    input: &ServiceRequest,
) -> AppResult<i64> {
    app.store.community(CommunityId(community)).await?;
    if !edits(caller, community) {
        return Err(AppError::forbidden());
    }
    let checked = check(input)?;
    Ok(app
        .store
        .add_service(
            CommunityId(community),
            &checked.text(),
            caller.person,
            app.now(),
        )
        .await?)
}

pub async fn update(app: &App, caller: &Caller, id: i64, input: &ServiceRequest) -> AppResult<()> {
    let row = app.store.service(id).await?;
    if !edits(caller, row.community_id) {
        return Err(AppError::forbidden());
    }
    let checked = check(input)?;
    Ok(app
        .store
        .update_service(id, &checked.text(), app.now())
        .await?)
}

pub async fn remove(app: &App, caller: &Caller, id: i64) -> AppResult<()> {
    let row = app.store.service(id).await?;
    if !edits(caller, row.community_id) {
        return Err(AppError::forbidden());
    }
    Ok(app.store.remove_service(id).await?)
}
