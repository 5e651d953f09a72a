//! `GET /api/portal/live?token=…`: the creator portal's live socket. The magic link's token
//! opens it (re-checked at every ping, so revoking a link ends the stream) and it carries only
//! the messages of that one thread that a creator may see — never internal notes, never thread
//! rows (their snippets can quote a note), never another thread's messages.

use super::socket::{parse_since, small_buffers, stream, Standing};
use super::LiveService;
use crate::store::portal::{resolve, PortalSession};
use app::api::backend::{Caller, Scope};
use app::live::LiveEvent;
use app::model::{Channel, Direction, PortalMessage, Role};
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub const PATH: &str = app::live::PORTAL_LIVE_PATH;
/// Portal sockets one link may hold open on one instance (a creator's phone and laptop, a
/// reload); more are refused with 429.
pub const MAX_PER_LINK: usize = 4;

/// How many portal sockets are open per thread.
#[derive(Default)]
pub struct OpenSockets(std::sync::Mutex<std::collections::HashMap<String, usize>>);

/// One open socket, counted until dropped.
pub struct Opened {
    sockets: Arc<LiveService>,
    thread: String,
}

impl OpenSockets {
    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, usize>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Counts a socket for `thread`, or None when the link has `MAX_PER_LINK` open already.
fn open(live: &Arc<LiveService>, thread: &str) -> Option<Opened> {
    let mut open = live.portal_sockets.lock();
    let n = open.entry(thread.to_string()).or_default();
    if *n >= MAX_PER_LINK {
        return None;
    }
    *n += 1;
    Some(Opened {
        sockets: live.clone(),
        thread: thread.to_string(),
    })
}

impl Drop for Opened {
    fn drop(&mut self) {
        let mut open = self.sockets.portal_sockets.lock();
        if let Some(n) = open.get_mut(&self.thread) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.thread);
            }
        }
    }
}

#[derive(serde::Deserialize)]
pub struct Params {
    token: String,
    since: Option<String>,
}

/// Whether the portal of `thread` may carry `event`.
pub fn visible_in_portal(event: &LiveEvent, thread: &str) -> bool {
    match event {
        LiveEvent::Message { thread_id, message } => {
            thread_id == thread
                && message.channel != Channel::Note
                && message.direction != Direction::Internal
        }
        LiveEvent::Synced { .. } | LiveEvent::Resync { .. } => true,
        LiveEvent::Thread { .. }
        | LiveEvent::ThreadRemoved { .. }
        | LiveEvent::PortalMessage { .. }
        | LiveEvent::UnmatchedChanged => false,
    }
}

/// A message as its creator's portal receives it: the allow-listed fields only
/// (`PortalMessage::of`), never the team's reading, decision, failure details or mailbox.
pub fn for_the_creator(event: &LiveEvent) -> Option<LiveEvent> {
    match event {
        LiveEvent::Message { thread_id, message } => Some(LiveEvent::PortalMessage {
            thread_id: thread_id.clone(),
            message: Box::new(PortalMessage::of(message)),
        }),
        _ => None,
    }
}

pub async fn handler(
    State(live): State<Arc<LiveService>>,
    Query(params): Query<Params>,
    ws: WebSocketUpgrade,
) -> Response {
    let Ok(since) = parse_since(params.since.as_deref()) else {
        return (
            StatusCode::BAD_REQUEST,
            "since must be a non-negative integer",
        )
            .into_response();
    };
    if !app::domain::portal::is_token(&params.token) {
        return (StatusCode::NOT_FOUND, "this link does not open").into_response();
    }
    let now = live.state.clock.now_ms();
    let session = match resolve(&live.state.db, &params.token, now).await {
        Ok(Some(s)) => s,
        Ok(None) => return (StatusCode::NOT_FOUND, "this link does not open").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "portal socket: token lookup failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        }
    };
    let Some(opened) = open(&live, &session.thread) else {
        tracing::warn!(workspace = %session.workspace, "portal socket refused: too many open for one link");
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(axum::http::header::RETRY_AFTER, "30")],
            "too many portal pages are open for this link",
        )
            .into_response();
    };
    small_buffers(ws).on_upgrade(move |socket| async move {
        serve(socket, live, session, params.token, since).await;
        drop(opened);
    })
}

async fn serve(
    socket: WebSocket,
    live: Arc<LiveService>,
    session: PortalSession,
    token: String,
    since: Option<i64>,
) {
    // The hub routes by workspace; this socket keeps only its thread's visible messages.
    let caller = Caller {
        user_id: String::new(),
        workspace_id: session.workspace.clone(),
        role: Role::Viewer,
        scope: Scope::Workspace,
    };
    let state = live.state.clone();
    let thread = session.thread;
    stream(
        socket,
        live,
        caller,
        since,
        move |e| visible_in_portal(e, &thread),
        for_the_creator,
        move || {
            let (state, token) = (state.clone(), token.clone());
            async move {
                let now = state.clock.now_ms();
                match resolve(&state.db, &token, now).await {
                    Ok(Some(_)) => Standing::Same,
                    _ => Standing::Ended,
                }
            }
        },
    )
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::{DeliveryStatus, MessageView, SenderKind};

    fn msg(thread: &str, channel: Channel, direction: Direction) -> LiveEvent {
        LiveEvent::Message {
            thread_id: thread.into(),
            message: Box::new(MessageView {
                id: "m".into(),
                direction,
                channel,
                sender_kind: SenderKind::Teammate,
                sender_name: "Dana".into(),
                subject: None,
                text: "x".into(),
                at: 1,
                status: DeliveryStatus::Sent,
                reaction: None,
                html: None,
                attachments: None,
                check_campaign: None,
                quoted_trimmed: None,
                unverified_sender: None,
                failure_reason: None,
                classification: None,
                decision: None,
                via: None,
                version: 1,
            }),
        }
    }

    #[test]
    fn the_creator_never_receives_the_teams_reading() {
        let LiveEvent::Message { message, .. } = msg("t1", Channel::InApp, Direction::Inbound)
        else {
            unreachable!()
        };
        let mut read = *message;
        read.classification = Some(app::domain::classify::classify("my rate is $900"));
        read.failure_reason = Some("smtp.internal.example: 550 relay denied".into());
        let event = LiveEvent::Message {
            thread_id: "t1".into(),
            message: Box::new(read),
        };
        let Some(frame) = for_the_creator(&event) else {
            panic!("every message is rebuilt from the allow-list")
        };
        assert!(
            matches!(frame, LiveEvent::PortalMessage { .. }),
            "{frame:?}"
        );
        let json = serde_json::to_string(&frame).unwrap();
        assert!(!json.contains("smtp.internal"), "{json}");
        assert!(!json.contains("classification") && !json.contains("failure_reason"));
        assert!(for_the_creator(&LiveEvent::UnmatchedChanged).is_none());
    }

    #[test]
    fn only_the_threads_visible_messages() {
        let cases = [
            (msg("t1", Channel::InApp, Direction::Outbound), true),
            (msg("t1", Channel::Email, Direction::Inbound), true),
            (msg("t1", Channel::Note, Direction::Internal), false),
            (msg("t2", Channel::InApp, Direction::Outbound), false),
            (LiveEvent::UnmatchedChanged, false),
            (LiveEvent::ThreadRemoved { id: "t1".into() }, false),
            (
                LiveEvent::Synced {
                    cursor: 1,
                    replayed: 0,
                },
                true,
            ),
        ];
        for (event, want) in cases {
            assert_eq!(visible_in_portal(&event, "t1"), want, "{event:?}");
        }
    }
}
