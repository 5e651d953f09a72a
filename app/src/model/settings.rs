//! Channel connections and embed partners as owners see them (never a secret).

use super::Role;
use serde::{Deserialize, Serialize};

/// Where and how a workspace's platforms post messages into the inbox (the signed API channel).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiChannelSettings {
    pub endpoint: String,
    /// The HMAC-SHA256 key; shown to owners only.
    pub secret: String,
    /// Where our replies on the API channel are posted (signed with the same key), if set.
    #[serde(default)]
    pub outbound_url: Option<String>,
    /// After a rotation: until when the previous key still verifies inbound requests.
    #[serde(default)]
    pub previous_valid_until: Option<i64>,
}

/// Which account a connection writes: a new one (`connection_id` none) or one the workspace
/// has, and the label it shows under (empty: its address, number or username).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountChoice {
    #[serde(default)]
    pub connection_id: Option<String>,
    #[serde(default)]
    pub label: String,
}

/// One mailbox, number or Instagram account a workspace sends from (no secret). `key` names it:
/// the mailbox's id, the E.164 number, the Instagram connection's id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendingIdentity {
    pub channel: super::Channel,
    pub key: String,
    pub label: String,
    /// The address, number or @username.
    pub address: String,
    /// The workspace's default for the channel.
    #[serde(default)]
    pub is_default: bool,
}

/// One connected Twilio account as owners see it. Never carries the auth token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SmsAccountView {
    pub id: String,
    pub label: String,
    pub is_default: bool,
    pub account_sid: String,
    pub numbers: Vec<String>,
    pub messaging_service_sid: Option<String>,
}

/// A workspace's SMS (Twilio) connections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SmsSettings {
    pub accounts: Vec<SmsAccountView>,
    /// What to enter as the numbers' "A message comes in" webhook in Twilio.
    pub webhook_url: String,
    /// Where Twilio reports delivery (set on every message we send; shown for reference).
    #[serde(default)]
    pub status_callback_url: String,
}

impl SmsSettings {
    pub fn connected(&self) -> bool {
        !self.accounts.is_empty()
    }
}

/// One connected mailbox as owners see it. Never carries the password or token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailboxView {
    pub id: String,
    pub label: String,
    pub is_default: bool,
    pub address: String,
    pub display_name: String,
    pub imap: crate::domain::email::ServerSettings,
    pub smtp: crate::domain::email::ServerSettings,
    pub xoauth2: bool,
    pub last_sync_at: Option<i64>,
    pub last_error: Option<String>,
}

/// A workspace's mailboxes, the default first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct MailboxSettings {
    pub mailboxes: Vec<MailboxView>,
}

impl MailboxSettings {
    pub fn connected(&self) -> bool {
        !self.mailboxes.is_empty()
    }
}

/// One connected Instagram account as owners see it. Never carries the access token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstagramAccountView {
    pub id: String,
    pub label: String,
    pub is_default: bool,
    pub account_id: String,
    pub username: Option<String>,
}

/// A workspace's Instagram connections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstagramSettings {
    pub accounts: Vec<InstagramAccountView>,
    /// Whether the server has the Meta app's secret and verify token (set by the operator).
    pub app_configured: bool,
    /// The callback URL to enter in the Meta app's webhook settings.
    pub webhook_url: String,
}

impl InstagramSettings {
    pub fn connected(&self) -> bool {
        !self.accounts.is_empty()
    }
}

/// An embed partner as owners see it in Settings → Embeds (never its key, shown once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmbedPartnerView {
    pub id: String,
    pub name: String,
    /// The parent origins that may frame the app.
    pub origins: Vec<String>,
    pub client_id: String,
    pub client_name: String,
    /// Only these campaigns of the client (empty: all of them).
    #[serde(default)]
    pub campaigns: Vec<crate::model::NamedRef>,
    pub role: Role,
    pub views: Vec<crate::domain::embed::EmbedView>,
    pub created_at: i64,
    /// After a rotation: until when the previous key still signs valid tokens.
    #[serde(default)]
    pub previous_key_until: Option<i64>,
}

/// What an owner fills in to register a partner.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbedPartnerForm {
    pub name: String,
    pub origins: Vec<String>,
    pub client_id: String,
    /// Only these campaigns of the client (empty: all of them).
    #[serde(default)]
    pub campaign_ids: Vec<String>,
    /// "viewer" or "member".
    pub role: String,
    pub views: Vec<String>,
}

/// A partner just registered, or its key just rotated: the key, shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmbedPartnerKey {
    pub partner: EmbedPartnerView,
    pub key: String,
    /// The `aud` tokens must name: this deployment's public URL (the embed URL starts with it).
    pub audience: String,
}

/// What a frame gets for a partner's token: a bearer it keeps in memory, and what it may show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmbedSession {
    pub bearer: String,
    pub expires_in_secs: i64,
    pub view: crate::domain::embed::EmbedView,
    pub thread: Option<String>,
    /// Viewer or member: a member replies, moves stages and decides drafts.
    pub role: crate::model::Role,
    /// The campaigns the frame is limited to (empty: all of the client's).
    #[serde(default)]
    pub campaigns: Vec<String>,
    pub client_name: String,
    pub partner_name: String,
    /// The parent origins the frame may post messages to.
    pub origins: Vec<String>,
}
