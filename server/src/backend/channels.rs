//! `app::api::ChannelsApi` for the server: connecting, testing, choosing the default of and
//! disconnecting the workspace's mailboxes, Twilio accounts and Instagram accounts.

use super::internal;
use crate::state::AppState;
use crate::store::{api_channel, instagram_accounts, mailboxes, senders, sms_accounts};
use crate::store::{ChannelConnection, ConnectError, Target};
use app::api::backend::Caller;
use app::api::{AppError, ChannelsApi, ConnectTarget};
use app::domain::email::MailboxConnection;
use app::domain::instagram::InstagramConnection;
use app::domain::outbound_address::WebhookUrl;
use app::domain::twilio::TwilioConnection;
use app::model::{
    ApiChannelSettings, Channel, InstagramSettings, MailboxSettings, SendingIdentity, SmsSettings,
};

/// Connects a channel account for the caller's workspace: stores it with its claims (secrets
/// sealed) and its audit event, forgets the webhook credentials this instance kept (a changed
/// token or key works at once), logs. The provider has already confirmed ownership.
async fn connect<C: ChannelConnection>(
    state: &AppState,
    caller: &Caller,
    target: ConnectTarget,
    connection: &C,
) -> Result<(), AppError> {
    let (ws, secret) = (&caller.workspace_id, &state.config.server_secret);
    let changing = target.id.is_some();
    let target = Target {
        id: target.id,
        label: target.label,
        actor: caller.user_id.clone(),
    };
    let id = match connection
        .store(&state.db, ws, secret, &target, state.clock.now_ms())
        .await
    {
        Ok(id) => id,
        Err(ConnectError::Taken(what)) => {
            tracing::warn!(workspace = %ws, channel = C::CHANNEL, "connection refused: already claimed");
            return Err(AppError::Invalid(C::taken(what)));
        }
        Err(ConnectError::NotFound) => return Err(AppError::NotFound),
        Err(ConnectError::Db(e)) => return Err(internal(e)),
    };
    state.webhook_accounts.clear();
    tracing::info!(workspace = %ws, channel = C::CHANNEL, connection = %id, changing, "channel connected");
    Ok(())
}

fn refused(channel: &str, why: String) -> AppError {
    tracing::warn!(channel, reason = %why, "connection refused by the ownership check");
    AppError::Invalid(why)
}

#[async_trait::async_trait]
impl ChannelsApi for AppState {
    async fn api_channel_settings(&self, caller: &Caller) -> Result<ApiChannelSettings, AppError> {
        let (ws, secret) = (&caller.workspace_id, &self.config.server_secret);
        let new_key = crate::ids::new_secret();
        let now = self.clock.now_ms();
        let kept =
            api_channel::key_and_outbound_url(&self.db, ws, secret, &caller.user_id, &new_key, now)
                .await
                .map_err(internal)?;
        Ok(ApiChannelSettings {
            endpoint: format!("{}/hooks/api/{ws}", self.config.public_url),
            secret: kept.key.ok_or(AppError::Internal)?,
            outbound_url: kept.outbound_url,
            previous_valid_until: kept.previous_until,
        })
    }

    async fn rotate_api_key(&self, caller: &Caller) -> Result<ApiChannelSettings, AppError> {
        let (ws, secret) = (&caller.workspace_id, &self.config.server_secret);
        let new_key = crate::ids::new_secret();
        let now = self.clock.now_ms();
        let rotated = api_channel::rotate_key(&self.db, ws, secret, &caller.user_id, &new_key, now)
            .await
            .map_err(internal)?;
        if !rotated {
            return Err(AppError::Invalid("the API channel has no key yet".into()));
        }
        self.webhook_accounts.clear();
        tracing::info!(workspace = %ws, "API-channel key rotated");
        self.api_channel_settings(caller).await
    }

    async fn set_api_outbound_url(
        &self,
        caller: &Caller,
        url: Option<&WebhookUrl>,
    ) -> Result<ApiChannelSettings, AppError> {
        if let Some(u) = url {
            self.config.outbound.webhook(u).await.map_err(|why| {
                tracing::warn!(workspace = %caller.workspace_id, "outbound webhook refused");
                AppError::Invalid(why.to_string())
            })?;
        }
        let url = url.map(|u| u.url.as_str());
        api_channel::set_outbound_url(&self.db, &caller.workspace_id, url)
            .await
            .map_err(internal)?;
        tracing::info!(workspace = %caller.workspace_id, set = url.is_some(), "API channel outbound webhook changed");
        self.api_channel_settings(caller).await
    }

    async fn sms_settings(&self, caller: &Caller) -> Result<SmsSettings, AppError> {
        sms_accounts::settings(
            &self.db,
            &caller.workspace_id,
            crate::channels::twilio_sms::webhook_url(&self.config),
            crate::channels::twilio_status::callback_url(&self.config),
        )
        .await
        .map_err(internal)
    }

    async fn connect_sms(
        &self,
        caller: &Caller,
        target: ConnectTarget,
        connection: TwilioConnection,
    ) -> Result<SmsSettings, AppError> {
        let c = &self.config;
        crate::outbound::ownership::twilio(
            &crate::outbound::http_client(self.config.provider_timeout),
            &c.twilio_api_url,
            &c.twilio_messaging_url,
            &connection,
        )
        .await
        .map_err(|why| refused("sms", why))?;
        connect(self, caller, target, &connection).await?;
        self.sms_settings(caller).await
    }

    async fn instagram_settings(&self, caller: &Caller) -> Result<InstagramSettings, AppError> {
        let c = &self.config;
        instagram_accounts::settings(
            &self.db,
            &caller.workspace_id,
            c.meta_app_secret.is_some() && c.meta_verify_token.is_some(),
            format!("{}{}", c.public_url, crate::channels::instagram::PATH),
        )
        .await
        .map_err(internal)
    }

    async fn connect_instagram(
        &self,
        caller: &Caller,
        mut target: ConnectTarget,
        mut connection: InstagramConnection,
    ) -> Result<InstagramSettings, AppError> {
        let username = crate::outbound::ownership::instagram(
            &crate::outbound::http_client(self.config.provider_timeout),
            &self.config.graph_api_url,
            &connection,
        )
        .await
        .map_err(|why| refused("instagram", why))?;
        // Meta's own answer names the account better than what was typed (and than its id, when
        // no label was given).
        if let Some(u) = username {
            if target.label == connection.account_id {
                target.label = u.clone();
            }
            connection.username = Some(u);
        }
        connect(self, caller, target, &connection).await?;
        self.instagram_settings(caller).await
    }

    async fn mailbox_settings(&self, caller: &Caller) -> Result<MailboxSettings, AppError> {
        mailboxes::settings(&self.db, &caller.workspace_id)
            .await
            .map_err(internal)
    }

    async fn connect_mailbox(
        &self,
        caller: &Caller,
        target: ConnectTarget,
        connection: MailboxConnection,
    ) -> Result<MailboxSettings, AppError> {
        for (kind, s) in [("IMAP", &connection.imap), ("SMTP", &connection.smtp)] {
            if let Err(why) = self.config.outbound.resolve(&s.host, s.port).await {
                tracing::warn!(workspace = %caller.workspace_id, kind, "mailbox server refused");
                return Err(AppError::Invalid(format!("{kind}: {why}")));
            }
        }
        connect(self, caller, target, &connection).await?;
        self.mailbox_settings(caller).await
    }

    async fn test_mailbox(&self, caller: &Caller, id: Option<&str>) -> Result<String, AppError> {
        let m = mailboxes::of_workspace(
            &self.db,
            &caller.workspace_id,
            id,
            &self.config.server_secret,
        )
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::Invalid("no mailbox is connected".into()))?;
        let policy = &self.config.outbound;
        let imap = match crate::channels::email_imap::open(&m, policy).await {
            Ok(mut s) => {
                let _ = s.logout().await;
                Ok(())
            }
            Err(e) => {
                tracing::info!(workspace = %caller.workspace_id, error = ?e, "mailbox test: IMAP failed");
                Err(format!("IMAP: {e}"))
            }
        };
        let smtp = crate::outbound::email_send::test_connection(&m, policy).await;
        match (imap, smtp) {
            (Ok(()), Ok(())) => Ok("IMAP and SMTP both accept the sign-in.".to_string()),
            (Err(a), Err(b)) => Err(AppError::Invalid(format!("{a}; {b}"))),
            (Err(e), _) | (_, Err(e)) => Err(AppError::Invalid(e)),
        }
    }

    async fn test_channel(
        &self,
        caller: &Caller,
        channel: Channel,
        id: Option<&str>,
    ) -> Result<String, AppError> {
        let http = crate::outbound::http_client(self.config.provider_timeout);
        let (c, ws) = (&self.config, caller.workspace_id.as_str());
        let result = match channel {
            Channel::Sms => {
                let number = match id {
                    Some(id) => Some(
                        sms_accounts::first_number(&self.db, ws, id)
                            .await
                            .map_err(internal)?
                            .ok_or(AppError::NotFound)?,
                    ),
                    None => None,
                };
                match crate::outbound::twilio_send::account(
                    &self.db,
                    ws,
                    number.as_deref(),
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
                match instagram_accounts::credentials(&self.db, ws, id, &c.server_secret)
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
                    Some((_, None)) => Err("the Instagram connection must be entered again".into()),
                    None => Err("Instagram is not connected".into()),
                }
            }
            _ => Err("only SMS and Instagram are tested this way".into()),
        };
        result.map_err(AppError::Invalid)
    }

    async fn disconnect_channel(
        &self,
        caller: &Caller,
        channel: Channel,
        id: &str,
    ) -> Result<(), AppError> {
        let found = senders::disconnect(
            &self.db,
            &caller.workspace_id,
            &caller.user_id,
            channel,
            id,
            self.clock.now_ms(),
        )
        .await
        .map_err(internal)?;
        if !found {
            return Err(AppError::NotFound);
        }
        self.webhook_accounts.clear();
        tracing::info!(workspace = %caller.workspace_id, channel = channel.as_str(), connection = %id, "channel disconnected");
        Ok(())
    }

    async fn set_default_channel(
        &self,
        caller: &Caller,
        channel: Channel,
        id: &str,
    ) -> Result<(), AppError> {
        let found = senders::set_default(
            &self.db,
            &caller.workspace_id,
            &caller.user_id,
            channel,
            id,
            self.clock.now_ms(),
        )
        .await
        .map_err(internal)?;
        if !found {
            return Err(AppError::NotFound);
        }
        tracing::info!(workspace = %caller.workspace_id, channel = channel.as_str(), connection = %id, "default sender changed");
        Ok(())
    }

    async fn sending_identities(&self, caller: &Caller) -> Result<Vec<SendingIdentity>, AppError> {
        senders::identities(&self.db, &caller.workspace_id)
            .await
            .map_err(internal)
    }
}
