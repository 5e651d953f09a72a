//! Emails to people about their account — an invitation, a password reset link — through the
//! workspace's connected mailbox when it has one, else the server-wide relay (`INBOX_SMTP_URL`,
//! sending as `INBOX_MAIL_FROM`). Logged without the address, the link or the body.

use super::email_send;
use crate::state::AppState;
use crate::store::mailboxes;
use lettre::message::{header::ContentType, Mailbox as Address};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub struct AccountEmail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

fn message(from: Address, email: &AccountEmail) -> Result<Message, String> {
    let to: Address = email
        .to
        .parse()
        .map_err(|_| "the address is not valid".to_string())?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(email.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(email.text.clone())
        .map_err(|e| format!("the email could not be built: {e}"))
}

/// Sends `email` from `workspace`'s mailbox or the relay; where it went from, or why it could
/// not be sent (no mailbox and no relay, or the server refused).
pub async fn send(
    state: &AppState,
    workspace: Option<&str>,
    email: &AccountEmail,
) -> Result<String, String> {
    if let Some(ws) = workspace {
        let mailbox = mailboxes::of_workspace(&state.db, ws, None, &state.config.server_secret)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "reading the mailbox for an account email");
                "the mailbox could not be read".to_string()
            })?;
        if let Some(m) = mailbox {
            let from_address = m
                .address
                .parse()
                .map_err(|_| "the mailbox address is not valid".to_string())?;
            let from = Address::new(
                (!m.display_name.is_empty()).then(|| m.display_name.clone()),
                from_address,
            );
            email_send::send(
                &m,
                message(from, email)?,
                &state.config.outbound,
                state.config.provider_timeout,
            )
            .await
            .map_err(|e| e.reason)?;
            return Ok(format!("the workspace's mailbox {}", m.address));
        }
    }
    let Some(relay) = &state.config.smtp_relay else {
        return Err("no mailbox is connected and the server has no mail relay".into());
    };
    let from: Address = relay
        .from
        .parse()
        .map_err(|_| "INBOX_MAIL_FROM is not an address".to_string())?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&relay.url)
        .map_err(|e| format!("the mail relay's settings: {e}"))?
        .timeout(Some(std::time::Duration::from_secs(20)))
        .build();
    match transport.send(message(from, email)?).await {
        Ok(_) => Ok("the server's mail relay".into()),
        Err(e) => {
            tracing::warn!(error = %e, "the mail relay refused an account email");
            Err("the mail relay did not take it".into())
        }
    }
}
