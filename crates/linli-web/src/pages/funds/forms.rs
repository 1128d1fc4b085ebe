//! The campaign page's forms: a pledge, cash at the desk (then its slip), the
//! treasurer's confirmations, refunds and corrections, expenses and their steps, closing.

use super::page::{Refused, render_campaign};
use crate::error::ApiError;
use crate::pages::context::{FormErrors, PageResult, Viewer, see_other};
use crate::pages::meetings::{Fields, caller_of, get};
use crate::state::AppState;
use axum::extract::Multipart;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum_extra::extract::Form;
use linli_app::funds::{campaigns, expenses, ledger, pledges};
use linli_domain::ValidationError;
use linli_domain::funds::yuan_to_fen;

/// The fields as the use cases name them, as the forms name them, and their labels.
const LABELS: &[(&str, &str, &str)] = &[
    ("amount_fen", "amount", "funds.amount_yuan"),
    ("channel", "channel", "funds.channel_label"),
    ("donor_name", "donor_name", "funds.donor_name"),
    ("payee", "payee", "funds.payee"),
    ("purpose", "purpose", "funds.purpose"),
    ("reason", "reason", "funds.reason"),
    ("override_reason", "reason", "funds.override_reason"),
    ("entry_seq", "entry_seq", "funds.entry_seq"),
    ("pledge_id", "pledge_id", "funds.pledge_label"),
];

fn yuan(fields: &Fields) -> Result<i64, ApiError> {
    Ok(yuan_to_fen(get(fields, "amount"), "amount_fen")?)
}

fn id_field(fields: &Fields, name: &'static str) -> Result<i64, ApiError> {
    get(fields, name)
        .trim()
        .parse()
        .map_err(|_| ValidationError::new("page.error.number_invalid", name).into())
}

/// The form of the page an action belongs to: its errors are shown beside it.
fn form_of(action: &str, fields: &Fields) -> String {
    match action {
        "approve" | "reject" | "pay" | "submit" => {
            format!("expense-{}", get(fields, "expense_id").trim())
        }
        "confirm" | "lapse" => "pledges".to_owned(),
        // A donor withdraws from their own list, which the office's table is not.
        "withdraw" => "mine".to_owned(),
        other => other.to_owned(),
    }
}

/// What an action did: nothing more to show, or the slip of cash taken at the desk.
enum Done {
    Shown,
    Slip(i64),
}

async fn act(
    state: &AppState,
    caller: &linli_app::Caller,
    id: i64,
    action: &str,
    fields: &Fields,
) -> Result<Done, ApiError> {
    let reason = || Some(get(fields, "reason"));
    match action {
        "pledge" | "cash" => {
            let at_desk = action == "cash";
            let request = pledges::PledgeRequest {
                amount_fen: yuan(fields)?,
                channel: if at_desk {
                    "cash".to_owned()
                } else {
                    get(fields, "channel").to_owned()
                },
                anonymous: get(fields, "anonymous") == "on",
                donor_name: at_desk.then(|| get(fields, "donor_name").to_owned()),
            };
            let pledged = pledges::pledge(state, caller, id, &request).await?;
            Ok(if at_desk {
                Done::Slip(pledged.id)
            } else {
                Done::Shown
            })
        }
        "confirm" => {
            pledges::confirm(state, caller, id_field(fields, "pledge_id")?).await?;
            Ok(Done::Shown)
        }
        "lapse" | "withdraw" => {
            pledges::end(state, caller, id_field(fields, "pledge_id")?, action).await?;
            Ok(Done::Shown)
        }
        "refund" => {
            let pledge = id_field(fields, "pledge_id")?;
            let fen = yuan(fields)?;
            ledger::refund(state, caller, id, pledge, fen, get(fields, "reason")).await?;
            Ok(Done::Shown)
        }
        "correct" => {
            // The page numbers entries from 1, the ledger from 0.
            let shown = id_field(fields, "entry_seq")?;
            let seq = shown
                .checked_sub(1)
                .filter(|seq| *seq >= 0)
                .ok_or_else(|| {
                    ApiError::from(ValidationError::new("fund.not_reversible", "entry_seq"))
                })?;
            ledger::correct(state, caller, id, seq, get(fields, "reason")).await?;
            Ok(Done::Shown)
        }
        "expense" => {
            let request = expenses::ExpenseRequest {
                amount_fen: yuan(fields)?,
                payee: get(fields, "payee").to_owned(),
                purpose: get(fields, "purpose").to_owned(),
                draft: get(fields, "draft") == "on",
            };
            expenses::request(state, caller, id, &request).await?;
            Ok(Done::Shown)
        }
        "approve" | "reject" | "pay" | "submit" => {
            let expense = id_field(fields, "expense_id")?;
            expenses::transition(state, caller, expense, action, reason()).await?;
            Ok(Done::Shown)
        }
        "close" => {
            campaigns::close(state, caller, id).await?;
            Ok(Done::Shown)
        }
        _ => Err(ApiError::not_found("request.not_found")),
    }
}

/// One form of the campaign page.
pub async fn campaign_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, action)): Path<(i64, String)>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    match act(&state, caller, id, &action, &fields).await {
        Ok(Done::Slip(pledge)) => see_other(&format!("/pledges/{pledge}/slip")),
        Ok(Done::Shown) => {
            let anchor = form_of(&action, &fields);
            see_other(&format!("/campaigns/{id}?done={action}#{anchor}"))
        }
        Err(error)
            if error.status.is_client_error()
                && error.status != StatusCode::NOT_FOUND
                && error.status != StatusCode::FORBIDDEN =>
        {
            let refused = Refused {
                form: form_of(&action, &fields),
                errors: FormErrors::from_api_labelled(&error, LABELS),
                kept: fields,
                status: error.status,
            };
            render_campaign(&state, &viewer, id, None, Some(refused)).await
        }
        Err(error) => Err(error.into()),
    }
}

/// Receipt photos for an expense, from the campaign page (a multipart form).
pub async fn add_receipts(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, expense)): Path<(i64, i64)>,
    multipart: Multipart,
) -> PageResult {
    let (fields, photos) = crate::pages::home::read_multipart(multipart).await?;
    let caller = caller_of(&viewer, &fields)?;
    let form = format!("expense-{expense}");
    match linli_app::funds::receipts::add_receipts(&state, caller, expense, photos).await {
        Ok(_) => see_other(&format!("/campaigns/{id}?done=receipts#{form}")),
        Err(error) => {
            let error = ApiError::from(error);
            if error.status.is_client_error()
                && error.status != StatusCode::NOT_FOUND
                && error.status != StatusCode::FORBIDDEN
            {
                let refused = Refused {
                    form,
                    errors: FormErrors::from_api_labelled(&error, LABELS),
                    kept: Vec::new(),
                    status: error.status,
                };
                render_campaign(&state, &viewer, id, None, Some(refused)).await
            } else {
                Err(error.into())
            }
        }
    }
}
