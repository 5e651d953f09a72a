//! Workspace settings server functions (owners only).

#[cfg(feature = "ssr")]
use super::backend::Caller;
use super::AppError;
use crate::domain::email::ServerSettings;
#[cfg(feature = "ssr")]
use crate::model::Channel;
use crate::model::{
    AccountChoice, ApiChannelSettings, InstagramSettings, MailboxSettings, SendingIdentity,
    SmsSettings,
};
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

/// Replaces the API channel's signing key (owners only); the previous key keeps verifying
/// inbound requests for a day, so a platform can switch without losing messages. Audited.
#[server(endpoint = "rotate_api_key")]
pub async fn rotate_api_key() -> Result<ApiChannelSettings, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.rotate_api_key(&caller).await
}

/// Sets where our replies on the API channel are posted (owners only); an empty URL turns
/// outbound replies on that channel off.
#[server(endpoint = "set_api_outbound_url")]
pub async fn set_api_outbound_url(url: String) -> Result<ApiChannelSettings, AppError> {
    let url = crate::domain::outbound_address::webhook_url(&url).map_err(AppError::Invalid)?;
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.set_api_outbound_url(&caller, url.as_ref()).await
}

/// The workspace's Twilio accounts (owners only; never an auth token).
#[server(endpoint = "sms_settings")]
pub async fn load_sms_settings() -> Result<SmsSettings, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.sms_settings(&caller).await
}

/// Which account a connection writes (`AccountChoice`) with its label checked (empty: the
/// address, number or username).
#[cfg(feature = "ssr")]
fn target(account: AccountChoice, fallback: &str) -> Result<ConnectTarget, AppError> {
    Ok(ConnectTarget {
        id: account.connection_id.filter(|i| !i.trim().is_empty()),
        label: crate::domain::sending::checked_label(&account.label, fallback)
            .map_err(AppError::Invalid)?,
    })
}

/// Which account a connection writes, and its label.
#[cfg(feature = "ssr")]
pub struct ConnectTarget {
    pub id: Option<String>,
    pub label: String,
}

/// Connects a Twilio account (or changes one: `account.connection_id`). Twilio is asked first whether
/// the account owns every number and the Messaging Service; the auth token is sealed with the
/// server secret before it is stored.
#[server(endpoint = "connect_sms", input = Json)]
pub async fn connect_sms(
    #[server(default)] account: AccountChoice,
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
    let target = target(account, &connection.numbers[0])?;
    backend.connect_sms(&caller, target, connection).await
}

/// The workspace's Instagram accounts (owners only; never an access token).
#[server(endpoint = "instagram_settings")]
pub async fn load_instagram_settings() -> Result<InstagramSettings, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.instagram_settings(&caller).await
}

/// Connects an Instagram professional account (or changes one: `account.connection_id`). Meta is asked
/// first whose token it is; the access token is sealed with the server secret before it is
/// stored.
#[server(endpoint = "connect_instagram", input = Json)]
pub async fn connect_instagram(
    #[server(default)] account: AccountChoice,
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
    let fallback = connection
        .username
        .clone()
        .unwrap_or_else(|| connection.account_id.clone());
    let target = target(account, &fallback)?;
    backend.connect_instagram(&caller, target, connection).await
}

/// The workspace's mailboxes (owners only; never a password or token).
#[server(endpoint = "mailbox_settings")]
pub async fn load_mailbox_settings() -> Result<MailboxSettings, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.mailbox_settings(&caller).await
}

/// Connects a mailbox (or changes one: `account.connection_id`): IMAP to read creators' emails, SMTP to
/// send replies. The password (or OAuth token with `xoauth2`) is sealed with the server secret
/// before it is stored.
#[server(endpoint = "connect_mailbox", input = Json)]
pub async fn connect_mailbox(
    #[server(default)] account: AccountChoice,
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
    let target = target(account, &connection.address)?;
    backend.connect_mailbox(&caller, target, connection).await
}

/// Signs in to a connected mailbox's servers (the default one when `connection_id` is none) and
/// says how it went.
#[server(endpoint = "test_mailbox", input = Json)]
pub async fn test_mailbox(
    #[server(default)] connection_id: Option<String>,
) -> Result<String, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend
        .test_mailbox(&caller, connection_id.as_deref())
        .await
}

/// Checks an SMS or Instagram connection's credentials with the provider (the channel's default
/// when `connection_id` is none).
#[server(endpoint = "test_channel", input = Json)]
pub async fn test_channel(
    channel: crate::model::Channel,
    #[server(default)] connection_id: Option<String>,
) -> Result<String, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend
        .test_channel(&caller, channel, connection_id.as_deref())
        .await
}

/// Disconnects one of the workspace's mailboxes, Twilio accounts or Instagram accounts (owners
/// only). Campaigns that sent from it fall back to the channel's default.
#[server(endpoint = "disconnect_channel", input = Json)]
pub async fn disconnect_channel(
    channel: crate::model::Channel,
    connection_id: String,
) -> Result<(), AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend
        .disconnect_channel(&caller, channel, &connection_id)
        .await
}

/// Makes one of the workspace's accounts its channel's default sender (owners only).
#[server(endpoint = "set_default_channel", input = Json)]
pub async fn set_default_channel(
    channel: crate::model::Channel,
    connection_id: String,
) -> Result<(), AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend
        .set_default_channel(&caller, channel, &connection_id)
        .await
}

/// Every mailbox, number and Instagram account the workspace sends from (labels and addresses,
/// never a secret), for choosing a campaign's senders: owners and managers.
#[server(endpoint = "sending_identities")]
pub async fn load_sending_identities() -> Result<Vec<SendingIdentity>, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_manager()?;
    backend.sending_identities(&caller).await
}

/// What the workspace's channel connections (owners only) need from the server: implemented once,
/// in `server::backend::channels`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait ChannelsApi: Send + Sync {
    /// The API channel's endpoint and key (the key is created on first use).
    async fn api_channel_settings(&self, caller: &Caller) -> Result<ApiChannelSettings, AppError>;
    /// A new key; the previous one verifies inbound requests for the overlap window.
    async fn rotate_api_key(&self, caller: &Caller) -> Result<ApiChannelSettings, AppError>;
    /// Sets (or clears) the URL our replies on the API channel are posted to; refused when it
    /// is not a public address the server may call.
    async fn set_api_outbound_url(
        &self,
        caller: &Caller,
        url: Option<&crate::domain::outbound_address::WebhookUrl>,
    ) -> Result<ApiChannelSettings, AppError>;
    async fn sms_settings(&self, caller: &Caller) -> Result<SmsSettings, AppError>;
    async fn connect_sms(
        &self,
        caller: &Caller,
        target: ConnectTarget,
        connection: crate::domain::twilio::TwilioConnection,
    ) -> Result<SmsSettings, AppError>;
    async fn instagram_settings(&self, caller: &Caller) -> Result<InstagramSettings, AppError>;
    async fn connect_instagram(
        &self,
        caller: &Caller,
        target: ConnectTarget,
        connection: crate::domain::instagram::InstagramConnection,
    ) -> Result<InstagramSettings, AppError>;
    async fn mailbox_settings(&self, caller: &Caller) -> Result<MailboxSettings, AppError>;
    async fn connect_mailbox(
        &self,
        caller: &Caller,
        target: ConnectTarget,
        connection: crate::domain::email::MailboxConnection,
    ) -> Result<MailboxSettings, AppError>;
    /// Signs in to a mailbox's IMAP and SMTP servers; `Err` says what failed.
    async fn test_mailbox(&self, caller: &Caller, id: Option<&str>) -> Result<String, AppError>;
    /// Checks a connected channel's credentials with its provider (`sms` or `instagram`).
    async fn test_channel(
        &self,
        caller: &Caller,
        channel: Channel,
        id: Option<&str>,
    ) -> Result<String, AppError>;
    async fn disconnect_channel(
        &self,
        caller: &Caller,
        channel: Channel,
        id: &str,
    ) -> Result<(), AppError>;
    async fn set_default_channel(
        &self,
        caller: &Caller,
        channel: Channel,
        id: &str,
    ) -> Result<(), AppError>;
    async fn sending_identities(&self, caller: &Caller) -> Result<Vec<SendingIdentity>, AppError>;
}
