//! What every page knows about the person looking at it, and what every page shows around
//! its content: the header, the navigation for their roles, the language and 长辈版
//! switches, the CSRF token for its forms.

use super::session::{CSRF_COOKIE, CsrfBinding, LARGE_TEXT_COOKIE, SESSION_COOKIE, csrf_token};
use crate::auth::CurrentUser;
use crate::error::{ApiError, problem_message};
use crate::locale::{Locale, field_label, text};
use crate::state::AppState;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use chrono::{DateTime, TimeZone, Utc};
use linli_domain::calendar::shanghai;
use linli_domain::ids::CommunityId;
use linli_domain::roles::{Role, Scope};
use linli_store::people::Person;
use linli_store::registry::Community;

/// The roles a person holds in the community the pages show them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Roles {
    pub resident: bool,
    /// No role anywhere yet: joining (claiming a room), or waiting for the committee.
    pub joining: bool,
    pub desk: bool,
    pub duty: bool,
    pub handler: bool,
    pub supervisor: bool,
    pub overseer: bool,
    pub admin: bool,
}

impl Roles {
    pub fn of(user: &CurrentUser, community: Option<&Community>) -> Self {
        let here = |role: Role| {
            user.grants().iter().any(|grant| {
                grant.role == role
                    && community.is_some_and(|c| grant.scope == Scope::Community(CommunityId(c.id)))
            })
        };
        let anywhere = |role: Role| user.grants().iter().any(|grant| grant.role == role);
        // Someone with no role at all is shown a community only while their claim of a
        // room there waits for the committee: a resident, unconfirmed (未核实).
        let claimant = user.grants().is_empty() && community.is_some();
        Self {
            resident: here(Role::Resident) || claimant,
            joining: user.grants().is_empty(),
            desk: here(Role::Receptionist),
            duty: here(Role::DutyOfficer),
            handler: here(Role::Handler),
            supervisor: here(Role::Supervisor),
            overseer: anywhere(Role::StreetOverseer),
            admin: anywhere(Role::Admin),
        }
    }

    pub fn is_staff(self) -> bool {
        self.desk || self.duty || self.handler || self.supervisor || self.overseer || self.admin
    }

    /// Where the person starts: the page of their main job.
    pub fn home(self) -> &'static str {
        if self.duty || self.handler {
            "/queue"
        } else if self.desk {
            "/desk"
        } else if self.supervisor {
            "/supervise"
        } else if self.admin {
            "/admin"
        } else if self.overseer {
            "/stats"
        } else {
            "/"
        }
    }
}

pub struct SignedIn {
    /// Unread notifications in their inbox.
    pub unread: i64,
    /// Their menu leads to the queue of residents' claims of rooms.
    pub checks_claims: bool,
    pub user: CurrentUser,
    pub person: Person,
    /// The community the pages show: the person's own (the first, for street staff and
    /// administrators).
    pub community: Option<Community>,
    pub roles: Roles,
}

/// Whoever is looking at a page, signed in or not.
pub struct Viewer {
    pub signed_in: Option<SignedIn>,
    pub csrf: String,
    pub large_text: bool,
    /// The path and query of this page, to come back to after signing in.
    pub here: String,
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let jar = CookieJar::from_headers(&parts.headers);
        let browser_nonce = jar
            .get(CSRF_COOKIE)
            .map(|cookie| cookie.value().to_owned())
            .unwrap_or_default();
        let here = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |path| path.as_str().to_owned());
        let cookie_large_text = jar
            .get(LARGE_TEXT_COOKIE)
            .is_some_and(|cookie| cookie.value() == "1");
        let token = jar
            .get(SESSION_COOKIE)
            .map(|cookie| cookie.value().to_owned());
        let user = match &token {
            Some(token) => match CurrentUser::from_session_token(state, token).await {
                Ok(user) => Some(user),
                Err(error) if error.status == StatusCode::UNAUTHORIZED => None,
                Err(error) => return Err(error.into()),
            },
            None => None,
        };
        let key = state.csrf_key().await.map_err(ApiError::from)?;
        let Some(user) = user else {
            return Ok(Self {
                signed_in: None,
                csrf: csrf_token(key, CsrfBinding::Browser(&browser_nonce)),
                large_text: cookie_large_text,
                here,
            });
        };
        // The account came with the session: no read for the person.
        let person = user.account.clone();
        let frame = linli_app::sessions::frame(state, &user).await?;
        let roles = Roles::of(&user, frame.community.as_ref());
        let csrf = csrf_token(
            key,
            CsrfBinding::Session(token.as_deref().unwrap_or_default()),
        );
        Ok(Self {
            signed_in: Some(SignedIn {
                unread: frame.unread,
                checks_claims: frame.checks_claims,
                user,
                person,
                community: frame.community,
                roles,
            }),
            csrf,
            large_text: frame.large_text,
            here,
        })
    }
}

impl Viewer {
    /// The signed-in person, or a way to the sign-in page that comes back here.
    pub fn require(&self) -> Result<&SignedIn, PageError> {
        self.signed_in.as_ref().ok_or_else(|| PageError::SignIn {
            next: self.here.clone(),
        })
    }

    /// Refuses a form whose CSRF token is not the one derived from this session (or,
    /// before signing in, from this browser's nonce).
    pub fn check_csrf(&self, submitted: &str) -> Result<(), PageError> {
        use linli_store::passwords::token_hash;
        // Compared by hash so the time taken says nothing about the secret.
        if self.csrf.is_empty() || token_hash(submitted) != token_hash(&self.csrf) {
            return Err(PageError::Csrf);
        }
        Ok(())
    }

    pub fn context(&self, title: String, section: &'static str) -> PageContext {
        let mut nav = Vec::new();
        let mut community_name = String::new();
        let mut signed_in_as = None;
        if let Some(signed_in) = &self.signed_in {
            let roles = signed_in.roles;
            let mut link = |href: &'static str, key: &str, id: &'static str| {
                nav.push(NavLink {
                    href,
                    label: text(key, &[]),
                    current: id == section,
                });
            };
            if roles.resident {
                link("/", "page.nav.home", "home");
                link("/report", "page.nav.report", "report");
            }
            if roles.desk || roles.duty || roles.supervisor {
                link("/desk", "page.nav.desk", "desk");
            }
            if roles.duty || roles.handler || roles.supervisor || roles.desk {
                link("/queue", "page.nav.queue", "queue");
            }
            if roles.supervisor || roles.overseer || roles.admin {
                link("/supervise", "page.nav.supervise", "supervise");
            }
            // The joint meeting and its projects: the office that runs them and the
            // parties that carry them out.
            if roles.supervisor || roles.duty || roles.handler {
                link("/meetings", "page.nav.meetings", "meetings");
                link("/projects", "page.nav.projects", "projects");
            }
            // Everyone of the community may give; the office takes cash and keeps the books.
            if roles.resident || roles.desk || roles.supervisor || roles.handler {
                link("/campaigns", "page.nav.campaigns", "campaigns");
            }
            // Owners' votes: the residents who vote, the 业委会 and supervisor who run
            // them, the desk that enters paper ballots.
            if roles.resident || roles.supervisor || roles.handler || roles.desk || roles.duty {
                link("/votes", "page.nav.votes", "votes");
            }
            // News, notices and disclosures: everyone of the community reads, the office writes.
            if roles.resident || roles.is_staff() {
                link("/content", "page.nav.content", "content");
            }
            // Volunteering: residents sign up, the office runs activities and checks in.
            if roles.resident || roles.desk || roles.duty || roles.supervisor || roles.handler {
                link("/volunteers", "page.nav.volunteers", "volunteers");
            }
            // The joint office's duty roster: everyone who may hold a shift.
            if roles.supervisor || roles.duty || roles.desk || roles.handler {
                link("/roster", "page.nav.roster", "roster");
            }
            // Grids: the office calls on grid and building leaders; residents reach
            // theirs from the home's tile.
            if roles.desk || roles.duty || roles.handler || roles.supervisor || roles.admin {
                link("/grids", "page.nav.grids", "grids");
            }
            // One search box over what each may see.
            if roles.resident || roles.is_staff() {
                link("/search", "page.nav.search", "search");
            }
            if roles.desk || roles.duty || roles.supervisor || roles.admin {
                link("/posters", "page.nav.posters", "posters");
            }
            // Joining: someone with no room and no role registers theirs; the
            // committees (and the supervisor) check claims.
            if roles.joining {
                link("/join", "page.nav.join", "join");
            }
            if signed_in.checks_claims {
                link("/claims", "page.nav.claims", "claims");
            }
            if roles.supervisor || roles.duty || roles.overseer || roles.admin {
                link("/stats", "page.nav.stats", "stats");
            }
            if roles.admin {
                link("/admin", "page.nav.admin", "admin");
            }
            let inbox = if signed_in.unread > 0 {
                let count = if signed_in.unread > linli_app::sessions::UNREAD_SHOWN_MAX {
                    format!("{}+", linli_app::sessions::UNREAD_SHOWN_MAX)
                } else {
                    signed_in.unread.to_string()
                };
                text("page.nav.inbox_unread", &[("count", count)])
            } else {
                text("page.nav.inbox", &[])
            };
            nav.push(NavLink {
                href: "/inbox",
                label: inbox,
                current: section == "inbox",
            });
            community_name = signed_in
                .community
                .as_ref()
                .map(|community| community.name.clone())
                .unwrap_or_default();
            signed_in_as = Some(signed_in.person.display_name.clone());
        }
        PageContext {
            locale: Locale::current(),
            large_text: self.large_text,
            csrf: self.csrf.clone(),
            signed_in_as,
            community_name,
            nav,
            here: self.here.clone(),
            title,
            live: false,
            live_order: 0,
        }
    }
}

pub struct NavLink {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// The frame of every page.
pub struct PageContext {
    pub locale: Locale,
    pub large_text: bool,
    pub csrf: String,
    pub signed_in_as: Option<String>,
    pub community_name: String,
    pub nav: Vec<NavLink>,
    pub here: String,
    pub title: String,
    /// The page refreshes itself when a work order it shows changes.
    pub live: bool,
    /// Only changes of this work order matter to the page (0: any).
    pub live_order: i64,
}

impl PageContext {
    /// Marks the page as one that refreshes itself (`order`: only for that work order).
    pub fn live(mut self, order: Option<i64>) -> Self {
        self.live = true;
        self.live_order = order.unwrap_or(0);
        self
    }

    /// A text of the pages (`page.KEY` in the translation files).
    pub fn t(&self, key: &str) -> String {
        text(&format!("page.{key}"), &[])
    }

    pub fn lang(&self) -> &'static str {
        self.locale.as_str()
    }

    pub fn english(&self) -> bool {
        self.locale == Locale::En
    }
}

/// Errors of a refused form, each shown next to its field.
#[derive(Debug, Default)]
pub struct FormErrors {
    pub by_field: Vec<(String, String)>,
    /// A refusal not about one field (shown above the form).
    pub general: Option<String>,
}

impl FormErrors {
    pub fn from_api(error: &ApiError) -> Self {
        Self::from_api_labelled(error, &[])
    }

    /// Every field at fault, each message naming its field in the words of the form:
    /// `labels` pairs a field with the page text (`desk.matter`) of its label, and may
    /// point the use case's name for a field (`description`) to the form's (`matter`).
    pub fn from_api_labelled(error: &ApiError, labels: &[(&str, &str, &str)]) -> Self {
        let problems = error.field_problems();
        if problems.is_empty() {
            return Self {
                by_field: Vec::new(),
                general: Some(error.message()),
            };
        }
        let mut by_field: Vec<(String, String)> = Vec::new();
        for problem in problems {
            let (field, label) = match labels.iter().find(|(field, _, _)| *field == problem.field) {
                Some((_, shown_as, key)) => {
                    ((*shown_as).to_owned(), text(&format!("page.{key}"), &[]))
                }
                None => (problem.field.to_owned(), field_label(problem.field)),
            };
            // One message per field: the first found is the one to fix first.
            if !by_field.iter().any(|(name, _)| *name == field) {
                by_field.push((field, problem_message(&problem, &label)));
            }
        }
        Self {
            by_field,
            general: None,
        }
    }

    pub fn field(field: &str, message: String) -> Self {
        Self {
            by_field: vec![(field.to_owned(), message)],
            general: None,
        }
    }

    /// The message for `field`, empty when it is fine.
    pub fn of(&self, field: &str) -> String {
        self.by_field
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.clone())
            .unwrap_or_default()
    }

    pub fn any(&self) -> bool {
        self.general.is_some() || !self.by_field.is_empty()
    }
}

#[derive(Debug)]
pub enum PageError {
    SignIn {
        next: String,
    },
    Refused(ApiError),
    /// Shown as an error page whatever its status (no sign-in redirect): for a
    /// television holding a bad screen token, where nobody will sign in.
    Shown(ApiError),
    Csrf,
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        Self::Refused(error)
    }
}

impl From<linli_app::AppError> for PageError {
    fn from(error: linli_app::AppError) -> Self {
        Self::Refused(error.into())
    }
}

impl From<linli_store::StoreError> for PageError {
    fn from(error: linli_store::StoreError) -> Self {
        Self::Refused(error.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: PageContext,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            Self::SignIn { next } => return sign_in_redirect(&next),
            Self::Refused(error) if error.status == StatusCode::UNAUTHORIZED => {
                return sign_in_redirect("/");
            }
            Self::Refused(error) | Self::Shown(error) => (error.status, error.message()),
            Self::Csrf => (StatusCode::FORBIDDEN, text("page.error.csrf", &[])),
        };
        let page = ErrorPage {
            page: PageContext {
                locale: Locale::current(),
                large_text: false,
                csrf: String::new(),
                signed_in_as: None,
                community_name: String::new(),
                nav: Vec::new(),
                here: "/".to_owned(),
                title: text("page.error.title", &[]),
                live: false,
                live_order: 0,
            },
            message,
        };
        (status, render(&page)).into_response()
    }
}

fn sign_in_redirect(next: &str) -> Response {
    let next: String = url_encode(next);
    Redirect::to(&format!("/signin?next={next}")).into_response()
}

/// What stays as it is in a query value: letters, digits, `-_.~` and `/` (paths read
/// better unescaped in `?next=`).
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes a value for a query string.
pub fn url_encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, QUERY_VALUE).to_string()
}

pub type PageResult = Result<Response, PageError>;

/// A rendered page; a template that fails to render is a bug, answered as an error page.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "a page failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html(text("internal.error", &[])),
            )
                .into_response()
        }
    }
}

/// After a form succeeds: the browser goes to the result with a GET (post/redirect/get).
pub fn see_other(path: &str) -> PageResult {
    Ok(Redirect::to(path).into_response())
}

/// A moment as people in the community read it (Beijing time).
pub fn local_time(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&shanghai());
    if Locale::current() == Locale::En {
        local.format("%-d %b %H:%M").to_string()
    } else {
        local.format("%-m月%-d日 %H:%M").to_string()
    }
}

/// The date and time for a `datetime-local` input (Beijing time).
pub fn local_input_value(at: DateTime<Utc>) -> String {
    at.with_timezone(&shanghai())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Reads a `datetime-local` input as Beijing time.
pub fn parse_local_input(value: &str) -> Option<DateTime<Utc>> {
    let naive = chrono::NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M").ok()?;
    shanghai()
        .from_local_datetime(&naive)
        .single()
        .map(|local| local.with_timezone(&Utc))
}

/// How long until a deadline, or how long past it, in plain words.
pub fn time_left(deadline: DateTime<Utc>, now: DateTime<Utc>) -> (String, bool) {
    let overdue = deadline < now;
    let minutes = (deadline - now).num_minutes().abs();
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    let amount = if days > 0 {
        text(
            "page.time.days_hours",
            &[("days", days.to_string()), ("hours", hours.to_string())],
        )
    } else if hours > 0 {
        text(
            "page.time.hours_minutes",
            &[("hours", hours.to_string()), ("minutes", mins.to_string())],
        )
    } else {
        text("page.time.minutes", &[("minutes", mins.to_string())])
    };
    let key = if overdue {
        "page.time.overdue_by"
    } else {
        "page.time.left"
    };
    (text(key, &[("amount", amount)]), overdue)
}
