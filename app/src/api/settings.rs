//! Workspace settings server functions (owners only).

use super::AppError;
use crate::model::ApiChannelSettings;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context;

/// Where the workspace's platforms post messages (the signed API channel) and the key they sign
/// with. Owners only; the key is created the first time an owner asks.
#[server(endpoint = "api_channel_settings")]
pub async fn load_api_channel_settings() -> Result<ApiChannelSettings, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.api_channel_settings(&caller).await
}
