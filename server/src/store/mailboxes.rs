//! A workspace's mailboxes (IMAP in, SMTP out; any number, each with a label): the connection
//! (its secret sealed), the sync position (UIDVALIDITY + last UID), and the lease that lets one
//! instance read it at a time.

use crate::db::{exec, first, Db, DbError};
use crate::sealed;
use app::domain::email::{MailboxConnection, ServerSettings};
use app::model::{MailboxSettings, MailboxView};
use serde::Deserialize;
use serde_json::json;

/// The sealed field holding a mailbox's password or token (`sealed::Field`).
pub const SECRET: &str = "mailbox.secret";

/// Everything needed to talk to the mail servers.
#[derive(Clone)]
pub struct Mailbox {
    /// The mailbox's id (its key as a sending identity).
    pub id: String,
    pub workspace: String,
    pub label: String,
    pub address: String,
    pub display_name: String,
    pub imap: ServerSettings,
    pub smtp: ServerSettings,
    pub secret: String,
    pub xoauth2: bool,
    pub uidvalidity: Option<u32>,
    pub last_uid: u32,
}

impl Mailbox {
    /// The mailbox as a sending identity (what its messages show they came in on or went out from).
    pub fn identity(&self) -> app::model::SendingIdentity {
        app::model::SendingIdentity {
            channel: app::model::Channel::Email,
            key: self.id.clone(),
            label: self.label.clone(),
            address: self.address.clone(),
            is_default: false,
        }
    }
}

impl std::fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailbox")
            .field("id", &self.id)
            .field("workspace", &self.workspace)
            .field("address", &self.address)
            .field("secret", &"<hidden>")
            .finish()
    }
}

#[derive(Deserialize)]
struct Row {
    id: String,
    workspace: String,
    label: String,
    is_default: bool,
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

const FIELDS: &str = "record::id(id) AS id, record::id(workspace) AS workspace, label, is_default, address, \
display_name, imap, smtp, secret_sealed, xoauth2, uidvalidity, last_uid, last_sync_at, last_error, created_at";

/// The workspace's mailboxes, the default first, then oldest first.
pub async fn settings(db: &Db, workspace: &str) -> Result<MailboxSettings, DbError> {
    let mut resp = exec(
        db,
        &format!("SELECT {FIELDS} FROM mailbox WHERE workspace = type::record('workspace', $ws) ORDER BY is_default DESC, created_at, id;"),
        json!({ "ws": workspace }),
    )
    .await?;
    let rows: Vec<Row> = crate::db::rows(&mut resp, 0)?;
    Ok(MailboxSettings {
        mailboxes: rows
            .into_iter()
            .map(|r| MailboxView {
                id: r.id,
                label: r.label,
                is_default: r.is_default,
                address: r.address,
                display_name: r.display_name,
                imap: r.imap,
                smtp: r.smtp,
                xoauth2: r.xoauth2,
                last_sync_at: r.last_sync_at,
                last_error: r.last_error,
            })
            .collect(),
    })
}

fn unsealed(r: Row, server_secret: &str) -> Option<Mailbox> {
    let field = sealed::Field {
        workspace: &r.workspace,
        name: SECRET,
    };
    let Some(secret) = sealed::unseal(server_secret, field, &r.secret_sealed) else {
        tracing::error!(mailbox = %r.id, "mailbox secret cannot be unsealed (server secret changed?)");
        return None;
    };
    Some(Mailbox {
        id: r.id,
        workspace: r.workspace,
        label: r.label,
        address: r.address,
        display_name: r.display_name,
        imap: r.imap,
        smtp: r.smtp,
        secret,
        xoauth2: r.xoauth2,
        uidvalidity: r.uidvalidity.map(|v| v as u32),
        last_uid: r.last_uid.max(0) as u32,
    })
}

/// Mailbox `id` with its secret unsealed (`None` if there is none, or the secret cannot be
/// unsealed — the server secret changed — which is logged).
pub async fn load(db: &Db, id: &str, server_secret: &str) -> Result<Option<Mailbox>, DbError> {
    let mut resp = exec(
        db,
        &format!("SELECT {FIELDS} FROM type::record('mailbox', $id);"),
        json!({ "id": id }),
    )
    .await?;
    Ok(first::<Row>(&mut resp, 0)?.and_then(|r| unsealed(r, server_secret)))
}

/// The workspace's mailbox `id`, or its default mailbox when `id` is `None`.
pub async fn of_workspace(
    db: &Db,
    workspace: &str,
    id: Option<&str>,
    server_secret: &str,
) -> Result<Option<Mailbox>, DbError> {
    let only = if id.is_some() {
        "AND id = type::record('mailbox', $id)"
    } else {
        ""
    };
    let mut resp = exec(
        db,
        &format!(
            "SELECT {FIELDS} FROM mailbox WHERE workspace = type::record('workspace', $ws) {only}
                 ORDER BY is_default DESC, created_at, id LIMIT 1;"
        ),
        json!({ "ws": workspace, "id": id }),
    )
    .await?;
    Ok(first::<Row>(&mut resp, 0)?.and_then(|r| unsealed(r, server_secret)))
}

pub use super::ConnectError;

/// Connects a new mailbox (`target.id` none) or changes one of the workspace's. Its address is
/// claimed for it alone; keeping the address keeps the sync position, another address starts
/// from the mailbox's current end.
pub async fn connect(
    db: &Db,
    workspace: &str,
    server_secret: &str,
    target: &super::Target,
    c: &MailboxConnection,
    now: i64,
) -> Result<String, ConnectError> {
    use super::senders::{write_account, AccountWrite, Claim};
    let write = AccountWrite {
        table: "mailbox",
        channel: app::model::Channel::Email,
        claims: vec![Claim::new("mailbox", &c.address)],
        what: &c.address,
        old: ", address, uidvalidity, last_uid",
        before: "LET $same = $old != NONE AND $old.address = $addr;",
        set: "address = $addr, display_name = $name, imap = $imap, smtp = $smtp, secret_sealed = $sealed,
             xoauth2 = $xoauth2, uidvalidity = IF $same THEN $old.uidvalidity ELSE NONE END,
             last_uid = IF $same THEN $old.last_uid ELSE 0 END, last_error = NONE",
        vars: json!({
            "addr": c.address, "name": c.display_name, "imap": c.imap, "smtp": c.smtp,
            "sealed": sealed::seal(server_secret, sealed::Field { workspace, name: SECRET }, &c.secret), "xoauth2": c.xoauth2,
        }),
    };
    write_account(db, workspace, target, write, now).await
}

/// Records how far the mailbox has been read.
pub async fn save_position(
    db: &Db,
    id: &str,
    uidvalidity: u32,
    last_uid: u32,
    now: i64,
) -> Result<(), DbError> {
    exec(
        db,
        "UPDATE type::record('mailbox', $id) SET uidvalidity = $v, last_uid = $uid, last_sync_at = $now, last_error = NONE;",
        json!({ "id": id, "v": uidvalidity, "uid": last_uid, "now": now }),
    )
    .await?;
    Ok(())
}

pub async fn save_error(db: &Db, id: &str, error: &str) -> Result<(), DbError> {
    exec(
        db,
        "UPDATE type::record('mailbox', $id) SET last_error = $e;",
        json!({ "id": id, "e": error }),
    )
    .await?;
    Ok(())
}

/// Mailboxes (their ids) that no live instance is reading, claimed for `owner` until `until`
/// (renewed by the reader while it runs).
pub async fn claim_unread(
    db: &Db,
    owner: &str,
    now: i64,
    until: i64,
) -> Result<Vec<String>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(id) FROM mailbox WHERE lease_until = NONE OR lease_until < $now OR lease_owner = $owner;",
        json!({ "now": now, "owner": owner }),
    )
    .await?;
    let candidates: Vec<String> = resp.take(0)?;
    let mut claimed = Vec::new();
    for id in candidates {
        let r = exec(
            db,
            "UPDATE type::record('mailbox', $id) SET lease_owner = $owner, lease_until = $until
                 WHERE lease_until = NONE OR lease_until < $now OR lease_owner = $owner RETURN AFTER;",
            json!({ "id": id, "owner": owner, "now": now, "until": until }),
        )
        .await;
        if let Ok(mut r) = r {
            let rows: Vec<serde_json::Value> = r.take(0)?;
            if !rows.is_empty() {
                claimed.push(id);
            }
        }
    }
    Ok(claimed)
}

impl super::ChannelConnection for MailboxConnection {
    const CHANNEL: &'static str = "email";
    fn taken(_what: String) -> String {
        "that address is already connected (in this or another workspace)".into()
    }
    fn store<'a>(
        &'a self,
        db: &'a Db,
        workspace: &'a str,
        server_secret: &'a str,
        target: &'a super::Target,
        now: i64,
    ) -> impl std::future::Future<Output = Result<String, ConnectError>> + Send + 'a {
        connect(db, workspace, server_secret, target, self, now)
    }
}
