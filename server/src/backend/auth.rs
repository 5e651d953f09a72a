//! `app::api::AuthApi` for the server: sign-in, sign-out, sessions.

use super::internal;
use crate::auth::{self, SignInError};
use crate::state::AppState;
use app::api::backend::{Caller, NewSession};
use app::api::{AppError, AuthApi};
use app::model::SessionInfo;

#[async_trait::async_trait]
impl AuthApi for AppState {
    fn secure_cookies(&self) -> bool {
        self.config.secure_cookies()
    }

    async fn sign_in(
        &self,
        email: &str,
        password: &str,
        agent: Option<&str>,
        address: Option<&str>,
    ) -> Result<NewSession, AppError> {
        let now = self.clock.now_ms();
        let (token, caller) = auth::sign_in(&self.db, email, password, agent, address, now)
            .await
            .map_err(|e| match e {
                SignInError::Wrong => {
                    AppError::Invalid("that email and password do not match".into())
                }
                SignInError::Throttled(secs) => AppError::Throttled(secs),
                SignInError::Busy(secs) => AppError::Busy(secs),
                SignInError::NoWorkspace => {
                    AppError::Forbidden("this account belongs to no workspace".into())
                }
                SignInError::Db(e) => internal(e),
            })?;
        let info = self.session_info(&caller).await?;
        tracing::info!(user = %caller.user_id, workspace = %caller.workspace_id, "signed in");
        Ok(NewSession {
            token,
            max_age_secs: auth::SESSION_DAYS * 24 * 3600,
            info,
        })
    }

    async fn sign_out(&self, session_token: &str) -> Result<(), AppError> {
        auth::sign_out(&self.db, session_token)
            .await
            .map_err(internal)
    }

    async fn authenticate(&self, session_token: &str) -> Result<Caller, AppError> {
        auth::caller(self, session_token).await
    }

    async fn session_info(&self, caller: &Caller) -> Result<SessionInfo, AppError> {
        crate::store::sessions::info(&self.db, caller, self.clock.now_ms())
            .await
            .map_err(internal)
    }
}
