//! Server functions for response policies per campaign and the approved-language library.

#[cfg(feature = "ssr")]
use super::backend::Caller;
#[cfg(feature = "ssr")]
use super::context;
use super::AppError;
use crate::domain::language::Snippet;
use crate::domain::policy::ResponsePolicy;
use crate::model::PolicySettings;
use leptos::prelude::*;
use server_fn::codec::Json;

#[server(endpoint = "policy_settings")]
pub async fn load_policy_settings() -> Result<PolicySettings, AppError> {
    let (backend, caller) = context::caller().await?;
    // The workspace's teammates only: a client-scoped view sees no other client's campaigns.
    caller.require_team("campaign policies")?;
    backend.policy_settings(&caller).await
}

/// Saves a campaign's policy; `None` resets it to the defaults of its kind (owners, managers).
#[server(endpoint = "set_campaign_policy", input = Json)]
pub async fn set_campaign_policy(
    campaign_id: String,
    policy: Option<ResponsePolicy>,
) -> Result<PolicySettings, AppError> {
    super::check_id(&campaign_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_manager()?;
    backend
        .set_campaign_policy(&caller, &campaign_id, policy.as_ref())
        .await
}

/// The workspace's reply timer (owners, managers): after how many hours of waiting a thread is
/// escalated to the owners and managers (`None`: never), and the working hours the 24-hour goal
/// counts (`None`: the clock's hours).
#[server(endpoint = "set_reply_timer", input = Json)]
pub async fn set_reply_timer(
    escalate_after_hours: Option<u32>,
    business_hours: Option<crate::domain::reply_clock::BusinessHours>,
) -> Result<PolicySettings, AppError> {
    if escalate_after_hours.is_some_and(|h| !(1..=720).contains(&h)) {
        return Err(AppError::Invalid(
            "escalate after 1 to 720 hours, or never".into(),
        ));
    }
    if let Some(h) = &business_hours {
        h.validate().map_err(AppError::Invalid)?;
    }
    let (backend, caller) = context::caller().await?;
    caller.require_manager()?;
    backend
        .set_reply_timer(&caller, escalate_after_hours, business_hours)
        .await
}

/// Saves a campaign's follow-up rules; `None` resets them to the defaults (owners, managers).
#[server(endpoint = "set_campaign_followups", input = Json)]
pub async fn set_campaign_followups(
    campaign_id: String,
    rules: Option<Vec<crate::domain::followup::RuleSetting>>,
) -> Result<PolicySettings, AppError> {
    super::check_id(&campaign_id)?;
    if rules.as_ref().is_some_and(|r| r.len() > 20) {
        return Err(AppError::Invalid("too many rules".into()));
    }
    let (backend, caller) = context::caller().await?;
    caller.require_manager()?;
    backend
        .set_campaign_followups(&caller, &campaign_id, rules.as_deref())
        .await
}

/// Saves one approved-language entry (owners, managers).
#[server(endpoint = "save_language", input = Json)]
pub async fn save_language(snippet: Snippet) -> Result<PolicySettings, AppError> {
    let key_ok = !snippet.key.is_empty()
        && snippet.key.len() <= 40
        && snippet
            .key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !key_ok {
        return Err(AppError::Invalid(
            "a key is 1–40 lowercase letters, digits or _".into(),
        ));
    }
    if snippet.title.trim().is_empty() || snippet.title.chars().count() > 80 {
        return Err(AppError::Invalid("a title is 1–80 characters".into()));
    }
    if snippet.body.chars().count() > 4000 {
        return Err(AppError::Invalid(
            "wording is at most 4,000 characters".into(),
        ));
    }
    crate::domain::language::validate(&snippet.body).map_err(AppError::Invalid)?;
    if let Some(c) = &snippet.campaign {
        super::check_id(c)?;
    }
    let (backend, caller) = context::caller().await?;
    caller.require_manager()?;
    backend.save_language(&caller, &snippet).await
}

/// The approved language for a thread's campaign, each entry filled for its creator (writers).
#[server(endpoint = "composer_language", input = Json)]
pub async fn load_composer_language(
    thread_id: String,
) -> Result<Vec<crate::model::FilledSnippet>, AppError> {
    super::check_id(&thread_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.composer_language(&caller, &thread_id).await
}

/// What campaign policies, follow-up rules, the reply timer and approved language need from the
/// server: implemented once, in `server::backend::policies`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait PoliciesApi: Send + Sync {
    async fn policy_settings(&self, caller: &Caller) -> Result<PolicySettings, AppError>;
    /// Sets a campaign's own policy (`None`: back to its kind's defaults).
    async fn set_campaign_policy(
        &self,
        caller: &Caller,
        campaign_id: &str,
        policy: Option<&crate::domain::policy::ResponsePolicy>,
    ) -> Result<PolicySettings, AppError>;
    async fn set_reply_timer(
        &self,
        caller: &Caller,
        escalate_after_hours: Option<u32>,
        business_hours: Option<crate::domain::reply_clock::BusinessHours>,
    ) -> Result<PolicySettings, AppError>;
    async fn set_campaign_followups(
        &self,
        caller: &Caller,
        campaign_id: &str,
        rules: Option<&[crate::domain::followup::RuleSetting]>,
    ) -> Result<PolicySettings, AppError>;
    /// Saves one approved-language entry for the workspace (replacing a built-in one by key).
    async fn save_language(
        &self,
        caller: &Caller,
        snippet: &crate::domain::language::Snippet,
    ) -> Result<PolicySettings, AppError>;
    /// The campaign's library filled for the thread's creator.
    async fn composer_language(
        &self,
        caller: &Caller,
        thread_id: &str,
    ) -> Result<Vec<crate::model::FilledSnippet>, AppError>;
}
