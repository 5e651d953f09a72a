//! `app::api::CampaignsApi` for the server: the list with its funnel and overdue counts, one
//! campaign's terms (the rate ceiling for owners and managers only), and the changes.

use super::{internal, write_error};
use crate::state::AppState;
use crate::store::{campaigns, inbox};
use app::api::backend::Caller;
use app::api::{AppError, CampaignsApi};
use app::model::{CampaignForm, CampaignsPage, ClientView, Role};

fn manages(caller: &Caller) -> bool {
    matches!(caller.role, Role::Owner | Role::Manager)
}

#[async_trait::async_trait]
impl CampaignsApi for AppState {
    async fn campaigns_page(&self, caller: &Caller) -> Result<CampaignsPage, AppError> {
        let now = self.clock.now_ms();
        let ws = &caller.workspace_id;
        let cutoff = inbox::overdue_cutoff(&self.db, ws, now)
            .await
            .map_err(internal)?;
        let (clients, campaigns) = campaigns::list(&self.db, ws, cutoff)
            .await
            .map_err(internal)?;
        Ok(CampaignsPage {
            clients,
            campaigns,
            can_manage: manages(caller),
            now,
        })
    }

    async fn campaign_form(
        &self,
        caller: &Caller,
        campaign_id: &str,
    ) -> Result<CampaignForm, AppError> {
        let mut form = campaigns::form(&self.db, &caller.workspace_id, campaign_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        if !manages(caller) {
            form.rate_ceiling_cents = None;
        }
        Ok(form)
    }

    async fn save_campaign(
        &self,
        caller: &Caller,
        form: &CampaignForm,
    ) -> Result<CampaignForm, AppError> {
        campaigns::save(&self.db, caller, form, self.clock.now_ms())
            .await
            .map_err(write_error)
    }

    async fn save_client(
        &self,
        caller: &Caller,
        client_id: Option<&str>,
        name: &str,
    ) -> Result<ClientView, AppError> {
        campaigns::save_client(&self.db, caller, client_id, name, self.clock.now_ms())
            .await
            .map_err(write_error)
    }

    async fn archive_client(
        &self,
        caller: &Caller,
        client_id: &str,
        archived: bool,
    ) -> Result<ClientView, AppError> {
        campaigns::archive_client(&self.db, caller, client_id, archived, self.clock.now_ms())
            .await
            .map_err(write_error)
    }
}
