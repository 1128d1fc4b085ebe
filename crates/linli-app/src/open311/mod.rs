//! Open311 GeoReport v2: the clients the admin registers, and the standard's view of
//! services (categories), service requests (work orders) and their updates (timeline
//! events). An adapter over the other use cases: a report through Open311 is made by
//! `work_orders::create` like any other, and a read shows what the public board shows.

pub mod clients;
pub mod requests;

use crate::{App, AppError, AppResult};
use linli_domain::ids::CommunityId;
use linli_store::open311::ClientRow;
use linli_store::registry::Community;

/// The community a request is about: the `jurisdiction_id` named (a community's id),
/// else the client's own, else — for a client that names none and has no key, as most
/// readers do — the instance's first community.
pub async fn jurisdiction(
    app: &App,
    named: Option<&str>,
    client: Option<&ClientRow>,
) -> AppResult<Community> {
    let named = named.map(str::trim).filter(|named| !named.is_empty());
    let Some(named) = named else {
        if let Some(client) = client {
            return Ok(app
                .store
                .community(CommunityId(client.community_id))
                .await?);
        }
        return app
            .store
            .communities(None)
            .await?
            .into_iter()
            .min_by_key(|community| community.id)
            .ok_or(AppError::NotFound("open311.jurisdiction_unknown"));
    };
    let id = named
        .parse::<i64>()
        .map_err(|_| AppError::NotFound("open311.jurisdiction_unknown"))?;
    let community =
        app.store
            .community(CommunityId(id))
            .await
            .map_err(|error| match AppError::from(error) {
                AppError::NotFound(_) => AppError::NotFound("open311.jurisdiction_unknown"),
                other => other,
            })?;
    if client.is_some_and(|client| client.community_id != community.id) {
        return Err(AppError::invalid(
            "open311.jurisdiction_not_the_clients",
            "jurisdiction_id",
        ));
    }
    Ok(community)
}
