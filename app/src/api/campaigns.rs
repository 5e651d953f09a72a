//! Clients and campaigns: the Campaigns page's list, each campaign's full terms, creating,
//! editing, duplicating, closing and reopening campaigns, and creating, renaming and archiving
//! clients. Everyone on the team reads (members and viewers never see a rate ceiling); owners and
//! managers change.

#[cfg(feature = "ssr")]
use super::backend::Caller;
use super::AppError;
#[cfg(feature = "ssr")]
use super::{check_id, context};
use crate::model::{CampaignForm, CampaignsPage, ClientView};
use leptos::prelude::*;
use server_fn::codec::Json;

#[server(endpoint = "campaigns_page")]
pub async fn load_campaigns() -> Result<CampaignsPage, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_team("campaigns")?;
    backend.campaigns_page(&caller).await
}

/// One campaign's terms, for its editor.
#[server(endpoint = "campaign_form", input = Json)]
pub async fn load_campaign(campaign_id: String) -> Result<CampaignForm, AppError> {
    check_id(&campaign_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_team("campaigns")?;
    backend.campaign_form(&caller, &campaign_id).await
}

/// Creates (`form.id` none) or saves a campaign; answers with it as stored.
#[server(endpoint = "save_campaign", input = Json)]
pub async fn save_campaign(form: CampaignForm) -> Result<CampaignForm, AppError> {
    if let Some(id) = &form.id {
        check_id(id)?;
    }
    check_id(&form.client_id)?;
    let form = crate::domain::campaign::checked(&form).map_err(AppError::Invalid)?;
    let (backend, caller) = context::caller().await?;
    caller.require_manager()?;
    backend.save_campaign(&caller, &form).await
}

/// A new draft campaign with another one's terms.
#[server(endpoint = "duplicate_campaign", input = Json)]
pub async fn duplicate_campaign(campaign_id: String) -> Result<CampaignForm, AppError> {
    check_id(&campaign_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_manager()?;
    let original = backend.campaign_form(&caller, &campaign_id).await?;
    let copy = crate::domain::campaign::duplicate(&original);
    backend.save_campaign(&caller, &copy).await
}

/// Closes a campaign (follow-ups stop, it leaves the active list) or opens it again.
#[server(endpoint = "set_campaign_status", input = Json)]
pub async fn set_campaign_status(
    campaign_id: String,
    status: String,
) -> Result<CampaignForm, AppError> {
    check_id(&campaign_id)?;
    if !crate::domain::campaign::STATUSES.contains(&status.as_str()) {
        return Err(AppError::Invalid(
            "a campaign is a draft, active or closed".into(),
        ));
    }
    let (backend, caller) = context::caller().await?;
    caller.require_manager()?;
    let mut form = backend.campaign_form(&caller, &campaign_id).await?;
    form.status = status;
    backend.save_campaign(&caller, &form).await
}

/// Creates a client (`client_id` none) or renames one.
#[server(endpoint = "save_client", input = Json)]
pub async fn save_client(client_id: Option<String>, name: String) -> Result<ClientView, AppError> {
    if let Some(id) = &client_id {
        check_id(id)?;
    }
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::Invalid(
            "a client's name is 1–80 characters".into(),
        ));
    }
    let (backend, caller) = context::caller().await?;
    caller.require_manager()?;
    backend
        .save_client(&caller, client_id.as_deref(), &name)
        .await
}

/// Archives a client (kept with its campaigns' history, left out of the pickers) or restores it.
#[server(endpoint = "archive_client", input = Json)]
pub async fn archive_client(client_id: String, archived: bool) -> Result<ClientView, AppError> {
    check_id(&client_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_manager()?;
    backend.archive_client(&caller, &client_id, archived).await
}

/// What the Campaigns page needs from the server: implemented once, in
/// `server::backend::campaigns`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait CampaignsApi: Send + Sync {
    async fn campaigns_page(&self, caller: &Caller) -> Result<CampaignsPage, AppError>;
    /// The campaign's terms; the rate ceiling only for owners and managers.
    async fn campaign_form(
        &self,
        caller: &Caller,
        campaign_id: &str,
    ) -> Result<CampaignForm, AppError>;
    /// Creates or saves a checked campaign (with its audit event); the client must be the
    /// workspace's and not archived.
    async fn save_campaign(
        &self,
        caller: &Caller,
        form: &CampaignForm,
    ) -> Result<CampaignForm, AppError>;
    async fn save_client(
        &self,
        caller: &Caller,
        client_id: Option<&str>,
        name: &str,
    ) -> Result<ClientView, AppError>;
    async fn archive_client(
        &self,
        caller: &Caller,
        client_id: &str,
        archived: bool,
    ) -> Result<ClientView, AppError>;
}
