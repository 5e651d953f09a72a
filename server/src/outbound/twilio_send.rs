//! Sending an SMS through Twilio's Messages REST API
//! (`POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`, basic auth with the account's
//! SID and auth token). The base URL is configurable so tests use a local endpoint.

use super::SendError;
use crate::db::{Db, DbError};
use crate::sealed;
use crate::store::sms_accounts;
use serde::Deserialize;
use serde_json::Value;

/// Twilio's error code for a recipient who has replied STOP.
pub const UNSUBSCRIBED_RECIPIENT: i64 = 21610;

/// What a send needs from the workspace's connection.
#[derive(Clone)]
pub struct SmsAccount {
    pub account_sid: String,
    pub auth_token: String,
    pub from_number: Option<String>,
    pub messaging_service_sid: Option<String>,
}

/// The workspace's Twilio account that sends from `number` (from its default account's first
/// number when `number` is none), with its token unsealed, or why it cannot send.
pub async fn account(
    db: &Db,
    workspace: &str,
    number: Option<&str>,
    server_secret: &str,
) -> Result<Result<SmsAccount, SendError>, DbError> {
    let Some(row) = sms_accounts::sending(db, workspace, number).await? else {
        return Ok(Err(SendError::permanent(match number {
            Some(_) => "the number this message was to go out from is no longer connected",
            None => "SMS is not connected",
        })));
    };
    let field = sealed::Field {
        workspace,
        name: sms_accounts::AUTH_TOKEN,
    };
    let Some(auth_token) = sealed::unseal(server_secret, field, &row.auth_token_sealed) else {
        tracing::error!(
            workspace,
            "Twilio auth token cannot be unsealed (server secret changed?)"
        );
        return Ok(Err(SendError::permanent(
            "the SMS connection must be entered again",
        )));
    };
    Ok(Ok(SmsAccount {
        account_sid: row.account_sid,
        auth_token,
        from_number: number
            .map(str::to_string)
            .or_else(|| row.numbers.into_iter().next()),
        messaging_service_sid: row.messaging_service_sid,
    }))
}

#[derive(Deserialize)]
struct Accepted {
    sid: String,
}

#[derive(Deserialize)]
struct TwilioError {
    code: Option<i64>,
    message: Option<String>,
}

/// Sends `body` to `to`. Returns Twilio's message SID.
pub async fn send(
    http: &reqwest::Client,
    base_url: &str,
    account: &SmsAccount,
    to: &str,
    body: &str,
    status_callback: &str,
) -> Result<String, SendError> {
    let url = format!(
        "{base_url}/2010-04-01/Accounts/{}/Messages.json",
        account.account_sid
    );
    let mut form: Vec<(&str, &str)> = vec![
        ("To", to),
        ("Body", body),
        ("StatusCallback", status_callback),
    ];
    match (&account.messaging_service_sid, &account.from_number) {
        (Some(service), _) => form.push(("MessagingServiceSid", service)),
        (None, Some(from)) => form.push(("From", from)),
        (None, None) => {
            return Err(SendError::permanent(
                "the SMS connection has no sending number",
            ))
        }
    }
    let resp = http
        .post(url)
        .basic_auth(&account.account_sid, Some(&account.auth_token))
        .form(&form)
        .send()
        .await
        .map_err(|e| SendError::transport("Twilio", &e))?;
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    if (200..300).contains(&status) {
        return serde_json::from_str::<Accepted>(&text)
            .map(|a| a.sid)
            .map_err(|_| SendError::retryable("Twilio's answer could not be read"));
    }
    let err: Option<TwilioError> = serde_json::from_str(&text).ok();
    let code = err.as_ref().and_then(|e| e.code);
    let message = err
        .and_then(|e| e.message)
        .unwrap_or_else(|| format!("HTTP {status}"));
    let reason = match code {
        Some(UNSUBSCRIBED_RECIPIENT) => "the creator has opted out of SMS (replied STOP)".into(),
        Some(c) => format!("Twilio refused it: {message} (error {c})"),
        None => format!("Twilio refused it: {message}"),
    };
    if app::domain::delivery::http_retryable(status) {
        Err(SendError::retryable(reason))
    } else {
        Err(SendError::permanent(reason))
    }
}

/// Whether Twilio accepts the connection's credentials (settings check): reads the account.
pub async fn test_account(
    http: &reqwest::Client,
    base_url: &str,
    account: &SmsAccount,
) -> Result<String, String> {
    let url = format!(
        "{base_url}/2010-04-01/Accounts/{}.json",
        account.account_sid
    );
    let resp = http
        .get(url)
        .basic_auth(&account.account_sid, Some(&account.auth_token))
        .send()
        .await
        .map_err(|e| SendError::transport("Twilio", &e).reason)?;
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    match status {
        200 => Ok(format!(
            "Twilio accepts the credentials (account \"{}\", {}).",
            body["friendly_name"].as_str().unwrap_or("unnamed"),
            body["status"].as_str().unwrap_or("status unknown")
        )),
        401 | 403 => Err("Twilio refused the Account SID and auth token".into()),
        s => Err(format!("Twilio answered HTTP {s}")),
    }
}
