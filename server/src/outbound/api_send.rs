//! Replies on the signed API channel: posted as JSON to the workspace's outbound webhook URL and
//! signed like inbound messages (`X-Inbox-Timestamp`, `X-Inbox-Signature: v1=<hex HMAC-SHA256(key,
//! "<timestamp>.<raw body>")>`) with the workspace's API key. `event_id` is the message id: a
//! receiver that sees it twice (a retry after a lost answer) must treat it as one message.

use super::address_policy::{AddressPolicy, Refused};
use super::SendError;
use crate::channels::signature;
use crate::db::{Db, DbError};
use crate::store::send_reads;
use app::domain::outbound_address::webhook_url;
use app::model::Channel;
use serde_json::{json, Value};

/// What will be posted, and where, for message `message_id`; `Err` when the channel is not set up.
pub async fn prepare(
    db: &Db,
    workspace: &str,
    message_id: &str,
    server_secret: &str,
) -> Result<Result<(String, String, Vec<u8>), SendError>, DbError> {
    let Some(row) = send_reads::api_reply(db, workspace, message_id).await? else {
        return Ok(Err(SendError::permanent("the message no longer exists")));
    };
    let (Some(url), Some(sealed_key)) = (row.url, row.key) else {
        return Ok(Err(SendError::permanent(
            "no outbound webhook is set for the API channel",
        )));
    };
    let Some(key) = crate::store::api_channel::open_key(server_secret, workspace, &sealed_key)
    else {
        return Ok(Err(SendError::permanent(
            "the API channel's key must be created again",
        )));
    };
    let mut creator = serde_json::Map::new();
    for i in &row.identities {
        let field = match i.channel {
            Channel::Email => "email",
            Channel::Sms => "phone",
            Channel::Instagram => "instagram_id",
            _ => continue,
        };
        creator
            .entry(field)
            .or_insert_with(|| Value::String(i.address.clone()));
    }
    let body = json!({
        "event_id": message_id,
        "type": "message",
        "thread_id": row.thread_id,
        "campaign_id": row.campaign_id,
        "creator": creator,
        "text": row.text,
        "sent_at": row.at / 1000,
    });
    Ok(Ok((url, key, body.to_string().into_bytes())))
}

/// Posts a prepared body to a public address (`address_policy`: checked again on every send, so
/// a name that now resolves inside is not reached). Any 2xx is success; a redirect is not.
pub async fn send(
    policy: &AddressPolicy,
    url: &str,
    key: &str,
    body: Vec<u8>,
    now_ms: i64,
) -> Result<(), SendError> {
    let refused = |why: String| SendError::permanent(format!("the platform's webhook: {why}"));
    let target = webhook_url(url)
        .map_err(refused)?
        .ok_or_else(|| refused("no URL".into()))?;
    let http = match policy.webhook_client(&target).await {
        Ok(c) => c,
        Err(Refused::Unresolved) => {
            return Err(SendError::retryable(
                "the platform's webhook could not be found",
            ))
        }
        Err(why) => return Err(refused(why.to_string())),
    };
    let ts = (now_ms / 1000).to_string();
    let sig = signature::sign(key, &ts, &body);
    let resp = http
        .post(&target.url)
        .header("content-type", "application/json")
        .header("x-inbox-timestamp", ts)
        .header("x-inbox-signature", sig)
        .body(body)
        .send()
        .await
        .map_err(|e| SendError::transport("the platform's webhook", &e))?;
    let status = resp.status().as_u16();
    if (200..300).contains(&status) {
        Ok(())
    } else if app::domain::delivery::http_retryable(status) {
        Err(SendError::retryable(format!(
            "the platform's webhook answered HTTP {status}"
        )))
    } else {
        Err(SendError::permanent(format!(
            "the platform's webhook refused it (HTTP {status})"
        )))
    }
}
