//! The server's implementation of the server functions' area traits (`app::api::InboxApi`,
//! `ThreadApi`, …), one file per area, all on [`AppState`](crate::state::AppState). Each
//! operation coordinates: it calls the store (where all SurrealQL lives), wakes workers, and maps
//! storage results to `AppError` — logging internals here, so the browser sees safe errors.

use crate::db::DbError;
use crate::store::thread_write::WriteError;
use app::api::AppError;

mod auth;
mod bulk;
mod channels;
mod inbox;
mod policies;
mod portal;
mod review;
mod thread;
mod unmatched;

pub(crate) fn internal(e: DbError) -> AppError {
    tracing::error!(error = %e, "storage error");
    AppError::Internal
}

pub(crate) fn write_error(e: WriteError) -> AppError {
    match e {
        WriteError::NotFound => AppError::NotFound,
        WriteError::Invalid(m) => AppError::Invalid(m),
        WriteError::Forbidden(m) => AppError::Forbidden(m),
        WriteError::Db(e) => internal(e),
    }
}
