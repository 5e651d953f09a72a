//! Server functions for bulk messages: preview, create, follow, approve, cancel, retry.

#[cfg(feature = "ssr")]
use super::backend::Caller;
#[cfg(feature = "ssr")]
use super::context;
use super::AppError;
#[cfg(feature = "ssr")]
use crate::model::bulk;
use crate::model::bulk::*;
use leptos::prelude::*;
use server_fn::codec::Json;

/// Checks a selection and a composed message before anything is read.
#[cfg(feature = "ssr")]
fn check(selection: &BulkSelection, compose: &BulkCompose) -> Result<(), AppError> {
    match selection {
        BulkSelection::Filter(f) => f.validate().map_err(|e| AppError::Invalid(e.0))?,
        BulkSelection::Threads(ids) => {
            if ids.is_empty() {
                return Err(AppError::Invalid("select at least one thread".into()));
            }
            if ids.len() > crate::domain::bulk::MAX_RECIPIENTS
                || !ids.iter().all(|i| crate::domain::filter::is_valid_id(i))
            {
                return Err(AppError::Invalid("the selection is not valid".into()));
            }
        }
    }
    if compose.body.chars().count() > crate::domain::bulk::MAX_BODY_CHARS
        || compose.subject.chars().count() > crate::domain::bulk::MAX_SUBJECT_CHARS
    {
        return Err(AppError::Invalid("the message is too long".into()));
    }
    Ok(())
}

#[cfg(feature = "ssr")]
use super::check_id;

#[server(endpoint = "preview_bulk_message", input = Json)]
pub async fn preview_bulk_message(
    selection: BulkSelection,
    compose: BulkCompose,
    sample: Option<String>,
) -> Result<BulkPreview, AppError> {
    check(&selection, &compose)?;
    if let Some(s) = &sample {
        check_id(s)?;
    }
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend
        .bulk_preview(&caller, &selection, &compose, sample.as_deref())
        .await
}

/// Creates a bulk message; sends now, or at `schedule_at` (ms), after approval if needed.
#[server(endpoint = "create_bulk", input = Json)]
pub async fn create_bulk(
    selection: BulkSelection,
    compose: BulkCompose,
    schedule_at: Option<i64>,
) -> Result<String, AppError> {
    check(&selection, &compose)?;
    crate::domain::bulk::validate(&compose.subject, &compose.body).map_err(AppError::Invalid)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend
        .create_bulk(&caller, &selection, &compose, schedule_at)
        .await
}

#[server(endpoint = "load_bulk", input = Json)]
pub async fn load_bulk(id: String) -> Result<BulkView, AppError> {
    check_id(&id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_team("bulk messages")?;
    backend.bulk_view(&caller, &id).await
}

#[server(endpoint = "load_bulk_list")]
pub async fn load_bulk_list() -> Result<Vec<BulkView>, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_team("bulk messages")?;
    backend.bulk_list(&caller).await
}

#[server(endpoint = "decide_bulk", input = Json)]
pub async fn decide_bulk(id: String, approve: bool) -> Result<BulkView, AppError> {
    check_id(&id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.decide_bulk(&caller, &id, approve).await
}

#[server(endpoint = "cancel_bulk", input = Json)]
pub async fn cancel_bulk(id: String) -> Result<BulkView, AppError> {
    check_id(&id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.cancel_bulk(&caller, &id).await
}

#[server(endpoint = "retry_bulk", input = Json)]
pub async fn retry_bulk(id: String) -> Result<BulkView, AppError> {
    check_id(&id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.retry_bulk(&caller, &id).await
}

/// What bulk messages need from the server: implemented once, in `server::backend::bulk`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait BulkApi: Send + Sync {
    /// What a bulk message would do: each selected creator's channel or skip reason, and the
    /// message as `sample` (a thread id) would read it.
    async fn bulk_preview(
        &self,
        caller: &Caller,
        selection: &bulk::BulkSelection,
        compose: &bulk::BulkCompose,
        sample: Option<&str>,
    ) -> Result<bulk::BulkPreview, AppError>;
    /// Creates a bulk message (written at once when due and needing no approval); its id.
    async fn create_bulk(
        &self,
        caller: &Caller,
        selection: &bulk::BulkSelection,
        compose: &bulk::BulkCompose,
        schedule_at: Option<i64>,
    ) -> Result<String, AppError>;
    async fn bulk_view(&self, caller: &Caller, id: &str) -> Result<bulk::BulkView, AppError>;
    async fn bulk_list(&self, caller: &Caller) -> Result<Vec<bulk::BulkView>, AppError>;
    /// Approves or rejects a bulk message awaiting approval.
    async fn decide_bulk(
        &self,
        caller: &Caller,
        id: &str,
        approve: bool,
    ) -> Result<bulk::BulkView, AppError>;
    async fn cancel_bulk(&self, caller: &Caller, id: &str) -> Result<bulk::BulkView, AppError>;
    /// Queues the bulk message's failed sends again.
    async fn retry_bulk(&self, caller: &Caller, id: &str) -> Result<bulk::BulkView, AppError>;
}
