//! The workspace's mailbox (IMAP in, SMTP out): the connection (its secret sealed), the sync
//! position (UIDVALIDITY + last UID), and the lease that lets one instance read it at a time.

use crate::db::{exec, first, Db, DbError};
use crate::sealed;
use app::domain::email::{MailboxConnection, ServerSettings};
use app::model::MailboxSettings;
use serde::Deserialize;
use serde_json::json;

/// Everything needed to talk to the mail servers.
#[derive(Clone)]
pub struct Mailbox {
    pub workspace: String,
    pub address: String,
    pub display_name: String,
    pub imap: ServerSettings,
    pub smtp: ServerSettings,
    pub secret: String,
    pub xoauth2: bool,
    pub uidvalidity: Option<u32>,
    pub last_uid: u32,
}

impl std::fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailbox")
            .field("workspace", &self.workspace)
            .field("address", &self.address)
            .field("secret", &"<hidden>")
            .finish()
    }
}

#[derive(Deserialize)]
struct Row {
    workspace: String,
    address: String,
    display_name: String,
    imap: ServerSettings,
    smtp: ServerSettings,
    secret_sealed: String,
    xoauth2: bool,
    uidvalidity: Option<i64>,
    last_uid: i64,
    last_sync_at: Option<i64>,
    last_error: Option<String>,
}

const FIELDS: &str = "record::id(workspace) AS workspace, address, display_name, imap, smtp, secret_sealed, xoauth2, \
uidvalidity, last_uid, last_sync_at, last_error";

async fn row(db: &Db, workspace: &str) -> Result<Option<Row>, DbError> {
    let mut resp = exec(
        db,
        &format!("SELECT {FIELDS} FROM mailbox WHERE workspace = type::record('workspace', $ws) LIMIT 1;"),
        json!({ "ws": workspace }),
    )
    .await?;
    first(&mut resp, 0)
}

pub async fn settings(db: &Db, workspace: &str) -> Result<MailboxSettings, DbError> {
    Ok(match row(db, workspace).await? {
        None => MailboxSettings::default(),
        Some(r) => MailboxSettings {
            connected: true,
            address: Some(r.address),
            display_name: Some(r.display_name),
            imap: Some(r.imap),
            smtp: Some(r.smtp),
            xoauth2: r.xoauth2,
            last_sync_at: r.last_sync_at,
            last_error: r.last_error,
        },
    })
}

/// The mailbox with its secret unsealed (`None` if there is none, or the secret cannot be
/// unsealed — the server secret changed — which is logged).
pub async fn load(
    db: &Db,
    workspace: &str,
    server_secret: &str,
) -> Result<Option<Mailbox>, DbError> {
    let Some(r) = row(db, workspace).await? else {
        return Ok(None);
    };
    let Some(secret) = sealed::unseal(server_secret, &r.secret_sealed) else {
        tracing::error!(%workspace, "mailbox secret cannot be unsealed (server secret changed?)");
        return Ok(None);
    };
    Ok(Some(Mailbox {
        workspace: r.workspace,
        address: r.address,
        display_name: r.display_name,
        imap: r.imap,
        smtp: r.smtp,
        secret,
        xoauth2: r.xoauth2,
        uidvalidity: r.uidvalidity.map(|v| v as u32),
        last_uid: r.last_uid.max(0) as u32,
    }))
}

pub use super::ConnectError;

/// Connects (or reconnects) the workspace's mailbox. Reconnecting the same address keeps the sync
/// position; another address starts from the mailbox's current end.
pub async fn connect(
    db: &Db,
    workspace: &str,
    server_secret: &str,
    c: &MailboxConnection,
    now: i64,
) -> Result<(), ConnectError> {
    let mut resp = exec(
        db,
        "SELECT VALUE id FROM mailbox WHERE address = $addr AND workspace != type::record('workspace', $ws);",
        json!({ "ws": workspace, "addr": c.address }),
    )
    .await?;
    let taken: Vec<serde_json::Value> = resp.take(0).map_err(DbError::from)?;
    if !taken.is_empty() {
        return Err(ConnectError::Taken(c.address.clone()));
    }
    exec(
        db,
        "LET $old = SELECT address, uidvalidity, last_uid FROM ONLY type::record('mailbox', $ws);
         LET $same = $old != NONE AND $old.address = $addr;
         UPSERT type::record('mailbox', $ws) SET workspace = type::record('workspace', $ws), address = $addr,
             display_name = $name, imap = $imap, smtp = $smtp, secret_sealed = $sealed, xoauth2 = $xoauth2,
             uidvalidity = IF $same THEN $old.uidvalidity ELSE NONE END,
             last_uid = IF $same THEN $old.last_uid ELSE 0 END,
             last_error = NONE, updated_at = $now;",
        json!({
            "ws": workspace, "addr": c.address, "name": c.display_name, "imap": c.imap, "smtp": c.smtp,
            "sealed": sealed::seal(server_secret, &c.secret), "xoauth2": c.xoauth2, "now": now,
        }),
    )
    .await?;
    Ok(())
}

/// Records how far the mailbox has been read.
pub async fn save_position(
    db: &Db,
    workspace: &str,
    uidvalidity: u32,
    last_uid: u32,
    now: i64,
) -> Result<(), DbError> {
    exec(
        db,
        "UPDATE type::record('mailbox', $ws) SET uidvalidity = $v, last_uid = $uid, last_sync_at = $now, last_error = NONE;",
        json!({ "ws": workspace, "v": uidvalidity, "uid": last_uid, "now": now }),
    )
    .await?;
    Ok(())
}

pub async fn save_error(db: &Db, workspace: &str, error: &str) -> Result<(), DbError> {
    exec(
        db,
        "UPDATE type::record('mailbox', $ws) SET last_error = $e;",
        json!({ "ws": workspace, "e": error }),
    )
    .await?;
    Ok(())
}

/// Workspaces with a mailbox that no live instance is reading, claimed for `owner` until
/// `until` (renewed by the reader while it runs).
pub async fn claim_unread(
    db: &Db,
    owner: &str,
    now: i64,
    until: i64,
) -> Result<Vec<String>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(workspace) FROM mailbox WHERE lease_until = NONE OR lease_until < $now OR lease_owner = $owner;",
        json!({ "now": now, "owner": owner }),
    )
    .await?;
    let candidates: Vec<String> = resp.take(0)?;
    let mut claimed = Vec::new();
    for ws in candidates {
        let r = exec(
            db,
            "UPDATE type::record('mailbox', $ws) SET lease_owner = $owner, lease_until = $until
                 WHERE lease_until = NONE OR lease_until < $now OR lease_owner = $owner RETURN AFTER;",
            json!({ "ws": ws, "owner": owner, "now": now, "until": until }),
        )
        .await;
        if let Ok(mut r) = r {
            let rows: Vec<serde_json::Value> = r.take(0)?;
            if !rows.is_empty() {
                claimed.push(ws);
            }
        }
    }
    Ok(claimed)
}

impl super::ChannelConnection for MailboxConnection {
    const CHANNEL: &'static str = "email";
    fn taken(_what: String) -> String {
        "that address is connected to another workspace".into()
    }
    fn store<'a>(
        &'a self,
        db: &'a Db,
        workspace: &'a str,
        server_secret: &'a str,
        now: i64,
    ) -> impl std::future::Future<Output = Result<(), ConnectError>> + Send + 'a {
        connect(db, workspace, server_secret, self, now)
    }
}
