//! The reception desk's visit log as the API answers it.

use chrono::{DateTime, Utc};
use linli_store::visits::Visit;
use serde::Serialize;

/// One walk-in visit: who came, about what, who received them and what became of it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Visit)]
pub struct VisitView {
    id: i64,
    community_id: i64,
    visitor_name: String,
    visitor_phone: Option<String>,
    person_id: Option<i64>,
    building_id: Option<i64>,
    room_text: Option<String>,
    matter: String,
    receptionist_id: i64,
    receptionist_name: String,
    outcome: Option<String>,
    work_order_id: Option<i64>,
    work_order_number: Option<i64>,
    visited_at: DateTime<Utc>,
}

impl From<Visit> for VisitView {
    fn from(visit: Visit) -> Self {
        Self {
            id: visit.id,
            community_id: visit.community_id,
            visitor_name: visit.visitor_name,
            visitor_phone: visit.visitor_phone,
            person_id: visit.person_id,
            building_id: visit.building_id,
            room_text: visit.room_text,
            matter: visit.matter,
            receptionist_id: visit.receptionist_id,
            receptionist_name: visit.receptionist_name,
            outcome: visit.outcome,
            work_order_id: visit.work_order_id,
            work_order_number: visit.work_order_number,
            visited_at: visit.visited_at,
        }
    }
}
