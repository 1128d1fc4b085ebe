//! Live updates. Every committed change to a work order is published on an in-process
//! broadcast; on PostgreSQL it is also sent with `NOTIFY` so that the other instances
//! re-broadcast it to their own watchers. The adapters (pages, big screens) listen to the
//! hub, each stream filtered by what its viewer may see (`linli_domain::access`).

use crate::{App, Caller};
use chrono::{DateTime, Utc};
use linli_domain::access;
use linli_store::Store;
use linli_store::live::CHANGES_CHANNEL;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

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

/// What one notification carries: changes made by one instance.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Envelope {
    origin: String,
    changes: Vec<Change>,
    /// Work orders whose change came without its audience, which alone would not fit in
    /// a notification: the hearing instance reads it from the database.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    audience_to_read: Vec<i64>,
}

/// Most changes waiting for the other instances; beyond it new ones are only shown here
/// (the others' screens catch up at their next refresh).
const OUTGOING_CAPACITY: usize = 4096;

/// The hub of one instance.
pub struct LiveHub {
    sender: broadcast::Sender<Arc<Change>>,
    /// Tells this instance's own notifications apart from the others'.
    origin: String,
    /// Changes on their way to the other instances (PostgreSQL only).
    outgoing: Option<mpsc::Sender<Arc<Change>>>,
    store: Store,
}

impl LiveHub {
    /// Also starts listening to the other instances (PostgreSQL): call inside the runtime.
    pub fn start(store: Store) -> Arc<Self> {
        let (sender, _) = broadcast::channel(4096);
        let origin = linli_store::passwords::new_session_token()
            .map(|token| token[..16].to_owned())
            .unwrap_or_else(|_| format!("{:x}", std::process::id()));
        let outgoing = store.notifier().map(|notifier| {
            let (outgoing, waiting) = mpsc::channel(OUTGOING_CAPACITY);
            tokio::spawn(tell_other_instances(notifier, origin.clone(), waiting));
            outgoing
        });
        let hub = Arc::new(Self {
            sender,
            origin,
            outgoing,
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
        if let Some(outgoing) = &self.outgoing
            && outgoing.try_send(change).is_err()
        {
            tracing::warn!("too many changes waiting for the other instances; one is not sent");
        }
    }
}

/// Sends the changes to the other instances: everything that queued up while the last
/// notification was being sent goes in the next one, so under load many changes share
/// one `NOTIFY` (PostgreSQL serialises notifying commits across the whole server).
async fn tell_other_instances(
    mut notifier: linli_store::live::Notifier,
    origin: String,
    mut waiting: mpsc::Receiver<Arc<Change>>,
) {
    let mut changes = Vec::new();
    while waiting.recv_many(&mut changes, OUTGOING_CAPACITY).await > 0 {
        let payloads = notification_payloads(&origin, &changes);
        changes.clear();
        if let Err(error) = notifier.notify(CHANGES_CHANNEL, &payloads).await {
            tracing::warn!(%error, "telling the other instances failed");
        }
    }
}

/// Packs changes, in order, into as few payloads as fit PostgreSQL's limit. A change too
/// big on its own (a work order with very many followers) goes without its audience.
fn notification_payloads(origin: &str, changes: &[Arc<Change>]) -> Vec<String> {
    let mut payloads = Vec::new();
    // An envelope holding nothing but the change tells whether it fits at all.
    let alone = Packing::new(origin);
    let mut packing = Packing::new(origin);
    for change in changes {
        let mut change = (**change).clone();
        let mut omitted = None;
        let mut cost = encoded_len(&change);
        if alone.size_with(cost, None) > linli_store::live::MAX_NOTIFY_PAYLOAD {
            change.audience.clear();
            cost = encoded_len(&change);
            omitted = Some(change.work_order_id);
        }
        if !packing.envelope.changes.is_empty()
            && packing.size_with(cost, omitted) > linli_store::live::MAX_NOTIFY_PAYLOAD
        {
            payloads.push(packing.finish());
            packing = Packing::new(origin);
        }
        packing.size = packing.size_with(cost, omitted);
        packing.envelope.audience_to_read.extend(omitted);
        packing.envelope.changes.push(change);
    }
    if !packing.envelope.changes.is_empty() {
        payloads.push(packing.finish());
    }
    payloads
}

fn encoded_len(value: &impl Serialize) -> usize {
    serde_json::to_string(value).map_or(usize::MAX / 2, |text| text.len())
}

/// An envelope being filled, with the length its JSON will have.
struct Packing {
    envelope: Envelope,
    size: usize,
}

impl Packing {
    fn new(origin: &str) -> Self {
        let envelope = Envelope {
            origin: origin.to_owned(),
            changes: Vec::new(),
            audience_to_read: Vec::new(),
        };
        let size = encoded_len(&envelope);
        Self { envelope, size }
    }

    /// The length with one more change of `cost` bytes, perhaps without its audience.
    fn size_with(&self, cost: usize, audience_omitted: Option<i64>) -> usize {
        let comma = usize::from(!self.envelope.changes.is_empty());
        let mut size = self.size + comma + cost;
        if let Some(work_order) = audience_omitted {
            // `,"audience_to_read":[]` the first time, a comma after that.
            let key = if self.envelope.audience_to_read.is_empty() {
                r#","audience_to_read":[]"#.len()
            } else {
                1
            };
            size += key + work_order.to_string().len();
        }
        size
    }

    fn finish(self) -> String {
        let payload = serde_json::to_string(&self.envelope).unwrap_or_default();
        debug_assert_eq!(payload.len(), self.size);
        payload
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
                    for mut change in envelope.changes {
                        if !envelope.audience_to_read.contains(&change.work_order_id) {
                            let _ = hub.sender.send(Arc::new(change));
                            continue;
                        }
                        // Read elsewhere: this loop must go straight back to listening,
                        // as it also hears the changes to callers (see linli_store::live).
                        let store = store.clone();
                        let sender = hub.sender.clone();
                        tokio::spawn(async move {
                            match store.audience(change.work_order_id).await {
                                Ok(audience) => change.audience = audience,
                                Err(error) => {
                                    tracing::warn!(%error, "cannot read a change's audience");
                                }
                            }
                            let _ = sender.send(Arc::new(change));
                        });
                    }
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
    app: &App,
    order: &linli_store::work_orders::WorkOrderRow,
    status: &str,
    event: &str,
) {
    let audience = match app.store.audience(order.id).await {
        Ok(audience) => audience,
        Err(error) => {
            tracing::warn!(%error, "cannot announce a change");
            return;
        }
    };
    app.live.publish(Change {
        community_id: order.community_id,
        work_order_id: order.id,
        number: order.number,
        status: status.to_owned(),
        event: event.to_owned(),
        audience,
        at: app.clock.now(),
    });
}

/// Which changes one signed-in person may hear of.
pub struct Hearing {
    person: i64,
    /// Communities where they are staff (or oversee): every change there.
    whole_communities: Vec<i64>,
}

impl Hearing {
    pub async fn of(app: &App, caller: &Caller) -> Self {
        let mut whole_communities = Vec::new();
        match crate::registry::visible_communities(app, caller).await {
            Ok(communities) => {
                for community in communities {
                    if access::sees_whole_community(caller.grants(), community.place()) {
                        whole_communities.push(community.id);
                    }
                }
            }
            // They still hear of their own work orders.
            Err(error) => tracing::warn!(%error, "cannot read a watcher's communities"),
        }
        Self {
            person: caller.person.0,
            whole_communities,
        }
    }

    pub fn hears(&self, change: &Change) -> bool {
        self.whole_communities.contains(&change.community_id)
            || change.audience.contains(&self.person)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linli_store::live::MAX_NOTIFY_PAYLOAD;

    fn change(work_order_id: i64, followers: i64) -> Arc<Change> {
        Arc::new(Change {
            community_id: 3,
            work_order_id,
            number: work_order_id + 100,
            status: "dispatched".to_owned(),
            event: "dispatched".to_owned(),
            audience: (1_000_000..1_000_000 + followers).collect(),
            at: DateTime::from_timestamp(1_796_290_200, 0).unwrap_or_default(),
        })
    }

    fn decoded(payloads: &[String]) -> Vec<Envelope> {
        payloads
            .iter()
            .map(|payload| {
                assert!(payload.len() <= MAX_NOTIFY_PAYLOAD, "{}", payload.len());
                serde_json::from_str(payload).unwrap_or_else(|error| panic!("{error}: {payload}"))
            })
            .collect()
    }

    #[test]
    fn changes_share_as_few_notifications_as_fit_and_keep_their_order() {
        let changes: Vec<_> = (1..=200).map(|id| change(id, 3)).collect();
        let payloads = notification_payloads("instance-a", &changes);
        let envelopes = decoded(&payloads);
        // About 190 bytes a change: 200 of them need five or six notifications, not 200.
        assert!((5..=6).contains(&envelopes.len()), "{}", envelopes.len());
        let sent: Vec<Change> = envelopes
            .into_iter()
            .inspect(|envelope| {
                assert_eq!(envelope.origin, "instance-a");
                assert!(envelope.audience_to_read.is_empty());
            })
            .flat_map(|envelope| envelope.changes)
            .collect();
        let expected: Vec<Change> = changes.iter().map(|change| (**change).clone()).collect();
        assert_eq!(sent, expected);
    }

    #[test]
    fn a_change_too_big_for_a_notification_goes_without_its_audience() {
        let changes = vec![change(1, 2), change(2, 2_000), change(3, 2)];
        let envelopes = decoded(&notification_payloads("instance-a", &changes));
        let sent: Vec<&Change> = envelopes
            .iter()
            .flat_map(|envelope| &envelope.changes)
            .collect();
        assert_eq!(sent.len(), 3);
        assert_eq!(sent[0], &*changes[0]);
        assert!(sent[1].audience.is_empty());
        assert_eq!(sent[1].work_order_id, 2);
        assert_eq!(sent[2], &*changes[2]);
        let to_read: Vec<i64> = envelopes
            .iter()
            .flat_map(|envelope| envelope.audience_to_read.clone())
            .collect();
        assert_eq!(to_read, vec![2]);
    }

    #[test]
    fn nothing_to_send_sends_nothing() {
        assert!(notification_payloads("instance-a", &[]).is_empty());
    }
}
