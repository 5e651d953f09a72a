//! The server side of bulk messages: the backend's bulk operations (authorize, call the store,
//! write the recipients when due, wake the dispatcher) and the worker pass that writes
//! scheduled ones when their time comes.

use crate::backend::{internal, write_error, SurrealBackend};
use crate::store::bulk::{self, actions, enqueue};
use app::api::backend::Caller;
use app::api::AppError;
use app::model::bulk::*;

/// Bulk messages with at most this many recipients are written before the request answers.
const INLINE_MAX: usize = 500;

impl SurrealBackend {
    fn sending(&self) -> (String, String) {
        (self.config.public_url.clone(), self.config.email_domain())
    }

    /// Writes bulk message `id`'s recipients if it is due, then wakes the dispatcher.
    pub async fn enqueue_bulk(
        &self,
        id: &str,
    ) -> Result<Option<enqueue::Written>, crate::db::DbError> {
        let (public_url, email_domain) = self.sending();
        let sending = enqueue::Sending {
            public_url: &public_url,
            email_domain: &email_domain,
            rates: self.config.bulk_rates,
        };
        let written = enqueue::run(&self.db, sending, id, || self.clock.now_ms()).await?;
        if written.as_ref().is_some_and(|w| w.jobs > 0) {
            self.outbound.ring();
        }
        Ok(written)
    }

    /// Writes a due bulk message's recipients: before answering when they are few (the sender
    /// sees them at once), in the background when many (the bulk message is stored and its
    /// progress shows; the automation worker resumes it if this process stops).
    async fn enqueue_soon(&self, id: &str, recipients: usize) -> Result<(), AppError> {
        if recipients <= INLINE_MAX {
            self.enqueue_bulk(id).await.map_err(internal)?;
        } else {
            let backend = self.clone();
            let id = id.to_string();
            tokio::spawn(async move {
                if let Err(e) = backend.enqueue_bulk(&id).await {
                    tracing::warn!(error = %e, bulk = %id, "writing a bulk message failed; the worker retries");
                }
            });
        }
        Ok(())
    }

    pub(crate) async fn preview_bulk(
        &self,
        caller: &Caller,
        selection: &BulkSelection,
        compose: &BulkCompose,
        sample: Option<&str>,
    ) -> Result<BulkPreview, AppError> {
        bulk::preview(
            &self.db,
            caller,
            selection,
            compose,
            sample,
            &self.config.public_url,
            self.clock.now_ms(),
        )
        .await
        .map_err(write_error)
    }

    pub(crate) async fn new_bulk(
        &self,
        caller: &Caller,
        selection: &BulkSelection,
        compose: &BulkCompose,
        schedule_at: Option<i64>,
    ) -> Result<String, AppError> {
        let req = bulk::BulkRequest {
            selection,
            compose,
            schedule_at,
        };
        let created = bulk::create(&self.db, caller, req, self.clock.now_ms())
            .await
            .map_err(write_error)?;
        if created.due {
            self.enqueue_soon(&created.id, created.recipients).await?;
        }
        Ok(created.id)
    }

    pub(crate) async fn one_bulk(&self, caller: &Caller, id: &str) -> Result<BulkView, AppError> {
        bulk::view(&self.db, caller, id, self.clock.now_ms())
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)
    }

    pub(crate) async fn recent_bulk(&self, caller: &Caller) -> Result<Vec<BulkView>, AppError> {
        actions::recent(&self.db, caller, self.clock.now_ms())
            .await
            .map_err(internal)
    }

    pub(crate) async fn approve_bulk(
        &self,
        caller: &Caller,
        id: &str,
        approve: bool,
    ) -> Result<BulkView, AppError> {
        let due = actions::decide(&self.db, caller, id, approve, self.clock.now_ms())
            .await
            .map_err(write_error)?;
        if let Some(recipients) = due {
            self.enqueue_soon(id, recipients).await?;
        }
        self.one_bulk(caller, id).await
    }

    pub(crate) async fn stop_bulk(&self, caller: &Caller, id: &str) -> Result<BulkView, AppError> {
        actions::cancel(&self.db, caller, id, self.clock.now_ms())
            .await
            .map_err(write_error)?;
        self.one_bulk(caller, id).await
    }

    pub(crate) async fn requeue_bulk(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<BulkView, AppError> {
        let n = actions::retry_failed(&self.db, caller, id, self.clock.now_ms())
            .await
            .map_err(write_error)?;
        if n > 0 {
            self.outbound.ring();
        }
        self.one_bulk(caller, id).await
    }
}

/// One worker pass: writes the bulk messages whose scheduled time has come (or whose writer
/// died mid-way). Returns how many it wrote.
pub async fn run_due(backend: &SurrealBackend) -> Result<usize, crate::db::DbError> {
    let mut n = 0;
    for id in enqueue::due(&backend.db, backend.clock.now_ms()).await? {
        if backend.enqueue_bulk(&id).await?.is_some() {
            n += 1;
        }
    }
    Ok(n)
}
