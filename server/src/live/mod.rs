//! Live updates. Changes are observed in SurrealDB itself — one `LIVE SELECT` per table and
//! server instance (`feed`) — so a write by any instance, job or webhook is pushed the same way.
//! The `hub` routes each change to the open sockets of its workspace (and client scope), and each
//! `socket` first replays what its browser missed since its cursor (`replay`), then streams.

pub mod feed;
pub mod hub;
pub mod portal_socket;
pub mod rows;
pub mod socket;

use crate::state::AppState;
use hub::Hub;
use std::sync::Arc;
use tokio::sync::watch;

/// One per server process: the hub and the state of the database feed that fills it.
pub struct LiveService {
    pub hub: Arc<Hub>,
    pub state: AppState,
    /// Open portal sockets per thread on this instance (`portal_socket::MAX_PER_LINK`).
    pub portal_sockets: portal_socket::OpenSockets,
    /// `true` while the feed's live queries are running.
    live: watch::Receiver<bool>,
    /// Turns for reading a connecting socket's replay (`REPLAYS_AT_ONCE`).
    pub replays: tokio::sync::Semaphore,
    /// Gives back what a burst of replays freed, once it is over (`memory_trim`).
    pub trim: Arc<crate::memory_trim::BurstTrim>,
}

/// Replays read at once: a reconnect storm (a deploy, a network blip: every browser at once)
/// waits its turn instead of running a thousand database reads together.
pub const REPLAYS_AT_ONCE: usize = 4;

impl LiveService {
    /// Starts the feed on the current tokio runtime.
    pub fn start(state: AppState) -> Arc<LiveService> {
        let hub = Arc::new(Hub::default());
        let (tx, rx) = watch::channel(false);
        tokio::spawn(feed::run(state.db.clone(), hub.clone(), tx));
        Arc::new(LiveService {
            hub,
            state,
            portal_sockets: portal_socket::OpenSockets::default(),
            live: rx,
            replays: tokio::sync::Semaphore::new(REPLAYS_AT_ONCE),
            trim: crate::memory_trim::BurstTrim::start(),
        })
    }

    /// Waits until the feed's live queries run (or the timeout passes); returns whether they do.
    pub async fn wait_live(&self, timeout: std::time::Duration) -> bool {
        let mut rx = self.live.clone();
        tokio::time::timeout(timeout, rx.wait_for(|live| *live))
            .await
            .is_ok_and(|r| r.is_ok())
    }
}
