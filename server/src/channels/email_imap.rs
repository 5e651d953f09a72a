//! Reading each connected mailbox over IMAP. `sync_once` reads every message after the stored
//! UID (for the stored UIDVALIDITY; a changed UIDVALIDITY reads the mailbox again, and the
//! Message-ID dedupe keeps that from doubling anything) and saves the position after each one,
//! so a restart neither re-reads nor skips. `watch` keeps one IDLE connection per mailbox and
//! syncs on every change, falling back to polling when IDLE fails.

use super::email_ingest::{ingest, Ingested};
use crate::db::DbError;
use crate::outbound::address_policy::AddressPolicy;
use crate::state::AppState;
use crate::store::mailboxes::{self, Mailbox};
use app::domain::email::{ServerSettings, TlsMode};
use futures::StreamExt;
use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};

/// Messages larger than this are skipped (logged), not read.
pub const MAX_MESSAGE_BYTES: u32 = 25 * 1024 * 1024;

pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Stream for T {}
pub type Session = async_imap::Session<Box<dyn Stream>>;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("cannot reach {0}")]
    Connect(String),
    #[error("TLS with {0} failed")]
    Tls(String),
    #[error("the mail server refused the sign-in")]
    Auth,
    /// The server's own words are logged, never shown (they may echo anything).
    #[error("the IMAP server answered in an unexpected way")]
    Imap(String),
    #[error("{0}")]
    Refused(crate::outbound::address_policy::Refused),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<async_imap::error::Error> for MailError {
    fn from(e: async_imap::error::Error) -> Self {
        MailError::Imap(e.to_string())
    }
}

pub fn tls_config() -> Arc<tokio_rustls::rustls::ClientConfig> {
    let roots = tokio_rustls::rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    Arc::new(
        tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
            tokio_rustls::rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth(),
    )
}

async fn tls(host: &str, stream: tokio::net::TcpStream) -> Result<Box<dyn Stream>, MailError> {
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(host.to_string())
        .map_err(|_| MailError::Tls(host.into()))?;
    let s = tokio_rustls::TlsConnector::from(tls_config())
        .connect(name, stream)
        .await
        .map_err(|_| MailError::Tls(host.into()))?;
    Ok(Box::new(s))
}

struct XOAuth2<'a> {
    user: &'a str,
    token: &'a str,
}

impl async_imap::Authenticator for XOAuth2<'_> {
    type Response = String;
    fn process(&mut self, _challenge: &[u8]) -> String {
        format!("user={}\x01auth=Bearer {}\x01\x01", self.user, self.token)
    }
}

/// Opens an authenticated session to the mailbox's IMAP server, at an address the outbound
/// policy allows (`address_policy`).
pub async fn open(m: &Mailbox, policy: &AddressPolicy) -> Result<Session, MailError> {
    let s: &ServerSettings = &m.imap;
    let addrs = policy
        .resolve(&s.host, s.port)
        .await
        .map_err(MailError::Refused)?;
    let connect = tokio::time::timeout(
        Duration::from_secs(15),
        tokio::net::TcpStream::connect(&addrs[..]),
    )
    .await
    .map_err(|_| MailError::Connect(s.host.clone()))?
    .map_err(|_| MailError::Connect(s.host.clone()))?;
    let stream: Box<dyn Stream> = match s.tls {
        TlsMode::Tls => tls(&s.host, connect).await?,
        TlsMode::None => Box::new(connect),
        TlsMode::Starttls => {
            let mut plain = async_imap::Client::new(connect);
            plain
                .read_response()
                .await
                .map_err(|e| MailError::Imap(e.to_string()))?;
            plain.run_command_and_check_ok("STARTTLS", None).await?;
            tls(&s.host, plain.into_inner()).await?
        }
    };
    let mut client = async_imap::Client::new(stream);
    if s.tls != TlsMode::Starttls {
        client
            .read_response()
            .await
            .map_err(|e| MailError::Imap(e.to_string()))?
            .ok_or_else(|| MailError::Imap("no greeting".into()))?;
    }
    let session = if m.xoauth2 {
        client
            .authenticate(
                "XOAUTH2",
                XOAuth2 {
                    user: &s.user,
                    token: &m.secret,
                },
            )
            .await
    } else {
        client.login(&s.user, &m.secret).await
    };
    session.map_err(|_| MailError::Auth)
}

/// What one sync read.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SyncReport {
    pub fetched: usize,
    pub stored: usize,
    pub duplicates: usize,
    pub unmatched: usize,
}

/// Reads everything new in mailbox `mailbox`'s INBOX once.
pub async fn sync_once(state: &AppState, mailbox: &str) -> Result<SyncReport, MailError> {
    let Some(m) = mailboxes::load(&state.db, mailbox, &state.config.server_secret).await? else {
        return Ok(SyncReport::default());
    };
    let mut session = open(&m, &state.config.outbound).await?;
    let report = sync_session(state, &m, &mut session).await;
    let _ = session.logout().await;
    report
}

async fn sync_session(
    state: &AppState,
    m: &Mailbox,
    session: &mut Session,
) -> Result<SyncReport, MailError> {
    let inbox = session.select("INBOX").await?;
    let validity = inbox.uid_validity.unwrap_or(0);
    let mut last = match m.uidvalidity {
        Some(v) if v == validity => m.last_uid,
        Some(_) => {
            tracing::warn!(workspace = %m.workspace, "UIDVALIDITY changed; reading the mailbox again (duplicates are skipped)");
            0
        }
        None => 0,
    };
    let mut report = SyncReport::default();
    // Sizes first, so an oversized message is skipped without downloading it.
    let mut wanted: Vec<(u32, u32)> = Vec::new();
    {
        let mut sizes = session
            .uid_fetch(format!("{}:*", last + 1), "(UID RFC822.SIZE)")
            .await?;
        while let Some(f) = sizes.next().await {
            let f = f?;
            if let Some(uid) = f.uid.filter(|u| *u > last) {
                wanted.push((uid, f.size.unwrap_or(0)));
            }
        }
    }
    wanted.sort();
    for (uid, size) in wanted {
        if size > MAX_MESSAGE_BYTES {
            tracing::warn!(workspace = %m.workspace, uid, size, "email larger than the limit; skipped");
        } else {
            let raw = {
                let mut one = session
                    .uid_fetch(uid.to_string(), "(UID BODY.PEEK[])")
                    .await?;
                let mut raw = None;
                while let Some(f) = one.next().await {
                    let f = f?;
                    if f.uid == Some(uid) {
                        raw = f.body().map(<[u8]>::to_vec);
                    }
                }
                raw
            };
            if let Some(raw) = raw {
                report.fetched += 1;
                match ingest(state, m, &raw).await? {
                    Ingested::Stored => report.stored += 1,
                    Ingested::Duplicate => report.duplicates += 1,
                    Ingested::Unmatched => report.unmatched += 1,
                    Ingested::Skipped(why) => {
                        tracing::warn!(workspace = %m.workspace, uid, why, "email skipped")
                    }
                }
            }
        }
        last = uid;
        mailboxes::save_position(&state.db, &m.id, validity, last, state.clock.now_ms()).await?;
    }
    if report.fetched == 0 {
        mailboxes::save_position(&state.db, &m.id, validity, last, state.clock.now_ms()).await?;
    }
    Ok(report)
}

/// How long one IDLE waits before re-checking (servers drop idle connections after ~30 min).
const IDLE_FOR: Duration = Duration::from_secs(20 * 60);
/// The polling interval when IDLE is not available or keeps failing.
const POLL_EVERY: Duration = Duration::from_secs(30);
const LEASE_MS: i64 = 90_000;

/// Keeps the instance's claimed mailboxes read: each gets a task that syncs, then IDLEs and
/// syncs on every change; on errors it waits (backing off to the polling interval) and starts
/// over. Leases are renewed so only one instance reads a mailbox.
pub fn watch(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let owner = format!("mail-{}", crate::ids::new_id());
        let running = Arc::new(tokio::sync::Mutex::new(
            std::collections::HashSet::<String>::new(),
        ));
        loop {
            let now = state.clock.now_ms();
            match mailboxes::claim_unread(&state.db, &owner, now, now + LEASE_MS).await {
                Ok(claimed) => {
                    for mailbox in claimed {
                        let mut set = running.lock().await;
                        if set.insert(mailbox.clone()) {
                            let (state, running) = (state.clone(), running.clone());
                            tokio::spawn(async move {
                                read_forever(&state, &mailbox).await;
                                running.lock().await.remove(&mailbox);
                            });
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "mailbox lease check failed"),
            }
            // Renewal happens on the next claim, well inside the lease.
            tokio::time::sleep(Duration::from_millis(LEASE_MS as u64 / 3)).await;
        }
    })
}

async fn read_forever(state: &AppState, mailbox: &str) {
    let mut backoff = Duration::from_secs(2);
    loop {
        match read_with_idle(state, mailbox).await {
            Ok(()) => return, // the mailbox was disconnected
            Err(e) => {
                tracing::warn!(%mailbox, error = %e, "mailbox reading failed; retrying");
                let _ = mailboxes::save_error(&state.db, mailbox, &e.to_string()).await;
                // Polling fallback: sync on a timer until IDLE works again.
                tokio::time::sleep(backoff).await;
                if let Err(e) = sync_once(state, mailbox).await {
                    tracing::debug!(%mailbox, error = %e, "poll failed");
                }
                backoff = (backoff * 2).min(POLL_EVERY);
            }
        }
    }
}

async fn read_with_idle(state: &AppState, mailbox: &str) -> Result<(), MailError> {
    let Some(m) = mailboxes::load(&state.db, mailbox, &state.config.server_secret).await? else {
        return Ok(());
    };
    let mut session = open(&m, &state.config.outbound).await?;
    loop {
        let m = match mailboxes::load(&state.db, mailbox, &state.config.server_secret).await? {
            Some(m) => m,
            None => return Ok(()),
        };
        sync_session(state, &m, &mut session).await?;
        let mut idle = session.idle();
        idle.init().await?;
        let (wait, _stop) = idle.wait_with_timeout(IDLE_FOR);
        wait.await?;
        session = idle.done().await?;
    }
}
