//! Sending a reply by email through the workspace's SMTP server (lettre), with our own
//! Message-ID and the In-Reply-To / References of the conversation so the creator's mail client
//! threads it. The Message-ID is fixed when the reply is written, so a retried attempt sends the
//! same id and a creator's answer threads back whichever attempt reached them.

use super::address_policy::{AddressPolicy, Refused};
use super::SendError;
use crate::store::mailboxes::Mailbox;
use app::domain::email::TlsMode;
use lettre::message::{header::ContentType, Mailbox as Address};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Tls, TlsParameters};
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

/// An SMTP transport to the mailbox's server at an address the outbound policy allows (the
/// certificate is still checked against the host name).
async fn transport(
    m: &Mailbox,
    policy: &AddressPolicy,
    timeout: Duration,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, SendError> {
    let s = &m.smtp;
    let addr = match policy.resolve(&s.host, s.port).await {
        Ok(addrs) => addrs[0],
        Err(Refused::Unresolved) => {
            return Err(SendError::retryable(format!(
                "the mail server {} could not be found",
                s.host
            )))
        }
        Err(why) => return Err(SendError::permanent(format!("SMTP settings: {why}"))),
    };
    let tls = |host: &str| {
        TlsParameters::new(host.to_string())
            .map_err(|_| SendError::permanent("SMTP settings: the host name is not valid for TLS"))
    };
    let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(addr.ip().to_string())
        .tls(match s.tls {
            TlsMode::Tls => Tls::Wrapper(tls(&s.host)?),
            TlsMode::Starttls => Tls::Required(tls(&s.host)?),
            TlsMode::None => Tls::None,
        });
    let mechanisms = if m.xoauth2 {
        vec![Mechanism::Xoauth2]
    } else {
        vec![Mechanism::Plain, Mechanism::Login]
    };
    Ok(builder
        .port(s.port)
        .credentials(Credentials::new(s.user.clone(), m.secret.clone()))
        .authentication(mechanisms)
        .timeout(Some(timeout))
        .build())
}

/// How long a settings check waits for the mail server.
const CHECK_TIMEOUT: Duration = Duration::from_secs(20);

/// Sends `email`. Returns its Message-ID (our provider id for email).
pub async fn send(
    m: &Mailbox,
    email: Message,
    policy: &AddressPolicy,
    timeout: Duration,
) -> Result<(), SendError> {
    let t = transport(m, policy, timeout).await?;
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
        Err(e) if e.is_timeout() => Err(SendError {
            maybe_sent: true,
            ..SendError::retryable(format!(
                "the mail server {} did not answer in time",
                m.smtp.host
            ))
        }),
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
pub async fn test_connection(m: &Mailbox, policy: &AddressPolicy) -> Result<(), String> {
    let t = transport(m, policy, CHECK_TIMEOUT)
        .await
        .map_err(|e| e.reason)?;
    match t.test_connection().await {
        Ok(true) => Ok(()),
        Ok(false) => Err("the SMTP server did not accept the connection".into()),
        Err(e) => {
            // The server's own words are logged, never shown.
            tracing::info!(error = %e, "mailbox test: SMTP failed");
            Err(if e.is_permanent() {
                "SMTP: the server refused the sign-in".into()
            } else {
                "SMTP: the server could not be reached".into()
            })
        }
    }
}
