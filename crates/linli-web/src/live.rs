//! Live updates. Every committed change to a work order is published on an in-process
//! broadcast; on PostgreSQL it is also sent with `NOTIFY` so that the other instances
//! re-broadcast it to their own watchers. Pages and big screens listen over Server-Sent
//! Events, each stream filtered by what its viewer may see.

use crate::auth::CurrentUser;
use crate::pages::{PageError, Viewer};
use crate::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::{DateTime, Utc};
use futures_util::stream::Stream;
use linli_domain::ids::CommunityId;
use linli_domain::roles::Role;
use linli_store::Store;
use linli_store::live::CHANGES_CHANNEL;
use serde::{Deserialize, Serialize};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// A change to one work order, as much as a watcher needs to decide whether to look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub community_id: i64,
    pub work_order_id: i64,
    pub number: i64,
    pub status: String,
    /// What happened: an event kind (`dispatched`, …), or `submitted` for a new one.
    pub event: String,
    /// The people who see this work order as theirs (reporter and followers): the only
    /// residents whose streams carry it.
    pub audience: Vec<i64>,
    pub at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    origin: String,
    change: Change,
}

/// The hub of one instance.
pub struct LiveHub {
    sender: broadcast::Sender<Arc<Change>>,
    /// Tells this instance's own notifications apart from the others'.
    origin: String,
    store: Store,
}

impl LiveHub {
    /// Also starts listening to the other instances (PostgreSQL): call inside the runtime.
    pub fn start(store: Store) -> Arc<Self> {
        let (sender, _) = broadcast::channel(4096);
        let origin = linli_store::passwords::new_session_token()
            .map(|token| token[..16].to_owned())
            .unwrap_or_else(|_| format!("{:x}", std::process::id()));
        let hub = Arc::new(Self {
            sender,
            origin,
            store,
        });
        tokio::spawn(listen_to_other_instances(Arc::downgrade(&hub)));
        hub
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.sender.subscribe()
    }

    /// Announces a committed change here and to the other instances. Never fails the
    /// request that made the change: a lost announcement only delays a screen until its
    /// next periodic refresh.
    pub fn publish(&self, change: Change) {
        let change = Arc::new(change);
        let _ = self.sender.send(Arc::clone(&change));
        if self.store.engine() == linli_store::Engine::Postgres {
            let envelope = Envelope {
                origin: self.origin.clone(),
                change: (*change).clone(),
            };
            let store = self.store.clone();
            tokio::spawn(async move {
                let Ok(payload) = serde_json::to_string(&envelope) else {
                    return;
                };
                if let Err(error) = store.notify(CHANGES_CHANNEL, &payload).await {
                    tracing::warn!(%error, "telling the other instances failed");
                }
            });
        }
    }
}

async fn listen_to_other_instances(hub: std::sync::Weak<LiveHub>) {
    loop {
        let Some(strong) = hub.upgrade() else { return };
        let store = strong.store.clone();
        let origin = strong.origin.clone();
        drop(strong);
        let mut listener = match store.listen(CHANGES_CHANNEL).await {
            Ok(Some(listener)) => listener,
            Ok(None) => return, // SQLite: no other instances
            Err(error) => {
                tracing::warn!(%error, "cannot listen for other instances' changes; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        loop {
            let payload = match listener.recv().await {
                Ok(payload) => payload,
                Err(error) => {
                    tracing::warn!(%error, "listening for other instances' changes broke");
                    break;
                }
            };
            let Some(hub) = hub.upgrade() else { return };
            match serde_json::from_str::<Envelope>(&payload) {
                Ok(envelope) if envelope.origin != origin => {
                    let _ = hub.sender.send(Arc::new(envelope.change));
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "an unreadable change notification"),
            }
        }
    }
}

/// Publishes a committed change of a work order, now in `status`. The order is the row
/// the change was computed from; only its audience is read again (an action may have
/// added a follower).
pub(crate) async fn announce(
    state: &AppState,
    order: &linli_store::work_orders::WorkOrderRow,
    status: &str,
    event: &str,
) {
    let audience = match state.store.audience(order.id).await {
        Ok(audience) => audience,
        Err(error) => {
            tracing::warn!(%error, "cannot announce a change");
            return;
        }
    };
    state.live.publish(Change {
        community_id: order.community_id,
        work_order_id: order.id,
        number: order.number,
        status: status.to_owned(),
        event: event.to_owned(),
        audience,
        at: state.clock.now(),
    });
}

/// Which changes one signed-in person may hear of.
struct Hearing {
    person: i64,
    /// Communities where they are staff (or oversee): every change there.
    whole_communities: Vec<i64>,
}

impl Hearing {
    async fn of(state: &AppState, user: &CurrentUser) -> Self {
        let mut whole_communities = Vec::new();
        if let Ok(communities) = crate::registry::visible_communities(state, user).await {
            for community in communities {
                let id = CommunityId(community.id);
                let overseer = user.grants().iter().any(|grant| {
                    matches!(grant.role, Role::StreetOverseer | Role::Admin)
                        && linli_domain::permissions::authorize(
                            &[*grant],
                            linli_domain::permissions::RegistryAction::ViewRegistry,
                            community.place(),
                        )
                });
                if overseer || crate::work_orders::access::is_staff(user, id) {
                    whole_communities.push(community.id);
                }
            }
        }
        Self {
            person: user.person.0,
            whole_communities,
        }
    }

    fn hears(&self, change: &Change) -> bool {
        self.whole_communities.contains(&change.community_id)
            || change.audience.contains(&self.person)
    }
}

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
