//! Storage errors as the browser sees them: details are logged here, the browser gets a safe
//! `AppError`.

use crate::db::DbError;
use crate::store::thread_write::WriteError;
use app::api::AppError;

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
