//! `app::api::PortalApi` for the server: what a magic link opens, and making and revoking links.

use super::{internal, write_error};
use crate::state::AppState;
use crate::store::portal;
use app::api::backend::Caller;
use app::api::{AppError, PortalApi};
use app::model::{PortalLink, PortalMessage, PortalPage, PortalView};

/// The thread a portal token opens now, or `NotFound` (whatever the reason).
async fn portal_session(
    state: &AppState,
    token: &str,
    now: i64,
) -> Result<portal::PortalSession, AppError> {
    portal::resolve(&state.db, token, now)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

#[async_trait::async_trait]
impl PortalApi for AppState {
    async fn portal_view(&self, token: &str) -> Result<PortalView, AppError> {
        let now = self.clock.now_ms();
        let session = portal_session(self, token, now).await?;
        portal::view(&self.db, &session, now)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)
    }

    async fn portal_earlier(&self, token: &str, before_id: &str) -> Result<PortalPage, AppError> {
        let session = portal_session(self, token, self.clock.now_ms()).await?;
        portal::earlier(&self.db, &session, before_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)
    }

    async fn portal_reply(&self, token: &str, text: &str) -> Result<PortalMessage, AppError> {
        let now = self.clock.now_ms();
        let session = portal_session(self, token, now).await?;
        // Counted per thread (one link opens it), before anything is written.
        let key = format!("portal:{}", session.thread);
        let limit = crate::auth::throttle::PORTAL_REPLIES;
        if let Err(secs) = crate::auth::throttle::reserve(&self.db, &key, limit, now)
            .await
            .map_err(internal)?
        {
            tracing::warn!(workspace = %session.workspace, thread = %session.thread, "portal replies paused: too many");
            return Err(AppError::TooFast(secs));
        }
        portal::reply(&self.db, &session, text, now)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)
    }

    async fn create_portal_link(
        &self,
        caller: &Caller,
        thread_id: &str,
    ) -> Result<PortalLink, AppError> {
        let (token, expires_at) = portal::create(&self.db, caller, thread_id, self.clock.now_ms())
            .await
            .map_err(write_error)?;
        Ok(PortalLink {
            url: format!(
                "{}{}",
                self.config.public_url,
                app::domain::portal::link_path(&token)
            ),
            expires_at,
        })
    }

    async fn revoke_portal_link(&self, caller: &Caller, thread_id: &str) -> Result<(), AppError> {
        portal::revoke(&self.db, caller, thread_id, self.clock.now_ms())
            .await
            .map_err(write_error)
    }
}
