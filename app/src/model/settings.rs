//! Channel connections as owners see them (never a secret).

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
}

/// A workspace's SMS (Twilio) connection as owners see it. Never carries the auth token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SmsSettings {
    pub connected: bool,
    pub account_sid: Option<String>,
    pub numbers: Vec<String>,
    pub messaging_service_sid: Option<String>,
    /// What to enter as the numbers' "A message comes in" webhook in Twilio.
    pub webhook_url: String,
    /// Where Twilio reports delivery (set on every message we send; shown for reference).
    #[serde(default)]
    pub status_callback_url: String,
}

/// A workspace's mailbox as owners see it. Never carries the password or token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct MailboxSettings {
    pub connected: bool,
    pub address: Option<String>,
    pub display_name: Option<String>,
    pub imap: Option<crate::domain::email::ServerSettings>,
    pub smtp: Option<crate::domain::email::ServerSettings>,
    pub xoauth2: bool,
    pub last_sync_at: Option<i64>,
    pub last_error: Option<String>,
}

/// A workspace's Instagram connection as owners see it. Never carries the access token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstagramSettings {
    pub connected: bool,
    pub account_id: Option<String>,
    pub username: Option<String>,
    /// Whether the server has the Meta app's secret and verify token (set by the operator).
    pub app_configured: bool,
    /// The callback URL to enter in the Meta app's webhook settings.
    pub webhook_url: String,
}
