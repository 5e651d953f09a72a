//! `app::api::EmbedApi` for the server: embed partners (`store::embed`) and the token exchange
//! (`crate::embed`).

use super::internal;
use crate::state::AppState;
use crate::store::embed as store;
use app::api::backend::Caller;
use app::api::{AppError, EmbedApi};
use app::domain::embed::PartnerSettings;
use app::model::{EmbedPartnerKey, EmbedPartnerView, EmbedSession};

#[async_trait::async_trait]
impl EmbedApi for AppState {
    async fn embed_partners(&self, caller: &Caller) -> Result<Vec<EmbedPartnerView>, AppError> {
        store::list(&self.db, &caller.workspace_id, self.clock.now_ms())
            .await
            .map_err(internal)
    }

    async fn create_embed_partner(
        &self,
        caller: &Caller,
        s: &PartnerSettings,
    ) -> Result<EmbedPartnerKey, AppError> {
        let key = crate::ids::new_secret();
        let new = store::NewPartner {
            name: &s.name,
            origins: &s.origins,
            client_id: &s.client_id,
            campaign_ids: &s.campaign_ids,
            role: s.role,
            views: &s.views,
        };
        let secret = &self.config.server_secret;
        let now = self.clock.now_ms();
        match store::create(&self.db, caller, secret, &new, &key, now).await {
            Ok(Some(partner)) => {
                tracing::info!(workspace = %caller.workspace_id, partner = %partner.id, "embed partner registered");
                Ok(EmbedPartnerKey {
                    partner,
                    key,
                    audience: self.config.public_url.clone(),
                })
            }
            Ok(None) => Err(AppError::Invalid(format!(
                "choose one of the workspace's clients and only its campaigns (at most {} partners)",
                store::MAX_PARTNERS
            ))),
            Err(e) => Err(internal(e)),
        }
    }

    async fn rotate_embed_key(
        &self,
        caller: &Caller,
        partner: &str,
    ) -> Result<EmbedPartnerKey, AppError> {
        let key = crate::ids::new_secret();
        let secret = &self.config.server_secret;
        let now = self.clock.now_ms();
        match store::rotate(&self.db, caller, secret, partner, &key, now).await {
            Ok(Some(partner)) => {
                tracing::info!(workspace = %caller.workspace_id, partner = %partner.id, "embed key rotated");
                Ok(EmbedPartnerKey {
                    partner,
                    key,
                    audience: self.config.public_url.clone(),
                })
            }
            Ok(None) => Err(AppError::NotFound),
            Err(e) => Err(internal(e)),
        }
    }

    async fn delete_embed_partner(&self, caller: &Caller, partner: &str) -> Result<(), AppError> {
        match store::delete(&self.db, caller, partner, self.clock.now_ms()).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(AppError::NotFound),
            Err(e) => Err(internal(e)),
        }
    }

    async fn start_embed(
        &self,
        token: &str,
        address: Option<&str>,
    ) -> Result<EmbedSession, AppError> {
        // Counted per client address before the token is read: a flood of made-up tokens
        // costs a partner read and a hash each.
        if let Some(a) = address {
            let key = format!("embed:{a}");
            let limit = crate::auth::throttle::EMBED_EXCHANGES;
            let now = self.clock.now_ms();
            if let Err(secs) = crate::auth::throttle::reserve(&self.db, &key, limit, now)
                .await
                .map_err(internal)?
            {
                tracing::warn!("embed exchanges paused for an address: too many");
                return Err(AppError::TooFast(secs));
            }
        }
        match crate::embed::exchange(self, token).await {
            Ok(Ok(session)) => Ok(session),
            Ok(Err(refused)) => Err(AppError::Invalid(refused.message().into())),
            Err(e) => Err(internal(e)),
        }
    }

    async fn authenticate_embed(&self, bearer: &str) -> Result<Caller, AppError> {
        let hash = crate::auth::token_hash(bearer);
        match store::caller(&self.db, &hash, self.clock.now_ms()).await {
            Ok(Some(caller)) => Ok(caller),
            Ok(None) => Err(AppError::Unauthorized),
            Err(e) => Err(internal(e)),
        }
    }

    async fn refresh_embed(&self, bearer: &str) -> Result<(), AppError> {
        let hash = crate::auth::token_hash(bearer);
        match store::refresh(&self.db, &hash, self.clock.now_ms()).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(AppError::Unauthorized),
            Err(e) => Err(internal(e)),
        }
    }
}
