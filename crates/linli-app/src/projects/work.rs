//! The work of a project: vendor quotes (比价) — the office's, and residents'
//! recommendations — the choice (中标), milestones or batches, progress updates.

use super::{ProjectView, view_of};
use crate::work_orders::photos::MAX_PHOTOS_PER_PURPOSE;
use crate::{App, AppError, AppResult, Caller};
use chrono::NaiveDate;
use linli_domain::access;
use linli_domain::ids::CommunityId;
use linli_domain::meetings::parse_line;
use linli_domain::projects::{Fen, Quantity, check_days, open_for_work, parse_percent};
use linli_domain::work_orders::parse_text;
use linli_store::projects::{NewMilestone, NewQuote, ProjectRow};

/// The project, refused unless the caller may `manage` it (or report on it, when
/// `manage` is false); one they may not see is not found.
async fn project_for(app: &App, caller: &Caller, id: i64, manage: bool) -> AppResult<ProjectRow> {
    let project = app.store.project(id).await?;
    let allowed = match view_of(Some(caller), &project)? {
        ProjectView::Office { manages, reports } => manages || (!manage && reports),
        ProjectView::Public => false,
    };
    if !allowed {
        return Err(AppError::forbidden());
    }
    open_for_work(project.status).map_err(AppError::Conflict)?;
    Ok(project)
}

#[derive(Debug, Clone, Default)]
pub struct QuoteRequest {
    pub vendor: String,
    pub contact: Option<String>,
    pub unit_price_fen: i64,
    pub quantity: i64,
    pub terms: Option<String>,
}

fn optional_line(raw: Option<&str>, field: &'static str, max: usize) -> AppResult<Option<String>> {
    Ok(raw
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(|text| parse_line(text, field, max))
        .transpose()?)
}

/// Adds a quote: the office's, or a resident's recommendation (a resident of the
/// project's community; their name is shown to the office only).
pub async fn add_quote(
    app: &App,
    caller: &Caller,
    id: i64,
    input: &QuoteRequest,
) -> AppResult<i64> {
    let project = app.store.project(id).await?;
    let community = CommunityId(project.community_id);
    let recommended_by = match view_of(Some(caller), &project)? {
        ProjectView::Office { manages: true, .. } => None,
        _ if access::is_resident(caller.grants(), community) => Some(caller.person),
        _ => return Err(AppError::forbidden()),
    };
    open_for_work(project.status).map_err(AppError::Conflict)?;
    let vendor = parse_line(&input.vendor, "vendor", 80)?;
    let contact = optional_line(input.contact.as_deref(), "contact", 80)?;
    let terms = input
        .terms
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(|text| parse_text(text, "terms"))
        .transpose()?;
    let price = Fen::parse(input.unit_price_fen, "unit_price_fen")?;
    let quantity = Quantity::parse(input.quantity, "quantity")?;
    let total = price.times(quantity, "quantity")?;
    Ok(app
        .store
        .add_project_quote(
            id,
            &NewQuote {
                vendor: &vendor,
                contact: contact.as_deref(),
                unit_price_fen: price.get(),
                quantity: quantity.get(),
                total_fen: total.get(),
                terms: terms.as_deref(),
                recommended_by,
                created_by: caller.person,
            },
            app.now(),
        )
        .await?)
}

/// Chooses the winning quote (中标) with the reason and the agreed price (fen).
pub async fn choose(
    app: &App,
    caller: &Caller,
    id: i64,
    quote: i64,
    reason: &str,
    agreed_price_fen: i64,
) -> AppResult<()> {
    project_for(app, caller, id, true).await?;
    let reason = parse_text(reason, "reason")?;
    let price = Fen::parse(agreed_price_fen, "agreed_price_fen")?;
    if !app
        .store
        .project_quotes(id)
        .await?
        .iter()
        .any(|known| known.id == quote)
    {
        return Err(AppError::invalid("project.quote_unknown", "quote_id"));
    }
    app.store
        .choose_project_quote(id, quote, &reason, price.get(), app.now())
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct MilestoneRequest {
    pub title: String,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    /// How many in this batch ("第一批 6 只").
    pub quantity: Option<i64>,
}

/// Adds a milestone or batch.
pub async fn add_milestone(
    app: &App,
    caller: &Caller,
    id: i64,
    input: &MilestoneRequest,
) -> AppResult<i64> {
    project_for(app, caller, id, false).await?;
    let title = parse_line(&input.title, "title", 80)?;
    check_days(input.planned_start, input.planned_end, "planned_end")?;
    let quantity = input
        .quantity
        .map(|quantity| Quantity::parse(quantity, "quantity"))
        .transpose()?;
    Ok(app
        .store
        .add_project_milestone(
            id,
            &NewMilestone {
                title: &title,
                planned_start: &input.planned_start.to_string(),
                planned_end: &input.planned_end.to_string(),
                quantity: quantity.map(Quantity::get),
            },
            app.now(),
        )
        .await?)
}

/// Records when a milestone actually started and ended.
pub async fn record_milestone(
    app: &App,
    caller: &Caller,
    id: i64,
    milestone: i64,
    actual_start: Option<NaiveDate>,
    actual_end: Option<NaiveDate>,
) -> AppResult<()> {
    project_for(app, caller, id, false).await?;
    if let (Some(start), Some(end)) = (actual_start, actual_end) {
        check_days(start, end, "actual_end")?;
    }
    if actual_start.is_none() && actual_end.is_some() {
        return Err(AppError::invalid("validation.required", "actual_start"));
    }
    app.store
        .set_milestone_actual(
            id,
            milestone,
            actual_start.map(|day| day.to_string()).as_deref(),
            actual_end.map(|day| day.to_string()).as_deref(),
        )
        .await?;
    Ok(())
}

/// Posts a progress update with the percentage done and its photos (none or up to
/// nine), all or nothing.
pub async fn add_update(
    app: &App,
    caller: &Caller,
    id: i64,
    text: &str,
    percent_done: i64,
    photos: Vec<Vec<u8>>,
) -> AppResult<i64> {
    project_for(app, caller, id, false).await?;
    let body = parse_text(text, "text")?;
    let percent = parse_percent(percent_done)?;
    let photos = super::help::prepare_files(app, id, photos, false).await?;
    Ok(app
        .store
        .add_project_update(
            id,
            &body,
            percent,
            &photos,
            MAX_PHOTOS_PER_PURPOSE,
            caller.person,
            app.now(),
        )
        .await?)
}
