//! Big-screen tokens as the API answers them.

use chrono::{DateTime, Utc};
use linli_store::live::ScreenToken;
use serde::Serialize;

/// A big-screen token's scope and name. The token itself is answered only once, beside
/// this, when it is made: only its hash is kept.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ScreenToken)]
pub struct ScreenView {
    id: i64,
    /// `community` or `street`.
    scope_kind: String,
    scope_id: i64,
    name: String,
    created_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
}

impl From<ScreenToken> for ScreenView {
    fn from(screen: ScreenToken) -> Self {
        Self {
            id: screen.id,
            scope_kind: screen.scope_kind,
            scope_id: screen.scope_id,
            name: screen.name,
            created_at: screen.created_at,
            revoked_at: screen.revoked_at,
        }
    }
}
