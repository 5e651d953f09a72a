//! `app::api::CreatorsApi` for the server: the list, enrolling and removing, the profile and its
//! edits (each audited in the store).

use super::{internal, write_error};
use crate::state::AppState;
use crate::store::{creator_list, creators, enrollments, profile};
use app::api::backend::Caller;
use app::api::{AppError, CreatorsApi};
use app::model::{
    Channel, Consent, CreatorPage, CreatorProfile, CreatorQuery, CreatorSelection, EnrollOutcome,
    ProfileEdit, Role,
};

#[async_trait::async_trait]
impl CreatorsApi for AppState {
    async fn list_creators(
        &self,
        caller: &Caller,
        query: &CreatorQuery,
    ) -> Result<CreatorPage, AppError> {
        creator_list::page(&self.db, &caller.workspace_id, query)
            .await
            .map_err(internal)
    }

    async fn enroll_creators(
        &self,
        caller: &Caller,
        selection: &CreatorSelection,
        campaign_id: &str,
    ) -> Result<EnrollOutcome, AppError> {
        let ws = &caller.workspace_id;
        let campaign = enrollments::campaign(&self.db, ws, campaign_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        if campaign.status == "closed" {
            return Err(AppError::Invalid(format!(
                "{} is closed: reopen it to add creators",
                campaign.name
            )));
        }
        let ids: Vec<String> = match selection {
            CreatorSelection::Ids(ids) => ids.clone(),
            CreatorSelection::Matching(q) => {
                creator_list::ids(&self.db, ws, q).await.map_err(internal)?
            }
        };
        let by = crate::store::inbox::teammates(&self.db, ws)
            .await
            .map_err(internal)?
            .into_iter()
            .find(|t| t.id == caller.user_id)
            .map(|t| t.name)
            .unwrap_or_default();
        let (enrolled, already) = enrollments::enroll(
            &self.db,
            ws,
            &campaign,
            &ids,
            (&caller.user_id, &by),
            self.clock.now_ms(),
        )
        .await
        .map_err(internal)?;
        Ok(EnrollOutcome { enrolled, already })
    }

    async fn remove_from_campaign(&self, caller: &Caller, thread_id: &str) -> Result<(), AppError> {
        let now = self.clock.now_ms();
        creators::archive_enrollment(&self.db, caller, thread_id, now)
            .await
            .map_err(write_error)?;
        // Its scheduled follow-ups end with it.
        crate::store::followups::replan_after(
            &self.db,
            &caller.workspace_id,
            thread_id,
            app::domain::followup::Cancel::CampaignClosed,
            now,
        )
        .await;
        Ok(())
    }

    async fn creator_profile(
        &self,
        caller: &Caller,
        creator_id: &str,
    ) -> Result<CreatorProfile, AppError> {
        let mut p = profile::load(&self.db, &caller.workspace_id, creator_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        p.can_edit = caller.role.can_write();
        p.can_undo_opt_out = caller.role == Role::Owner;
        Ok(p)
    }

    async fn save_creator_profile(
        &self,
        caller: &Caller,
        creator_id: &str,
        edit: &ProfileEdit,
    ) -> Result<CreatorProfile, AppError> {
        creators::save_profile(&self.db, caller, creator_id, edit, self.clock.now_ms())
            .await
            .map_err(write_error)?;
        self.creator_profile(caller, creator_id).await
    }

    async fn set_creator_consent(
        &self,
        caller: &Caller,
        creator_id: &str,
        channel: Channel,
        address: &str,
        consent: Consent,
    ) -> Result<CreatorProfile, AppError> {
        creators::change_consent(
            &self.db,
            caller,
            creator_id,
            channel,
            address,
            consent,
            self.clock.now_ms(),
        )
        .await
        .map_err(write_error)?;
        self.creator_profile(caller, creator_id).await
    }
}
