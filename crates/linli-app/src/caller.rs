//! Who is asking: the person a session token belongs to, with their roles. Every use case
//! takes a [`Caller`]; how the token arrived (a bearer header, a page's cookie) is the
//! adapter's business.

use crate::{App, AppError, AppResult};
use linli_domain::access;
use linli_domain::ids::{CommunityId, PersonId};
use linli_domain::permissions::{Place, RegistryAction, authorize};
use linli_domain::roles::{Grant, Role, Scope};
use linli_store::passwords::token_hash;
use linli_store::people::{Person, StoredGrant};

#[derive(Clone)]
pub struct Caller {
    pub person: PersonId,
    /// The caller's account as of this request (name and phone for what they report).
    pub account: Person,
    /// The grants with their ids, as `/me` shows them.
    pub stored_grants: Vec<StoredGrant>,
    grants: Vec<Grant>,
    token_hash: String,
    /// The Open311 client this caller stands for, if it is one (not a signed-in person).
    open311_client: Option<i64>,
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token's hash stays out of logs.
        f.debug_struct("Caller")
            .field("person", &self.person)
            .field("grants", &self.grants)
            .finish_non_exhaustive()
    }
}

impl Caller {
    /// The person a session token belongs to; an unknown or ended session is refused as
    /// unauthenticated.
    pub async fn from_session_token(app: &App, token: &str) -> AppResult<Self> {
        let token_hash = token_hash(token);
        let caller = app
            .store
            .session_caller(
                &token_hash,
                app.clock.now(),
                app.settings.session_idle_timeout,
            )
            .await?
            .ok_or_else(|| AppError::unauthenticated("auth.session_invalid"))?;
        let grants = caller.grants.iter().map(|stored| stored.grant).collect();
        Ok(Self {
            person: PersonId(caller.person.id),
            account: caller.person,
            stored_grants: caller.grants,
            grants,
            token_hash,
            open311_client: None,
        })
    }

    /// An Open311 client reporting into its community: it takes reports for others, as
    /// the desk does, and nothing else. It holds no session and no stored grant; the
    /// person standing for it (in timelines, as `created_by`) cannot sign in.
    pub(crate) fn open311_client(client: i64, account: Person, community: CommunityId) -> Self {
        Self {
            person: PersonId(account.id),
            account,
            stored_grants: Vec::new(),
            grants: vec![Grant {
                role: Role::Receptionist,
                scope: Scope::Community(community),
                organisation: None,
            }],
            token_hash: String::new(),
            open311_client: Some(client),
        }
    }

    /// The operator at the command line (`linli report`): whoever runs `linli` with the
    /// database's address holds its data already, so it reads as the system's admin. No
    /// person stands for it; it makes no change.
    pub fn operator() -> Self {
        Self {
            person: PersonId(0),
            account: Person {
                id: 0,
                login: "operator".to_owned(),
                display_name: "命令行".to_owned(),
                phone: None,
                disabled: false,
            },
            stored_grants: Vec::new(),
            grants: vec![Grant {
                role: Role::Admin,
                scope: Scope::Global,
                organisation: None,
            }],
            token_hash: String::new(),
            open311_client: None,
        }
    }

    /// Whether this is an Open311 client rather than a person.
    pub fn is_open311_client(&self) -> bool {
        self.open311_client.is_some()
    }

    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    pub(crate) fn token_hash(&self) -> &str {
        &self.token_hash
    }

    pub fn may(&self, action: RegistryAction, place: Place) -> bool {
        authorize(&self.grants, action, place)
    }

    /// Refused unless the caller may do `action` at `place`.
    pub fn require(&self, action: RegistryAction, place: Place) -> AppResult<()> {
        if self.may(action, place) {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }

    /// Refused unless the caller administers `place` or supervises the community
    /// (`supervised`): who may set up a place's screens and notification channels.
    pub fn require_office_head(
        &self,
        place: Place,
        supervised: Option<CommunityId>,
    ) -> AppResult<()> {
        let supervisor = supervised
            .is_some_and(|community| access::holds(&self.grants, Role::Supervisor, community));
        if supervisor || self.may(RegistryAction::ManageCommunities, place) {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }

    /// Whether the caller holds `role` in `community` itself.
    pub fn holds(&self, role: Role, community: CommunityId) -> bool {
        access::holds(&self.grants, role, community)
    }

    /// Whether the caller holds `role` at any scope.
    pub fn holds_anywhere(&self, role: Role) -> bool {
        self.grants.iter().any(|grant| grant.role == role)
    }

    /// Whether the caller administers the whole system.
    pub fn is_global_admin(&self) -> bool {
        self.grants
            .iter()
            .any(|grant| grant.role == Role::Admin && grant.scope == Scope::Global)
    }
}
