//! SurrealDB: connecting (embedded SurrealKV, memory, or a remote server), migrations, and the
//! small helpers every store uses to read rows into the shared serde types.

pub mod migrations;

use crate::config::{Config, DbTarget};
use serde::de::DeserializeOwned;
use surrealdb::engine::any::Any;
use surrealdb::Surreal;

/// The database handle every part of the server shares. One SDK session behind an `Arc`:
/// cloning the handle itself (`Surreal::clone`) opens another session in the SDK (its own
/// state, three concurrent maps), which each request's `AppState` clone and each live socket
/// then held — about 110 KB a socket (B2, heaptrack) — and which a remote server answers with a
/// fresh, unauthenticated session. Cloning a `Db` shares the one session.
pub type Db = std::sync::Arc<Surreal<Any>>;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database: {0}")]
    Surreal(#[from] surrealdb::Error),
    #[error("reading a row: {0}")]
    Decode(#[from] serde_json::Error),
    #[error("{0}")]
    Other(String),
}

/// Opens the configured database and selects the namespace and database.
pub async fn connect(config: &Config) -> Result<Db, DbError> {
    let db = match &config.db {
        DbTarget::Memory => surrealdb::engine::any::connect("mem://").await?,
        DbTarget::SurrealKv(path) => {
            if let Some(parent) = std::path::Path::new(path).parent() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    DbError::Other(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
            surrealdb::engine::any::connect(format!("surrealkv://{path}")).await?
        }
        DbTarget::Remote {
            url,
            user,
            password,
        } => {
            let db = surrealdb::engine::any::connect(url.as_str()).await?;
            db.signin(surrealdb::opt::auth::Root {
                username: user.clone(),
                password: password.clone(),
            })
            .await?;
            db
        }
    };
    db.use_ns(&config.namespace)
        .use_db(&config.database)
        .await?;
    Ok(std::sync::Arc::new(db))
}

/// An object's `null` entries left out, so they read as SurrealDB's NONE (absent) — what optional
/// fields accept — rather than NULL. Anything but an object is returned as it is.
pub fn without_nulls(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => {
            serde_json::Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).collect())
        }
        other => other,
    }
}

/// Runs a query and checks every statement succeeded. Top-level `null` variables are left unbound,
/// so they read as SurrealDB's NONE (an absent value) rather than NULL.
pub async fn exec(
    db: &Db,
    sql: &str,
    vars: serde_json::Value,
) -> Result<surrealdb::IndexedResults, DbError> {
    let vars = without_nulls(vars);
    let mut resp = db.query(sql).bind(vars).await?;
    let errors = resp.take_errors();
    if errors.is_empty() {
        return Ok(resp);
    }
    // In a failed transaction every statement reports an error; the one that says why is the
    // one that is not "not executed due to a failed transaction".
    let mut errors: Vec<(usize, surrealdb::Error)> = errors.into_iter().collect();
    errors.sort_by_key(|(i, _)| *i);
    let why = errors
        .iter()
        .position(|(_, e)| {
            !e.to_string()
                .contains("not executed due to a failed transaction")
        })
        .unwrap_or(0);
    Err(DbError::Surreal(errors.swap_remove(why).1))
}

/// A trivial query: the database answers.
pub async fn ping(db: &Db) -> Result<(), DbError> {
    exec(db, "RETURN 1;", serde_json::json!({}))
        .await
        .map(|_| ())
}

/// Whether a database error is a transaction conflict that may simply be run again.
pub fn is_conflict(e: &DbError) -> bool {
    let text = e.to_string().to_ascii_lowercase();
    text.contains("can be retried") || text.contains("conflict") || text.contains("resource busy")
}

/// Runs one `BEGIN … COMMIT` query, again (up to 5 times, with a short pause) when it lost a
/// conflict with a concurrent transaction: a transaction that did not commit wrote nothing, so
/// running it again is safe. Two webhooks for the same thread at once both land.
pub async fn exec_transaction(
    db: &Db,
    sql: &str,
    vars: serde_json::Value,
) -> Result<surrealdb::IndexedResults, DbError> {
    let mut attempt = 0u32;
    loop {
        match exec(db, sql, vars.clone()).await {
            Err(e) if attempt < 5 && is_conflict(&e) => {
                attempt += 1;
                conflict_pause(attempt).await;
            }
            other => return other,
        }
    }
}

/// Bulk writes (an import's chunks, an enrollment's) on their own tasks, two at a time: the
/// second transaction in flight uses the second core (B7: enrolling 10,000 creators took 3.2 s
/// instead of 5.1 s). Each write is a whole transaction; they must touch different records.
#[derive(Default)]
pub struct TwoAtOnce {
    running: Option<tokio::task::JoinHandle<Result<(), DbError>>>,
}

impl TwoAtOnce {
    /// Starts `write`, then waits for the write started before it.
    pub async fn start(
        &mut self,
        write: impl std::future::Future<Output = Result<(), DbError>> + Send + 'static,
    ) -> Result<(), DbError> {
        match self.running.replace(tokio::spawn(write)) {
            Some(before) => joined(before).await,
            None => Ok(()),
        }
    }

    /// Waits for the last write.
    pub async fn finish(mut self) -> Result<(), DbError> {
        match self.running.take() {
            Some(last) => joined(last).await,
            None => Ok(()),
        }
    }
}

/// The result of a database task run on its own.
pub async fn joined<T>(task: tokio::task::JoinHandle<Result<T, DbError>>) -> Result<T, DbError> {
    task.await
        .map_err(|e| DbError::Other(format!("a database task stopped: {e}")))?
}

/// The short, jittered pause before the `attempt`th run of a write that lost a conflict, so
/// the writers that collided do not collide again at once.
pub async fn conflict_pause(attempt: u32) {
    let ms = 2 * u64::from(attempt) + rand::random::<u64>() % 5;
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
}

/// A transaction that may end in `THROW '<marker>'` (its guard failed: the link used, the
/// invitation gone…): `true` when it committed, `false` when it threw `marker`.
pub fn unless_thrown<T>(result: Result<T, DbError>, marker: &str) -> Result<bool, DbError> {
    match result {
        Ok(_) => Ok(true),
        Err(e) if e.to_string().contains(marker) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether an error says an inbound message's dedupe key already exists: the same provider
/// message was stored by a concurrent delivery.
pub fn is_duplicate(e: &DbError) -> bool {
    let text = e.to_string();
    text.contains("inbound_key") && text.contains("already exists")
}

/// The record key that makes one provider message land once: a digest of where it came from.
pub fn inbound_key(workspace: &str, channel: &str, external_id: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{workspace}\n{channel}\n{external_id}").as_bytes());
    format!("k{}", hex::encode(&digest[..20]))
}

/// Rows of statement `idx` as `T`.
/// `thread:abc` → `abc` (also accepts a bare key and SurrealQL's `⟨…⟩` escaping).
pub fn key_of(v: &serde_json::Value) -> Option<String> {
    let s = v.as_str()?;
    let key = s.split_once(':').map_or(s, |(_, k)| k);
    let key = key.trim_start_matches('⟨').trim_end_matches('⟩');
    (!key.is_empty()).then(|| key.to_string())
}

pub fn rows<T: DeserializeOwned>(
    resp: &mut surrealdb::IndexedResults,
    idx: usize,
) -> Result<Vec<T>, DbError> {
    let values: Vec<serde_json::Value> = resp.take(idx)?;
    values
        .into_iter()
        .map(|v| serde_json::from_value(v).map_err(DbError::from))
        .collect()
}

/// The first row of statement `idx`, if any.
pub fn first<T: DeserializeOwned>(
    resp: &mut surrealdb::IndexedResults,
    idx: usize,
) -> Result<Option<T>, DbError> {
    Ok(rows(resp, idx)?.into_iter().next())
}
