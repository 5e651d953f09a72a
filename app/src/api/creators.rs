//! The Creators page and the creator profile: the list (search and filters), adding creators to
//! a campaign, removing one from a campaign, the profile, a teammate's edit and consent changes.
//! Everyone on the team reads; teammates who can write change (only owners undo an opt-out).
//! The CSV export is `GET /creators.csv` (`server::exports`).

#[cfg(feature = "ssr")]
use super::backend::Caller;
use super::AppError;
#[cfg(feature = "ssr")]
use super::{check_id, context};
use crate::model::{
    Channel, Consent, CreatorPage, CreatorProfile, CreatorQuery, CreatorSelection, EnrollOutcome,
    ProfileEdit,
};
use leptos::prelude::*;
use server_fn::codec::Json;

#[server(endpoint = "list_creators", input = Json)]
pub async fn list_creators(query: CreatorQuery) -> Result<CreatorPage, AppError> {
    crate::domain::creators::check_query(&query).map_err(AppError::Invalid)?;
    let (backend, caller) = context::caller().await?;
    caller.require_team("the creator list")?;
    backend.list_creators(&caller, &query).await
}

/// Puts the selected creators (or every one matching a query) into a campaign, at Prospect.
#[server(endpoint = "enroll_creators", input = Json)]
pub async fn enroll_creators(
    selection: CreatorSelection,
    campaign_id: String,
) -> Result<EnrollOutcome, AppError> {
    check_id(&campaign_id)?;
    match &selection {
        CreatorSelection::Ids(ids) => {
            if ids.is_empty() || ids.len() > 5_000 {
                return Err(AppError::Invalid("select 1 to 5,000 creators".into()));
            }
            for id in ids {
                check_id(id)?;
            }
        }
        CreatorSelection::Matching(q) => {
            crate::domain::creators::check_query(q).map_err(AppError::Invalid)?
        }
    }
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend
        .enroll_creators(&caller, &selection, &campaign_id)
        .await
}

/// Takes a creator out of a campaign: the thread is archived (kept for the audit trail and
/// reports), never deleted.
#[server(endpoint = "remove_from_campaign", input = Json)]
pub async fn remove_from_campaign(thread_id: String) -> Result<(), AppError> {
    check_id(&thread_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.remove_from_campaign(&caller, &thread_id).await
}

#[server(endpoint = "creator_profile", input = Json)]
pub async fn load_creator_profile(creator_id: String) -> Result<CreatorProfile, AppError> {
    check_id(&creator_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_team("the creator list")?;
    backend.creator_profile(&caller, &creator_id).await
}

#[server(endpoint = "save_creator_profile", input = Json)]
pub async fn save_creator_profile(
    creator_id: String,
    edit: ProfileEdit,
) -> Result<CreatorProfile, AppError> {
    check_id(&creator_id)?;
    let edit = crate::domain::creators::checked_edit(&edit).map_err(AppError::Invalid)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend
        .save_creator_profile(&caller, &creator_id, &edit)
        .await
}

/// Records consent or an opt-out on one of a creator's contacts (an opt-out blocks sends there
/// at once; only an owner undoes one).
#[server(endpoint = "set_creator_consent", input = Json)]
pub async fn set_creator_consent(
    creator_id: String,
    channel: Channel,
    address: String,
    consent: Consent,
) -> Result<CreatorProfile, AppError> {
    check_id(&creator_id)?;
    if address.is_empty() || address.len() > 320 {
        return Err(AppError::Invalid("unknown contact".into()));
    }
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend
        .set_creator_consent(&caller, &creator_id, channel, &address, consent)
        .await
}

/// What the Creators page and the profile need from the server: implemented once, in
/// `server::backend::creators`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait CreatorsApi: Send + Sync {
    async fn list_creators(
        &self,
        caller: &Caller,
        query: &CreatorQuery,
    ) -> Result<CreatorPage, AppError>;
    async fn enroll_creators(
        &self,
        caller: &Caller,
        selection: &CreatorSelection,
        campaign_id: &str,
    ) -> Result<EnrollOutcome, AppError>;
    async fn remove_from_campaign(&self, caller: &Caller, thread_id: &str) -> Result<(), AppError>;
    async fn creator_profile(
        &self,
        caller: &Caller,
        creator_id: &str,
    ) -> Result<CreatorProfile, AppError>;
    async fn save_creator_profile(
        &self,
        caller: &Caller,
        creator_id: &str,
        edit: &ProfileEdit,
    ) -> Result<CreatorProfile, AppError>;
    async fn set_creator_consent(
        &self,
        caller: &Caller,
        creator_id: &str,
        channel: Channel,
        address: &str,
        consent: Consent,
    ) -> Result<CreatorProfile, AppError>;
}
