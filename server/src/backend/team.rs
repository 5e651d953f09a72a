//! `app::api::TeamApi` for the server: the Team page, invitations, role changes, deactivation
//! and reset links. The last-owner rule is checked first (`domain::team`) for a clear answer
//! and again inside each change's transaction (`store::team`).

use super::internal;
use crate::auth::token_hash;
use crate::outbound::account_mail::{self, AccountEmail};
use crate::state::AppState;
use crate::store::{passwords, team};
use app::api::backend::Caller;
use app::api::{AppError, AuthApi, TeamApi};
use app::domain::team::{self as rules, link_state, LinkState, Member, MemberChange};
use app::model::{InvitationState, InvitationView, MemberView, OneTimeLink, Role, TeamView};

impl AppState {
    /// A new workspace (`server create-workspace`) and its owner's one-time setup link (24 h),
    /// where they set their name and password.
    pub async fn create_workspace(
        &self,
        name: &str,
        owner_email: &str,
    ) -> Result<OneTimeLink, String> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            return Err("give the workspace a name of 1 to 120 characters".into());
        }
        let email = rules::checked_email(owner_email)?;
        let now = self.clock.now_ms();
        let ws = crate::ids::new_id();
        let created = team::create_workspace(&self.db, &ws, name, now)
            .await
            .map_err(|e| e.to_string())?;
        if !created {
            return Err(format!("a workspace named {name:?} exists already"));
        }
        let (token, url) = self.link("join");
        let hash = token_hash(&token);
        let expires_at = now + rules::OWNER_SETUP_MS;
        let invitation = team::NewInvitation {
            ws: &ws,
            email: &email,
            role: Role::Owner,
            token_hash: &hash,
            by: None,
            expires_at,
        };
        team::invite(&self.db, &invitation, now)
            .await
            .map_err(|e| e.to_string())?;
        Ok(OneTimeLink {
            url,
            expires_at,
            sent_to: None,
            send_error: None,
        })
    }

    /// A fresh link token and the URL that carries it (`/join/…`, `/reset/…`).
    fn link(&self, path: &str) -> (String, String) {
        let token = crate::ids::new_secret();
        let url = format!("{}/{path}/{token}", self.config.public_url);
        (token, url)
    }

    async fn members_of(&self, ws: &str) -> Result<Vec<team::MemberRow>, AppError> {
        team::members(&self.db, ws).await.map_err(internal)
    }

    async fn change(
        &self,
        caller: &Caller,
        user_id: &str,
        change: MemberChange,
    ) -> Result<(), AppError> {
        let members: Vec<Member> = self
            .members_of(&caller.workspace_id)
            .await?
            .into_iter()
            .map(|m| Member {
                role: Role::parse(&m.role).unwrap_or(Role::Viewer),
                user_id: m.user_id,
                active: m.deactivated_at.is_none(),
            })
            .collect();
        if !members.iter().any(|m| m.user_id == user_id) {
            return Err(AppError::NotFound);
        }
        rules::check_member_change(&members, user_id, change).map_err(AppError::Invalid)?;
        let now = self.clock.now_ms();
        match team::change_member(
            &self.db,
            &caller.workspace_id,
            user_id,
            change,
            &caller.user_id,
            now,
        )
        .await
        {
            Ok(()) => Ok(()),
            Err(team::ChangeError::LastOwner) => Err(AppError::Invalid(
                "the workspace needs an active owner: make someone else an owner first".into(),
            )),
            Err(team::ChangeError::NotMember) => Err(AppError::NotFound),
            Err(team::ChangeError::Db(e)) => Err(internal(e)),
        }
    }
}

#[async_trait::async_trait]
impl TeamApi for AppState {
    async fn team_page(&self, caller: &Caller) -> Result<TeamView, AppError> {
        let now = self.clock.now_ms();
        let members = self
            .members_of(&caller.workspace_id)
            .await?
            .into_iter()
            .map(|m| MemberView {
                role: Role::parse(&m.role).unwrap_or(Role::Viewer),
                active: m.deactivated_at.is_none(),
                user_id: m.user_id,
                name: m.name,
                email: m.email,
                joined_at: m.joined_at,
                assigned_threads: m.assigned_threads,
            })
            .collect();
        let invitations = team::invitations(&self.db, &caller.workspace_id, now)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|i| InvitationView {
                state: match link_state(i.expires_at, i.accepted_at, i.revoked_at, now) {
                    LinkState::Usable => InvitationState::Pending,
                    LinkState::Used => InvitationState::Accepted,
                    LinkState::Revoked => InvitationState::Revoked,
                    LinkState::Expired => InvitationState::Expired,
                },
                role: Role::parse(&i.role).unwrap_or(Role::Viewer),
                id: i.id,
                email: i.email,
                created_at: i.created_at,
                expires_at: i.expires_at,
                invited_by: i.invited_by.unwrap_or_else(|| "Setup".into()),
            })
            .collect();
        Ok(TeamView {
            members,
            invitations,
            can_manage: caller.role == Role::Owner,
        })
    }

    async fn invite_member(
        &self,
        caller: &Caller,
        email: &str,
        role: Role,
    ) -> Result<OneTimeLink, AppError> {
        let members = self.members_of(&caller.workspace_id).await?;
        if members
            .iter()
            .any(|m| m.email == email && m.deactivated_at.is_none())
        {
            return Err(AppError::Invalid(format!("{email} is on the team already")));
        }
        let now = self.clock.now_ms();
        let (token, url) = self.link("join");
        let hash = token_hash(&token);
        let expires_at = now + rules::INVITATION_MS;
        let invitation = team::NewInvitation {
            ws: &caller.workspace_id,
            email,
            role,
            token_hash: &hash,
            by: Some(&caller.user_id),
            expires_at,
        };
        team::invite(&self.db, &invitation, now)
            .await
            .map_err(internal)?;
        tracing::info!(workspace = %caller.workspace_id, role = role.as_str(), "invitation created");
        let me = self.session_info(caller).await?;
        let message = AccountEmail {
            to: email.to_string(),
            subject: format!("{} invited you to {} on Creator Inbox", me.user_name, me.workspace_name),
            text: format!(
                "{} invited you to join {} on Creator Inbox as {}.\n\nJoin here (the link works once, for 7 days):\n{url}\n",
                me.user_name, me.workspace_name, role.with_article()
            ),
        };
        let sent = account_mail::send(self, Some(&caller.workspace_id), &message).await;
        if let Err(why) = &sent {
            tracing::warn!(workspace = %caller.workspace_id, reason = %why, "invitation not emailed");
        }
        Ok(OneTimeLink {
            url,
            expires_at,
            sent_to: sent.is_ok().then(|| message.to.clone()),
            send_error: sent.err(),
        })
    }

    async fn revoke_invitation(
        &self,
        caller: &Caller,
        invitation_id: &str,
    ) -> Result<(), AppError> {
        let now = self.clock.now_ms();
        match team::revoke(
            &self.db,
            &caller.workspace_id,
            invitation_id,
            &caller.user_id,
            now,
        )
        .await
        {
            Ok(true) => Ok(()),
            Ok(false) => Err(AppError::NotFound),
            Err(e) => Err(internal(e)),
        }
    }

    async fn set_member_role(
        &self,
        caller: &Caller,
        user_id: &str,
        role: Role,
    ) -> Result<(), AppError> {
        self.change(caller, user_id, MemberChange::Role(role)).await
    }

    async fn set_member_active(
        &self,
        caller: &Caller,
        user_id: &str,
        active: bool,
    ) -> Result<(), AppError> {
        // Deactivating deletes their sessions here; their open live sockets re-check the session
        // at their next ping and end.
        let change = if active {
            MemberChange::Reactivate
        } else {
            MemberChange::Deactivate
        };
        self.change(caller, user_id, change).await
    }

    async fn issue_reset_link(
        &self,
        caller: &Caller,
        user_id: &str,
    ) -> Result<OneTimeLink, AppError> {
        let members = self.members_of(&caller.workspace_id).await?;
        if !members.iter().any(|m| m.user_id == user_id) {
            return Err(AppError::NotFound);
        }
        let now = self.clock.now_ms();
        let (token, url) = self.link("reset");
        let expires_at = now + rules::RESET_MS;
        passwords::create_reset(
            &self.db,
            user_id,
            &token_hash(&token),
            &caller.user_id,
            now,
            expires_at,
        )
        .await
        .map_err(internal)?;
        Ok(OneTimeLink {
            url,
            expires_at,
            sent_to: None,
            send_error: None,
        })
    }
}
