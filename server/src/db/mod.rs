//! SurrealDB: connecting (embedded SurrealKV, memory, or a remote server), migrations, and the
//! small helpers every store uses to read rows into the shared serde types.

pub mod migrations;

use crate::config::{Config, DbTarget};
use serde::de::DeserializeOwned;
use surrealdb::engine::any::Any;
use surrealdb::Surreal;

pub type Db = Surreal<Any>;

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
    Ok(db)
}

/// Runs a query and checks every statement succeeded. Top-level `null` variables are left unbound,
/// so they read as SurrealDB's NONE (an absent value) rather than NULL.
pub async fn exec(
    db: &Db,
    sql: &str,
    vars: serde_json::Value,
) -> Result<surrealdb::IndexedResults, DbError> {
    let vars = match vars {
        serde_json::Value::Object(map) => {
            serde_json::Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).collect())
        }
        other => other,
    };
    let resp = db.query(sql).bind(vars).await?;
    Ok(resp.check()?)
}

/// Rows of statement `idx` as `T`.
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
