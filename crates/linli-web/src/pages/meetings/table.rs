//! Who sits at the table: attendance per participant, and inviting someone — a person with
//! an account (by their sign-in name) or a name without one — with whom they represent.

use super::{Fields, caller_of, get, outcome};
use crate::error::ApiError;
use crate::pages::context::{PageResult, Viewer};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum_extra::extract::Form;
use linli_app::meetings::{convene, minutes};
use linli_domain::ValidationError;
use linli_domain::registry::Login;

/// The attendance form: one `attendance-{participant}` choice per participant; those left
/// unchosen are not sent.
pub async fn record_attendance(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let marks: Vec<(i64, String)> = fields
        .iter()
        .filter_map(|(name, value)| {
            let participant = name.strip_prefix("attendance-")?.parse().ok()?;
            (!value.is_empty()).then(|| (participant, value.clone()))
        })
        .collect();
    let result = minutes::record_attendance(&state, caller, id, &marks)
        .await
        .map_err(ApiError::from);
    outcome(&state, &viewer, id, "attendance", fields, result).await
}

/// Invites a participant: by sign-in name (someone with an account) or by name.
pub async fn invite(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let result = async {
        let login = get(&fields, "login").trim();
        let person_id = if login.is_empty() {
            None
        } else {
            let unknown =
                || ApiError::from(ValidationError::new("meeting.person_unknown", "person_id"));
            let login = Login::parse(login).map_err(|_| unknown())?;
            Some(
                state
                    .store
                    .person_by_login(&login)
                    .await?
                    .ok_or_else(unknown)?
                    .id,
            )
        };
        let name = get(&fields, "name").trim();
        let represents = get(&fields, "represents").trim();
        convene::invite(
            &state,
            caller,
            id,
            &convene::InviteRequest {
                person_id,
                name: (!name.is_empty()).then(|| name.to_owned()),
                represents: (!represents.is_empty()).then(|| represents.to_owned()),
                organisation_id: None,
            },
        )
        .await
        .map_err(ApiError::from)
    }
    .await;
    outcome(&state, &viewer, id, "participants", fields, result).await
}
