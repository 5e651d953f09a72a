//! The one application state every part of the server takes: the database, the clock, the
//! configuration, this instance's wake handles, the inbound ingester and the kept webhook
//! credentials. Webhook handlers, workers, live updates and exports receive it (axum `State`);
//! the server functions reach it through the area traits it implements (`crate::backend`).

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::store::inbound::Ingester;
use kept::WebhookAccounts;
use std::sync::Arc;
use tokio::sync::Notify;

pub mod kept;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub config: Arc<Config>,
    /// Wakes this instance's outbound dispatcher when a send job is queued here.
    pub outbound: Wake,
    /// Stores provider webhooks' inbound messages in groups.
    pub ingest: Ingester,
    /// Wakes this instance's automation worker (it also polls).
    pub automation: Wake,
    /// Wakes this instance's import worker when an import starts here.
    pub imports: Wake,
    /// Webhook credentials read in the last few seconds.
    pub webhook_accounts: Arc<WebhookAccounts>,
}

impl AppState {
    pub fn new(db: Db, clock: Clock, config: Config) -> AppState {
        AppState {
            ingest: Ingester::new(db.clone()),
            db,
            clock,
            config: Arc::new(config),
            outbound: Wake::default(),
            automation: Wake::default(),
            imports: Wake::default(),
            webhook_accounts: Default::default(),
        }
    }
}

/// Wakes one of this instance's workers when work is queued here (other instances find it by
/// polling within a second).
#[derive(Clone, Default)]
pub struct Wake(Arc<Notify>);

impl Wake {
    pub fn ring(&self) {
        self.0.notify_one();
    }
    pub async fn wait(&self) {
        self.0.notified().await
    }
}
