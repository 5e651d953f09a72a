//! `app::api::AccountApi` for the server: accepting invitations, changing and resetting
//! passwords, and one's sessions. Link tokens are looked up by their SHA-256 only.

use super::internal;
use crate::auth::{self, password, token_hash};
use crate::db::DbError;
use crate::outbound::account_mail::{self, AccountEmail};
use crate::state::AppState;
use crate::store::{passwords, sessions, team};
use app::api::backend::{Caller, NewSession, Scope};
use app::api::{AccountApi, AppError, AuthApi};
use app::domain::team::{self as rules, link_state, LinkState};
use app::model::{InvitationInfo, Role, SessionView};

/// What a link that names nothing answers (used, revoked and expired links say which).
fn unknown_link() -> AppError {
    AppError::Invalid("this link is not valid; ask for a new one".into())
}

async fn hashed(pass: &str) -> Result<String, AppError> {
    password::hash_off_thread(pass.to_string())
        .await
        .map_err(|e| internal(DbError::Other(format!("hashing a password: {e}"))))
}

/// A person asks for a reset link at most once per this long.
const RESET_EVERY_MS: i64 = 5 * 60 * 1000;

impl AppState {
    /// Makes a reset link for the account of `email` (if it has one, in an active workspace, and
    /// asked no more than once per `RESET_EVERY_MS`) and emails it.
    async fn email_reset_link(&self, email: &str) -> Result<(), String> {
        let db_err = |e: DbError| e.to_string();
        let Some(user) = sessions::user_by_email(&self.db, email)
            .await
            .map_err(db_err)?
        else {
            return Ok(());
        };
        let Some(membership) = sessions::first_membership(&self.db, &user.id)
            .await
            .map_err(db_err)?
        else {
            return Ok(());
        };
        let now = self.clock.now_ms();
        if passwords::reset_since(&self.db, &user.id, now - RESET_EVERY_MS)
            .await
            .map_err(db_err)?
        {
            return Ok(());
        }
        let token = crate::ids::new_secret();
        let url = format!("{}/reset/{token}", self.config.public_url);
        let expires_at = now + rules::RESET_MS;
        passwords::create_reset(
            &self.db,
            &user.id,
            &token_hash(&token),
            &user.id,
            now,
            expires_at,
        )
        .await
        .map_err(db_err)?;
        let message = AccountEmail {
            to: email.to_string(),
            subject: "Your Creator Inbox password reset link".into(),
            text: format!(
                "Someone (we hope you) asked to reset the password of your Creator Inbox account.\n\n\
                 Set a new one here (the link works once, for one hour):\n{url}\n\n\
                 If it was not you, ignore this email: your password stays as it is.\n"
            ),
        };
        account_mail::send(self, Some(&membership.workspace), &message).await?;
        Ok(())
    }

    async fn usable_invitation(&self, token: &str) -> Result<team::InvitationByToken, AppError> {
        let inv = team::invitation_by_token(&self.db, &token_hash(token))
            .await
            .map_err(internal)?
            .ok_or_else(unknown_link)?;
        let state = link_state(
            inv.expires_at,
            inv.accepted_at,
            inv.revoked_at,
            self.clock.now_ms(),
        );
        match state.refusal() {
            Some(why) => Err(AppError::Invalid(why.into())),
            None => Ok(inv),
        }
    }
}

#[async_trait::async_trait]
impl AccountApi for AppState {
    fn signup_open(&self) -> bool {
        self.config.signup_open
    }

    async fn sign_up(
        &self,
        workspace_name: &str,
        name: &str,
        email: &str,
        pass: &str,
        agent: Option<&str>,
    ) -> Result<NewSession, AppError> {
        if !self.config.signup_open {
            return Err(AppError::Forbidden(
                "this server does not take sign-ups: ask your team for an invitation".into(),
            ));
        }
        let now = self.clock.now_ms();
        let (ws, user_id) = (crate::ids::new_id(), crate::ids::new_id());
        let hash = hashed(pass).await?;
        let owner = team::NewOwner {
            user_id: &user_id,
            email,
            name,
            password_hash: &hash,
        };
        if !team::sign_up(&self.db, &ws, workspace_name, &owner, now)
            .await
            .map_err(internal)?
        {
            return Err(AppError::Invalid(
                "that address has an account: sign in (or reset its password) and ask for an invitation".into(),
            ));
        }
        let caller = Caller {
            user_id,
            workspace_id: ws,
            role: Role::Owner,
            scope: Scope::Workspace,
        };
        let token = auth::open_session(&self.db, &caller, agent, now)
            .await
            .map_err(internal)?;
        tracing::info!(workspace = %caller.workspace_id, "workspace created by sign-up");
        Ok(NewSession {
            token,
            max_age_secs: auth::SESSION_DAYS * 24 * 3600,
            info: self.session_info(&caller).await?,
        })
    }

    async fn invitation_info(&self, token: &str) -> Result<InvitationInfo, AppError> {
        let inv = self.usable_invitation(token).await?;
        Ok(InvitationInfo {
            workspace_name: inv.workspace_name,
            email: inv.email,
            role: Role::parse(&inv.role).unwrap_or(Role::Viewer),
            has_account: inv.user.is_some(),
        })
    }

    async fn accept_invitation(
        &self,
        token: &str,
        name: &str,
        pass: &str,
        agent: Option<&str>,
    ) -> Result<NewSession, AppError> {
        let inv = self.usable_invitation(token).await?;
        let role = Role::parse(&inv.role)
            .ok_or_else(|| internal(DbError::Other("an invitation with an unknown role".into())))?;
        let now = self.clock.now_ms();
        let new_id = crate::ids::new_id();
        let (user_id, accepted) = match &inv.user {
            Some(existing) => {
                let account = passwords::account(&self.db, existing)
                    .await
                    .map_err(internal)?;
                let stored = account.map(|a| a.password_hash);
                if !password::verify(pass.to_string(), stored).await {
                    return Err(AppError::Invalid(format!(
                        "that is not the password of the account for {}",
                        inv.email
                    )));
                }
                let joiner = team::Joiner::Existing { user_id: existing };
                (
                    existing.clone(),
                    team::accept(&self.db, &inv, &joiner, now).await,
                )
            }
            None => {
                let name = rules::checked_name(name).map_err(AppError::Invalid)?;
                rules::check_password(pass).map_err(AppError::Invalid)?;
                let hash = hashed(pass).await?;
                let joiner = team::Joiner::New {
                    user_id: &new_id,
                    name: &name,
                    password_hash: &hash,
                };
                (
                    new_id.clone(),
                    team::accept(&self.db, &inv, &joiner, now).await,
                )
            }
        };
        if !accepted.map_err(internal)? {
            return Err(AppError::Invalid(
                LinkState::Used.refusal().unwrap_or_default().into(),
            ));
        }
        let caller = Caller {
            user_id,
            workspace_id: inv.workspace,
            role,
            scope: Scope::Workspace,
        };
        let token = auth::open_session(&self.db, &caller, agent, now)
            .await
            .map_err(internal)?;
        tracing::info!(workspace = %caller.workspace_id, user = %caller.user_id, "invitation accepted");
        Ok(NewSession {
            token,
            max_age_secs: auth::SESSION_DAYS * 24 * 3600,
            info: self.session_info(&caller).await?,
        })
    }

    async fn request_password_reset(&self, email: &str) -> Result<(), AppError> {
        // On its own task: the answer neither waits for the lookup and the email nor differs
        // between known and unknown addresses.
        let (state, email) = (self.clone(), email.to_string());
        tokio::spawn(async move {
            if let Err(why) = state.email_reset_link(&email).await {
                tracing::warn!(reason = %why, "a requested password reset was not emailed");
            }
        });
        Ok(())
    }

    async fn reset_password(&self, token: &str, pass: &str) -> Result<(), AppError> {
        let reset = passwords::reset_by_token(&self.db, &token_hash(token))
            .await
            .map_err(internal)?
            .ok_or_else(unknown_link)?;
        let state = link_state(reset.expires_at, reset.used_at, None, self.clock.now_ms());
        if let Some(why) = state.refusal() {
            return Err(AppError::Invalid(why.into()));
        }
        let hash = hashed(pass).await?;
        if !passwords::use_reset(&self.db, &reset, &hash, self.clock.now_ms())
            .await
            .map_err(internal)?
        {
            return Err(AppError::Invalid(
                LinkState::Used.refusal().unwrap_or_default().into(),
            ));
        }
        tracing::info!(user = %reset.user, "password reset");
        Ok(())
    }

    async fn change_password(
        &self,
        caller: &Caller,
        session_token: &str,
        current: &str,
        new: &str,
    ) -> Result<(), AppError> {
        let account = passwords::account(&self.db, &caller.user_id)
            .await
            .map_err(internal)?;
        if !password::verify(current.to_string(), account.map(|a| a.password_hash)).await {
            return Err(AppError::Invalid(
                "your current password does not match".into(),
            ));
        }
        let hash = hashed(new).await?;
        passwords::change(
            &self.db,
            &caller.user_id,
            &hash,
            &token_hash(session_token),
            self.clock.now_ms(),
        )
        .await
        .map_err(internal)
    }

    async fn my_sessions(
        &self,
        caller: &Caller,
        session_token: &str,
    ) -> Result<Vec<SessionView>, AppError> {
        let now = self.clock.now_ms();
        let mine = token_hash(session_token);
        let mut list: Vec<SessionView> = sessions::of_user(&self.db, &caller.user_id)
            .await
            .map_err(internal)?
            .into_iter()
            .filter(|s| rules::session_live(s.expires_at, s.created_at, s.last_seen_at, now))
            .map(|s| SessionView {
                current: s.token_hash == mine,
                device: rules::device_label(s.agent.as_deref().unwrap_or_default()),
                workspace_name: s.workspace_name,
                created_at: s.created_at,
                last_seen_at: s.last_seen_at.unwrap_or(s.created_at),
                id: s.id,
            })
            .collect();
        list.sort_by_key(|s| (!s.current, std::cmp::Reverse(s.last_seen_at)));
        Ok(list)
    }

    async fn end_sessions(
        &self,
        caller: &Caller,
        session_token: &str,
        session_id: Option<&str>,
    ) -> Result<u32, AppError> {
        let mine = token_hash(session_token);
        match session_id {
            None => {
                let n = sessions::end_others(&self.db, &caller.user_id, &mine)
                    .await
                    .map_err(internal)?;
                Ok(n as u32)
            }
            Some(id) => {
                if sessions::end_one(&self.db, &caller.user_id, id)
                    .await
                    .map_err(internal)?
                {
                    Ok(1)
                } else {
                    Err(AppError::NotFound)
                }
            }
        }
    }

    async fn switch_workspace(
        &self,
        caller: &Caller,
        session_token: &str,
        workspace_id: &str,
    ) -> Result<(), AppError> {
        let moved = sessions::rebind(
            &self.db,
            &token_hash(session_token),
            &caller.user_id,
            workspace_id,
        )
        .await
        .map_err(internal)?;
        if moved {
            tracing::info!(user = %caller.user_id, workspace = %workspace_id, "switched workspace");
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}
