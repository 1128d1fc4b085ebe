//! A person's inbox: what the rules told them, newest first.

use super::context::{PageContext, PageResult, Viewer, local_time, render, see_other};
use crate::locale::text;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum_extra::extract::Form;
use serde::Deserialize;

pub struct Entry {
    pub body: String,
    pub at: String,
    pub unread: bool,
    pub order_id: i64,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    page: PageContext,
    entries: Vec<Entry>,
    unread: i64,
}

pub async fn inbox_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let signed_in = viewer.require()?;
    let (_, notifications) = linli_app::notifications::inbox(&state, &signed_in.user)
        .await
        .map_err(crate::ApiError::from)?;
    let entries = notifications
        .into_iter()
        .map(|notification| Entry {
            body: notification.body,
            at: local_time(notification.created_at),
            unread: notification.read_at.is_none(),
            order_id: notification.work_order_id.unwrap_or_default(),
        })
        .collect();
    Ok(render(&InboxPage {
        page: viewer.context(text("page.inbox.title", &[]), "inbox"),
        entries,
        unread: signed_in.unread,
    }))
}

#[derive(Debug, Deserialize)]
pub struct ReadForm {
    csrf: String,
}

pub async fn mark_read(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<ReadForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let signed_in = viewer.require()?;
    linli_app::notifications::mark_all_read(&state, &signed_in.user)
        .await
        .map_err(crate::ApiError::from)?;
    see_other("/inbox")
}
