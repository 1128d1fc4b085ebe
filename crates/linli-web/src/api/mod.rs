//! JSON handlers of the slices that have one folder per layer (`meetings`, `projects`,
//! `funds`, `votes`, `content`).

pub mod accounts;
pub mod board;
pub mod content;
pub mod dispatch_modes;
pub mod funds;
pub mod grids;
pub mod meetings;
pub mod open311;
pub mod partners;
pub mod personal_data;
pub mod privacy;
pub mod projects;
pub mod roster;
pub mod search;
pub mod services;
pub mod volunteers;
pub mod votes;

use crate::api_docs::BearerTokens;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use utoipa::OpenApi;

/// The routes of these slices, nested under `/api/v1` by the router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/accounts/codes", post(accounts::send_code))
        .route("/accounts/sessions", post(accounts::sign_in))
        .route("/accounts/password-reset", post(accounts::reset_password))
        .route("/accounts/places", get(accounts::claims::places))
        .route(
            "/accounts/roll/preview",
            post(accounts::roll::preview).layer(DefaultBodyLimit::max(
                linli_app::accounts::roll::MAX_FILE_BYTES + 1,
            )),
        )
        .route(
            "/accounts/roll/import",
            post(accounts::roll::import).layer(DefaultBodyLimit::max(
                linli_app::accounts::roll::MAX_FILE_BYTES + 1,
            )),
        )
        .route("/accounts/roll.xlsx", get(accounts::roll::export))
        .route(
            "/accounts/claims",
            get(accounts::claims::queue).post(accounts::claims::claim),
        )
        .route("/accounts/claims/mine", get(accounts::claims::mine))
        .route(
            "/accounts/claims/{id}/decision",
            post(accounts::claims::decide),
        )
        .route(
            "/accounts/rooms/{id}/members",
            get(accounts::claims::room_members).post(accounts::claims::invite),
        )
        .route(
            "/accounts/rooms/{id}/members/{person_id}",
            axum::routing::delete(accounts::claims::remove_member),
        )
        .route(
            "/accounts/rooms/{id}/invitations/{invitation_id}",
            axum::routing::delete(accounts::claims::withdraw_invitation),
        )
        .route(
            "/meeting-series",
            get(meetings::get_series).put(meetings::put_series),
        )
        .route("/meetings", get(meetings::list).post(meetings::create))
        .route("/me/meetings", get(meetings::mine))
        .route("/meetings/{id}", get(meetings::get))
        .route("/meetings/{id}/move", post(meetings::move_meeting))
        .route("/meetings/{id}/cancel", post(meetings::cancel))
        .route(
            "/meetings/{id}/minutes",
            axum::routing::put(meetings::put_minutes),
        )
        .route("/meetings/{id}/close", post(meetings::close))
        .route("/meetings/{id}/corrections", post(meetings::correct))
        .route(
            "/meetings/{id}/participants",
            post(meetings::agenda::invite),
        )
        .route(
            "/meetings/{id}/attendance",
            post(meetings::agenda::attendance),
        )
        .route("/meetings/{id}/items", post(meetings::agenda::add_item))
        .route(
            "/meetings/{id}/items/order",
            post(meetings::agenda::reorder),
        )
        .route(
            "/meetings/{id}/items/{item_id}/withdraw",
            post(meetings::agenda::withdraw),
        )
        .route(
            "/meetings/{id}/items/{item_id}/defer",
            post(meetings::agenda::defer),
        )
        .route(
            "/meetings/{id}/items/{item_id}/decision",
            post(meetings::agenda::decision),
        )
        .route("/calendar-feeds", post(meetings::create_feed))
        .route("/calendar-feeds/{file}", get(meetings::feed))
        .route("/projects", get(projects::list).post(projects::create))
        .route("/projects/{id}", get(projects::get))
        .route(
            "/projects/{id}/transitions/{transition}",
            post(projects::transition),
        )
        .route("/projects/{id}/quotes", post(projects::work::add_quote))
        .route("/projects/{id}/choice", post(projects::work::choose))
        .route(
            "/projects/{id}/milestones",
            post(projects::work::add_milestone),
        )
        .route(
            "/projects/{id}/milestones/{milestone_id}",
            post(projects::work::record_milestone),
        )
        .route("/projects/{id}/updates", post(projects::work::add_update))
        .route(
            "/projects/{id}/updates/{update_id}/photos",
            post(projects::help::update_photos)
                .layer(DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES)),
        )
        .route(
            "/projects/{id}/quotes/{quote_id}/files",
            post(projects::help::quote_files)
                .layer(DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES)),
        )
        .route(
            "/projects/{id}/completion/photos",
            post(projects::help::completion_photos)
                .layer(DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES)),
        )
        .route("/projects/{id}/files/{file_id}", get(projects::help::file))
        .route("/projects/{id}/volunteers", post(projects::help::offer))
        .route(
            "/projects/{id}/volunteers/{volunteer_id}/{action}",
            post(projects::help::volunteer_action),
        )
        .route("/work-orders/{id}/projects", get(projects::of_work_order))
        .route("/board/{community_id}", get(board::read))
        .route("/work-orders/{id}/hide-from-board", post(board::hide))
        .route("/services", get(services::list).post(services::create))
        .route(
            "/services/{id}",
            axum::routing::put(services::update).delete(services::remove),
        )
        .route("/grids", get(grids::list).post(grids::create))
        .route("/grids/mine", get(grids::mine))
        .route(
            "/open311-clients",
            get(open311::clients::list).post(open311::clients::issue),
        )
        .route(
            "/open311-clients/{id}",
            axum::routing::delete(open311::clients::revoke),
        )
        .route("/search", get(search::search))
        .route("/partners", get(partners::list).post(partners::create))
        .route("/partners/{id}", get(partners::get).put(partners::update))
        .route(
            "/partner-activities",
            get(partners::activities).post(partners::record_activity),
        )
        .route(
            "/partner-activities/{id}",
            axum::routing::delete(partners::remove_activity),
        )
        .route(
            "/projects/{id}/partners",
            get(partners::of_project).post(partners::add_to_project),
        )
        .route(
            "/projects/{id}/partners/{partner_id}",
            axum::routing::delete(partners::remove_from_project),
        )
        .route(
            "/grids/{id}",
            axum::routing::put(grids::update).delete(grids::remove),
        )
        .route(
            "/volunteers/teams",
            get(volunteers::teams).post(volunteers::add_team),
        )
        .route(
            "/volunteers/profile",
            get(volunteers::profile).put(volunteers::save_profile),
        )
        .route(
            "/volunteers/activities",
            get(volunteers::activities).post(volunteers::add_activity),
        )
        .route("/volunteers/activities/{id}", get(volunteers::activity))
        .route(
            "/volunteers/shifts/{id}/sign-up",
            post(volunteers::shifts::sign_up),
        )
        .route(
            "/volunteers/shifts/{id}/cancel",
            post(volunteers::shifts::cancel),
        )
        .route(
            "/volunteers/shifts/{id}/check-in",
            post(volunteers::shifts::check_in),
        )
        .route(
            "/volunteers/shifts/{id}/check-out",
            post(volunteers::shifts::check_out),
        )
        .route(
            "/volunteers/sign-ups/{id}/corrections",
            post(volunteers::shifts::correct),
        )
        .route(
            "/volunteers/certificate",
            get(volunteers::shifts::certificate),
        )
        .route("/volunteers/league", get(volunteers::shifts::league))
        .route(
            "/categories/{id}/handlers",
            get(dispatch_modes::handlers).put(dispatch_modes::set_handlers),
        )
        .route("/work-orders/grabbable", get(dispatch_modes::grabbable))
        .route("/me/data", get(personal_data::own))
        .route("/people/{id}/erasure", post(privacy::erase))
        .route(
            "/communities/{id}/retention",
            get(privacy::retention).put(privacy::set_retention),
        )
        .route(
            "/communities/{id}/retention/runs",
            get(privacy::retention_runs),
        )
        .route("/communities/{id}/personal-data-reads", get(privacy::reads))
        .route("/roster", get(roster::week))
        .route("/roster/now", get(roster::now))
        .route("/roster/shifts", post(roster::add_shift))
        .route(
            "/roster/shifts/{id}",
            axum::routing::delete(roster::remove_shift),
        )
        .route("/roster/shifts/{id}/swaps", post(roster::request_swap))
        .route("/roster/swaps/{id}/{decision}", post(roster::decide_swap))
        .route("/campaigns", get(funds::list).post(funds::create))
        .route("/campaigns/{id}", get(funds::get))
        .route("/campaigns/{id}/close", post(funds::close))
        .route("/campaigns/{id}/ledger.csv", get(funds::export::ledger_csv))
        .route(
            "/campaigns/{id}/ledger.xlsx",
            get(funds::export::ledger_xlsx),
        )
        .route("/campaigns/{id}/pledges", post(funds::money::pledge))
        .route("/campaigns/{id}/refunds", post(funds::money::refund))
        .route("/campaigns/{id}/corrections", post(funds::money::correct))
        .route(
            "/campaigns/{id}/expenses",
            post(funds::money::request_expense),
        )
        .route(
            "/pledges/{id}/{transition}",
            post(funds::money::pledge_transition),
        )
        .route(
            "/expenses/{id}/{transition}",
            post(funds::money::expense_transition),
        )
        .route(
            "/expenses/{id}/receipts",
            post(funds::receipts::upload)
                .layer(DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES)),
        )
        .route(
            "/expenses/{id}/receipts/{receipt_id}",
            get(funds::receipts::get),
        )
        .route("/content", get(content::list).post(content::create))
        .route(
            "/content/images",
            post(content::images::upload).layer(DefaultBodyLimit::max(
                content::images::MAX_IMAGE_REQUEST_BYTES,
            )),
        )
        .route(
            "/content/feeds/{community_id}/{kind}",
            get(content::feed::feed),
        )
        .route("/content/{id}", get(content::get).put(content::update))
        .route("/content/{id}/corrections", post(content::correct))
        .route("/content/{id}/actions/{action}", post(content::act))
        .route("/votes", get(votes::list).post(votes::create))
        .route("/votes/{id}", get(votes::get))
        .route("/votes/{id}/open", post(votes::open))
        .route("/votes/{id}/ballots", post(votes::ballots::cast))
        .route(
            "/votes/{id}/paper-ballots",
            post(votes::ballots::enter_paper)
                .layer(DefaultBodyLimit::max(votes::ballots::MAX_PAPER_BYTES)),
        )
        .route(
            "/votes/{id}/ballots/{ballot_id}/scan",
            get(votes::ballots::scan),
        )
}

/// These slices' part of the OpenAPI document, merged into [`crate::ApiDoc`]'s.
#[derive(OpenApi)]
#[openapi(
    paths(
        accounts::send_code,
        accounts::sign_in,
        accounts::reset_password,
        accounts::claims::places,
        accounts::roll::preview,
        accounts::roll::import,
        accounts::roll::export,
        accounts::claims::claim,
        accounts::claims::mine,
        accounts::claims::queue,
        accounts::claims::decide,
        accounts::claims::room_members,
        accounts::claims::invite,
        accounts::claims::remove_member,
        accounts::claims::withdraw_invitation,
        dispatch_modes::handlers,
        dispatch_modes::set_handlers,
        dispatch_modes::grabbable,
        personal_data::own,
        privacy::erase,
        privacy::retention,
        privacy::set_retention,
        privacy::retention_runs,
        privacy::reads,
        meetings::get_series,
        meetings::put_series,
        meetings::create,
        meetings::list,
        meetings::mine,
        meetings::get,
        meetings::move_meeting,
        meetings::cancel,
        meetings::put_minutes,
        meetings::close,
        meetings::correct,
        meetings::create_feed,
        meetings::feed,
        meetings::agenda::invite,
        meetings::agenda::attendance,
        meetings::agenda::add_item,
        meetings::agenda::reorder,
        meetings::agenda::withdraw,
        meetings::agenda::defer,
        meetings::agenda::decision,
        projects::create,
        projects::list,
        projects::get,
        projects::of_work_order,
        projects::transition,
        projects::work::add_quote,
        projects::work::choose,
        projects::work::add_milestone,
        projects::work::record_milestone,
        projects::work::add_update,
        projects::help::update_photos,
        projects::help::quote_files,
        projects::help::completion_photos,
        projects::help::file,
        projects::help::offer,
        projects::help::volunteer_action,
        board::read,
        board::hide,
        services::list,
        services::create,
        services::update,
        services::remove,
        grids::list,
        grids::mine,
        grids::create,
        grids::update,
        grids::remove,
        search::search,
        open311::clients::issue,
        open311::clients::list,
        open311::clients::revoke,
        partners::list,
        partners::get,
        partners::create,
        partners::update,
        partners::activities,
        partners::record_activity,
        partners::remove_activity,
        partners::of_project,
        partners::add_to_project,
        partners::remove_from_project,
        volunteers::teams,
        volunteers::add_team,
        volunteers::profile,
        volunteers::save_profile,
        volunteers::activities,
        volunteers::add_activity,
        volunteers::activity,
        volunteers::shifts::sign_up,
        volunteers::shifts::cancel,
        volunteers::shifts::check_in,
        volunteers::shifts::check_out,
        volunteers::shifts::correct,
        volunteers::shifts::certificate,
        volunteers::shifts::league,
        roster::week,
        roster::now,
        roster::add_shift,
        roster::remove_shift,
        roster::request_swap,
        roster::decide_swap,
        funds::create,
        funds::list,
        funds::get,
        funds::close,
        funds::export::ledger_csv,
        funds::export::ledger_xlsx,
        funds::money::pledge,
        funds::money::pledge_transition,
        funds::money::refund,
        funds::money::correct,
        funds::money::request_expense,
        funds::money::expense_transition,
        funds::receipts::upload,
        funds::receipts::get,
        votes::create,
        votes::list,
        votes::get,
        votes::open,
        votes::ballots::cast,
        votes::ballots::enter_paper,
        votes::ballots::scan,
        content::create,
        content::list,
        content::get,
        content::update,
        content::correct,
        content::act,
        content::images::upload,
        content::feed::feed,
    ),
    modifiers(&BearerTokens)
)]
pub struct SlicesDoc;
