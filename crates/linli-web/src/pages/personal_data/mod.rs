//! `/me/data`: what Linli holds about the signed-in person, readable on a phone, with
//! the whole of it to download as JSON (`/me/data.json`).

use crate::api::personal_data::{PersonalDataView, download};
use crate::locale::text;
use crate::pages::context::{PageContext, PageResult, Viewer, local_time, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;

/// One line of a section: what it is, and when.
pub struct Line {
    pub what: String,
    pub when: String,
}

pub struct Section {
    pub key: &'static str,
    pub title: String,
    pub lines: Vec<Line>,
}

#[derive(Template)]
#[template(path = "personal_data.html")]
struct PersonalDataPage {
    page: PageContext,
    name: String,
    login: String,
    phone: String,
    rooms: Vec<String>,
    sections: Vec<Section>,
}

fn section(key: &'static str, lines: Vec<Line>) -> Section {
    Section {
        key,
        title: text(&format!("page.my_data.{key}"), &[]),
        lines,
    }
}

pub async fn page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let signed_in = viewer.require()?;
    let data = linli_app::personal_data::own(&state, &signed_in.user).await?;
    let person = &data.me.person;
    let rooms = data
        .me
        .rooms
        .iter()
        .map(|room| {
            linli_app::work_orders::room_label(
                &room.building_name,
                &room.unit_number,
                &room.room_number,
            )
        })
        .collect();
    let records = &data.records;
    let sections = vec![
        section(
            "reported",
            records
                .reported
                .iter()
                .map(|order| Line {
                    what: format!(
                        "#{} {}：{}（{}）",
                        order.number,
                        order.category,
                        order.description,
                        text(&format!("status.{}", order.status), &[])
                    ),
                    when: local_time(order.created_at),
                })
                .collect(),
        ),
        section(
            "followed",
            records
                .followed
                .iter()
                .map(|order| Line {
                    what: format!("#{}", order.number),
                    when: local_time(order.created_at),
                })
                .collect(),
        ),
        section(
            "events",
            records
                .events
                .iter()
                .map(|event| Line {
                    what: format!(
                        "{}{}",
                        text(&format!("event.{}", event.kind), &[]),
                        event
                            .body
                            .as_deref()
                            .map(|body| format!("：{body}"))
                            .unwrap_or_default()
                    ),
                    when: local_time(event.at),
                })
                .collect(),
        ),
        section(
            "photos",
            records
                .photos
                .iter()
                .map(|photo| Line {
                    what: format!("{}×{}", photo.width, photo.height),
                    when: local_time(photo.created_at),
                })
                .collect(),
        ),
        section(
            "donations",
            records
                .donations
                .iter()
                .map(|donation| Line {
                    what: format!(
                        "{}：¥{}",
                        donation.campaign,
                        crate::pages::projects::yuan(donation.amount_fen)
                    ),
                    when: local_time(donation.created_at),
                })
                .collect(),
        ),
        section(
            "ballots",
            records
                .ballots
                .iter()
                .map(|ballot| Line {
                    what: ballot.vote.clone(),
                    when: local_time(ballot.cast_at),
                })
                .collect(),
        ),
        section(
            "volunteering",
            records
                .volunteering
                .iter()
                .map(|shift| Line {
                    what: shift.activity.clone(),
                    when: local_time(shift.starts_at),
                })
                .collect(),
        ),
        section(
            "sessions",
            records
                .sessions
                .iter()
                .map(|session| Line {
                    what: session.user_agent.clone().unwrap_or_default(),
                    when: local_time(session.last_seen_at),
                })
                .collect(),
        ),
        section(
            "claims",
            records
                .claims
                .iter()
                .map(|claim| Line {
                    what: format!(
                        "{} · {} · {}{}",
                        claim.room,
                        text(&format!("page.accounts.relations.{}", claim.relation), &[]),
                        text(&format!("page.my_data.claim_status.{}", claim.status), &[]),
                        claim
                            .reason
                            .as_deref()
                            .map(|reason| format!("：{reason}"))
                            .unwrap_or_default()
                    ),
                    when: local_time(claim.created_at),
                })
                .collect(),
        ),
        section(
            "invitations",
            records
                .invitations
                .iter()
                .map(|invitation| Line {
                    what: format!(
                        "{} · {}",
                        invitation.room,
                        text(
                            &format!("page.accounts.relations.{}", invitation.relation),
                            &[]
                        )
                    ),
                    when: local_time(invitation.created_at),
                })
                .collect(),
        ),
        section(
            "messages",
            records
                .messages
                .iter()
                .map(|message| Line {
                    what: message.body.clone(),
                    when: local_time(message.created_at),
                })
                .collect(),
        ),
    ];
    Ok(render(&PersonalDataPage {
        page: viewer.context(text("page.my_data.title", &[]), "my_data"),
        name: person.display_name.clone(),
        login: person.login.clone(),
        phone: person.phone.clone().unwrap_or_default(),
        rooms,
        sections,
    }))
}

/// The whole document, to save.
pub async fn json(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, crate::pages::context::PageError> {
    let signed_in = viewer.require()?;
    let data = linli_app::personal_data::own(&state, &signed_in.user).await?;
    Ok(download(&PersonalDataView::from(data)))
}
