//! The automation worker: each server instance runs one. Creator messages are stored with
//! `policy_pending`; for each the worker plans what the campaign's response policy asks (a pure
//! function, `app::domain::automation::plan`) and carries the plan out in one transaction that
//! claims the message (`store::automation`): the decision stored on it, stale drafts canceled,
//! the stage moved and the address saved when the policy says so, a draft for review or an
//! automatic reply (with its send job), and an audit event for each step. Two instances never
//! act on one message: the claim (`policy_pending = true` → NONE) is part of the transaction.
//! The same loop fires due follow-ups, writes due bulk messages, wakes snoozed threads and
//! escalates overdue ones.

mod act;
pub mod followups;

use crate::db::DbError;
use crate::state::AppState;
use std::time::Duration;

const BATCH: usize = 16;
const POLL: Duration = Duration::from_millis(300);
const WAKE_EVERY: Duration = Duration::from_secs(15);
/// Ended sessions and spent sign-in throttle rows are removed this often.
const CLEAN_EVERY: Duration = Duration::from_secs(3600);

/// The caller automation acts as: the workspace's own, with an owner's reach.
fn system_caller(ws: &str) -> app::api::backend::Caller {
    app::api::backend::Caller {
        user_id: "automation".into(),
        workspace_id: ws.into(),
        role: app::model::Role::Owner,
        scope: app::api::backend::Scope::Workspace,
    }
}

#[derive(Clone)]
pub struct Automation {
    state: AppState,
    /// The model provider, when one is configured.
    model: Option<crate::model_provider::Model>,
}

impl Automation {
    pub fn new(state: AppState) -> Automation {
        let model = state
            .config
            .model
            .clone()
            .map(crate::model_provider::Model::new);
        Automation { state, model }
    }

    /// Runs until the process ends.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let owner = format!("automation-{}", crate::ids::new_id());
            let mut last_wake = std::time::Instant::now() - WAKE_EVERY;
            let mut last_clean = std::time::Instant::now() - CLEAN_EVERY;
            loop {
                if let Err(e) = followups::run_once(&self.state, &owner).await {
                    tracing::warn!(error = %e, "follow-up pass failed; retrying");
                }
                if let Err(e) = crate::bulk_sends::run_due(&self.state).await {
                    tracing::warn!(error = %e, "bulk message pass failed; retrying");
                }
                // Snoozes wake, and overdue threads escalate, to the quarter-minute.
                if last_clean.elapsed() >= CLEAN_EVERY {
                    last_clean = std::time::Instant::now();
                    let now = self.state.clock.now_ms();
                    match crate::store::sessions::clean_up(&self.state.db, now).await {
                        Ok(n) if n > 0 => tracing::info!(removed = n, "ended sessions cleaned up"),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "cleaning up sessions failed"),
                    }
                }
                if last_wake.elapsed() >= WAKE_EVERY {
                    last_wake = std::time::Instant::now();
                    let now = self.state.clock.now_ms();
                    if let Err(e) =
                        crate::store::thread_write::wake_snoozed(&self.state.db, now).await
                    {
                        tracing::warn!(error = %e, "waking snoozed threads failed; retrying");
                    }
                    if let Err(e) = crate::store::escalations::run(&self.state.db, now).await {
                        tracing::warn!(error = %e, "escalating overdue threads failed; retrying");
                    }
                }
                match self.run_once().await {
                    Ok(n) if n >= BATCH => continue,
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "automation pass failed; retrying"),
                }
                tokio::select! {
                    _ = self.state.automation.wait() => {}
                    _ = tokio::time::sleep(POLL) => {}
                }
            }
        })
    }

    /// One pass: decides up to a batch of pending messages. Returns how many it took.
    pub async fn run_once(&self) -> Result<usize, DbError> {
        let db = &self.state.db;
        let pending = crate::store::automation::pending(db, BATCH).await?;
        let mut sent = false;
        for p in &pending {
            match act::decide(&self.state, self.model.as_ref(), p).await {
                Ok(queued) => sent |= queued,
                Err(e) if e.to_string().contains("already decided") => {}
                Err(e) => {
                    tracing::error!(error = %e, message = %p.id, "automation could not decide a message");
                    crate::store::automation::give_up(db, &p.id).await?;
                }
            }
        }
        if sent {
            self.state.outbound.ring();
        }
        for p in &pending {
            crate::store::followups::replan_after(
                db,
                &p.ws,
                &p.thread_id,
                app::domain::followup::Cancel::CreatorReplied,
                self.state.clock.now_ms(),
            )
            .await;
        }
        Ok(pending.len())
    }
}
