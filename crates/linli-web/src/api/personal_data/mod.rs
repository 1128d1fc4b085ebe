//! `GET /api/v1/me/data`: the caller's copy of everything Linli holds about them, as one
//! JSON document to keep (个人信息保护法 第四十五条).

use crate::auth::{CurrentUser, Me};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use linli_app::personal_data::{self as use_cases, PersonalData};
use linli_store::personal_data::{
    BallotCast, Donation, FollowedOrder, InvitationRecord, Message, OwnEvent, ReportedOrder,
    RoomClaimRecord, SessionRecord, UploadedPhoto, Volunteering,
};
use serde::Serialize;

/// Everything about one person, each part in time order.
#[derive(Debug, Serialize)]
pub struct PersonalDataView {
    pub generated_at: DateTime<Utc>,
    /// The account, its roles and rooms.
    pub account: Me,
    pub account_created_at: Option<DateTime<Utc>>,
    pub reported_work_orders: Vec<ReportedOrder>,
    pub followed_work_orders: Vec<FollowedOrder>,
    /// What the person wrote or did on those work orders.
    pub own_timeline_entries: Vec<OwnEvent>,
    /// Photos the person took of their reports (each served at
    /// `/api/v1/work-orders/{work_order_id}/photos/{id}`).
    pub photos: Vec<UploadedPhoto>,
    pub donations: Vec<Donation>,
    /// That the person voted, never what.
    pub ballots_cast: Vec<BallotCast>,
    pub volunteer_skills: Option<String>,
    pub volunteering: Vec<Volunteering>,
    pub sessions: Vec<SessionRecord>,
    pub messages: Vec<Message>,
    /// Rooms the person claimed, and the committee's decisions.
    pub room_claims: Vec<RoomClaimRecord>,
    /// Invitations to a room addressed to the person.
    pub room_invitations: Vec<InvitationRecord>,
}

impl From<PersonalData> for PersonalDataView {
    fn from(data: PersonalData) -> Self {
        let records = data.records;
        Self {
            generated_at: data.generated_at,
            account: data.me.into(),
            account_created_at: records.created_at,
            reported_work_orders: records.reported,
            followed_work_orders: records.followed,
            own_timeline_entries: records.events,
            photos: records.photos,
            donations: records.donations,
            ballots_cast: records.ballots,
            volunteer_skills: records.volunteer_skills,
            volunteering: records.volunteering,
            sessions: records.sessions,
            messages: records.messages,
            room_claims: records.claims,
            room_invitations: records.invitations,
        }
    }
}

/// The document as a file to save: `linli-my-data-YYYY-MM-DD.json`.
pub fn download(view: &PersonalDataView) -> Response {
    let body = serde_json::to_vec_pretty(view).unwrap_or_default();
    let name = format!(
        "attachment; filename=\"linli-my-data-{}.json\"",
        view.generated_at.format("%Y-%m-%d")
    );
    (
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, name),
        ],
        body,
    )
        .into_response()
}

#[utoipa::path(
    get,
    path = "/api/v1/me/data",
    tag = "sessions",
    summary = "Download everything Linli holds about me (个人信息下载)",
    description = "One JSON document: the account, roles and rooms; work orders reported and followed, and what the caller wrote on them; the photos they took; donations; the votes they took part in (never their choice); volunteering; signed-in devices; messages. Only the caller's own.",
    responses((status = 200, description = "The caller's data, as an attachment", content_type = "application/json"), (status = 401)),
    security(("bearer" = []))
)]
pub async fn own(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    let data = use_cases::own(&state, &user).await?;
    Ok(download(&PersonalDataView::from(data)))
}
