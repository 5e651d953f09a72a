//! `app::api::BulkApi` for the server: previews, creating, deciding, canceling and retrying bulk
//! messages; a due one's recipients are written at once (`crate::bulk_sends::enqueue_bulk`).

use super::{internal, write_error};
use crate::bulk_sends::enqueue_bulk;
use crate::state::AppState;
use crate::store::bulk::{self, actions};
use app::api::backend::Caller;
use app::api::{AppError, BulkApi};
use app::model::bulk::*;

/// Bulk messages with at most this many recipients are written before the request answers.
const INLINE_MAX: usize = 500;

/// Writes a due bulk message's recipients: before answering when they are few (the sender sees
/// them at once), in the background when many (the bulk message is stored and its progress
/// shows; the automation worker resumes it if this process stops).
async fn enqueue_soon(state: &AppState, id: &str, recipients: usize) -> Result<(), AppError> {
    if recipients <= INLINE_MAX {
        enqueue_bulk(state, id).await.map_err(internal)?;
    } else {
        let state = state.clone();
        let id = id.to_string();
        tokio::spawn(async move {
            if let Err(e) = enqueue_bulk(&state, &id).await {
                tracing::warn!(error = %e, bulk = %id, "writing a bulk message failed; the worker retries");
            }
        });
    }
    Ok(())
}

#[async_trait::async_trait]
impl BulkApi for AppState {
    async fn bulk_preview(
        &self,
        caller: &Caller,
        selection: &BulkSelection,
        compose: &BulkCompose,
        sample: Option<&str>,
    ) -> Result<BulkPreview, AppError> {
        let public_url = &self.config.public_url;
        let now = self.clock.now_ms();
        bulk::preview(
            &self.db, caller, selection, compose, sample, public_url, now,
        )
        .await
        .map_err(write_error)
    }

    async fn create_bulk(
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
            enqueue_soon(self, &created.id, created.recipients).await?;
        }
        Ok(created.id)
    }

    async fn bulk_view(&self, caller: &Caller, id: &str) -> Result<BulkView, AppError> {
        bulk::view(&self.db, caller, id, self.clock.now_ms())
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)
    }

    async fn bulk_list(&self, caller: &Caller) -> Result<Vec<BulkView>, AppError> {
        actions::recent(&self.db, caller, self.clock.now_ms())
            .await
            .map_err(internal)
    }

    async fn decide_bulk(
        &self,
        caller: &Caller,
        id: &str,
        approve: bool,
    ) -> Result<BulkView, AppError> {
        let due = actions::decide(&self.db, caller, id, approve, self.clock.now_ms())
            .await
            .map_err(write_error)?;
        if let Some(recipients) = due {
            enqueue_soon(self, id, recipients).await?;
        }
        self.bulk_view(caller, id).await
    }

    async fn cancel_bulk(&self, caller: &Caller, id: &str) -> Result<BulkView, AppError> {
        actions::cancel(&self.db, caller, id, self.clock.now_ms())
            .await
            .map_err(write_error)?;
        self.bulk_view(caller, id).await
    }

    async fn retry_bulk(&self, caller: &Caller, id: &str) -> Result<BulkView, AppError> {
        let n = actions::retry_failed(&self.db, caller, id, self.clock.now_ms())
            .await
            .map_err(write_error)?;
        if n > 0 {
            self.outbound.ring();
        }
        self.bulk_view(caller, id).await
    }
}
