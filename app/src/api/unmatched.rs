//! The Unmatched queue: messages from senders no creator has as an identity yet, and linking one
//! to a creator (which adds the identity and moves the message into the creator's thread).

#[cfg(feature = "ssr")]
use super::backend::Caller;
#[cfg(feature = "ssr")]
use super::context;
use super::AppError;
#[cfg(feature = "ssr")]
use crate::domain::filter::is_valid_id;
use crate::model::{NamedRef, UnmatchedView};
use leptos::prelude::*;

#[server(endpoint = "list_unmatched")]
pub async fn list_unmatched() -> Result<Vec<UnmatchedView>, AppError> {
    let (backend, caller) = context::caller().await?;
    backend.list_unmatched(&caller).await
}

/// The workspace's creators, for linking a sender to one (name and handle).
#[server(endpoint = "creator_options")]
pub async fn load_creator_options() -> Result<Vec<NamedRef>, AppError> {
    let (backend, caller) = context::caller().await?;
    backend.creator_options(&caller).await
}

/// Links an unmatched message's sender to a creator; returns the thread the message went to.
#[server(endpoint = "link_unmatched")]
pub async fn link_unmatched(unmatched_id: String, creator_id: String) -> Result<String, AppError> {
    if !is_valid_id(&unmatched_id) || !is_valid_id(&creator_id) {
        return Err(AppError::NotFound);
    }
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend
        .link_unmatched(&caller, &unmatched_id, &creator_id)
        .await
}

/// Creates a creator for an unmatched sender (with the sender's address), enrolls them in a
/// campaign and moves the message into the new thread; returns that thread's id.
#[server(endpoint = "create_creator_from_unmatched")]
pub async fn create_creator_from_unmatched(
    unmatched_id: String,
    name: String,
    campaign_id: String,
) -> Result<String, AppError> {
    if !is_valid_id(&unmatched_id) || !is_valid_id(&campaign_id) {
        return Err(AppError::NotFound);
    }
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::Invalid(
            "the creator needs a name (up to 100 characters)".into(),
        ));
    }
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend
        .create_creator_from_unmatched(&caller, &unmatched_id, &name, &campaign_id)
        .await
}

/// What the Unmatched queue needs from the server: implemented once, in
/// `server::backend::unmatched`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait UnmatchedApi: Send + Sync {
    async fn list_unmatched(&self, caller: &Caller) -> Result<Vec<UnmatchedView>, AppError>;
    async fn creator_options(&self, caller: &Caller) -> Result<Vec<NamedRef>, AppError>;
    /// Returns the id of the thread the message went to.
    async fn link_unmatched(
        &self,
        caller: &Caller,
        unmatched_id: &str,
        creator_id: &str,
    ) -> Result<String, AppError>;
    /// A new creator (with the sender's address) enrolled in `campaign_id`, with the unmatched
    /// message moved into the new thread; returns the thread id.
    async fn create_creator_from_unmatched(
        &self,
        caller: &Caller,
        unmatched_id: &str,
        name: &str,
        campaign_id: &str,
    ) -> Result<String, AppError>;
}
