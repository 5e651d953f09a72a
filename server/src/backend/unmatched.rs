//! `app::api::UnmatchedApi` for the server: the Unmatched queue and linking senders.

use super::internal;
use crate::state::AppState;
use app::api::backend::Caller;
use app::api::{AppError, UnmatchedApi};
use app::model::*;

#[async_trait::async_trait]
impl UnmatchedApi for AppState {
    async fn list_unmatched(&self, caller: &Caller) -> Result<Vec<UnmatchedView>, AppError> {
        crate::store::unmatched::list(&self.db, caller)
            .await
            .map_err(internal)
    }

    async fn creator_options(&self, caller: &Caller) -> Result<Vec<NamedRef>, AppError> {
        crate::store::unmatched::creator_options(&self.db, caller)
            .await
            .map_err(internal)
    }

    async fn link_unmatched(
        &self,
        caller: &Caller,
        unmatched_id: &str,
        creator_id: &str,
    ) -> Result<String, AppError> {
        use crate::store::unmatched::{link, LinkError};
        link(&self.db, caller, unmatched_id, creator_id)
            .await
            .map_err(|e| match e {
                LinkError::NotFound => AppError::NotFound,
                LinkError::NoThread => {
                    AppError::Invalid("that creator is in no campaign yet".into())
                }
                LinkError::Db(e) => internal(e),
            })
    }

    async fn create_creator_from_unmatched(
        &self,
        caller: &Caller,
        unmatched_id: &str,
        name: &str,
        campaign_id: &str,
    ) -> Result<String, AppError> {
        use crate::store::unmatched::{create_creator, link, LinkError};
        let creator = create_creator(
            &self.db,
            caller,
            unmatched_id,
            name,
            campaign_id,
            self.clock.now_ms(),
        )
        .await;
        let to_error = |e: LinkError| match e {
            LinkError::NotFound => AppError::NotFound,
            LinkError::NoThread => AppError::Invalid("that campaign cannot take creators".into()),
            LinkError::Db(e) => internal(e),
        };
        let creator = creator.map_err(to_error)?;
        link(&self.db, caller, unmatched_id, &creator)
            .await
            .map_err(to_error)
    }
}
