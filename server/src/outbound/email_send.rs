//! Sending a reply by email through the workspace's SMTP server (lettre), with our own
//! Message-ID and the In-Reply-To / References of the conversation so the creator's mail client
//! threads it. The Message-ID is fixed when the reply is written, so a retried attempt sends the
//! same id and a creator's answer threads back whichever attempt reached them.

use super::SendError;
use crate::store::mailboxes::Mailbox;
use app::domain::email::TlsMode;
use lettre::message::{header::ContentType, Mailbox as Address};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

pub use crate::store::send_reads::OutgoingEmail as Outgoing;

/// The email as it goes on the wire.
pub fn build(mailbox: &Mailbox, to: &str, out: &Outgoing) -> Result<Message, SendError> {
    let from = Address::new(
        (!mailbox.display_name.is_empty()).then(|| mailbox.display_name.clone()),
        mailbox
            .address
            .parse()
            .map_err(|_| SendError::permanent("the mailbox address is not valid"))?,
    );
    let to: Address = to
        .parse()
        .map_err(|_| SendError::permanent(format!("{to} is not an email address")))?;
    let mut b = Message::builder()
        .from(from)
        .to(to)
        .subject(out.subject.clone().unwrap_or_default())
        .header(ContentType::TEXT_PLAIN);
    if let Some(id) = &out.email_message_id {
        b = b.message_id(Some(format!("<{id}>")));
    }
    let refs = out.email_references.clone().unwrap_or_default();
    if let Some(last) = refs.last() {
        b = b.in_reply_to(format!("<{last}>")).references(
            refs.iter()
                .map(|r| format!("<{r}>"))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    b.body(out.text.clone())
        .map_err(|e| SendError::permanent(format!("the email could not be built: {e}")))
}

fn transport(m: &Mailbox) -> Result<AsyncSmtpTransport<Tokio1Executor>, SendError> {
    let s = &m.smtp;
    let builder = match s.tls {
        TlsMode::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host),
        TlsMode::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host),
        TlsMode::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
            &s.host,
        )),
    }
    .map_err(|e| SendError::permanent(format!("SMTP settings: {e}")))?;
    let mechanisms = if m.xoauth2 {
        vec![Mechanism::Xoauth2]
    } else {
        vec![Mechanism::Plain, Mechanism::Login]
    };
    Ok(builder
        .port(s.port)
        .credentials(Credentials::new(s.user.clone(), m.secret.clone()))
        .authentication(mechanisms)
        .timeout(Some(Duration::from_secs(20)))
        .build())
}

/// Sends `email`. Returns its Message-ID (our provider id for email).
pub async fn send(m: &Mailbox, email: Message) -> Result<(), SendError> {
    let t = transport(m)?;
    match t.send(email).await {
        Ok(_) => Ok(()),
        Err(e) if e.is_permanent() => Err(SendError::permanent(format!(
            "the mail server refused it: {}",
            e.status().map_or_else(|| e.to_string(), |c| c.to_string())
        ))),
        Err(e) if e.is_transient() => Err(SendError::retryable(format!(
            "the mail server asked to try later ({})",
            e.status().map_or_else(String::new, |c| c.to_string())
        ))),
        Err(e) => {
            tracing::debug!(error = %e, "SMTP send failed");
            Err(SendError::retryable(format!(
                "the mail server {} could not be reached",
                m.smtp.host
            )))
        }
    }
}

/// Whether the SMTP server accepts a connection and the sign-in (settings check).
pub async fn test_connection(m: &Mailbox) -> Result<(), String> {
    let t = transport(m).map_err(|e| e.reason)?;
    match t.test_connection().await {
        Ok(true) => Ok(()),
        Ok(false) => Err("the SMTP server did not accept the connection".into()),
        Err(e) => Err(format!("SMTP: {e}")),
    }
}
