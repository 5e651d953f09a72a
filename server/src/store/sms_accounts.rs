//! A workspace's Twilio accounts (any number, each with a label and its numbers). Auth tokens are
//! stored sealed (`crate::sealed`) and only ever unsealed by the webhook or the send that needs
//! them. The account, each number and the Messaging Service are claimed for one workspace
//! (`senders`).

use crate::db::{exec, first, Db, DbError};
use crate::sealed;
use app::domain::twilio::TwilioConnection;
use app::model::{SmsAccountView, SmsSettings};
use serde_json::json;

pub use super::ConnectError;

pub async fn settings(
    db: &Db,
    workspace: &str,
    webhook_url: String,
    status_callback_url: String,
) -> Result<SmsSettings, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, label, is_default, account_sid, numbers, messaging_service_sid, created_at
             FROM sms_account WHERE workspace = type::record('workspace', $ws) ORDER BY is_default DESC, created_at, id;",
        json!({ "ws": workspace }),
    )
    .await?;
    Ok(SmsSettings {
        accounts: crate::db::rows::<SmsAccountView>(&mut resp, 0)?,
        webhook_url,
        status_callback_url,
    })
}

/// Connects a new Twilio account (`target.id` none) or changes one of the workspace's, with
/// everything it claims, in one transaction.
pub async fn connect(
    db: &Db,
    workspace: &str,
    server_secret: &str,
    target: &super::Target,
    c: &TwilioConnection,
    now: i64,
) -> Result<String, ConnectError> {
    use super::senders::{write_account, AccountWrite, Claim};
    // Numbers first: a clash names the number.
    let mut claims: Vec<Claim> = c
        .numbers
        .iter()
        .map(|n| Claim::new("sms_number", n))
        .collect();
    if let Some(ms) = &c.messaging_service_sid {
        claims.push(Claim::new("sms_service", ms));
    }
    claims.push(Claim::new("twilio_account", &c.account_sid));
    let write = AccountWrite {
        table: "sms_account",
        channel: app::model::Channel::Sms,
        claims,
        what: &c.account_sid,
        old: "",
        before: "",
        set: "account_sid = $sid, auth_token_sealed = $sealed, numbers = $numbers,
             messaging_service_sid = $service",
        vars: json!({
            "sid": c.account_sid,
            "sealed": sealed::seal(server_secret, sealed::Field { workspace, name: AUTH_TOKEN }, &c.auth_token),
            "numbers": c.numbers, "service": c.messaging_service_sid,
        }),
    };
    write_account(db, workspace, target, write, now).await
}

/// The sealed field holding an account's auth token (`sealed::Field`).
pub const AUTH_TOKEN: &str = "sms_account.auth_token";

/// A connected Twilio account as a webhook finds it.
#[derive(Clone, serde::Deserialize)]
pub struct WebhookAccount {
    pub workspace: String,
    pub label: String,
    pub auth_token_sealed: String,
}

/// The account a claim of `kind` on `value` belongs to.
async fn claimed_by(db: &Db, kind: &str, value: &str) -> Result<Option<WebhookAccount>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(workspace) AS workspace, account.label AS label,
                account.auth_token_sealed AS auth_token_sealed
             FROM type::record('channel_claim', [$kind, $value]) WHERE account.auth_token_sealed != NONE;",
        json!({ "kind": kind, "value": value }),
    )
    .await?;
    first(&mut resp, 0)
}

/// The account an inbound SMS reached: by its Messaging Service SID when it is one we know, else
/// by the number it was sent to.
pub async fn for_inbound(
    db: &Db,
    service: Option<&str>,
    to: &str,
) -> Result<Option<WebhookAccount>, DbError> {
    if let Some(ms) = service {
        if let Some(a) = claimed_by(db, "sms_service", ms).await? {
            return Ok(Some(a));
        }
    }
    claimed_by(db, "sms_number", to).await
}

/// The account with this Account SID (a delivery report names it).
pub async fn by_account_sid(db: &Db, sid: &str) -> Result<Option<WebhookAccount>, DbError> {
    claimed_by(db, "twilio_account", sid).await
}

/// The workspace's Twilio account that sends from `number` (its default account when `number`
/// is none), as stored (its auth token sealed).
#[derive(serde::Deserialize)]
pub struct SealedSmsAccount {
    pub account_sid: String,
    pub auth_token_sealed: String,
    pub numbers: Vec<String>,
    pub messaging_service_sid: Option<String>,
}

pub async fn sending(
    db: &Db,
    workspace: &str,
    number: Option<&str>,
) -> Result<Option<SealedSmsAccount>, DbError> {
    let mut resp = exec(
        db,
        "SELECT account_sid, auth_token_sealed, numbers, messaging_service_sid, is_default, created_at FROM sms_account
             WHERE workspace = type::record('workspace', $ws) AND ($n = NONE OR numbers CONTAINS $n)
             ORDER BY is_default DESC, created_at LIMIT 1;",
        json!({ "ws": workspace, "n": number }),
    )
    .await?;
    first(&mut resp, 0)
}

/// The first number of the workspace's Twilio account `id` (`None`: not one of its accounts).
pub async fn first_number(db: &Db, workspace: &str, id: &str) -> Result<Option<String>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE numbers[0] FROM type::record('sms_account', $id) WHERE workspace = type::record('workspace', $ws);",
        json!({ "ws": workspace, "id": id }),
    )
    .await?;
    first(&mut resp, 0)
}

impl super::ChannelConnection for TwilioConnection {
    const CHANNEL: &'static str = "sms";
    fn taken(what: String) -> String {
        format!("{what} is already connected (in this or another workspace)")
    }
    fn store<'a>(
        &'a self,
        db: &'a Db,
        workspace: &'a str,
        server_secret: &'a str,
        target: &'a super::Target,
        now: i64,
    ) -> impl std::future::Future<Output = Result<String, ConnectError>> + Send + 'a {
        connect(db, workspace, server_secret, target, self, now)
    }
}
