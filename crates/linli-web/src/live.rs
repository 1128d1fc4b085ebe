//! Live pages: the changes a signed-in person may hear of (`linli_app::live`), as
//! Server-Sent Events.

use crate::pages::{PageError, Viewer};
use crate::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::Stream;
use linli_app::live::Hearing;
use serde::Serialize;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast;
#[derive(Serialize)]
struct ChangeView<'a> {
    work_order_id: i64,
    number: i64,
    status: &'a str,
    event: &'a str,
}

/// `GET /live`: the changes the signed-in person may see, as Server-Sent Events
/// (`change`), for pages that refresh themselves. A stream that fell behind gets
/// `resync` and reloads.
pub async fn page_stream(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, PageError> {
    let signed_in = viewer.require()?;
    let hearing = Hearing::of(&state, &signed_in.user).await;
    let receiver = state.live.subscribe();
    let stream =
        futures_util::stream::unfold((receiver, hearing), |(mut receiver, hearing)| async move {
            loop {
                match receiver.recv().await {
                    Ok(change) if hearing.hears(&change) => {
                        let view = ChangeView {
                            work_order_id: change.work_order_id,
                            number: change.number,
                            status: &change.status,
                            event: &change.event,
                        };
                        let data = serde_json::to_string(&view).unwrap_or_default();
                        let event = Event::default().event("change").data(data);
                        return Some((Ok(event), (receiver, hearing)));
                    }
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        let event = Event::default().event("resync").data("{}");
                        return Some((Ok(event), (receiver, hearing)));
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        });
    let stream = futures_util::StreamExt::take_until(stream, state.stopped());
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))))
}
