//! What the server pushes to an open browser over the live socket (`GET /api/live`), one JSON
//! text frame per event. Shared by the server, which produces the events from SurrealDB live
//! queries, and the wasm UI, which applies them.

use crate::model::{MessageView, ThreadSummary};
use serde::{Deserialize, Serialize};

/// The socket's path. `?since=<cursor>` resumes after a dropped connection.
pub const LIVE_PATH: &str = "/api/live";
/// The subprotocol the live feed answers when a socket offers subprotocols (an embedded frame
/// offers it beside `bearer.<its session bearer>`, since a browser socket sends no other header).
pub const LIVE_PROTOCOL: &str = "inbox-live";
/// The prefix of the subprotocol that carries an embedded frame's bearer.
pub const BEARER_PROTOCOL_PREFIX: &str = "bearer.";
/// The creator portal's socket: `?token=<portal token>` (and `since`), this thread's messages only.
pub const PORTAL_LIVE_PATH: &str = "/api/portal/live";

/// The close code of a live socket whose session ended (signed out elsewhere, deactivated, a
/// portal link revoked): the browser says so and stops reconnecting.
pub const CLOSE_SIGNED_OUT: u16 = 4401;

/// The close code of a live socket whose session now stands for another workspace or role
/// (switched in another tab, or the role changed): the browser loads the page afresh.
pub const CLOSE_CHANGED: u16 = 4409;

/// Written externally tagged (`{"message": {…}}`, `"unmatched_changed"`): an internally tagged
/// enum (`"type": …`) is read through serde's buffered `Content`, which put a second reader of
/// every thread and message shape into the browser's first download.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveEvent {
    /// A thread row was created or changed. `search` is its lowercase search text (name, handle,
    /// addresses), so a tab can tell whether the row matches its creator search.
    Thread {
        thread: Box<ThreadSummary>,
        search: String,
    },
    /// A thread was deleted (for example when a creator's data is erased).
    ThreadRemoved { id: String },
    /// A message or note was added to a thread, or changed (delivery status).
    Message {
        thread_id: String,
        message: Box<MessageView>,
    },
    /// A message of the creator portal's thread, as the creator may see it (only the portal's
    /// socket sends these; `PortalMessage` is its allow-list).
    PortalMessage {
        thread_id: String,
        message: Box<crate::model::PortalMessage>,
    },
    /// The Unmatched queue changed (a message from an unknown sender arrived, or one was linked).
    UnmatchedChanged,
    /// The replay of what changed since the requested cursor is complete; everything after this
    /// is live. `cursor` is where a later reconnect resumes.
    Synced { cursor: i64, replayed: u32 },
    /// More changed while disconnected than a replay carries: the tab reloads its visible data.
    Resync { cursor: i64 },
}

impl LiveEvent {
    /// The database-clock time of the change this event carries, if it carries one.
    pub fn version(&self) -> Option<i64> {
        match self {
            LiveEvent::Thread { thread, .. } => Some(thread.version),
            LiveEvent::Message { message, .. } => Some(message.version),
            LiveEvent::PortalMessage { message, .. } => Some(message.version),
            LiveEvent::Synced { cursor, .. } | LiveEvent::Resync { cursor } => Some(*cursor),
            LiveEvent::ThreadRemoved { .. } | LiveEvent::UnmatchedChanged => None,
        }
    }
}
