//! One campaign as a page, for whoever looks: the public ledger for everyone, and the
//! forms each person may use.

use super::label;
use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{FormErrors, PageContext, PageResult, Viewer, local_time, render};
use crate::pages::meetings::{Fields, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use linli_app::funds::{self as use_cases, yuan_text};
use linli_domain::funds::{
    CampaignStatus, ExpenseStatus, PledgeStatus, may_pledge, may_record_for_others,
    may_request_expense, may_run,
};
use linli_domain::ids::CommunityId;
use linli_domain::ids::PersonId;
use serde::Deserialize;

pub struct EntryLine {
    pub seq: i64,
    pub at: String,
    pub kind: String,
    pub amount: String,
    pub who: String,
    pub note: String,
    pub reversed: bool,
    pub recorded_by: String,
}

pub struct PledgeLine {
    pub id: i64,
    pub donor: String,
    pub amount: String,
    pub channel: String,
    pub status: String,
    pub pending: bool,
    pub receipt: String,
    pub at: String,
}

pub struct ExpenseLine {
    pub id: i64,
    pub amount: String,
    pub payee: String,
    pub purpose: String,
    pub status_key: String,
    pub status: String,
    pub note: String,
    pub may_approve: bool,
    pub may_pay: bool,
    pub may_submit: bool,
    /// (photo, thumbnail) addresses of the receipts.
    pub receipts: Vec<(String, String)>,
    pub may_add_receipts: bool,
}

#[derive(Template)]
#[template(path = "funds_campaign.html")]
struct CampaignPage {
    page: PageContext,
    id: i64,
    title: String,
    purpose: String,
    project: String,
    project_id: i64,
    deadline: String,
    open: bool,
    treasurer: String,
    how_to_give: String,
    raised: String,
    pledged: String,
    spent: String,
    refunded: String,
    balance: String,
    target: String,
    progress_percent: i64,
    consistent: bool,
    entries: Vec<EntryLine>,
    expenses: Vec<ExpenseLine>,
    pledges: Vec<PledgeLine>,
    mine: Vec<PledgeLine>,
    office: bool,
    may_pledge: bool,
    takes_cash: bool,
    is_treasurer: bool,
    runs: bool,
    requests_expense: bool,
    /// Confirmed pledges the treasurer may refund.
    refundable: Vec<PledgeLine>,
    /// How a resident may give: (value, words).
    channels: Vec<(String, String)>,
    signed_in: bool,
    sign_in_url: String,
    ledger_csv: String,
    ledger_xlsx: String,
    notice: String,
    refused: String,
    errors: FormErrors,
    kept: Fields,
}

impl CampaignPage {
    fn kept(&self, form: &str, field: &str) -> String {
        if self.refused == form {
            get(&self.kept, field).to_owned()
        } else {
            String::new()
        }
    }

    fn error(&self, form: &str, field: &str) -> String {
        if self.refused == form {
            self.errors.of(field)
        } else {
            String::new()
        }
    }

    fn general(&self, form: &str) -> String {
        if self.refused != form {
            return String::new();
        }
        match &self.errors.general {
            Some(general) => general.clone(),
            None if self.errors.by_field.is_empty() => String::new(),
            None => text("page.form.refused", &[]),
        }
    }
}

/// A refused form of the campaign page: which, why, and what was typed.
pub struct Refused {
    pub form: String,
    pub errors: FormErrors,
    pub kept: Fields,
    pub status: StatusCode,
}

#[derive(Debug, Deserialize)]
pub struct CampaignQuery {
    done: Option<String>,
}

pub async fn campaign_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<CampaignQuery>,
) -> PageResult {
    render_campaign(&state, &viewer, id, query.done.as_deref(), None).await
}

fn pledge_line(pledge: &linli_store::funds::PledgeRow) -> PledgeLine {
    PledgeLine {
        id: pledge.id,
        donor: if pledge.anonymous {
            format!(
                "{}（{}）",
                pledge.donor_name,
                text("page.funds.anonymous_flag", &[])
            )
        } else {
            pledge.donor_name.clone()
        },
        amount: yuan_text(pledge.amount_fen),
        channel: label("channel", pledge.channel.as_str()),
        status: label("pledge", pledge.status.as_str()),
        pending: pledge.status == PledgeStatus::Pledged,
        receipt: pledge
            .receipt_number
            .map(|number| format!("No. {number:04}"))
            .unwrap_or_default(),
        at: local_time(pledge.created_at),
    }
}

pub async fn render_campaign(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    done: Option<&str>,
    refused: Option<Refused>,
) -> PageResult {
    let caller = viewer.signed_in.as_ref().map(|signed_in| &signed_in.user.0);
    let detail = use_cases::read(state, caller, id)
        .await
        .map_err(ApiError::from)?;
    let campaign = &detail.campaign;
    let community = CommunityId(campaign.community_id);
    let grants = caller.map(|caller| caller.grants()).unwrap_or_default();
    let open = campaign.status == CampaignStatus::Open;
    let office = detail.pledges.is_some();
    let entries = detail
        .entries
        .iter()
        .map(|line| {
            let entry = &line.entry;
            let who = match entry.kind.as_str() {
                "expense" => line.payee.clone().unwrap_or_default(),
                _ => line.donor.clone().unwrap_or_default(),
            };
            let note = match entry.reverses_seq {
                Some(of) => text(
                    "page.funds.reverses",
                    &[
                        ("seq", (of + 1).to_string()),
                        ("reason", entry.reason.clone().unwrap_or_default()),
                    ],
                ),
                None => line
                    .purpose
                    .clone()
                    .or_else(|| entry.reason.clone())
                    .unwrap_or_default(),
            };
            EntryLine {
                seq: entry.seq + 1,
                at: local_time(entry.recorded_at),
                kind: label("entry", &entry.kind),
                amount: yuan_text(entry.amount_fen),
                who,
                note,
                reversed: line.reversed,
                recorded_by: entry.recorded_by_name.clone(),
            }
        })
        .collect();
    let runs = may_run(grants, community);
    let expenses = detail
        .expenses
        .iter()
        .map(|expense| {
            let asked_by_caller =
                caller.is_some_and(|caller| caller.person.0 == expense.requested_by);
            let note = match (&expense.reject_reason, &expense.override_reason) {
                (Some(reason), _) => {
                    text("page.funds.rejected_because", &[("reason", reason.clone())])
                }
                (None, Some(reason)) => {
                    text("page.funds.override_because", &[("reason", reason.clone())])
                }
                _ => String::new(),
            };
            ExpenseLine {
                id: expense.id,
                amount: yuan_text(expense.amount_fen),
                payee: expense.payee.clone(),
                purpose: expense.purpose.clone(),
                status_key: expense.status.as_str().to_owned(),
                status: label("expense", expense.status.as_str()),
                note,
                may_approve: runs && !asked_by_caller && expense.status == ExpenseStatus::Pending,
                may_pay: detail.is_treasurer && expense.status == ExpenseStatus::Approved,
                may_submit: asked_by_caller && expense.status == ExpenseStatus::Draft,
                receipts: detail
                    .receipts
                    .iter()
                    .filter(|receipt| receipt.expense_id == expense.id)
                    .map(|receipt| {
                        let url =
                            format!("/api/v1/expenses/{}/receipts/{}", expense.id, receipt.id);
                        (url.clone(), format!("{url}?size=thumbnail"))
                    })
                    .collect(),
                may_add_receipts: expense.status != ExpenseStatus::Rejected
                    && caller.is_some_and(|caller| {
                        may_request_expense(
                            grants,
                            community,
                            caller.person,
                            PersonId(campaign.treasurer_id),
                        )
                    }),
            }
        })
        .collect();
    let notice = done
        .filter(|done| {
            [
                "start", "pledge", "cash", "confirm", "lapse", "withdraw", "refund", "expense",
                "approve", "reject", "pay", "submit", "correct", "close", "receipts",
            ]
            .contains(done)
        })
        .map(|done| text(&format!("page.funds.done.{done}"), &[]))
        .unwrap_or_default();
    let (refused_form, errors, kept, status) = match refused {
        Some(refused) => (refused.form, refused.errors, refused.kept, refused.status),
        None => (
            String::new(),
            FormErrors::default(),
            Vec::new(),
            StatusCode::OK,
        ),
    };
    let figures = detail.figures;
    let page = CampaignPage {
        page: viewer.context(campaign.title.clone(), "campaigns"),
        id,
        title: campaign.title.clone(),
        purpose: campaign.purpose.clone(),
        project: campaign.project_title.clone().unwrap_or_default(),
        project_id: campaign.project_id.unwrap_or_default(),
        deadline: campaign.deadline.clone(),
        open,
        treasurer: format!(
            "{}（{}）",
            campaign.treasurer_name, campaign.treasurer_organisation
        ),
        how_to_give: detail.how_to_give.clone(),
        raised: yuan_text(figures.raised_fen),
        pledged: yuan_text(figures.pledged_fen),
        spent: yuan_text(figures.spent_fen),
        refunded: yuan_text(figures.refunded_fen),
        balance: yuan_text(figures.balance_fen),
        target: yuan_text(figures.target_fen),
        progress_percent: figures.progress_percent(),
        consistent: figures.consistent,
        entries,
        expenses,
        pledges: detail
            .pledges
            .as_ref()
            .map(|pledges| pledges.iter().map(pledge_line).collect())
            .unwrap_or_default(),
        refundable: detail
            .pledges
            .as_ref()
            .map(|pledges| {
                pledges
                    .iter()
                    .filter(|pledge| pledge.status == PledgeStatus::Confirmed)
                    .map(pledge_line)
                    .collect()
            })
            .unwrap_or_default(),
        mine: detail.mine.iter().map(pledge_line).collect(),
        office,
        may_pledge: open && may_pledge(grants, community),
        takes_cash: open && may_record_for_others(grants, community),
        is_treasurer: detail.is_treasurer,
        runs,
        requests_expense: open
            && caller.is_some_and(|caller| {
                may_request_expense(
                    grants,
                    community,
                    caller.person,
                    PersonId(campaign.treasurer_id),
                )
            }),
        // The payment provider says how money can come; the first is the usual way.
        channels: linli_app::funds::payment::provider()
            .channels()
            .iter()
            .map(|channel| {
                (
                    channel.as_str().to_owned(),
                    label("channel", channel.as_str()),
                )
            })
            .collect(),
        signed_in: caller.is_some(),
        sign_in_url: format!("/signin?next={}", crate::pages::url_encode(&viewer.here)),
        ledger_csv: format!("/api/v1/campaigns/{id}/ledger.csv"),
        ledger_xlsx: format!("/api/v1/campaigns/{id}/ledger.xlsx"),
        notice,
        refused: refused_form,
        errors,
        kept,
    };
    Ok((status, render(&page)).into_response())
}
