//! `app::api::InboxApi` for the server: the inbox list, counts and filter options.

use super::internal;
use crate::state::AppState;
use crate::store::inbox;
use app::api::backend::Caller;
use app::api::{AppError, InboxApi};
use app::domain::filter::InboxFilter;
use app::model::{Cursor, FilterOptions, InboxCounts, InboxPage};

#[async_trait::async_trait]
impl InboxApi for AppState {
    async fn list_threads(
        &self,
        caller: &Caller,
        filter: &InboxFilter,
        after: Option<Cursor>,
    ) -> Result<InboxPage, AppError> {
        inbox::list_threads(&self.db, caller, filter, after, self.clock.now_ms())
            .await
            .map_err(internal)
    }

    async fn count_matching(&self, caller: &Caller, filter: &InboxFilter) -> Result<u64, AppError> {
        inbox::count_matching(&self.db, caller, filter, self.clock.now_ms())
            .await
            .map_err(internal)
    }

    async fn inbox_counts(&self, caller: &Caller) -> Result<InboxCounts, AppError> {
        let mut counts = inbox::counts(&self.db, caller, self.clock.now_ms())
            .await
            .map_err(internal)?;
        counts.unmatched = crate::store::unmatched::count(&self.db, caller)
            .await
            .map_err(internal)?;
        (counts.approvals, counts.notifications) = crate::store::drafts::counts(&self.db, caller)
            .await
            .map_err(internal)?;
        Ok(counts)
    }

    async fn filter_options(&self, caller: &Caller) -> Result<FilterOptions, AppError> {
        inbox::filter_options(&self.db, caller)
            .await
            .map_err(internal)
    }
}
