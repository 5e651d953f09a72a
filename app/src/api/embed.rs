//! Embedding in partner dashboards: owners register, list, rotate and remove embed partners
//! (Settings → Embeds); a frame exchanges a partner's signed token for its session. The token
//! check is `domain::embed::check_claims` after the server verified the signature.

#[cfg(feature = "ssr")]
use super::backend::Caller;
use super::AppError;
#[cfg(feature = "ssr")]
use super::{check_id, context};
use crate::model::{EmbedPartnerForm, EmbedPartnerKey, EmbedPartnerView, EmbedSession};
use leptos::prelude::*;
use server_fn::codec::Json;

/// The workspace's embed partners (owners only; never a key).
#[server(endpoint = "embed_partners")]
pub async fn load_embed_partners() -> Result<Vec<EmbedPartnerView>, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.embed_partners(&caller).await
}

/// Registers a partner (owners only); its signing key is in the answer, shown this once.
/// Audited.
#[server(endpoint = "create_embed_partner", input = Json)]
pub async fn create_embed_partner(form: EmbedPartnerForm) -> Result<EmbedPartnerKey, AppError> {
    let settings = crate::domain::embed::partner_settings(&form).map_err(AppError::Invalid)?;
    check_id(&settings.client_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.create_embed_partner(&caller, &settings).await
}

/// A partner's new signing key (owners only), shown this once; tokens signed with the previous
/// key are accepted for a day. Audited.
#[server(endpoint = "rotate_embed_key", input = Json)]
pub async fn rotate_embed_key(partner: String) -> Result<EmbedPartnerKey, AppError> {
    check_id(&partner)?;
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.rotate_embed_key(&caller, &partner).await
}

/// Removes a partner (owners only); its frames' sessions end. Audited.
#[server(endpoint = "delete_embed_partner", input = Json)]
pub async fn delete_embed_partner(partner: String) -> Result<(), AppError> {
    check_id(&partner)?;
    let (backend, caller) = context::caller().await?;
    caller.require_owner()?;
    backend.delete_embed_partner(&caller, &partner).await
}

/// A frame's exchange: a partner's token (from the frame's URL fragment) for a session bearer
/// the frame keeps in memory. No cookie or session is needed; each token works once; one client
/// address opens at most so many frames in a while (then `429` with `Retry-After`).
#[server(endpoint = "start_embed", input = Json)]
pub async fn start_embed(token: String) -> Result<EmbedSession, AppError> {
    if token.is_empty() || token.len() > crate::domain::embed::MAX_TOKEN_LEN {
        return Err(AppError::Invalid("the embed token is not valid".into()));
    }
    context::backend()?
        .start_embed(&token, context::client_address().as_deref())
        .await
        .inspect_err(context::answer_too_many)
}

/// Keeps a frame's session alive another 15 minutes (the bearer it carries).
#[server(endpoint = "refresh_embed")]
pub async fn refresh_embed() -> Result<(), AppError> {
    let (backend, _) = context::caller().await?;
    let bearer = context::bearer_token().ok_or(AppError::Unauthorized)?;
    backend.refresh_embed(&bearer).await
}

/// Embed partners and frame sessions; implemented once, in `server::backend::embed`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait EmbedApi: Send + Sync {
    async fn embed_partners(&self, caller: &Caller) -> Result<Vec<EmbedPartnerView>, AppError>;
    async fn create_embed_partner(
        &self,
        caller: &Caller,
        settings: &crate::domain::embed::PartnerSettings,
    ) -> Result<EmbedPartnerKey, AppError>;
    async fn rotate_embed_key(
        &self,
        caller: &Caller,
        partner: &str,
    ) -> Result<EmbedPartnerKey, AppError>;
    async fn delete_embed_partner(&self, caller: &Caller, partner: &str) -> Result<(), AppError>;
    async fn start_embed(
        &self,
        token: &str,
        address: Option<&str>,
    ) -> Result<EmbedSession, AppError>;
    /// The caller behind a frame's bearer.
    async fn authenticate_embed(&self, bearer: &str) -> Result<Caller, AppError>;
    async fn refresh_embed(&self, bearer: &str) -> Result<(), AppError>;
}
