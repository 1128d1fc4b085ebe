//! Group commit for new work orders. Reports that arrive while a transaction is being
//! written wait in a queue; one task writes everything queued in the next transaction,
//! so many reports share one durable commit (and, on PostgreSQL, one hold of the
//! community's number counter). Each report is still answered only after its commit.

use chrono::{DateTime, Utc};
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::work_orders::Channel;
use linli_store::work_orders::{CreatedWorkOrder, NewWorkOrder};
use linli_store::{Store, StoreError};
use tokio::sync::{mpsc, oneshot};

/// Most reports written in one transaction.
const MAX_BATCH: usize = 64;

/// A report waiting to be written, owning its text.
#[derive(Debug, Clone)]
pub struct PendingWorkOrder {
    pub community: CommunityId,
    pub category_id: i64,
    pub description: String,
    pub building_id: Option<i64>,
    pub room_id: Option<i64>,
    pub place: Option<String>,
    pub channel: Channel,
    pub reporter: Option<PersonId>,
    pub guest_name: Option<String>,
    pub guest_phone: Option<String>,
    pub created_by: PersonId,
    pub is_public: bool,
    pub triage_deadline: DateTime<Utc>,
    pub visit_id: Option<i64>,
}

impl PendingWorkOrder {
    fn borrowed(&self) -> NewWorkOrder<'_> {
        NewWorkOrder {
            community: self.community,
            category_id: self.category_id,
            description: &self.description,
            building_id: self.building_id,
            room_id: self.room_id,
            place: self.place.as_deref(),
            channel: self.channel,
            reporter: self.reporter,
            guest_name: self.guest_name.as_deref(),
            guest_phone: self.guest_phone.as_deref(),
            created_by: self.created_by,
            is_public: self.is_public,
            triage_deadline: self.triage_deadline,
            visit_id: self.visit_id,
        }
    }
}

struct Request {
    order: PendingWorkOrder,
    at: DateTime<Utc>,
    reply: oneshot::Sender<Result<CreatedWorkOrder, StoreError>>,
}

/// The queue in front of the writer task.
#[derive(Debug, Clone)]
pub struct CreateQueue {
    sender: mpsc::Sender<Request>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("order", &self.order)
            .finish_non_exhaustive()
    }
}

impl CreateQueue {
    /// Starts the writer task on the current runtime.
    pub fn start(store: Store) -> Self {
        let (sender, receiver) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(write_batches(store, receiver));
        Self { sender }
    }

    /// Writes one report (with others queued meanwhile) and answers after its commit.
    pub async fn create(
        &self,
        order: PendingWorkOrder,
        at: DateTime<Utc>,
    ) -> Result<CreatedWorkOrder, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Request { order, at, reply })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }
}

async fn write_batches(store: Store, mut receiver: mpsc::Receiver<Request>) {
    while let Some(first) = receiver.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(request) => batch.push(request),
                Err(_) => break,
            }
        }
        let orders: Vec<_> = batch
            .iter()
            .map(|request| (request.order.borrowed(), request.at))
            .collect();
        match store.create_work_orders(&orders).await {
            Ok(rows) => {
                for (request, row) in batch.into_iter().zip(rows) {
                    let _ = request.reply.send(Ok(row));
                }
            }
            // One bad report must not fail the others: write them one by one, each with
            // its own answer.
            Err(_) if batch.len() > 1 => {
                for request in batch {
                    let result = store
                        .create_work_order(request.order.borrowed(), request.at)
                        .await;
                    let _ = request.reply.send(result);
                }
            }
            Err(error) => {
                if let Some(request) = batch.pop() {
                    let _ = request.reply.send(Err(error));
                }
            }
        }
    }
}
