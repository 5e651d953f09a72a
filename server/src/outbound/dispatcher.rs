//! The dispatcher: each server instance runs one. It finds due send jobs, claims each with a
//! lease (so two instances never send the same attempt), sends through the channel's sender and
//! records the outcome. It wakes when this instance queues a job and polls every second for
//! jobs queued elsewhere, retries that came due, and leases left behind by a dead instance.

use super::{api_send, email_send, instagram_send, twilio_send, SendError};
use crate::db::DbError;
use crate::state::AppState;
use crate::store::jobs::{self, Claimed};
use app::model::{Channel, Consent};
use futures::StreamExt;
use std::time::Duration;

/// Jobs claimed per pass, and sent at most this many at a time.
const BATCH: usize = 512;
const CONCURRENCY: usize = 32;
const POLL: Duration = Duration::from_secs(1);

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

impl Tally {
    pub fn total(&self) -> usize {
        self.sent + self.retrying + self.failed
    }
}

/// A job's sending account: its workspace and the identity it goes out from.
type SenderKey = (String, Option<String>);

/// What one pass reads once for all its jobs.
#[derive(Default)]
struct Preloaded {
    accounts: std::collections::HashMap<SenderKey, Result<twilio_send::SmsAccount, SendError>>,
    consents: std::collections::HashMap<String, Consent>,
}

#[derive(Clone)]
pub struct Dispatcher {
    state: AppState,
    /// This worker's name on the leases it takes.
    owner: String,
    http: reqwest::Client,
    /// SMTP servers refuse many connections from one client: at most this many emails at once.
    smtp_slots: std::sync::Arc<tokio::sync::Semaphore>,
}

/// Emails sent at once (each opens its own SMTP session).
const SMTP_CONCURRENCY: usize = 4;

impl Dispatcher {
    pub fn new(state: AppState) -> Dispatcher {
        Dispatcher {
            owner: format!("worker-{}", crate::ids::new_id()),
            http: super::http_client(state.config.provider_timeout),
            smtp_slots: std::sync::Arc::new(tokio::sync::Semaphore::new(SMTP_CONCURRENCY)),
            state,
        }
    }

    /// Runs until the process ends.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                match self.run_once().await {
                    Ok(t) if t.total() >= BATCH => continue,
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "dispatcher pass failed; retrying"),
                }
                tokio::select! {
                    _ = self.state.outbound.wait() => {}
                    _ = tokio::time::sleep(POLL) => {}
                }
            }
        })
    }

    /// One pass: claims up to a batch of due jobs (in one transaction when no other worker
    /// contends, else one by one), attempts each once, and records the sends in one transaction.
    pub async fn run_once(&self) -> Result<Tally, DbError> {
        let db = &self.state.db;
        let now = self.state.clock.now_ms();
        self.settle_interrupted(now).await?;
        let mut claimed = jobs::claim_batch(db, &self.owner, now, BATCH).await?;
        if claimed.len() < BATCH {
            // Queued jobs a contended batch claim missed.
            for id in jobs::due(db, now, BATCH - claimed.len()).await? {
                if claimed.iter().any(|c| c.id == id) {
                    continue;
                }
                if let Some(job) = jobs::claim(db, &id, &self.owner, now).await? {
                    claimed.push(job);
                }
            }
        }
        let pre = std::sync::Arc::new(self.preload(&claimed).await?);
        // Each attempt runs as its own task, so sends keep going while finished ones are
        // recorded; results are recorded a group at a time as they arrive.
        let mut finished = futures::stream::iter(claimed)
            .map(|job| {
                let (d, pre) = (self.clone(), pre.clone());
                tokio::spawn(async move { d.attempt(&job, &pre).await.map(|r| (job, r)) })
            })
            .buffer_unordered(CONCURRENCY)
            .ready_chunks(CONCURRENCY);
        let mut tally = Tally::default();
        while let Some(group) = finished.next().await {
            let mut results = Vec::with_capacity(group.len());
            for joined in group {
                let attempt =
                    joined.map_err(|e| DbError::Other(format!("a send task failed: {e}")))?;
                results.push(attempt?);
            }
            self.record(&results, &mut tally).await?;
        }
        Ok(tally)
    }

    /// Sends a worker started and never finished: sent again where the receiver deduplicates,
    /// else marked failed for a person to check (`domain::delivery::resend_interrupted`).
    async fn settle_interrupted(&self, now: i64) -> Result<(), DbError> {
        let db = &self.state.db;
        for job in jobs::take_interrupted(db, &self.owner, now, BATCH).await? {
            if app::domain::delivery::resend_interrupted(job.channel) {
                jobs::requeue_interrupted(db, &job, now).await?;
            } else {
                let reason = app::domain::delivery::INTERRUPTED;
                jobs::mark_failed(db, &job, reason, false, now).await?;
                tracing::warn!(workspace = %job.workspace, job = %job.id, "a send was interrupted: held for a person");
            }
        }
        Ok(())
    }

    /// Records a group of attempts: the sends in one transaction, each failure with its retry.
    async fn record(
        &self,
        results: &[(Claimed, Result<Option<String>, SendError>)],
        tally: &mut Tally,
    ) -> Result<(), DbError> {
        let db = &self.state.db;
        let now = self.state.clock.now_ms();
        let mut sent = Vec::new();
        for (job, result) in results {
            match result {
                Ok(provider_id) => {
                    tracing::info!(message = %job.message, channel = job.channel.as_str(), attempt = job.attempt, "sent");
                    sent.push((job, provider_id.clone()));
                    tally.sent += 1;
                }
                Err(e) => {
                    let again = jobs::mark_failed(db, job, &e.reason, e.retryable, now).await?;
                    tracing::warn!(message = %job.message, channel = job.channel.as_str(), attempt = job.attempt,
                        reason = %e.reason, retry = again, "send attempt failed");
                    if again {
                        tally.retrying += 1;
                    } else {
                        tally.failed += 1;
                    }
                }
            }
        }
        jobs::mark_sent_many(db, &sent, now).await
    }

    /// What a pass's SMS jobs need, read once: each sending number's Twilio account, each
    /// recipient number's consent.
    async fn preload(&self, jobs: &[Claimed]) -> Result<Preloaded, DbError> {
        let b = &self.state;
        let sms: Vec<&Claimed> = jobs.iter().filter(|j| j.channel == Channel::Sms).collect();
        let mut pre = Preloaded::default();
        if sms.is_empty() {
            return Ok(pre);
        }
        let pairs: Vec<(&str, &str)> = sms
            .iter()
            .map(|j| (j.message.as_str(), j.to_address.as_str()))
            .collect();
        pre.consents = crate::store::send_reads::sms_consents(&b.db, &pairs).await?;
        for j in sms {
            let key = (j.workspace.clone(), j.via.clone());
            if let std::collections::hash_map::Entry::Vacant(slot) = pre.accounts.entry(key) {
                let account = twilio_send::account(
                    &b.db,
                    &j.workspace,
                    j.via.as_deref(),
                    &b.config.server_secret,
                )
                .await?;
                slot.insert(account);
            }
        }
        Ok(pre)
    }

    /// One attempt at sending the job through its channel (nothing recorded yet).
    async fn attempt(
        &self,
        job: &Claimed,
        pre: &Preloaded,
    ) -> Result<Result<Option<String>, SendError>, DbError> {
        let sent = match job.channel {
            Channel::Sms => self.send_sms(job, pre).await,
            Channel::Api => self.send_api(job).await?,
            Channel::Instagram => self.send_instagram(job).await?,
            Channel::Email => {
                let _slot = self.smtp_slots.acquire().await;
                self.send_email(job).await?
            }
            other => Err(SendError::permanent(format!(
                "sending by {} is not available",
                other.label()
            ))),
        };
        Ok(sent.map_err(|e| e.settle_maybe_sent(job.channel)))
    }

    fn send_sms(
        &self,
        job: &Claimed,
        pre: &Preloaded,
    ) -> impl std::future::Future<Output = Result<Option<String>, SendError>> + '_ {
        let b = &self.state;
        let consent = pre.consents.get(&job.message).copied();
        let account = pre
            .accounts
            .get(&(job.workspace.clone(), job.via.clone()))
            .cloned()
            .unwrap_or_else(|| Err(SendError::permanent("SMS is not connected")));
        let (to, text) = (job.to_address.clone(), job.text.clone());
        async move {
            if consent == Some(Consent::OptedOut) {
                return Err(SendError::permanent(
                    "the creator has opted out of SMS (replied STOP)",
                ));
            }
            let account = account?;
            let callback = crate::channels::twilio_status::callback_url(&b.config);
            twilio_send::send(
                &self.http,
                &b.config.twilio_api_url,
                &account,
                &to,
                &text,
                &callback,
            )
            .await
            .map(Some)
        }
    }

    async fn send_email(
        &self,
        job: &Claimed,
    ) -> Result<Result<Option<String>, SendError>, DbError> {
        let b = &self.state;
        let mailbox = crate::store::mailboxes::of_workspace(
            &b.db,
            &job.workspace,
            job.via.as_deref(),
            &b.config.server_secret,
        )
        .await?;
        let Some(mailbox) = mailbox else {
            return Ok(Err(SendError::permanent(match job.via {
                Some(_) => "the mailbox this reply was to go out from is no longer connected",
                None => "no mailbox is connected",
            })));
        };
        let Some(out) = crate::store::send_reads::outgoing_email(&b.db, &job.message).await? else {
            return Ok(Err(SendError::permanent("the message no longer exists")));
        };
        let email = match email_send::build(&mailbox, &job.to_address, &out) {
            Ok(e) => e,
            Err(e) => return Ok(Err(e)),
        };
        Ok(email_send::send(
            &mailbox,
            email,
            &b.config.outbound,
            b.config.provider_timeout,
        )
        .await
        .map(|()| out.email_message_id))
    }

    async fn send_instagram(
        &self,
        job: &Claimed,
    ) -> Result<Result<Option<String>, SendError>, DbError> {
        let b = &self.state;
        let last = crate::store::send_reads::instagram_last_inbound(&b.db, &job.message).await?;
        let tag = match instagram_send::tag_now(last, b.clock.now_ms()) {
            Ok(t) => t,
            Err(e) => return Ok(Err(e)),
        };
        let creds = crate::store::instagram_accounts::credentials(
            &b.db,
            &job.workspace,
            job.via.as_deref(),
            &b.config.server_secret,
        )
        .await?;
        let (account, token) = match creds {
            None => return Ok(Err(SendError::permanent("Instagram is not connected"))),
            Some((_, None)) => {
                tracing::error!(workspace = %job.workspace, "Instagram token cannot be unsealed (server secret changed?)");
                return Ok(Err(SendError::permanent(
                    "the Instagram connection must be entered again",
                )));
            }
            Some((a, Some(t))) => (a, t),
        };
        Ok(instagram_send::send(
            &self.http,
            &b.config.graph_api_url,
            &account,
            &token,
            &job.to_address,
            &job.text,
            tag,
        )
        .await
        .map(Some))
    }

    async fn send_api(&self, job: &Claimed) -> Result<Result<Option<String>, SendError>, DbError> {
        let b = &self.state;
        let secret = &b.config.server_secret;
        let prepared = api_send::prepare(&b.db, &job.workspace, &job.message, secret).await?;
        let (url, key, body) = match prepared {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        };
        Ok(
            api_send::send(&b.config.outbound, &url, &key, body, b.clock.now_ms())
                .await
                .map(|()| None),
        )
    }
}
