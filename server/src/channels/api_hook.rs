//! `POST /hooks/api/{workspace}`: the signed API channel. Marketplaces and other platforms post
//! a creator's message as JSON, signed with the workspace's key (see `signature`). The sender is
//! found by a normalized contact identity, the message lands in that creator's thread for the
//! campaign, and the live feed pushes it like any other write. Nothing is written unless the
//! signature, the timestamp and the body all check out; an event id seen before is acknowledged
//! without writing again.

use super::signature::{self, SignatureError};
use crate::db::DbError;
use crate::state::AppState;
use crate::store::api_channel;
use crate::store::inbound::{Arrival, Pick, Received};
use app::domain::filter::is_valid_id;
use app::domain::identity::{normalize_email, normalize_phone};
use app::domain::text::clean_body;
use app::model::Channel;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// The largest body accepted (a message, not a file).
pub const MAX_BODY: usize = 64 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inbound {
    /// The sender platform's id for this message; repeats are acknowledged, not written twice.
    pub event_id: String,
    pub creator: CreatorRef,
    /// The campaign the message is about, when the platform knows it.
    #[serde(default)]
    pub campaign_id: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    pub text: String,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CreatorRef {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub instagram_id: Option<String>,
}

/// The identities to look a sender up by, most specific first, normalized.
pub fn lookup_keys(c: &CreatorRef) -> Result<Vec<(Channel, String)>, String> {
    let mut keys = Vec::new();
    if let Some(e) = &c.email {
        keys.push((
            Channel::Email,
            normalize_email(e).ok_or("creator.email is not an email address")?,
        ));
    }
    if let Some(p) = &c.phone {
        keys.push((
            Channel::Sms,
            normalize_phone(p).ok_or("creator.phone must be E.164, like +14155550100")?,
        ));
    }
    if let Some(i) = &c.instagram_id {
        let i = i.trim();
        if i.is_empty() || i.len() > 64 || !i.chars().all(|ch| ch.is_ascii_alphanumeric()) {
            return Err("creator.instagram_id must be the scoped id Meta sends".into());
        }
        keys.push((Channel::Instagram, i.to_string()));
    }
    if keys.is_empty() {
        return Err("creator needs an email, phone or instagram_id".into());
    }
    Ok(keys)
}

/// Checks the body's fields; returns the cleaned text.
pub fn validate(body: &Inbound) -> Result<String, String> {
    let id = body.event_id.trim();
    if id.is_empty() || id.len() > 200 || id.chars().any(char::is_control) {
        return Err("event_id must be 1 to 200 printable characters".into());
    }
    if let Some(c) = &body.campaign_id {
        if !is_valid_id(c) {
            return Err("campaign_id is not a campaign id".into());
        }
    }
    if body
        .subject
        .as_ref()
        .is_some_and(|s| s.chars().count() > 300)
    {
        return Err("subject is longer than 300 characters".into());
    }
    clean_body(&body.text)
}

fn reply(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

fn refuse(status: StatusCode, workspace: &str, why: &str) -> Response {
    tracing::warn!(%workspace, status = status.as_u16(), reason = why, "API channel request refused");
    reply(status, json!({ "error": why }))
}

fn internal(workspace: &str, e: DbError) -> Response {
    tracing::error!(%workspace, error = %e, "API channel request failed");
    reply(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({ "error": "internal error" }),
    )
}

pub async fn handler(
    State(state): State<AppState>,
    Path(workspace): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_valid_id(&workspace) {
        return refuse(StatusCode::NOT_FOUND, "?", "unknown workspace");
    }
    if body.len() > MAX_BODY {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            &workspace,
            "body larger than 64 KiB",
        );
    }
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    let now = state.clock.now_ms();
    let check = |key: &str| {
        signature::verify(
            key,
            header("x-inbox-timestamp"),
            header("x-inbox-signature"),
            &body,
            now.div_euclid(1000),
        )
    };
    // Any key that verifies now (the current one, and the one before it while its overlap
    // lasts): the keys read in the last few seconds if one signs the request; else a fresh read.
    let check_any = |keys: &[api_channel::VerifyingKey]| -> Result<(), SignatureError> {
        let mut outcome = Err(SignatureError::Mismatch);
        for k in keys.iter().filter(|k| k.until.is_none_or(|u| u > now)) {
            match check(&k.key) {
                Ok(()) => return Ok(()),
                Err(SignatureError::Mismatch) => {}
                Err(e) => outcome = Err(e),
            }
        }
        outcome
    };
    let kept = &state.webhook_accounts.api;
    let verified = match kept.recent(&workspace).map(|k| check_any(&k)) {
        Some(Ok(())) => Ok(()),
        _ => {
            let secret = &state.config.server_secret;
            let keys = match api_channel::verifying_keys(&state.db, &workspace, secret, now).await {
                Ok(k) => k,
                Err(e) => return internal(&workspace, e),
            };
            kept.keep(&workspace, keys.as_ref());
            let Some(keys) = keys else {
                return refuse(
                    StatusCode::NOT_FOUND,
                    &workspace,
                    "the API channel is not enabled for this workspace",
                );
            };
            check_any(&keys)
        }
    };
    if let Err(e) = verified {
        let status = match e {
            SignatureError::MissingHeaders
            | SignatureError::BadFormat
            | SignatureError::BadTimestamp => StatusCode::BAD_REQUEST,
            SignatureError::Stale | SignatureError::Mismatch => StatusCode::UNAUTHORIZED,
        };
        return refuse(status, &workspace, &e.to_string());
    }
    let inbound: Inbound = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, &workspace, &body_error(&e)),
    };
    let (text, keys) =
        match validate(&inbound).and_then(|t| Ok((t, lookup_keys(&inbound.creator)?))) {
            Ok(v) => v,
            Err(why) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &workspace, &why),
        };
    let event_id = inbound.event_id.trim().to_string();
    match accept(&state, &workspace, &inbound, text, &keys, &event_id, now).await {
        Ok(Outcome::Accepted {
            message_id,
            thread_id,
        }) => reply(
            StatusCode::ACCEPTED,
            json!({ "status": "accepted", "message_id": message_id, "thread_id": thread_id }),
        ),
        Ok(Outcome::Duplicate { message_id }) => reply(
            StatusCode::OK,
            json!({ "status": "duplicate", "message_id": message_id }),
        ),
        Ok(Outcome::Unmatched) => reply(StatusCode::ACCEPTED, json!({ "status": "unmatched" })),
        Ok(Outcome::Unknown(why)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, &workspace, why),
        Err(e) => internal(&workspace, e),
    }
}

enum Outcome {
    Accepted {
        message_id: String,
        thread_id: String,
    },
    Duplicate {
        message_id: String,
    },
    /// No creator has the sender's identity: kept in the Unmatched queue.
    Unmatched,
    Unknown(&'static str),
}

async fn accept(
    state: &AppState,
    workspace: &str,
    inbound: &Inbound,
    text: String,
    keys: &[(Channel, String)],
    event_id: &str,
    now: i64,
) -> Result<Outcome, DbError> {
    let received = state
        .ingest
        .receive(Arrival {
            workspace: workspace.to_string(),
            channel: Channel::Api,
            keys: keys.to_vec(),
            subject: inbound.subject.clone().filter(|s| !s.trim().is_empty()),
            text,
            external_id: event_id.to_string(),
            at: now,
            pick: Pick::Campaign(inbound.campaign_id.clone()),
            via: None,
        })
        .await?;
    Ok(match received {
        Received::Stored {
            message, thread, ..
        } => {
            tracing::info!(%workspace, %thread, "API channel message accepted");
            Outcome::Accepted {
                message_id: message,
                thread_id: thread,
            }
        }
        Received::Duplicate {
            message: Some(message_id),
        } => Outcome::Duplicate { message_id },
        // Kept in Unmatched the first time, or stored by a racing delivery: which one?
        Received::Duplicate { message: None } => {
            match crate::store::inbound::stored_as(&state.db, workspace, Channel::Api, event_id)
                .await?
            {
                Some(message_id) => Outcome::Duplicate { message_id },
                None => Outcome::Unmatched,
            }
        }
        Received::Unmatched => Outcome::Unmatched,
        Received::NoThread => Outcome::Unknown(if inbound.campaign_id.is_some() {
            "that creator is not in that campaign"
        } else {
            "that creator is in no campaign yet"
        }),
    })
}

/// Why a body was not the expected JSON, by place and kind only: serde's own message can quote
/// the body (a value of the wrong type), and neither the answer nor the log repeats it.
fn body_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let kind = match e.classify() {
        Category::Syntax | Category::Eof => "not valid JSON",
        Category::Data => "a field is missing, unknown or of the wrong type",
        Category::Io => "unreadable",
    };
    format!("body: {kind} (line {}, column {})", e.line(), e.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_keys_table() {
        let c = |email: Option<&str>, phone: Option<&str>, ig: Option<&str>| CreatorRef {
            email: email.map(String::from),
            phone: phone.map(String::from),
            instagram_id: ig.map(String::from),
        };
        let cases = [
            (
                c(Some(" Maya@X.Example "), None, None),
                Ok(vec![(Channel::Email, "maya@x.example".to_string())]),
            ),
            (
                c(None, Some("+1 415 555 0100"), Some("178414")),
                Ok(vec![
                    (Channel::Sms, "+14155550100".to_string()),
                    (Channel::Instagram, "178414".to_string()),
                ]),
            ),
            (
                c(None, None, None),
                Err("creator needs an email, phone or instagram_id".to_string()),
            ),
            (
                c(Some("nope"), None, None),
                Err("creator.email is not an email address".to_string()),
            ),
            (
                c(None, Some("4155550100"), None),
                Err("creator.phone must be E.164, like +14155550100".to_string()),
            ),
            (
                c(None, None, Some("1 OR 1")),
                Err("creator.instagram_id must be the scoped id Meta sends".to_string()),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(lookup_keys(&input), want, "{input:?}");
        }
    }
}
