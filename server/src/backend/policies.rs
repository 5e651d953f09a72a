//! `app::api::PoliciesApi` for the server: each change is stored (with its audit event), then
//! the page's settings are read again.

use super::{internal, write_error};
use crate::state::AppState;
use crate::store::policies;
use app::api::backend::Caller;
use app::api::{AppError, PoliciesApi};
use app::domain::followup::RuleSetting;
use app::domain::language::Snippet;
use app::domain::policy::ResponsePolicy;
use app::domain::reply_clock::BusinessHours;
use app::model::PolicySettings;

#[async_trait::async_trait]
impl PoliciesApi for AppState {
    async fn policy_settings(&self, caller: &Caller) -> Result<PolicySettings, AppError> {
        policies::settings(&self.db, caller).await.map_err(internal)
    }

    async fn set_campaign_policy(
        &self,
        caller: &Caller,
        campaign_id: &str,
        policy: Option<&ResponsePolicy>,
    ) -> Result<PolicySettings, AppError> {
        let now = self.clock.now_ms();
        policies::set_policy(&self.db, caller, campaign_id, policy, now)
            .await
            .map_err(write_error)?;
        self.policy_settings(caller).await
    }

    async fn set_reply_timer(
        &self,
        caller: &Caller,
        escalate_after_hours: Option<u32>,
        business_hours: Option<BusinessHours>,
    ) -> Result<PolicySettings, AppError> {
        let timer = policies::ReplyTimer {
            escalate_after_hours,
            business_hours,
        };
        policies::set_reply_timer(&self.db, caller, &timer, self.clock.now_ms())
            .await
            .map_err(write_error)?;
        self.policy_settings(caller).await
    }

    async fn set_campaign_followups(
        &self,
        caller: &Caller,
        campaign_id: &str,
        rules: Option<&[RuleSetting]>,
    ) -> Result<PolicySettings, AppError> {
        let now = self.clock.now_ms();
        policies::set_followups(&self.db, caller, campaign_id, rules, now)
            .await
            .map_err(write_error)?;
        self.policy_settings(caller).await
    }

    async fn save_language(
        &self,
        caller: &Caller,
        snippet: &Snippet,
    ) -> Result<PolicySettings, AppError> {
        policies::save_language(&self.db, caller, snippet, self.clock.now_ms())
            .await
            .map_err(write_error)?;
        self.policy_settings(caller).await
    }

    async fn composer_language(
        &self,
        caller: &Caller,
        thread_id: &str,
    ) -> Result<Vec<app::model::FilledSnippet>, AppError> {
        crate::store::suggestions::composer_language(
            &self.db,
            caller,
            thread_id,
            self.clock.now_ms(),
        )
        .await
        .map_err(write_error)
    }
}
