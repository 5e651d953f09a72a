//! `GET|POST /hooks/instagram`: Meta's Instagram messaging webhooks for every workspace (one Meta
//! app serves them all; each event names the Instagram account it is for).
//!
//! - GET is the subscription handshake: the challenge is echoed when the verify token matches.
//! - POST carries `X-Hub-Signature-256` over the raw body with the app secret; a bad signature is
//!   refused (403) before anything is read. Messages (story mentions too, which open the reply
//!   window) land in the creator's thread once per `mid`; unknown senders go to Unmatched; seen
//!   receipts mark our messages read; reactions are shown on the message they react to.

use super::instagram_payload::{parse, signature_ok, Event};
use crate::db::DbError;
use crate::state::AppState;
use crate::store::delivery_reports;
use crate::store::inbound::{Arrival, Pick};
use crate::store::instagram_accounts::receiving;
use crate::store::jobs::apply_report;
use app::model::{Channel, DeliveryStatus, SendingIdentity};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

pub const PATH: &str = "/hooks/instagram";

fn refuse(status: StatusCode, why: &str) -> Response {
    tracing::warn!(
        status = status.as_u16(),
        reason = why,
        "Instagram webhook refused"
    );
    (status, why.to_string()).into_response()
}

/// The subscription handshake.
pub async fn verify(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(expected) = state.config.meta_verify_token.as_deref() else {
        return refuse(
            StatusCode::NOT_FOUND,
            "Instagram is not set up on this server",
        );
    };
    let challenge = q
        .get("hub.challenge")
        .map(String::as_str)
        .unwrap_or_default();
    let token_ok = q.get("hub.verify_token").is_some_and(|t| {
        t.len() == expected.len()
            && t.bytes()
                .zip(expected.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    });
    if q.get("hub.mode").map(String::as_str) != Some("subscribe") || !token_ok {
        return refuse(StatusCode::FORBIDDEN, "hub.verify_token does not match");
    }
    if challenge.is_empty()
        || challenge.len() > 128
        || !challenge.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return refuse(
            StatusCode::BAD_REQUEST,
            "hub.challenge is missing or malformed",
        );
    }
    challenge.to_string().into_response()
}

pub async fn handler(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(secret) = state.config.meta_app_secret.as_deref() else {
        return refuse(
            StatusCode::NOT_FOUND,
            "Instagram is not set up on this server",
        );
    };
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    if !signature_ok(secret, signature, &body) {
        return refuse(StatusCode::FORBIDDEN, "X-Hub-Signature-256 does not match");
    }
    let events = match parse(&body) {
        Ok(e) => e,
        Err(why) => return refuse(StatusCode::BAD_REQUEST, &why),
    };
    for event in events {
        if let Err(e) = apply(&state, event).await {
            tracing::error!(error = %e, "Instagram webhook: storing failed");
            // Meta retries a failed delivery; every event is idempotent, so a retry is safe.
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        }
    }
    StatusCode::OK.into_response()
}

async fn apply(state: &AppState, event: Event) -> Result<(), DbError> {
    let db = &state.db;
    let account = match &event {
        Event::Message { account, .. }
        | Event::Seen { account, .. }
        | Event::Reaction { account, .. } => account.clone(),
    };
    let kept = &state.webhook_accounts.instagram;
    let receiving = match kept.recent(&account) {
        Some(r) => Some(r),
        None => {
            let found = receiving(db, &account).await?;
            kept.keep(&account, found.as_ref());
            found
        }
    };
    let Some(receiving) = receiving else {
        tracing::warn!(%account, "Instagram event for an account no workspace has connected; skipped");
        return Ok(());
    };
    let workspace = receiving.workspace.clone();
    // The account the creator wrote to is the identity a reply goes out from.
    let via = SendingIdentity {
        channel: Channel::Instagram,
        address: receiving
            .username
            .as_deref()
            .map(|u| format!("@{}", u.trim_start_matches('@')))
            .unwrap_or_else(|| account.clone()),
        key: receiving.id,
        label: receiving.label,
        is_default: false,
    };
    match event {
        Event::Message {
            sender, mid, text, ..
        } => {
            state
                .ingest
                .receive(Arrival {
                    workspace: workspace.clone(),
                    channel: Channel::Instagram,
                    keys: vec![(Channel::Instagram, sender)],
                    subject: None,
                    text,
                    external_id: mid,
                    at: state.clock.now_ms(),
                    pick: Pick::Answered,
                    via: Some(via),
                })
                .await?;
        }
        Event::Seen { mid, .. } => {
            // Everything we sent in that thread up to the message seen has been read.
            for id in delivery_reports::instagram_seen(db, &workspace, &mid).await? {
                apply_report(db, &workspace, &id, DeliveryStatus::Read, None).await?;
            }
        }
        Event::Reaction { mid, emoji, .. } => {
            delivery_reports::instagram_reaction(db, &workspace, &mid, emoji.as_deref()).await?;
        }
    }
    Ok(())
}
