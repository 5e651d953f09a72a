//! The creator portal's server functions. Creators have no account: a magic link's token opens
//! their one campaign thread (`portal_view`, `portal_reply`). Teammates create and revoke the
//! links (writers only).

#[cfg(feature = "ssr")]
use super::backend::Caller;
use super::AppError;
use crate::model::{PortalLink, PortalMessage, PortalPage, PortalView};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::context;

/// Every refusal of a token looks the same, whatever the reason.
#[cfg(feature = "ssr")]
fn check_token(token: &str) -> Result<(), AppError> {
    if crate::domain::portal::is_token(token) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The creator's campaign and conversation.
#[server(endpoint = "portal_view")]
pub async fn load_portal(token: String) -> Result<PortalView, AppError> {
    check_token(&token)?;
    let backend = context::backend()?;
    backend.portal_view(&token).await
}

/// The portal's messages before `before_id` ("earlier messages"), a page at a time.
#[server(endpoint = "portal_earlier")]
pub async fn portal_earlier(token: String, before_id: String) -> Result<PortalPage, AppError> {
    check_token(&token)?;
    super::check_id(&before_id)?;
    let backend = context::backend()?;
    backend.portal_earlier(&token, &before_id).await
}

/// The creator's reply from the portal.
#[server(endpoint = "portal_reply", input = Json)]
pub async fn portal_reply(token: String, text: String) -> Result<PortalMessage, AppError> {
    check_token(&token)?;
    let text = crate::domain::text::clean_body(&text).map_err(AppError::Invalid)?;
    let backend = context::backend()?;
    backend
        .portal_reply(&token, &text)
        .await
        .inspect_err(context::answer_too_many)
}

/// Creates the creator's portal link for this thread (an earlier link stops working).
#[server(endpoint = "create_portal_link")]
pub async fn create_portal_link(thread_id: String) -> Result<PortalLink, AppError> {
    super::check_id(&thread_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.create_portal_link(&caller, &thread_id).await
}

/// Stops the thread's portal link from working.
#[server(endpoint = "revoke_portal_link")]
pub async fn revoke_portal_link(thread_id: String) -> Result<(), AppError> {
    super::check_id(&thread_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.revoke_portal_link(&caller, &thread_id).await
}

/// What the creator portal and its magic links need from the server: implemented once, in
/// `server::backend::portal`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait PortalApi: Send + Sync {
    /// What a portal token opens (`NotFound` for any token that does not open).
    async fn portal_view(&self, token: &str) -> Result<PortalView, AppError>;
    async fn portal_earlier(&self, token: &str, before_id: &str) -> Result<PortalPage, AppError>;
    async fn portal_reply(&self, token: &str, text: &str) -> Result<PortalMessage, AppError>;
    async fn create_portal_link(
        &self,
        caller: &Caller,
        thread_id: &str,
    ) -> Result<PortalLink, AppError>;
    async fn revoke_portal_link(&self, caller: &Caller, thread_id: &str) -> Result<(), AppError>;
}
