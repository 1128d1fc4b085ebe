//! Starting and closing campaigns: the supervisor names the purpose, target, deadline,
//! the project it pays for and the treasurer (a person of one of the parties).

use crate::{App, AppError, AppResult, Caller, FieldChecks};
use chrono::NaiveDate;
use linli_domain::access::is_staff;
use linli_domain::calendar::shanghai;
use linli_domain::funds::{amount_fen, may_run};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::meetings::{parse_line, parse_long_text};
use linli_store::funds::NewCampaign;

#[derive(Debug, Clone, Default)]
pub struct CampaignRequest {
    pub community_id: i64,
    pub project_id: Option<i64>,
    pub title: String,
    pub purpose: String,
    pub target_fen: i64,
    /// `YYYY-MM-DD`, the last day pledges are taken.
    pub deadline: String,
    pub treasurer_id: i64,
    pub treasurer_organisation_id: i64,
    pub how_to_give: String,
}

/// Starts a campaign; every field at fault is named at once.
pub async fn create(app: &App, caller: &Caller, input: &CampaignRequest) -> AppResult<i64> {
    let community = CommunityId(input.community_id);
    if !may_run(caller.grants(), community) {
        return Err(AppError::forbidden());
    }
    let mut checks = FieldChecks::default();
    let title = checks.check(parse_line(&input.title, "title", 80))?;
    let purpose = checks.check(parse_long_text(&input.purpose, "purpose"))?;
    let target = checks.check(amount_fen(input.target_fen, "target_fen"))?;
    let how_to_give = input.how_to_give.trim();
    if how_to_give.chars().count() > 2_000 {
        checks.refuse(
            AppError::invalid("validation.too_long", "how_to_give").with_arg("max", "2,000"),
        )?;
    }
    let today = app.clock.now().with_timezone(&shanghai()).date_naive();
    match NaiveDate::parse_from_str(input.deadline.trim(), "%Y-%m-%d") {
        Ok(day) if day < today => {
            checks.refuse(AppError::invalid("fund.deadline_past", "deadline"))?
        }
        Ok(_) => {}
        Err(_) => checks.refuse(AppError::invalid("fund.deadline_invalid", "deadline"))?,
    }
    if let Some(project) = input.project_id {
        let ours = match app.store.project(project).await {
            Ok(project) => project.community_id == community.0,
            Err(linli_store::StoreError::NotFound(_)) => false,
            Err(other) => return Err(other.into()),
        };
        if !ours {
            checks.refuse(AppError::invalid("fund.project_unknown", "project_id"))?;
        }
    }
    let organisation_known = app
        .store
        .organisations(community)
        .await?
        .iter()
        .any(|known| known.id == input.treasurer_organisation_id);
    if !organisation_known {
        checks.refuse(AppError::invalid(
            "fund.organisation_unknown",
            "treasurer_organisation_id",
        ))?;
    }
    // The treasurer is one of the office's people: a stranger's account never holds money.
    let treasurer_grants: Vec<_> = app
        .store
        .grants_of(PersonId(input.treasurer_id))
        .await?
        .into_iter()
        .map(|stored| stored.grant)
        .collect();
    if !is_staff(&treasurer_grants, community) {
        checks.refuse(AppError::invalid(
            "fund.treasurer_not_staff",
            "treasurer_id",
        ))?;
    }
    checks.finish()?;
    let (Some(title), Some(purpose), Some(target)) = (title, purpose, target) else {
        return Err(AppError::internal("a checked campaign lost a field"));
    };
    Ok(app
        .store
        .create_campaign(
            NewCampaign {
                community,
                project_id: input.project_id,
                title: &title,
                purpose: &purpose,
                target_fen: target,
                deadline: input.deadline.trim(),
                treasurer: PersonId(input.treasurer_id),
                treasurer_organisation_id: input.treasurer_organisation_id,
                how_to_give,
                created_by: caller.person,
            },
            app.clock.now(),
        )
        .await?)
}

/// Closes a campaign: no more pledges; those still unpaid lapse.
pub async fn close(app: &App, caller: &Caller, id: i64) -> AppResult<()> {
    let campaign = app.store.campaign(id).await?;
    if !may_run(caller.grants(), CommunityId(campaign.community_id)) {
        return Err(AppError::forbidden());
    }
    app.store
        .close_campaign(id, caller.person, app.clock.now())
        .await?;
    Ok(())
}
