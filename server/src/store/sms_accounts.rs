//! The workspace's Twilio connection. The auth token is stored sealed (`crate::sealed`) and is
//! only ever unsealed by the webhook that needs it.

use crate::db::{exec, first, Db, DbError};
use crate::sealed;
use app::domain::twilio::TwilioConnection;
use app::model::SmsSettings;
use serde_json::json;

#[derive(serde::Deserialize)]
struct Row {
    account_sid: String,
    numbers: Vec<String>,
    messaging_service_sid: Option<String>,
}

pub use super::ConnectError;

pub async fn settings(
    db: &Db,
    workspace: &str,
    webhook_url: String,
    status_callback_url: String,
) -> Result<SmsSettings, DbError> {
    let mut resp = exec(
        db,
        "SELECT account_sid, numbers, messaging_service_sid FROM sms_account WHERE workspace = type::record('workspace', $ws) LIMIT 1;",
        json!({ "ws": workspace }),
    )
    .await?;
    let row: Option<Row> = first(&mut resp, 0)?;
    Ok(match row {
        Some(r) => SmsSettings {
            connected: true,
            account_sid: Some(r.account_sid),
            numbers: r.numbers,
            messaging_service_sid: r.messaging_service_sid,
            webhook_url,
            status_callback_url,
        },
        None => SmsSettings {
            connected: false,
            account_sid: None,
            numbers: Vec::new(),
            messaging_service_sid: None,
            webhook_url,
            status_callback_url,
        },
    })
}

pub async fn connect(
    db: &Db,
    workspace: &str,
    server_secret: &str,
    c: &TwilioConnection,
    now: i64,
) -> Result<(), ConnectError> {
    let mut resp = exec(
        db,
        "SELECT VALUE numbers FROM sms_account WHERE workspace != type::record('workspace', $ws) AND numbers CONTAINSANY $numbers;",
        json!({ "ws": workspace, "numbers": c.numbers }),
    )
    .await?;
    let taken: Vec<Vec<String>> = resp.take(0).map_err(DbError::from)?;
    if let Some(n) = taken.iter().flatten().find(|n| c.numbers.contains(n)) {
        return Err(ConnectError::Taken(n.clone()));
    }
    exec(
        db,
        "UPSERT type::record('sms_account', $ws) SET workspace = type::record('workspace', $ws), account_sid = $sid,
             auth_token_sealed = $sealed, numbers = $numbers, messaging_service_sid = $service, updated_at = $now;",
        json!({
            "ws": workspace, "sid": c.account_sid, "sealed": sealed::seal(server_secret, &c.auth_token),
            "numbers": c.numbers, "service": c.messaging_service_sid, "now": now,
        }),
    )
    .await?;
    Ok(())
}

/// A connected Twilio account as a webhook finds it.
#[derive(Clone, serde::Deserialize)]
pub struct WebhookAccount {
    pub workspace: String,
    pub auth_token_sealed: String,
}

const WEBHOOK_FIELDS: &str = "record::id(workspace) AS workspace, auth_token_sealed";

/// The account an inbound SMS reached: by its Messaging Service SID when one we know, else by
/// the number it was sent to.
pub async fn for_inbound(
    db: &Db,
    service: Option<&str>,
    to: &str,
) -> Result<Option<WebhookAccount>, DbError> {
    if let Some(ms) = service {
        let mut resp = exec(
            db,
            &format!("SELECT {WEBHOOK_FIELDS} FROM sms_account WHERE messaging_service_sid = $ms LIMIT 1;"),
            json!({ "ms": ms }),
        )
        .await?;
        if let Some(a) = first(&mut resp, 0)? {
            return Ok(Some(a));
        }
    }
    let mut resp = exec(
        db,
        &format!("SELECT {WEBHOOK_FIELDS} FROM sms_account WHERE numbers CONTAINS $to LIMIT 1;"),
        json!({ "to": to }),
    )
    .await?;
    first(&mut resp, 0)
}

/// The account with this Account SID (a delivery report names it).
pub async fn by_account_sid(db: &Db, sid: &str) -> Result<Option<WebhookAccount>, DbError> {
    let mut resp = exec(
        db,
        &format!("SELECT {WEBHOOK_FIELDS} FROM sms_account WHERE account_sid = $sid LIMIT 1;"),
        json!({ "sid": sid }),
    )
    .await?;
    first(&mut resp, 0)
}

impl super::ChannelConnection for TwilioConnection {
    const CHANNEL: &'static str = "sms";
    fn taken(what: String) -> String {
        format!("{what} already receives messages in another workspace")
    }
    fn store<'a>(
        &'a self,
        db: &'a Db,
        workspace: &'a str,
        server_secret: &'a str,
        now: i64,
    ) -> impl std::future::Future<Output = Result<(), ConnectError>> + Send + 'a {
        connect(db, workspace, server_secret, self, now)
    }
}
