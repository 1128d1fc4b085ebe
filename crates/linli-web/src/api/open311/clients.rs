//! `/api/v1/open311-clients`: the admin issues, lists and revokes the keys of Open311
//! clients (a city's FixMyStreet, the 12345 hotline's system).

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use linli_app::open311::clients as use_cases;
use linli_store::open311::ClientRow;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Open311Client)]
pub struct ClientView {
    id: i64,
    community_id: i64,
    name: String,
    /// The key's last four characters, to tell keys apart; the key itself is shown once.
    key_hint: String,
    created_at: DateTime<Utc>,
    /// Set once revoked: the key no longer reports.
    revoked_at: Option<DateTime<Utc>>,
}

impl From<ClientRow> for ClientView {
    fn from(row: ClientRow) -> Self {
        Self {
            id: row.id,
            community_id: row.community_id,
            name: row.name,
            key_hint: row.key_hint,
            created_at: row.created_at,
            revoked_at: row.revoked_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IssuedClient {
    client: ClientView,
    /// The client's `api_key`: shown this once; only its hash is kept.
    api_key: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientInput {
    community_id: i64,
    /// Who the client is ("上海市12345市民服务热线").
    name: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ClientsQuery {
    /// Required unless the caller administers the whole system.
    community_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/open311-clients", tag = "open311", summary = "Issue an Open311 client's api_key (the community's or the system's admin)",
    request_body = ClientInput, responses((status = 201, body = IssuedClient)), security(("bearer" = [])))]
pub async fn issue(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ClientInput>,
) -> ApiResult<(StatusCode, Json<IssuedClient>)> {
    let issued = use_cases::issue(&state, &user, input.community_id, &input.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedClient {
            client: issued.client.into(),
            api_key: issued.api_key,
        }),
    ))
}

#[utoipa::path(get, path = "/api/v1/open311-clients", tag = "open311", summary = "The Open311 clients the caller administers, newest first",
    params(ClientsQuery), responses((status = 200, body = Vec<ClientView>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ClientsQuery>,
) -> ApiResult<Json<Vec<ClientView>>> {
    let clients = use_cases::list(&state, &user, query.community_id).await?;
    Ok(Json(clients.into_iter().map(ClientView::from).collect()))
}

#[utoipa::path(delete, path = "/api/v1/open311-clients/{id}", tag = "open311", summary = "Revoke an Open311 client's key at once",
    params(("id" = i64, Path)), responses((status = 200, body = ClientView)), security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ClientView>> {
    Ok(Json(use_cases::revoke(&state, &user, id).await?.into()))
}
