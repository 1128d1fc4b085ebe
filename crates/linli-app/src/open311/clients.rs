//! The Open311 clients of a community: issued, listed and revoked by its admin (or the
//! system's). A client's api_key is shown once, when it is issued; only its SHA-256 is
//! kept, so a copy of the database does not let anyone report as the client.

use crate::{App, AppError, AppResult, Caller};
use linli_domain::access;
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::registry::Name;
use linli_store::StoreError;
use linli_store::open311::ClientRow;
use linli_store::passwords::{new_session_token, token_hash};

/// The longest client name ("上海市12345市民服务热线").
const NAME_MAX: usize = 60;

/// A client just issued, with the key its operator must copy now.
#[derive(Debug, Clone)]
pub struct Issued {
    pub client: ClientRow,
    pub api_key: String,
}

/// Issues a new client of `community` with a fresh key.
pub async fn issue(app: &App, caller: &Caller, community: i64, name: &str) -> AppResult<Issued> {
    let community = app.store.community(CommunityId(community)).await?;
    if !access::administers(caller.grants(), CommunityId(community.id)) {
        return Err(AppError::forbidden());
    }
    let name = Name::parse(name, "name", NAME_MAX)?;
    let secret =
        new_session_token().map_err(|error: StoreError| AppError::internal(error.to_string()))?;
    let api_key = format!("o311_{secret}");
    let hint = api_key[api_key.len() - 4..].to_owned();
    let client = app
        .store
        .add_open311_client(
            CommunityId(community.id),
            name.as_str(),
            &token_hash(&api_key),
            &hint,
            PersonId(caller.person.0),
            app.now(),
        )
        .await?;
    Ok(Issued { client, api_key })
}

/// The clients the caller administers: a community's, or every one for the system's
/// admin (`community` narrows it).
pub async fn list(app: &App, caller: &Caller, community: Option<i64>) -> AppResult<Vec<ClientRow>> {
    match community {
        Some(community) => {
            if !access::administers(caller.grants(), CommunityId(community)) {
                return Err(AppError::forbidden());
            }
            Ok(app
                .store
                .open311_clients(Some(CommunityId(community)))
                .await?)
        }
        None if caller.is_global_admin() => Ok(app.store.open311_clients(None).await?),
        None => Err(AppError::invalid(
            "open311.community_required",
            "community_id",
        )),
    }
}

/// Revokes a client: its key stops working at once; its reports stay what they are.
pub async fn revoke(app: &App, caller: &Caller, id: i64) -> AppResult<ClientRow> {
    let client = app.store.open311_client(id).await?;
    if !access::administers(caller.grants(), CommunityId(client.community_id)) {
        return Err(AppError::forbidden());
    }
    app.store.revoke_open311_client(id, app.now()).await?;
    Ok(app.store.open311_client(id).await?)
}

/// The client a key belongs to, if it is still in force: a missing key is a bad
/// request, a wrong or revoked one is refused (the standard's 400 and 403).
pub async fn by_key(app: &App, api_key: Option<&str>) -> AppResult<ClientRow> {
    let Some(api_key) = api_key.map(str::trim).filter(|key| !key.is_empty()) else {
        return Err(AppError::invalid("open311.api_key_missing", "api_key"));
    };
    match app
        .store
        .open311_client_by_key(&token_hash(api_key))
        .await?
    {
        Some(client) if client.revoked_at.is_none() => Ok(client),
        _ => Err(AppError::unauthenticated("open311.api_key_invalid")),
    }
}
