//! One's own account: accepting an invitation, changing or resetting a password, and the
//! sessions one is signed in with. The invitation and reset functions take the link's token
//! instead of a session.

#[cfg(feature = "ssr")]
use super::backend::{Caller, NewSession};
#[cfg(feature = "ssr")]
use super::context;
use super::AppError;
use crate::model::{InvitationInfo, SessionInfo, SessionView};
use leptos::prelude::*;
use server_fn::codec::Json;

/// A link's token as we make them (64 hex characters); anything else names nothing.
#[cfg(feature = "ssr")]
fn check_token(token: &str) -> Result<(), AppError> {
    if token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(AppError::Invalid(
            "this link is not valid; ask for a new one".into(),
        ))
    }
}

/// What an invitation link shows: the workspace, the address, the role, and whether the address
/// has an account already.
#[server(endpoint = "invitation_info", input = Json)]
pub async fn load_invitation(token: String) -> Result<InvitationInfo, AppError> {
    check_token(&token)?;
    context::backend()?.invitation_info(&token).await
}

/// Accepts an invitation — with a name and a new password, or the existing account's password —
/// and signs in to that workspace.
#[server(endpoint = "accept_invitation", input = Json)]
pub async fn accept_invitation(
    token: String,
    name: String,
    password: String,
) -> Result<SessionInfo, AppError> {
    check_token(&token)?;
    if password.len() > 1024 {
        return Err(AppError::Invalid("that password is too long".into()));
    }
    let backend = context::backend()?;
    let session = backend
        .accept_invitation(&token, &name, &password, context::user_agent().as_deref())
        .await?;
    Ok(context::start_session(&backend, session))
}

/// Asks for a password reset link by email. The answer is the same whether or not the address
/// has an account (and comes before any email is sent).
#[server(endpoint = "request_password_reset", input = Json)]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let email = crate::domain::team::checked_email(&email).map_err(AppError::Invalid)?;
    context::backend()?.request_password_reset(&email).await
}

/// Sets a new password with a reset link; every session of the account ends.
#[server(endpoint = "reset_password", input = Json)]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    check_token(&token)?;
    crate::domain::team::check_password(&password).map_err(AppError::Invalid)?;
    context::backend()?.reset_password(&token, &password).await
}

/// Changes one's password (the current one required); one's other sessions end.
#[server(endpoint = "change_password", input = Json)]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    if current.is_empty() || current.len() > 1024 {
        return Err(AppError::Invalid("enter your current password".into()));
    }
    crate::domain::team::check_password(&new).map_err(AppError::Invalid)?;
    let (backend, caller) = context::caller().await?;
    let token = context::session_token().ok_or(AppError::Unauthorized)?;
    backend
        .change_password(&caller, &token, &current, &new)
        .await
}

/// Where one is signed in, this session first.
#[server(endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionView>, AppError> {
    let (backend, caller) = context::caller().await?;
    let token = context::session_token().ok_or(AppError::Unauthorized)?;
    backend.my_sessions(&caller, &token).await
}

/// Signs out one of one's other sessions, or (none named) all of them; how many ended.
#[server(endpoint = "end_sessions", input = Json)]
pub async fn end_sessions(session_id: Option<String>) -> Result<u32, AppError> {
    if let Some(id) = &session_id {
        super::check_id(id)?;
    }
    let (backend, caller) = context::caller().await?;
    let token = context::session_token().ok_or(AppError::Unauthorized)?;
    backend
        .end_sessions(&caller, &token, session_id.as_deref())
        .await
}

/// Whether this server lets anyone create a workspace (`INBOX_SIGNUP=open`).
#[server(endpoint = "signup_open")]
pub async fn signup_open() -> Result<bool, AppError> {
    Ok(context::backend()?.signup_open())
}

/// Creates a workspace with its owner's account and signs in (only where sign-up is open).
#[server(endpoint = "sign_up", input = Json)]
pub async fn sign_up(
    workspace_name: String,
    name: String,
    email: String,
    password: String,
) -> Result<SessionInfo, AppError> {
    let email = crate::domain::team::checked_email(&email).map_err(AppError::Invalid)?;
    let name = crate::domain::team::checked_name(&name).map_err(AppError::Invalid)?;
    let workspace_name =
        crate::domain::team::checked_workspace_name(&workspace_name).map_err(AppError::Invalid)?;
    crate::domain::team::check_password(&password).map_err(AppError::Invalid)?;
    let backend = context::backend()?;
    let session = backend
        .sign_up(
            &workspace_name,
            &name,
            &email,
            &password,
            context::user_agent().as_deref(),
        )
        .await?;
    Ok(context::start_session(&backend, session))
}

/// Binds this session to another workspace one is an active member of (the page then reloads).
#[server(endpoint = "switch_workspace", input = Json)]
pub async fn switch_workspace(workspace_id: String) -> Result<(), AppError> {
    super::check_id(&workspace_id)?;
    let (backend, caller) = context::caller().await?;
    let token = context::session_token().ok_or(AppError::Unauthorized)?;
    backend
        .switch_workspace(&caller, &token, &workspace_id)
        .await
}

/// One's own account: implemented once, in `server::backend::account`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AccountApi: Send + Sync {
    fn signup_open(&self) -> bool;
    async fn sign_up(
        &self,
        workspace_name: &str,
        name: &str,
        email: &str,
        password: &str,
        agent: Option<&str>,
    ) -> Result<NewSession, AppError>;
    async fn invitation_info(&self, token: &str) -> Result<InvitationInfo, AppError>;
    async fn accept_invitation(
        &self,
        token: &str,
        name: &str,
        password: &str,
        agent: Option<&str>,
    ) -> Result<NewSession, AppError>;
    async fn request_password_reset(&self, email: &str) -> Result<(), AppError>;
    async fn reset_password(&self, token: &str, password: &str) -> Result<(), AppError>;
    async fn change_password(
        &self,
        caller: &Caller,
        session_token: &str,
        current: &str,
        new: &str,
    ) -> Result<(), AppError>;
    async fn my_sessions(
        &self,
        caller: &Caller,
        session_token: &str,
    ) -> Result<Vec<SessionView>, AppError>;
    async fn end_sessions(
        &self,
        caller: &Caller,
        session_token: &str,
        session_id: Option<&str>,
    ) -> Result<u32, AppError>;
    async fn switch_workspace(
        &self,
        caller: &Caller,
        session_token: &str,
        workspace_id: &str,
    ) -> Result<(), AppError>;
}
