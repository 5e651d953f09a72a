//! The server's implementation of `app::api::backend::Backend`: the server functions' only way
//! to reach storage. Errors are logged here with their details and reach the browser as safe
//! `AppError`s.

use crate::auth::{self, SignInError};
use crate::clock::Clock;
use crate::config::Config;
use crate::db::{exec, first, Db, DbError};
use crate::store::thread_write::WriteError;
use crate::store::{inbox, thread_write, threads};
use app::api::backend::{Backend, BackendResult, Caller, NewSession};
use app::api::AppError;
use app::domain::filter::InboxFilter;
use app::model::*;
use std::sync::Arc;

mod review;

#[derive(Clone)]
pub struct SurrealBackend {
    pub db: Db,
    pub clock: Clock,
    pub config: Arc<Config>,
    /// Wakes this instance's outbound dispatcher when a send job is queued here.
    pub outbound: crate::outbound::Wake,
    /// Stores provider webhooks' inbound messages in groups.
    pub ingest: crate::store::inbound::Ingester,
    /// Wakes this instance's automation worker (it also polls).
    pub automation: crate::outbound::Wake,
    /// Webhook credentials read in the last few seconds.
    pub webhook_accounts: Arc<crate::channels::kept::WebhookAccounts>,
}

pub(crate) fn internal(e: DbError) -> AppError {
    tracing::error!(error = %e, "storage error");
    AppError::Internal
}

/// A channel connection's outcome as the browser sees it; `taken` words the clash.
fn connected(
    r: Result<(), crate::store::ConnectError>,
    taken: impl FnOnce(String) -> String,
) -> Result<(), AppError> {
    match r {
        Ok(()) => Ok(()),
        Err(crate::store::ConnectError::Taken(what)) => Err(AppError::Invalid(taken(what))),
        Err(crate::store::ConnectError::Db(e)) => Err(internal(e)),
    }
}

pub(crate) fn write_error(e: WriteError) -> AppError {
    match e {
        WriteError::NotFound => AppError::NotFound,
        WriteError::Invalid(m) => AppError::Invalid(m),
        WriteError::Forbidden(m) => AppError::Forbidden(m),
        WriteError::Db(e) => internal(e),
    }
}

impl SurrealBackend {
    /// The thread a portal token opens now, or `NotFound` (whatever the reason).
    async fn portal_session(
        &self,
        token: &str,
        now: i64,
    ) -> Result<crate::store::portal::PortalSession, AppError> {
        crate::store::portal::resolve(&self.db, token, now)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)
    }

    pub fn new(db: Db, clock: Clock, config: Config) -> SurrealBackend {
        SurrealBackend {
            ingest: crate::store::inbound::Ingester::new(db.clone()),
            db,
            clock,
            config: Arc::new(config),
            outbound: crate::outbound::Wake::default(),
            automation: crate::outbound::Wake::default(),
            webhook_accounts: Default::default(),
        }
    }

    fn sms_webhook_url(&self) -> String {
        format!(
            "{}{}",
            self.config.public_url,
            crate::channels::twilio_sms::PATH
        )
    }

    /// Where Twilio reports on the SMS we send (named on every message sent).
    pub fn sms_status_url(&self) -> String {
        format!(
            "{}{}",
            self.config.public_url,
            crate::channels::twilio_status::PATH
        )
    }

    async fn load_session_info(&self, caller: &Caller) -> Result<SessionInfo, DbError> {
        #[derive(serde::Deserialize)]
        struct Row {
            user_name: String,
            email: String,
            workspace_name: String,
        }
        let mut resp = exec(
            &self.db,
            "SELECT name AS user_name, email, (SELECT VALUE name FROM ONLY type::record('workspace', $ws)) AS workspace_name
             FROM ONLY type::record('user', $user);",
            serde_json::json!({ "user": caller.user_id, "ws": caller.workspace_id }),
        )
        .await?;
        let row: Row =
            first(&mut resp, 0)?.ok_or_else(|| DbError::Other("session user is gone".into()))?;
        Ok(SessionInfo {
            user_id: caller.user_id.clone(),
            user_name: row.user_name,
            email: row.email,
            workspace_id: caller.workspace_id.clone(),
            workspace_name: row.workspace_name,
            role: caller.role,
            business_hours: crate::store::inbox::business_hours(&self.db, &caller.workspace_id)
                .await?,
        })
    }
}

impl Backend for SurrealBackend {
    fn secure_cookies(&self) -> bool {
        self.config.secure_cookies()
    }

    fn sign_in<'a>(&'a self, email: &'a str, password: &'a str) -> BackendResult<'a, NewSession> {
        Box::pin(async move {
            let now = self.clock.now_ms();
            let (token, caller) = auth::sign_in(&self.db, email, password, now)
                .await
                .map_err(|e| match e {
                    SignInError::Wrong => {
                        AppError::Invalid("that email and password do not match".into())
                    }
                    SignInError::Throttled(secs) => AppError::Throttled(secs),
                    SignInError::NoWorkspace => {
                        AppError::Forbidden("this account belongs to no workspace".into())
                    }
                    SignInError::Db(e) => internal(e),
                })?;
            let info = self.load_session_info(&caller).await.map_err(internal)?;
            tracing::info!(user = %caller.user_id, workspace = %caller.workspace_id, "signed in");
            Ok(NewSession {
                token,
                max_age_secs: auth::SESSION_DAYS * 24 * 3600,
                info,
            })
        })
    }

    fn sign_out<'a>(&'a self, session_token: &'a str) -> BackendResult<'a, ()> {
        Box::pin(async move {
            auth::sign_out(&self.db, session_token)
                .await
                .map_err(internal)
        })
    }

    fn authenticate<'a>(&'a self, session_token: &'a str) -> BackendResult<'a, Caller> {
        Box::pin(async move {
            auth::authenticate(&self.db, session_token, self.clock.now_ms())
                .await
                .map_err(internal)?
                .ok_or(AppError::Unauthorized)
        })
    }

    fn session_info<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, SessionInfo> {
        Box::pin(async move { self.load_session_info(caller).await.map_err(internal) })
    }

    fn list_threads<'a>(
        &'a self,
        caller: &'a Caller,
        filter: &'a InboxFilter,
        after: Option<Cursor>,
    ) -> BackendResult<'a, InboxPage> {
        Box::pin(async move {
            inbox::list_threads(&self.db, caller, filter, after, self.clock.now_ms())
                .await
                .map_err(internal)
        })
    }

    fn inbox_counts<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, InboxCounts> {
        Box::pin(async move {
            let mut counts = inbox::counts(&self.db, caller, self.clock.now_ms())
                .await
                .map_err(internal)?;
            counts.unmatched = crate::store::unmatched::count(&self.db, caller)
                .await
                .map_err(internal)?;
            (counts.approvals, counts.notifications) =
                crate::store::drafts::counts(&self.db, caller)
                    .await
                    .map_err(internal)?;
            Ok(counts)
        })
    }

    fn filter_options<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, FilterOptions> {
        Box::pin(async move {
            inbox::filter_options(&self.db, caller)
                .await
                .map_err(internal)
        })
    }

    fn thread_detail<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: &'a str,
    ) -> BackendResult<'a, ThreadDetail> {
        Box::pin(async move {
            threads::detail(&self.db, caller, thread_id, self.clock.now_ms())
                .await
                .map_err(internal)?
                .ok_or(AppError::NotFound)
        })
    }

    fn mark_read<'a>(&'a self, caller: &'a Caller, thread_id: &'a str) -> BackendResult<'a, ()> {
        Box::pin(async move {
            thread_write::mark_read(&self.db, caller, thread_id)
                .await
                .map_err(write_error)
        })
    }

    fn post_message<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: &'a str,
        kind: ComposeKind,
        text: &'a str,
        channel: Option<Channel>,
    ) -> BackendResult<'a, MessageView> {
        Box::pin(async move {
            let now = self.clock.now_ms();
            let domain = self.config.email_domain();
            let compose = thread_write::Compose {
                kind,
                text,
                channel,
            };
            let m = thread_write::post_message(&self.db, caller, thread_id, compose, &domain, now)
                .await
                .map_err(write_error)?;
            if m.status == DeliveryStatus::Queued {
                self.outbound.ring();
            }
            if m.direction == Direction::Outbound {
                crate::store::followups::replan_after(
                    &self.db,
                    &caller.workspace_id,
                    thread_id,
                    app::domain::followup::Cancel::NotNeeded,
                    now,
                )
                .await;
            }
            Ok(m)
        })
    }

    fn retry_message<'a>(
        &'a self,
        caller: &'a Caller,
        message_id: &'a str,
    ) -> BackendResult<'a, ()> {
        Box::pin(async move {
            let now = self.clock.now_ms();
            // The message must be in a thread the caller may see.
            let mut resp = exec(
                &self.db,
                "SELECT VALUE record::id(thread) FROM ONLY type::record('message', $mid)
                     WHERE workspace = type::record('workspace', $ws);",
                serde_json::json!({ "mid": message_id, "ws": caller.workspace_id }),
            )
            .await
            .map_err(internal)?;
            let thread: Option<String> = resp.take(0).map_err(|e| internal(e.into()))?;
            let thread = thread.ok_or(AppError::NotFound)?;
            threads::find(&self.db, caller, &thread)
                .await
                .map_err(internal)?
                .ok_or(AppError::NotFound)?;
            let ok = crate::outbound::jobs::requeue(
                &self.db,
                &caller.workspace_id,
                message_id,
                &caller.user_id,
                now,
            )
            .await
            .map_err(internal)?;
            if !ok {
                return Err(AppError::Invalid(
                    "only a message that failed to send can be retried".into(),
                ));
            }
            self.outbound.ring();
            Ok(())
        })
    }

    fn set_api_outbound_url<'a>(
        &'a self,
        caller: &'a Caller,
        url: Option<&'a str>,
    ) -> BackendResult<'a, ApiChannelSettings> {
        Box::pin(async move {
            exec(
                &self.db,
                "UPDATE type::record('workspace', $ws) SET api_outbound_url = $url;",
                serde_json::json!({ "ws": caller.workspace_id, "url": url }),
            )
            .await
            .map_err(internal)?;
            tracing::info!(workspace = %caller.workspace_id, set = url.is_some(), "API channel outbound webhook changed");
            self.api_channel_settings(caller).await
        })
    }

    fn set_stage<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: &'a str,
        stage: Stage,
        reason: Option<DeclineReason>,
    ) -> BackendResult<'a, EnrollmentView> {
        Box::pin(async move {
            let view = thread_write::set_stage(
                &self.db,
                caller,
                thread_id,
                stage,
                reason,
                self.clock.now_ms(),
            )
            .await
            .map_err(write_error)?;
            crate::store::followups::replan_after(
                &self.db,
                &caller.workspace_id,
                thread_id,
                app::domain::followup::Cancel::StageChanged,
                self.clock.now_ms(),
            )
            .await;
            Ok(view)
        })
    }

    fn set_assignee<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: &'a str,
        assignee_id: Option<&'a str>,
    ) -> BackendResult<'a, EnrollmentView> {
        Box::pin(async move {
            thread_write::set_assignee(
                &self.db,
                caller,
                thread_id,
                assignee_id,
                self.clock.now_ms(),
            )
            .await
            .map_err(write_error)
        })
    }

    fn api_channel_settings<'a>(
        &'a self,
        caller: &'a Caller,
    ) -> BackendResult<'a, ApiChannelSettings> {
        Box::pin(async move {
            let secret = crate::ids::new_secret();
            // Keep an existing key; create one only if there is none yet.
            let mut resp = exec(
                &self.db,
                "UPDATE type::record('workspace', $ws) SET api_secret = $secret WHERE api_secret = NONE;
                 SELECT VALUE api_secret FROM ONLY type::record('workspace', $ws);
                 SELECT VALUE api_outbound_url FROM ONLY type::record('workspace', $ws);",
                serde_json::json!({ "ws": caller.workspace_id, "secret": secret }),
            )
            .await
            .map_err(internal)?;
            let secret: Option<String> = resp.take(1).map_err(|e| internal(e.into()))?;
            let outbound_url: Option<String> = resp.take(2).map_err(|e| internal(e.into()))?;
            Ok(ApiChannelSettings {
                endpoint: format!(
                    "{}/hooks/api/{}",
                    self.config.public_url, caller.workspace_id
                ),
                secret: secret.ok_or(AppError::Internal)?,
                outbound_url,
            })
        })
    }

    fn sms_settings<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, SmsSettings> {
        Box::pin(async move {
            crate::store::sms_accounts::settings(
                &self.db,
                &caller.workspace_id,
                self.sms_webhook_url(),
                self.sms_status_url(),
            )
            .await
            .map_err(internal)
        })
    }

    fn move_message<'a>(
        &'a self,
        caller: &'a Caller,
        message_id: &'a str,
        to_thread: &'a str,
    ) -> BackendResult<'a, ()> {
        Box::pin(async move {
            crate::store::moves::move_message(
                &self.db,
                caller,
                message_id,
                to_thread,
                self.clock.now_ms(),
            )
            .await
            .map_err(write_error)
        })
    }

    fn merge_creators<'a>(
        &'a self,
        caller: &'a Caller,
        keep: &'a str,
        duplicate: &'a str,
    ) -> BackendResult<'a, String> {
        Box::pin(async move {
            crate::store::merge::merge(&self.db, caller, keep, duplicate, self.clock.now_ms())
                .await
                .map_err(write_error)
        })
    }

    fn undo_merge<'a>(&'a self, caller: &'a Caller, merge_id: &'a str) -> BackendResult<'a, ()> {
        Box::pin(async move {
            crate::store::merge::undo(&self.db, caller, merge_id, self.clock.now_ms())
                .await
                .map_err(write_error)
        })
    }

    fn portal_view<'a>(&'a self, token: &'a str) -> BackendResult<'a, PortalView> {
        Box::pin(async move {
            use crate::store::portal;
            let now = self.clock.now_ms();
            let session = self.portal_session(token, now).await?;
            portal::view(&self.db, &session, now)
                .await
                .map_err(internal)?
                .ok_or(AppError::NotFound)
        })
    }

    fn portal_reply<'a>(&'a self, token: &'a str, text: &'a str) -> BackendResult<'a, MessageView> {
        Box::pin(async move {
            use crate::store::portal;
            let now = self.clock.now_ms();
            let session = self.portal_session(token, now).await?;
            portal::reply(&self.db, &session, text, now)
                .await
                .map_err(internal)?
                .ok_or(AppError::NotFound)
        })
    }

    fn create_portal_link<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: &'a str,
    ) -> BackendResult<'a, PortalLink> {
        Box::pin(async move {
            let (token, expires_at) =
                crate::store::portal::create(&self.db, caller, thread_id, self.clock.now_ms())
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
        })
    }

    fn revoke_portal_link<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: &'a str,
    ) -> BackendResult<'a, ()> {
        Box::pin(async move {
            crate::store::portal::revoke(&self.db, caller, thread_id, self.clock.now_ms())
                .await
                .map_err(write_error)
        })
    }

    fn mailbox_settings<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, MailboxSettings> {
        Box::pin(async move {
            crate::store::mailboxes::settings(&self.db, &caller.workspace_id)
                .await
                .map_err(internal)
        })
    }

    fn connect_mailbox<'a>(
        &'a self,
        caller: &'a Caller,
        connection: app::domain::email::MailboxConnection,
    ) -> BackendResult<'a, MailboxSettings> {
        Box::pin(async move {
            connected(
                crate::store::mailboxes::connect(
                    &self.db,
                    &caller.workspace_id,
                    &self.config.server_secret,
                    &connection,
                    self.clock.now_ms(),
                )
                .await,
                |_| "that address is connected to another workspace".into(),
            )?;
            tracing::info!(workspace = %caller.workspace_id, "mailbox connected");
            self.mailbox_settings(caller).await
        })
    }

    fn test_mailbox<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, String> {
        Box::pin(async move {
            let m = crate::store::mailboxes::load(
                &self.db,
                &caller.workspace_id,
                &self.config.server_secret,
            )
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::Invalid("no mailbox is connected".into()))?;
            let imap = match crate::channels::email_imap::open(&m).await {
                Ok(mut s) => {
                    let _ = s.logout().await;
                    Ok(())
                }
                Err(e) => Err(format!("IMAP: {e}")),
            };
            let smtp = crate::outbound::email_send::test_connection(&m).await;
            match (imap, smtp) {
                (Ok(()), Ok(())) => Ok("IMAP and SMTP both accept the sign-in.".to_string()),
                (Err(a), Err(b)) => Err(AppError::Invalid(format!("{a}; {b}"))),
                (Err(e), _) | (_, Err(e)) => Err(AppError::Invalid(e)),
            }
        })
    }

    fn instagram_settings<'a>(
        &'a self,
        caller: &'a Caller,
    ) -> BackendResult<'a, InstagramSettings> {
        Box::pin(async move {
            let c = &self.config;
            crate::store::instagram_accounts::settings(
                &self.db,
                &caller.workspace_id,
                c.meta_app_secret.is_some() && c.meta_verify_token.is_some(),
                format!("{}{}", c.public_url, crate::channels::instagram::PATH),
            )
            .await
            .map_err(internal)
        })
    }

    fn connect_instagram<'a>(
        &'a self,
        caller: &'a Caller,
        connection: app::domain::instagram::InstagramConnection,
    ) -> BackendResult<'a, InstagramSettings> {
        Box::pin(async move {
            connected(
                crate::store::instagram_accounts::connect(
                    &self.db,
                    &caller.workspace_id,
                    &self.config.server_secret,
                    &connection,
                    self.clock.now_ms(),
                )
                .await,
                |_| "that Instagram account is connected to another workspace".into(),
            )?;
            self.webhook_accounts.clear();
            tracing::info!(workspace = %caller.workspace_id, "Instagram account connected");
            self.instagram_settings(caller).await
        })
    }

    fn test_channel<'a>(
        &'a self,
        caller: &'a Caller,
        channel: Channel,
    ) -> BackendResult<'a, String> {
        Box::pin(async move {
            let http = crate::outbound::http_client();
            let c = &self.config;
            let result = match channel {
                Channel::Sms => {
                    match crate::outbound::twilio_send::account(
                        &self.db,
                        &caller.workspace_id,
                        &c.server_secret,
                    )
                    .await
                    .map_err(internal)?
                    {
                        Ok(a) => {
                            crate::outbound::twilio_send::test_account(&http, &c.twilio_api_url, &a)
                                .await
                        }
                        Err(e) => Err(e.reason),
                    }
                }
                Channel::Instagram => {
                    match crate::store::instagram_accounts::credentials(
                        &self.db,
                        &caller.workspace_id,
                        &c.server_secret,
                    )
                    .await
                    .map_err(internal)?
                    {
                        Some((account, Some(token))) => {
                            crate::outbound::instagram_send::test_account(
                                &http,
                                &c.graph_api_url,
                                &account,
                                &token,
                            )
                            .await
                        }
                        Some((_, None)) => {
                            Err("the Instagram connection must be entered again".into())
                        }
                        None => Err("Instagram is not connected".into()),
                    }
                }
                _ => Err("only SMS and Instagram are tested this way".into()),
            };
            result.map_err(AppError::Invalid)
        })
    }

    fn connect_sms<'a>(
        &'a self,
        caller: &'a Caller,
        connection: app::domain::twilio::TwilioConnection,
    ) -> BackendResult<'a, SmsSettings> {
        Box::pin(async move {
            connected(
                crate::store::sms_accounts::connect(
                    &self.db,
                    &caller.workspace_id,
                    &self.config.server_secret,
                    &connection,
                    self.clock.now_ms(),
                )
                .await,
                |n| format!("{n} already receives messages in another workspace"),
            )?;
            self.webhook_accounts.clear();
            tracing::info!(workspace = %caller.workspace_id, numbers = connection.numbers.len(), "SMS account connected");
            self.sms_settings(caller).await
        })
    }

    fn list_unmatched<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, Vec<UnmatchedView>> {
        Box::pin(async move {
            crate::store::unmatched::list(&self.db, caller)
                .await
                .map_err(internal)
        })
    }

    fn creator_options<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, Vec<NamedRef>> {
        Box::pin(async move {
            crate::store::unmatched::creator_options(&self.db, caller)
                .await
                .map_err(internal)
        })
    }

    fn create_creator_from_unmatched<'a>(
        &'a self,
        caller: &'a Caller,
        unmatched_id: &'a str,
        name: &'a str,
        campaign_id: &'a str,
    ) -> BackendResult<'a, String> {
        Box::pin(async move {
            use crate::store::unmatched::{create_creator, link, LinkError};
            let creator = create_creator(
                &self.db,
                caller,
                unmatched_id,
                name,
                campaign_id,
                self.clock.now_ms(),
            )
            .await;
            let to_error = |e: LinkError| match e {
                LinkError::NotFound => AppError::NotFound,
                LinkError::NoThread => {
                    AppError::Invalid("that campaign cannot take creators".into())
                }
                LinkError::Db(e) => internal(e),
            };
            let creator = creator.map_err(to_error)?;
            link(&self.db, caller, unmatched_id, &creator)
                .await
                .map_err(to_error)
        })
    }

    fn link_unmatched<'a>(
        &'a self,
        caller: &'a Caller,
        unmatched_id: &'a str,
        creator_id: &'a str,
    ) -> BackendResult<'a, String> {
        Box::pin(async move {
            use crate::store::unmatched::{link, LinkError};
            link(&self.db, caller, unmatched_id, creator_id)
                .await
                .map_err(|e| match e {
                    LinkError::NotFound => AppError::NotFound,
                    LinkError::NoThread => {
                        AppError::Invalid("that creator is in no campaign yet".into())
                    }
                    LinkError::Db(e) => internal(e),
                })
        })
    }

    fn approval_queue<'a>(
        &'a self,
        caller: &'a Caller,
        query: &'a DraftQuery,
    ) -> BackendResult<'a, ApprovalQueue> {
        Box::pin(self.review_queue(caller, query))
    }

    fn approve_draft<'a>(
        &'a self,
        caller: &'a Caller,
        draft_id: &'a str,
        text: Option<&'a str>,
    ) -> BackendResult<'a, MessageView> {
        Box::pin(self.review_approve(caller, draft_id, text))
    }

    fn reject_draft<'a>(
        &'a self,
        caller: &'a Caller,
        draft_id: &'a str,
        comment: &'a str,
    ) -> BackendResult<'a, ()> {
        Box::pin(self.review_reject(caller, draft_id, comment))
    }

    fn edit_draft<'a>(
        &'a self,
        caller: &'a Caller,
        draft_id: &'a str,
        text: &'a str,
    ) -> BackendResult<'a, DraftView> {
        Box::pin(self.review_edit(caller, draft_id, text))
    }

    fn notifications<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, Vec<NotificationView>> {
        Box::pin(self.my_notifications(caller))
    }

    fn mark_notifications_read<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: Option<&'a str>,
    ) -> BackendResult<'a, ()> {
        Box::pin(self.read_notifications(caller, thread_id))
    }

    fn audit_log<'a>(
        &'a self,
        caller: &'a Caller,
        query: &'a AuditQuery,
        limit: usize,
    ) -> BackendResult<'a, Vec<AuditView>> {
        Box::pin(self.audit_events(caller, query, limit))
    }

    fn policy_settings<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, PolicySettings> {
        Box::pin(self.policies(caller))
    }

    fn set_campaign_policy<'a>(
        &'a self,
        caller: &'a Caller,
        campaign_id: &'a str,
        policy: Option<&'a app::domain::policy::ResponsePolicy>,
    ) -> BackendResult<'a, PolicySettings> {
        Box::pin(self.change_policy(caller, campaign_id, policy))
    }

    fn set_reply_timer<'a>(
        &'a self,
        caller: &'a Caller,
        escalate_after_hours: Option<u32>,
        business_hours: Option<app::domain::reply_clock::BusinessHours>,
    ) -> BackendResult<'a, PolicySettings> {
        Box::pin(async move {
            let timer = crate::store::policies::ReplyTimer {
                escalate_after_hours,
                business_hours,
            };
            crate::store::policies::set_reply_timer(&self.db, caller, &timer, self.clock.now_ms())
                .await
                .map_err(write_error)?;
            self.policies(caller).await
        })
    }

    fn set_campaign_followups<'a>(
        &'a self,
        caller: &'a Caller,
        campaign_id: &'a str,
        rules: Option<&'a [app::domain::followup::RuleSetting]>,
    ) -> BackendResult<'a, PolicySettings> {
        Box::pin(self.change_followups(caller, campaign_id, rules))
    }

    fn save_language<'a>(
        &'a self,
        caller: &'a Caller,
        snippet: &'a app::domain::language::Snippet,
    ) -> BackendResult<'a, PolicySettings> {
        Box::pin(self.change_language(caller, snippet))
    }

    fn snooze_thread<'a>(
        &'a self,
        caller: &'a Caller,
        thread_id: &'a str,
        until: Option<i64>,
        until_reply: bool,
    ) -> BackendResult<'a, ()> {
        Box::pin(async move {
            let request = app::domain::snooze::request(until, until_reply);
            thread_write::snooze(&self.db, caller, thread_id, request, self.clock.now_ms())
                .await
                .map_err(write_error)
        })
    }

    fn bulk_preview<'a>(
        &'a self,
        caller: &'a Caller,
        selection: &'a bulk::BulkSelection,
        compose: &'a bulk::BulkCompose,
        sample: Option<&'a str>,
    ) -> BackendResult<'a, bulk::BulkPreview> {
        Box::pin(self.preview_bulk(caller, selection, compose, sample))
    }

    fn create_bulk<'a>(
        &'a self,
        caller: &'a Caller,
        selection: &'a bulk::BulkSelection,
        compose: &'a bulk::BulkCompose,
        schedule_at: Option<i64>,
    ) -> BackendResult<'a, String> {
        Box::pin(self.new_bulk(caller, selection, compose, schedule_at))
    }

    fn bulk_view<'a>(
        &'a self,
        caller: &'a Caller,
        id: &'a str,
    ) -> BackendResult<'a, bulk::BulkView> {
        Box::pin(self.one_bulk(caller, id))
    }

    fn bulk_list<'a>(&'a self, caller: &'a Caller) -> BackendResult<'a, Vec<bulk::BulkView>> {
        Box::pin(self.recent_bulk(caller))
    }

    fn decide_bulk<'a>(
        &'a self,
        caller: &'a Caller,
        id: &'a str,
        approve: bool,
    ) -> BackendResult<'a, bulk::BulkView> {
        Box::pin(self.approve_bulk(caller, id, approve))
    }

    fn cancel_bulk<'a>(
        &'a self,
        caller: &'a Caller,
        id: &'a str,
    ) -> BackendResult<'a, bulk::BulkView> {
        Box::pin(self.stop_bulk(caller, id))
    }

    fn retry_bulk<'a>(
        &'a self,
        caller: &'a Caller,
        id: &'a str,
    ) -> BackendResult<'a, bulk::BulkView> {
        Box::pin(self.requeue_bulk(caller, id))
    }

    fn count_matching<'a>(
        &'a self,
        caller: &'a Caller,
        filter: &'a InboxFilter,
    ) -> BackendResult<'a, u64> {
        Box::pin(async move {
            inbox::count_matching(&self.db, caller, filter, self.clock.now_ms())
                .await
                .map_err(internal)
        })
    }
}
