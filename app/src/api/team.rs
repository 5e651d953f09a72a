//! The team: who is on it and in which role, invitations, deactivation, and reset links an owner
//! issues. Owners change; managers read; members and viewers are refused.

#[cfg(feature = "ssr")]
use super::backend::Caller;
use super::AppError;
#[cfg(feature = "ssr")]
use super::{check_id, context};
use crate::model::{OneTimeLink, Role, TeamView};
use leptos::prelude::*;
use server_fn::codec::Json;

#[server(endpoint = "team_page")]
pub async fn load_team() -> Result<TeamView, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_manager()?;
    backend.team_page(&caller).await
}

/// Invites `email` as `role`: the single-use link (7 days) to copy and hand over.
#[server(endpoint = "invite_member", input = Json)]
pub async fn invite_member(email: String, role: Role) -> Result<OneTimeLink, AppError> {
    let email = crate::domain::team::checked_email(&email).map_err(AppError::Invalid)?;
    let (backend, caller) = context::caller().await?;
    caller.require_team_owner()?;
    backend.invite_member(&caller, &email, role).await
}

#[server(endpoint = "revoke_invitation", input = Json)]
pub async fn revoke_invitation(invitation_id: String) -> Result<(), AppError> {
    check_id(&invitation_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_team_owner()?;
    backend.revoke_invitation(&caller, &invitation_id).await
}

#[server(endpoint = "set_member_role", input = Json)]
pub async fn set_member_role(user_id: String, role: Role) -> Result<(), AppError> {
    check_id(&user_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_team_owner()?;
    backend.set_member_role(&caller, &user_id, role).await
}

/// Deactivates a member (their sessions and live sockets end at once; their assignments stay,
/// flagged) or brings them back.
#[server(endpoint = "set_member_active", input = Json)]
pub async fn set_member_active(user_id: String, active: bool) -> Result<(), AppError> {
    check_id(&user_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_team_owner()?;
    backend.set_member_active(&caller, &user_id, active).await
}

/// A password reset link (one hour) for a member, to hand to them.
#[server(endpoint = "issue_reset_link", input = Json)]
pub async fn issue_reset_link(user_id: String) -> Result<OneTimeLink, AppError> {
    check_id(&user_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_team_owner()?;
    backend.issue_reset_link(&caller, &user_id).await
}

/// The team's operations: implemented once, in `server::backend::team`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait TeamApi: Send + Sync {
    async fn team_page(&self, caller: &Caller) -> Result<TeamView, AppError>;
    async fn invite_member(
        &self,
        caller: &Caller,
        email: &str,
        role: Role,
    ) -> Result<OneTimeLink, AppError>;
    async fn revoke_invitation(&self, caller: &Caller, invitation_id: &str)
        -> Result<(), AppError>;
    async fn set_member_role(
        &self,
        caller: &Caller,
        user_id: &str,
        role: Role,
    ) -> Result<(), AppError>;
    async fn set_member_active(
        &self,
        caller: &Caller,
        user_id: &str,
        active: bool,
    ) -> Result<(), AppError>;
    async fn issue_reset_link(
        &self,
        caller: &Caller,
        user_id: &str,
    ) -> Result<OneTimeLink, AppError>;
}
