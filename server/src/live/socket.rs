//! `GET /api/live`: the browser's live socket. Authenticated by the session cookie, or — for an
//! embedded frame, whose socket carries no cookie or header of its own — by its bearer offered as
//! the subprotocol `bearer.<token>` beside `inbox-live` (a browser page of another site is
//! refused before it gets here: `web_guard::refuse_cross_site`), scoped to the caller's
//! workspace (and, for a frame, its client). It subscribes first, then replays what the
//! browser missed since `?since=`, says `synced`, then streams. Pings every 20 s find dead peers;
//! each ping also re-checks the session, so signing out ends the stream.

use super::LiveService;
use crate::store::live_replay as replay;
use app::api::backend::Caller;
use app::api::session_token_in;
use app::live::LiveEvent;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;

/// How long a new socket waits for the feed to be live before it says `synced` anyway.
const FEED_WAIT: Duration = Duration::from_secs(5);

#[derive(serde::Deserialize)]
pub struct LiveParams {
    since: Option<String>,
}

/// Parses `?since=`: absent means a first connection; anything else must be a plain number.
pub fn parse_since(raw: Option<&str>) -> Result<Option<i64>, &'static str> {
    match raw {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or("since must be a non-negative integer"),
    }
}

/// Browsers send nothing but control frames on a live socket, and each event is one small
/// frame: small buffers keep a thousand open sockets cheap (the defaults reserve 128 KiB each).
pub(super) fn small_buffers(ws: WebSocketUpgrade) -> WebSocketUpgrade {
    ws.read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_write_buffer_size(1024 * 1024)
        .max_message_size(16 * 1024)
        .max_frame_size(16 * 1024)
}

pub async fn handler(
    State(live): State<Arc<LiveService>>,
    Query(params): Query<LiveParams>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let since = match parse_since(params.since.as_deref()) {
        Ok(s) => s,
        Err(msg) => {
            tracing::warn!(since = ?params.since, "live socket refused: bad cursor");
            return (StatusCode::BAD_REQUEST, msg).into_response();
        }
    };
    let credential = match (
        session_token_in(&headers, live.state.config.secure_cookies()),
        offered_bearer(&headers),
    ) {
        (Some(token), _) => Credential::Session(token),
        (None, Some(bearer)) => Credential::Bearer(bearer),
        (None, None) => return (StatusCode::UNAUTHORIZED, "sign in first").into_response(),
    };
    let caller = match credential.caller(&live.state).await {
        Ok(c) => c,
        Err(_) => return (StatusCode::UNAUTHORIZED, "sign in first").into_response(),
    };
    let ws = match credential {
        Credential::Bearer(_) => small_buffers(ws).protocols([app::live::LIVE_PROTOCOL]),
        Credential::Session(_) => small_buffers(ws),
    };
    ws.on_upgrade(move |socket| serve(socket, live, caller, credential, since))
}

/// What a socket was opened with, checked again at every ping.
#[derive(Clone)]
enum Credential {
    Session(String),
    Bearer(String),
}

impl Credential {
    async fn caller(&self, state: &crate::state::AppState) -> Result<Caller, app::api::AppError> {
        match self {
            Credential::Session(token) => crate::auth::caller(state, token).await,
            Credential::Bearer(bearer) => {
                app::api::EmbedApi::authenticate_embed(state, bearer).await
            }
        }
    }
}

/// An embedded frame's bearer, offered as the subprotocol `bearer.<token>` (the shape we issue,
/// `domain::portal::is_token`).
fn offered_bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|p| p.trim().strip_prefix(app::live::BEARER_PROTOCOL_PREFIX))
        .find(|t| app::domain::portal::is_token(t))
        .map(str::to_string)
}

async fn send(socket: &mut WebSocket, event: &LiveEvent) -> bool {
    match serde_json::to_string(event) {
        Ok(text) => socket.send(Message::Text(text.into())).await.is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "cannot encode a live event");
            true
        }
    }
}

async fn serve(
    socket: WebSocket,
    live: Arc<LiveService>,
    caller: Caller,
    credential: Credential,
    since: Option<i64>,
) {
    let state = live.state.clone();
    let subscribed = caller.clone();
    stream(
        socket,
        live,
        caller,
        since,
        |_| true,
        |_| None,
        // The session must still stand for the same workspace and role: one switched to
        // another workspace, or whose role changed, reconnects to get what it may now see.
        move || {
            let (state, credential, subscribed) =
                (state.clone(), credential.clone(), subscribed.clone());
            async move {
                match credential.caller(&state).await {
                    Ok(c) if c == subscribed => Standing::Same,
                    Ok(_) => Standing::Changed,
                    Err(_) => Standing::Ended,
                }
            }
        },
    )
    .await;
}

/// What the credential behind a socket stands for at a ping, against what it was subscribed as.
pub(super) enum Standing {
    Same,
    /// Still valid, but for another workspace or role (switched, or the role changed).
    Changed,
    /// No longer valid (signed out, deactivated, expired, revoked).
    Ended,
}

/// Serves a subscribed socket: subscribes, replays what changed since `since` (the events `keep`
/// allows), says `synced` (or `resync`), then streams the events `keep` allows until the peer
/// leaves, falls behind, or `allowed` (asked at every ping) says the credential no longer holds
/// (then the close frame says `CLOSE_SIGNED_OUT`). `redact` gives the copy of an event this
/// socket's reader may see where it differs (`None`: the event as it is).
pub(super) async fn stream<Keep, Allowed, Fut>(
    mut socket: WebSocket,
    live: Arc<LiveService>,
    caller: Caller,
    since: Option<i64>,
    keep: Keep,
    redact: fn(&LiveEvent) -> Option<LiveEvent>,
    allowed: Allowed,
) where
    Keep: Fn(&LiveEvent) -> bool,
    Allowed: Fn() -> Fut,
    Fut: std::future::Future<Output = Standing>,
{
    // Subscribe before reading the replay, so nothing written in between is lost.
    let mut sub = live.hub.subscribe(&caller);
    live.wait_live(FEED_WAIT).await;
    // The replay is sent and dropped before streaming starts: a socket holds nothing per event.
    let done = {
        let turn = live.replays.acquire().await;
        let replay = match replay::load(&live.state.db, &caller, since).await {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "live replay failed");
                let _ = socket.send(Message::Close(None)).await;
                return;
            }
        };
        drop(turn);
        let mut replayed = 0u32;
        for event in replay.events.iter().filter(|e| keep(e)) {
            let shown = redact(event);
            if !send(&mut socket, shown.as_ref().unwrap_or(event)).await {
                return;
            }
            replayed += 1;
        }
        if replay.complete {
            LiveEvent::Synced {
                cursor: replay.cursor,
                replayed,
            }
        } else {
            LiveEvent::Resync {
                cursor: replay.cursor,
            }
        }
    };
    live.trim.note();
    if !send(&mut socket, &done).await {
        return;
    }
    let every = live.state.config.live_ping;
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            event = sub.rx.recv() => match event {
                Some(event) => {
                    if keep(&event) {
                        let shown = redact(&event);
                        if !send(&mut socket, shown.as_ref().unwrap_or(&event)).await {
                            break;
                        }
                    }
                }
                // Dropped by the hub (too slow, or the feed restarted): the browser replays.
                None => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                match allowed().await {
                    Standing::Same => {}
                    // Another workspace or role now: the browser loads the page afresh.
                    Standing::Changed => {
                        let _ = socket.send(Message::Close(Some(CloseFrame {
                            code: app::live::CLOSE_CHANGED,
                            reason: "changed".into(),
                        }))).await;
                        return;
                    }
                    Standing::Ended => {
                        // Signed out, deactivated, or the link revoked: the browser stops retrying.
                        let _ = socket.send(Message::Close(Some(CloseFrame {
                            code: app::live::CLOSE_SIGNED_OUT,
                            reason: "signed out".into(),
                        }))).await;
                        return;
                    }
                }
                if socket.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_table() {
        let cases = [
            (None, Ok(None)),
            (Some(""), Ok(None)),
            (Some("1795442700000"), Ok(Some(1_795_442_700_000))),
            (Some("-1"), Err("since must be a non-negative integer")),
            (Some("12abc"), Err("since must be a non-negative integer")),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_since(raw), want, "{raw:?}");
        }
    }
}
