#[cfg(feature = "ssr")]
use super::backend::Caller;
#[cfg(feature = "ssr")]
use super::context;
use super::AppError;
use crate::domain::filter::InboxFilter;
use crate::model::{Cursor, FilterOptions, InboxCounts, InboxPage};
use leptos::prelude::*;
use server_fn::codec::Json;

/// One page (50 threads) of the inbox, newest activity first, after `after` if given.
#[server(endpoint = "list_threads", input = Json)]
pub async fn list_threads(
    filter: InboxFilter,
    after: Option<Cursor>,
) -> Result<InboxPage, AppError> {
    let (backend, caller) = context::caller().await?;
    filter.validate().map_err(|e| AppError::Invalid(e.0))?;
    if after.as_ref().is_some_and(|c| !c.is_valid()) {
        return Err(AppError::Invalid("bad page cursor".into()));
    }
    backend.list_threads(&caller, &filter, after).await
}

/// How many threads match a filter (the bulk bar's "select all N matching").
#[server(endpoint = "count_matching", input = Json)]
pub async fn count_matching(filter: InboxFilter) -> Result<u64, AppError> {
    filter.validate().map_err(|e| AppError::Invalid(e.0))?;
    let (backend, caller) = context::caller().await?;
    backend.count_matching(&caller, &filter).await
}

#[server(endpoint = "inbox_counts")]
pub async fn load_inbox_counts() -> Result<InboxCounts, AppError> {
    let (backend, caller) = context::caller().await?;
    backend.inbox_counts(&caller).await
}

#[server(endpoint = "filter_options")]
pub async fn load_filter_options() -> Result<FilterOptions, AppError> {
    let (backend, caller) = context::caller().await?;
    backend.filter_options(&caller).await
}

/// What the inbox list, its counts and its filter options need from the server: implemented once,
/// in `server::backend::inbox`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait InboxApi: Send + Sync {
    async fn list_threads(
        &self,
        caller: &Caller,
        filter: &InboxFilter,
        after: Option<Cursor>,
    ) -> Result<InboxPage, AppError>;
    async fn count_matching(&self, caller: &Caller, filter: &InboxFilter) -> Result<u64, AppError>;
    async fn inbox_counts(&self, caller: &Caller) -> Result<InboxCounts, AppError>;
    async fn filter_options(&self, caller: &Caller) -> Result<FilterOptions, AppError>;
}
