//! The database side of live updates: one `LIVE SELECT` on `thread`, `message` and `unmatched`
//! per server instance, shared by every socket. Changes written by any instance sharing the database
//! arrive here. If the live queries end (database restart, network loss), every socket is dropped
//! — their browsers reconnect and replay from their cursors — and the feed restarts with backoff.

use super::hub::Hub;
use super::rows;
use crate::db::{Db, DbError};
use crate::store::live_feed::{self, Table};
use futures::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use surrealdb::types::Action;
use tokio::sync::watch;

/// Runs for the life of the process. `db` is this feed's own session: it stays alive as long as
/// the live queries it started (dropping a handle kills its live queries).
pub async fn run(db: Db, hub: Arc<Hub>, live: watch::Sender<bool>) {
    let mut backoff = Duration::from_millis(200);
    loop {
        let started = std::time::Instant::now();
        match follow(&db, &hub, &live).await {
            Ok(()) => tracing::warn!("live queries ended; restarting"),
            Err(e) => tracing::error!(error = %e, "live feed failed; restarting"),
        }
        live.send_replace(false);
        hub.disconnect_all();
        if started.elapsed() > Duration::from_secs(30) {
            backoff = Duration::from_millis(200);
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(10));
    }
}

async fn follow(db: &Db, hub: &Hub, live: &watch::Sender<bool>) -> Result<(), DbError> {
    let mut changes = live_feed::changes(db).await?;
    live.send_replace(true);
    tracing::info!("live feed running");
    while let Some((table, n)) = changes.next().await {
        let n = n?;
        let routed = match (table, n.action) {
            (_, Action::Killed) => return Ok(()),
            (Table::Thread, Action::Create | Action::Update) => rows::thread_changed(&n.data),
            (Table::Thread, Action::Delete) => rows::thread_removed(&n.data),
            (Table::Message, Action::Create | Action::Update) => rows::message_changed(&n.data),
            (Table::Message, Action::Delete) => continue,
            (Table::Unmatched, Action::Create | Action::Delete) => rows::unmatched_changed(&n.data),
            (Table::Unmatched, Action::Update) => continue,
            (_, other) => {
                tracing::warn!(?table, action = ?other, data = %n.data, "live query reported a problem");
                continue;
            }
        };
        match routed {
            Ok(r) => hub.publish(r),
            Err(e) => tracing::warn!(?table, error = %e, "skipping a change the feed cannot read"),
        }
    }
    Ok(())
}
