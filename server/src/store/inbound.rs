//! Receiving a creator's message from a provider channel (SMS, Instagram, the API channel): skip
//! it if the provider's id was seen before, find the creator by the sender's address, append it to
//! the right thread — or keep it in the Unmatched queue when no creator has that address.
//!
//! Webhook handlers hand each message to the `Ingester` and wait for its outcome, so a provider is
//! only acknowledged once its message is stored. The ingester stores whatever has arrived
//! meanwhile together (`inbound_batch`): a few reads and one transaction for the whole group
//! instead of per message — group commit, the way a database batches log flushes.

use super::inbound_batch::store_batch;
use crate::db::{exec, Db, DbError};
use app::model::Channel;
use std::sync::OnceLock;
use tokio::sync::{mpsc, oneshot};

/// Which of the creator's threads a message joins.
#[derive(Debug, Clone, PartialEq)]
pub enum Pick {
    /// The thread we last wrote to them on the message's channel, else their only open one,
    /// else the latest (flagged "check campaign") — `app::domain::attribution`.
    Answered,
    /// The sender named the campaign (or not): that campaign's thread, else the only open one,
    /// else the latest. Without a thread the message is refused, not parked.
    Campaign(Option<String>),
}

#[derive(Debug, Clone)]
pub struct Arrival {
    pub workspace: String,
    pub channel: Channel,
    /// Where to look the sender up, in order: (channel, normalized address). The first is the
    /// address an unmatched message is kept under.
    pub keys: Vec<(Channel, String)>,
    pub subject: Option<String>,
    pub text: String,
    /// The provider's message id (dedupe key).
    pub external_id: String,
    pub at: i64,
    pub pick: Pick,
    /// The mailbox, number or Instagram account it was sent to.
    pub via: Option<app::model::SendingIdentity>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    /// The provider delivered this message before; nothing was written. `message` is the stored
    /// message's id (none if the first delivery was kept in Unmatched).
    Duplicate {
        message: Option<String>,
    },
    Stored {
        creator: String,
        thread: String,
        message: String,
    },
    Unmatched,
    /// `Pick::Campaign` found no thread of the creator's to join.
    NoThread,
}

/// The most messages stored together.
pub const BATCH: usize = 64;

struct Job {
    arrival: Arrival,
    reply: oneshot::Sender<Result<Received, DbError>>,
}

/// Stores inbound messages in groups; one per server instance (cloning shares it).
#[derive(Clone)]
pub struct Ingester {
    db: Db,
    queue: std::sync::Arc<OnceLock<mpsc::Sender<Job>>>,
}

impl Ingester {
    pub fn new(db: Db) -> Ingester {
        Ingester {
            db,
            queue: Default::default(),
        }
    }

    /// Stores `arrival` (with whatever else is waiting) and answers what became of it.
    pub async fn receive(&self, arrival: Arrival) -> Result<Received, DbError> {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(BATCH * 16);
            tokio::spawn(run(self.db.clone(), rx));
            tx
        });
        let (reply, answer) = oneshot::channel();
        queue
            .send(Job { arrival, reply })
            .await
            .map_err(|_| DbError::Other("the inbound ingester has stopped".into()))?;
        answer
            .await
            .map_err(|_| DbError::Other("the inbound ingester dropped a message".into()))?
    }
}

/// How many groups are stored at once (each a transaction of its own).
const WORKERS: usize = 2;

/// Takes what is queued (up to `BATCH`), stores it, answers each sender; repeats. `WORKERS`
/// groups are in flight at once, so one group's reads overlap another's commit.
async fn run(db: Db, rx: mpsc::Receiver<Job>) {
    let rx = std::sync::Arc::new(tokio::sync::Mutex::new(rx));
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (db, rx) = (db.clone(), rx.clone());
            tokio::spawn(async move {
                loop {
                    let jobs = {
                        let mut rx = rx.lock().await;
                        let Some(first) = rx.recv().await else { return };
                        let mut jobs = vec![first];
                        while jobs.len() < BATCH {
                            match rx.try_recv() {
                                Ok(job) => jobs.push(job),
                                Err(_) => break,
                            }
                        }
                        jobs
                    };
                    let arrivals: Vec<Arrival> = jobs.iter().map(|j| j.arrival.clone()).collect();
                    let outcomes = store_group(&db, &arrivals).await;
                    for (job, outcome) in jobs.into_iter().zip(outcomes) {
                        let _ = job.reply.send(outcome);
                    }
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.await;
    }
}

/// How many times a group that lost a write conflict is read and written again.
const CONFLICT_RETRIES: u32 = 4;

/// Stores a group. If it fails for good (a racing delivery of one of its messages), stores each
/// message on its own so one message cannot fail the others.
pub async fn store_group(db: &Db, arrivals: &[Arrival]) -> Vec<Result<Received, DbError>> {
    match store_fresh(db, arrivals).await {
        Ok(outcomes) => outcomes.into_iter().map(Ok).collect(),
        Err(e) if arrivals.len() == 1 => vec![duplicate_or(e)],
        Err(e) => {
            tracing::debug!(error = %e, n = arrivals.len(), "inbound group failed; storing one by one");
            let mut out = Vec::with_capacity(arrivals.len());
            for a in arrivals {
                out.push(match store_fresh(db, std::slice::from_ref(a)).await {
                    Ok(mut v) => Ok(v.remove(0)),
                    Err(e) => duplicate_or(e),
                });
            }
            out
        }
    }
}

/// Stores a group, from its reads again each time it loses a write conflict (a teammate's reply,
/// another group or instance writing one of its threads first): the other write may have changed
/// what the group decided from its reads — which thread a reply answers (when we last wrote on a
/// channel, which threads are open) and whether a provider id was already stored.
async fn store_fresh(db: &Db, arrivals: &[Arrival]) -> Result<Vec<Received>, DbError> {
    let mut attempt = 0;
    loop {
        match store_batch(db, arrivals).await {
            Err(e) if attempt < CONFLICT_RETRIES && crate::db::is_conflict(&e) => {
                attempt += 1;
                crate::db::conflict_pause(attempt).await;
            }
            other => return other,
        }
    }
}

/// A failure that says a concurrent delivery stored the message first: a duplicate.
fn duplicate_or(e: DbError) -> Result<Received, DbError> {
    if crate::db::is_duplicate(&e) {
        Ok(Received::Duplicate { message: None })
    } else {
        Err(e)
    }
}

/// The message a provider's id (`external_id`) on `channel` was stored as, if it was.
pub async fn stored_as(
    db: &Db,
    workspace: &str,
    channel: Channel,
    external_id: &str,
) -> Result<Option<String>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(id) FROM message WHERE workspace = type::record('workspace', $ws)
             AND external_id = $eid AND channel = $channel LIMIT 1;",
        serde_json::json!({ "ws": workspace, "eid": external_id, "channel": channel }),
    )
    .await?;
    let id: Vec<String> = resp.take(0)?;
    Ok(id.into_iter().next())
}
