//! The live queries behind live updates: every change to `thread`, `message` and `unmatched`,
//! as SurrealDB notifies them (`crate::live::feed` routes them to sockets).

use crate::db::{Db, DbError};
use futures::stream::{BoxStream, StreamExt};
use surrealdb::Notification;

/// The table a change is in.
#[derive(Clone, Copy, Debug)]
pub enum Table {
    Thread,
    Message,
    Unmatched,
}

pub type Change = (
    Table,
    Result<Notification<serde_json::Value>, surrealdb::Error>,
);

/// Starts the three live queries on `db` and merges their notifications. The stream lives as
/// long as the session `db` (dropping that handle kills the queries and ends the stream).
pub async fn changes(db: &Db) -> Result<BoxStream<'static, Change>, DbError> {
    let mut resp = db
        .query(
            "LIVE SELECT * FROM thread; LIVE SELECT * FROM message; LIVE SELECT * FROM unmatched;",
        )
        .await?
        .check()?;
    let threads = resp
        .stream::<Notification<serde_json::Value>>(0)?
        .map(|n| (Table::Thread, n));
    let messages = resp
        .stream::<Notification<serde_json::Value>>(1)?
        .map(|n| (Table::Message, n));
    let unmatched = resp
        .stream::<Notification<serde_json::Value>>(2)?
        .map(|n| (Table::Unmatched, n));
    Ok(futures::stream::select(futures::stream::select(threads, messages), unmatched).boxed())
}
