//! Joining on the pages: signing in with a phone code (`/signin/phone`), resetting a
//! forgotten password with one (`/signin/reset`); claiming a room and the committee's
//! queue ([`claims`]); an owner's household ([`household`]); the committee's roll ([`roll`]).

pub mod claims;
pub mod household;
pub mod roll;

use super::context::{FormErrors, PageContext, PageResult, Viewer, render};
use super::session::{SESSION_COOKIE, cookie};
use crate::extract::ClientAddress;
use crate::locale::text;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use axum_extra::extract::Form;
use linli_domain::registry::Phone;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "accounts_phone.html")]
struct PhonePage {
    page: PageContext,
    heading: String,
    lead: String,
    /// `/signin/phone` or `/signin/reset`.
    action: &'static str,
    reset: bool,
    phone: String,
    code_sent: bool,
    sent_message: String,
    done: String,
    errors: FormErrors,
}

impl PhonePage {
    fn new(viewer: &Viewer, reset: bool) -> Self {
        let (title, heading, lead, action) = if reset {
            (
                "reset_title",
                "reset_heading",
                "reset_lead",
                "/signin/reset",
            )
        } else {
            (
                "phone_title",
                "phone_heading",
                "phone_lead",
                "/signin/phone",
            )
        };
        let t = |key: &str| text(&format!("page.accounts.{key}"), &[]);
        Self {
            page: viewer.context(t(title), "signin"),
            heading: t(heading),
            lead: t(lead),
            action,
            reset,
            phone: String::new(),
            code_sent: false,
            sent_message: String::new(),
            done: String::new(),
            errors: FormErrors::default(),
        }
    }

    fn with_code_sent(mut self, phone: String) -> Self {
        self.sent_message = text(
            "page.accounts.code_sent",
            &[("phone", Phone::masked(phone.trim()))],
        );
        self.phone = phone;
        self.code_sent = true;
        self
    }

    fn refused(mut self, error: &crate::ApiError) -> axum::response::Response {
        self.errors = FormErrors::from_api(error);
        (error.status, render(&self)).into_response()
    }
}

pub async fn phone_page(viewer: Viewer) -> PageResult {
    Ok(render(&PhonePage::new(&viewer, false)))
}

pub async fn reset_page(viewer: Viewer) -> PageResult {
    Ok(render(&PhonePage::new(&viewer, true)))
}

#[derive(Debug, Deserialize)]
pub struct PhoneForm {
    csrf: String,
    #[serde(default)]
    phone: String,
}

async fn send_code(
    state: &AppState,
    viewer: Viewer,
    client_ip: &str,
    form: PhoneForm,
    reset: bool,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let page = PhonePage::new(&viewer, reset);
    match linli_app::accounts::send_code(state, client_ip, &form.phone).await {
        Ok(_) => Ok(render(&page.with_code_sent(form.phone))),
        Err(error) => Ok(PhonePage {
            phone: form.phone,
            ..page
        }
        .refused(&crate::ApiError::from(error))),
    }
}

pub async fn send_sign_in_code(
    State(state): State<AppState>,
    viewer: Viewer,
    ClientAddress(client_ip): ClientAddress,
    Form(form): Form<PhoneForm>,
) -> PageResult {
    send_code(&state, viewer, &client_ip, form, false).await
}

pub async fn send_reset_code(
    State(state): State<AppState>,
    viewer: Viewer,
    ClientAddress(client_ip): ClientAddress,
    Form(form): Form<PhoneForm>,
) -> PageResult {
    send_code(&state, viewer, &client_ip, form, true).await
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    csrf: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    new_password: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    ClientAddress(client_ip): ClientAddress,
    headers: axum::http::HeaderMap,
    Form(form): Form<CodeForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok());
    let signed_in = match linli_app::accounts::sign_in_with_code(
        &state,
        &client_ip,
        &form.phone,
        &form.code,
        user_agent,
    )
    .await
    {
        Ok(signed_in) => signed_in,
        Err(error) => {
            return Ok(PhonePage::new(&viewer, false)
                .with_code_sent(form.phone)
                .refused(&crate::ApiError::from(error)));
        }
    };
    let person = signed_in.session.person;
    if viewer.large_text {
        linli_app::sessions::keep_large_text(&state, person).await?;
    }
    let jar = jar.add(cookie(
        SESSION_COOKIE,
        signed_in.session.token,
        state.config.session_idle_timeout.num_seconds(),
        state.config.secure_cookies,
    ));
    // Someone with no room and no role yet goes on to say who they are and where they
    // live; everyone else to the page of their main job.
    let me = linli_app::sessions::me(&state, person).await?;
    let destination = if me.rooms.is_empty() && me.roles.is_empty() {
        "/join".to_owned()
    } else {
        let user = crate::auth::CurrentUser::from_session_token(
            &state,
            jar.get(SESSION_COOKIE)
                .map(axum_extra::extract::cookie::Cookie::value)
                .unwrap_or_default(),
        )
        .await?;
        let community = crate::registry::visible_communities(&state, &user)
            .await?
            .into_iter()
            .next();
        super::context::Roles::of(&user, community.as_ref())
            .home()
            .to_owned()
    };
    Ok((jar, axum::response::Redirect::to(&destination)).into_response())
}

pub async fn reset(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CodeForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let page = PhonePage::new(&viewer, true);
    match linli_app::accounts::reset_password(&state, &form.phone, &form.code, &form.new_password)
        .await
    {
        Ok(()) => Ok(render(&PhonePage {
            done: text("page.accounts.reset_done", &[]),
            ..page
        })),
        Err(error) => Ok(page
            .with_code_sent(form.phone)
            .refused(&crate::ApiError::from(error))),
    }
}
