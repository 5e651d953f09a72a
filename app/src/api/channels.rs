//! Workspace settings server functions (owners only).

#[cfg(feature = "ssr")]
use super::backend::Caller;
use super::AppError;
use crate::domain::email::ServerSettings;
#[cfg(feature = "ssr")]
use crate::model::Channel;
use crate::model::{ApiChannelSettings, InstagramSettings, MailboxSettings, SmsSettings};
use leptos::prelude::*;
use server_fn::codec::Json;

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

/// Sets where our replies on the API channel are posted (owners only); an empty URL turns
/// outbound replies on that channel off.
#[server(endpoint = "set_api_outbound_url")]
pub async fn set_api_outbound_url(url: String) -> Result<ApiChannelSettings, AppError> {
    let url = crate::domain::text::webhook_url(&url).map_err(AppError::Invalid)?;
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.set_api_outbound_url(&caller, url.as_deref()).await
}

/// The workspace's Twilio connection (owners only; never the auth token).
#[server(endpoint = "sms_settings")]
pub async fn load_sms_settings() -> Result<SmsSettings, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.sms_settings(&caller).await
}

/// Connects (or reconnects) Twilio for the workspace. The auth token is sealed with the server
/// secret before it is stored.
#[server(endpoint = "connect_sms", input = Json)]
pub async fn connect_sms(
    account_sid: String,
    auth_token: String,
    numbers: Vec<String>,
    messaging_service_sid: Option<String>,
) -> Result<SmsSettings, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    let connection = crate::domain::twilio::validate_connection(
        &account_sid,
        &auth_token,
        &numbers,
        messaging_service_sid.as_deref(),
    )
    .map_err(AppError::Invalid)?;
    backend.connect_sms(&caller, connection).await
}

/// The workspace's Instagram connection (owners only; never the access token).
#[server(endpoint = "instagram_settings")]
pub async fn load_instagram_settings() -> Result<InstagramSettings, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.instagram_settings(&caller).await
}

/// Connects the workspace's Instagram professional account. The access token is sealed with the
/// server secret before it is stored.
#[server(endpoint = "connect_instagram", input = Json)]
pub async fn connect_instagram(
    account_id: String,
    username: Option<String>,
    access_token: String,
) -> Result<InstagramSettings, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    let connection = crate::domain::instagram::validate_connection(
        &account_id,
        username.as_deref(),
        &access_token,
    )
    .map_err(AppError::Invalid)?;
    backend.connect_instagram(&caller, connection).await
}

/// The workspace's mailbox (owners only; never the password or token).
#[server(endpoint = "mailbox_settings")]
pub async fn load_mailbox_settings() -> Result<MailboxSettings, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.mailbox_settings(&caller).await
}

/// Connects the workspace's mailbox: IMAP to read creators' emails, SMTP to send replies. The
/// password (or OAuth token with `xoauth2`) is sealed with the server secret before it is stored.
#[server(endpoint = "connect_mailbox", input = Json)]
pub async fn connect_mailbox(
    address: String,
    display_name: String,
    imap: ServerSettings,
    smtp: ServerSettings,
    secret: String,
    #[server(default)] xoauth2: bool,
) -> Result<MailboxSettings, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    let connection = crate::domain::email::validate_mailbox(
        &address,
        &display_name,
        &imap,
        &smtp,
        &secret,
        xoauth2,
    )
    .map_err(AppError::Invalid)?;
    backend.connect_mailbox(&caller, connection).await
}

/// Signs in to the connected mailbox's servers and says how it went.
#[server(endpoint = "test_mailbox")]
pub async fn test_mailbox() -> Result<String, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.test_mailbox(&caller).await
}

/// Checks the SMS or Instagram connection's credentials with the provider.
#[server(endpoint = "test_channel", input = Json)]
pub async fn test_channel(channel: crate::model::Channel) -> Result<String, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.test_channel(&caller, channel).await
}

/// What the workspace's channel connections (owners only) need from the server: implemented once,
/// in `server::backend::channels`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait ChannelsApi: Send + Sync {
    /// The API channel's endpoint and key (the key is created on first use).
    async fn api_channel_settings(&self, caller: &Caller) -> Result<ApiChannelSettings, AppError>;
    /// Sets (or clears) the URL our replies on the API channel are posted to.
    async fn set_api_outbound_url(
        &self,
        caller: &Caller,
        url: Option<&str>,
    ) -> Result<ApiChannelSettings, AppError>;
    async fn sms_settings(&self, caller: &Caller) -> Result<SmsSettings, AppError>;
    async fn connect_sms(
        &self,
        caller: &Caller,
        connection: crate::domain::twilio::TwilioConnection,
    ) -> Result<SmsSettings, AppError>;
    async fn instagram_settings(&self, caller: &Caller) -> Result<InstagramSettings, AppError>;
    async fn connect_instagram(
        &self,
        caller: &Caller,
        connection: crate::domain::instagram::InstagramConnection,
    ) -> Result<InstagramSettings, AppError>;
    async fn mailbox_settings(&self, caller: &Caller) -> Result<MailboxSettings, AppError>;
    async fn connect_mailbox(
        &self,
        caller: &Caller,
        connection: crate::domain::email::MailboxConnection,
    ) -> Result<MailboxSettings, AppError>;
    /// Signs in to the mailbox's IMAP and SMTP servers; `Err` says what failed.
    async fn test_mailbox(&self, caller: &Caller) -> Result<String, AppError>;
    /// Checks a connected channel's credentials with its provider (`sms` or `instagram`).
    async fn test_channel(&self, caller: &Caller, channel: Channel) -> Result<String, AppError>;
}
