//! The seam between server functions and the server. Each area declares its own trait beside its
//! server functions (`api::inbox::InboxApi`, `api::thread::ThreadApi`, …); the `server` crate
//! implements them once and injects the whole as a [`SharedBackend`] through Leptos context. Here:
//! who is calling ([`Caller`], resolved from the session before anything else) and the union of
//! the area traits.

use super::AppError;
use super::{
    AccountApi, AuthApi, BulkApi, CampaignsApi, ChannelsApi, CreatorsApi, EmbedApi, ImportsApi,
    InboxApi, PoliciesApi, PortalApi, ReportsApi, ReviewApi, TeamApi, ThreadApi, UnmatchedApi,
};
use crate::model::{Role, SessionInfo};
use std::sync::Arc;

/// What a request may see: a signed-in teammate the whole workspace; an embedded frame (a
/// partner's exchanged token, `api::embed`) one client's conversations, or only those of some of
/// its campaigns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Workspace,
    Client(ClientScope),
}

/// An embedded frame's reach: one client; when `campaigns` is not empty, only those campaigns;
/// a one-thread frame (`thread`), that conversation only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientScope {
    pub client: String,
    pub campaigns: Vec<String>,
    pub thread: Option<String>,
}

impl ClientScope {
    /// The whole client.
    pub fn client(client: impl Into<String>) -> ClientScope {
        ClientScope {
            client: client.into(),
            campaigns: Vec::new(),
            thread: None,
        }
    }

    /// Whether a change of `client` (and `campaign` and `thread`, when known) is within reach.
    pub fn reaches(
        &self,
        client: Option<&str>,
        campaign: Option<&str>,
        thread: Option<&str>,
    ) -> bool {
        client == Some(self.client.as_str())
            && (self.campaigns.is_empty()
                || campaign.is_some_and(|c| self.campaigns.iter().any(|k| k == c)))
            && self.thread.as_deref().is_none_or(|t| thread == Some(t))
    }
}

/// The address a request came from (`server::client_address`), for limits per address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// The resolved identity behind a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
    pub workspace_id: String,
    pub role: Role,
    pub scope: Scope,
}

impl Caller {
    /// Workspace settings (integrations, keys) are for owners signed in as teammates.
    pub fn require_owner(&self) -> Result<(), AppError> {
        if self.role == Role::Owner && self.scope == Scope::Workspace {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "only the workspace's owners can see its integration keys".into(),
            ))
        }
    }

    /// The team (invitations, roles, deactivation, reset links) is changed by its owners.
    pub fn require_team_owner(&self) -> Result<(), AppError> {
        if self.role == Role::Owner && self.scope == Scope::Workspace {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "only owners can change the team".into(),
            ))
        }
    }

    /// Campaign policies, approved language and the workspace's audit trail are for owners and
    /// managers signed in as teammates.
    pub fn require_manager(&self) -> Result<(), AppError> {
        if matches!(self.role, Role::Owner | Role::Manager) && self.scope == Scope::Workspace {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "only owners and managers can do this".into(),
            ))
        }
    }

    /// What spans the workspace's clients (campaigns, creators, bulk messages, policies) is for
    /// teammates; a client-scoped view is refused: "this view cannot see `what`".
    pub fn require_team(&self, what: &str) -> Result<(), AppError> {
        if self.scope == Scope::Workspace {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!("this view cannot see {what}")))
        }
    }

    /// A change inside one conversation (read state, a reply or note, its stage, a snooze, a
    /// draft's decision): writers, an embedded frame's member included. The store confines it to
    /// the caller's scope (`store::threads::find`, the drafts' scope clause): another client's
    /// thread is NotFound.
    pub fn require_thread_write(&self) -> Result<(), AppError> {
        if self.role.can_write() {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "your role can only read these conversations".into(),
            ))
        }
    }

    /// A report the caller may read: as asked for a teammate; held to its client for an
    /// embedded frame (`domain::embed::confined_report`), another client's or a teammate's
    /// figures NotFound.
    pub fn confine_report(
        &self,
        q: crate::model::ReportQuery,
    ) -> Result<crate::model::ReportQuery, AppError> {
        match &self.scope {
            Scope::Workspace => Ok(q),
            // A one-thread frame has no report to read.
            Scope::Client(s) if s.thread.is_some() => Err(AppError::NotFound),
            Scope::Client(s) => crate::domain::embed::confined_report(&s.client, &s.campaigns, &q)
                .ok_or(AppError::NotFound),
        }
    }

    /// Everything else a writer changes spans the workspace: teammates signed in only.
    pub fn require_write(&self) -> Result<(), AppError> {
        if self.role.can_write() && self.scope == Scope::Workspace {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "your role can only read this workspace".into(),
            ))
        }
    }
}

pub struct NewSession {
    pub token: String,
    pub max_age_secs: i64,
    pub info: SessionInfo,
}

/// Every area's operations: what the server injects (its one implementation says
/// `impl Backend for …` once it implements every area's trait).
pub trait Backend:
    AuthApi
    + InboxApi
    + ThreadApi
    + UnmatchedApi
    + ChannelsApi
    + ReviewApi
    + PoliciesApi
    + BulkApi
    + CampaignsApi
    + ImportsApi
    + CreatorsApi
    + PortalApi
    + ReportsApi
    + TeamApi
    + AccountApi
    + EmbedApi
    + 'static
{
}

pub type SharedBackend = Arc<dyn Backend>;
