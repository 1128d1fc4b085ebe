//! `/household`: a resident's rooms; for the rooms they own, who lives there and who is
//! invited, with an invitation by mobile number (a family member, or a tenant until a
//! date), withdrawing an invitation and removing someone. Family members and tenants see
//! their room and that its owner manages it.

use crate::error::ApiError;
use crate::locale::text;
use crate::pages::context::{FormErrors, PageContext, PageResult, Viewer, render, see_other};
use crate::pages::form_state::{Forms, Refused, shown_beside_form};
use crate::pages::meetings::{Fields, caller_of, get};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::Form;
use linli_app::accounts::members::{self as use_cases, Household, InvitationInput};
use linli_domain::registry::Phone;
use linli_store::accounts::RoomMember;
use serde::Deserialize;

/// The invitation form's fields: (use case, form, label).
const LABELS: &[(&str, &str, &str)] = &[
    ("phone", "phone", "accounts.invite_phone"),
    ("relation", "relation", "accounts.invite_relation"),
    ("ends_on", "ends_on", "accounts.ends_on"),
];

pub struct MemberLine {
    pub person_id: i64,
    pub invitation_id: i64,
    pub name: String,
    pub phone: String,
    pub relation: String,
    /// A tenant's last day ("" for others).
    pub ends_on: String,
    /// Still waiting for the number to sign in.
    pub waiting: bool,
    /// The owner may take them out (family members and tenants).
    pub removable: bool,
}

fn relation_label(relation: &str) -> String {
    text(&format!("page.accounts.relations.{relation}"), &[])
}

fn last_day(at: chrono::DateTime<chrono::Utc>) -> String {
    // Stored as the end of the day (midnight after it, Shanghai): the day before.
    (at.with_timezone(&linli_domain::calendar::shanghai()) - chrono::Duration::seconds(1))
        .format("%Y-%m-%d")
        .to_string()
}

impl From<RoomMember> for MemberLine {
    fn from(member: RoomMember) -> Self {
        let waiting = member.person_id.is_none();
        Self {
            person_id: member.person_id.unwrap_or_default(),
            invitation_id: member.invitation_id.unwrap_or_default(),
            name: member.display_name.unwrap_or_default(),
            phone: Phone::masked(&member.phone),
            removable: !waiting && member.relation != "owner",
            relation: relation_label(&member.relation),
            ends_on: member.ends_at.map(last_day).unwrap_or_default(),
            waiting,
        }
    }
}

pub struct RoomLine {
    pub id: i64,
    pub label: String,
    pub relation: String,
    pub owned: bool,
    pub members: Vec<MemberLine>,
}

impl From<Household> for RoomLine {
    fn from(household: Household) -> Self {
        let room = household.room;
        Self {
            id: room.room_id,
            label: linli_app::work_orders::room_label(
                &room.building_name,
                &room.unit_number,
                &room.room_number,
            ),
            relation: relation_label(&room.relation),
            owned: household.members.is_some(),
            members: household
                .members
                .unwrap_or_default()
                .into_iter()
                .map(MemberLine::from)
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "accounts_household.html")]
struct HouseholdPage {
    page: PageContext,
    rooms: Vec<RoomLine>,
    notice: String,
    forms: Forms,
    today: String,
}

impl HouseholdPage {
    /// The form of a room's invitation.
    fn invite_form(&self, room: &i64) -> String {
        format!("invite-{room}")
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let notice = match query.done.as_deref() {
        Some(done @ ("invited" | "removed" | "withdrawn")) => {
            text(&format!("page.accounts.household_{done}"), &[])
        }
        _ => String::new(),
    };
    render_page(&state, &viewer, notice, None).await
}

async fn render_page(
    state: &AppState,
    viewer: &Viewer,
    notice: String,
    refused: Option<Refused>,
) -> PageResult {
    let signed_in = viewer.require()?;
    let households = use_cases::households(state, &signed_in.user)
        .await
        .map_err(ApiError::from)?;
    let status = refused.as_ref().map_or(StatusCode::OK, |r| r.status);
    let page = HouseholdPage {
        page: viewer.context(text("page.accounts.household_title", &[]), "home"),
        rooms: households.into_iter().map(RoomLine::from).collect(),
        notice,
        forms: Forms { refused },
        today: state
            .clock
            .now()
            .with_timezone(&linli_domain::calendar::shanghai())
            .format("%Y-%m-%d")
            .to_string(),
    };
    Ok((status, render(&page)).into_response())
}

pub async fn invite(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(room): Path<i64>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    let relation = get(&fields, "relation").to_owned();
    let input = InvitationInput {
        phone: get(&fields, "phone").to_owned(),
        // A family member has no end date, whatever the date field held.
        ends_on: (relation == "tenant").then(|| get(&fields, "ends_on").to_owned()),
        relation,
    };
    match use_cases::invite(&state, caller, room, input).await {
        Ok(_) => see_other("/household?done=invited"),
        Err(error) => {
            let error = ApiError::from(error);
            if !shown_beside_form(&error) {
                return Err(error.into());
            }
            let refused = Refused {
                form: format!("invite-{room}"),
                errors: FormErrors::from_api_labelled(&error, LABELS),
                kept: fields,
                status: error.status,
            };
            render_page(&state, &viewer, String::new(), Some(refused)).await
        }
    }
}

pub async fn remove(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((room, person)): Path<(i64, i64)>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    use_cases::remove(&state, caller, room, person)
        .await
        .map_err(ApiError::from)?;
    see_other("/household?done=removed")
}

pub async fn withdraw(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((room, invitation)): Path<(i64, i64)>,
    Form(fields): Form<Fields>,
) -> PageResult {
    let caller = caller_of(&viewer, &fields)?;
    use_cases::withdraw(&state, caller, room, invitation)
        .await
        .map_err(ApiError::from)?;
    see_other("/household?done=withdrawn")
}
