//! A workspace's Instagram accounts (any number, each with a label). Access tokens are stored
//! sealed (`crate::sealed`) and only unsealed to send; each account id is claimed for one
//! workspace (`senders`).

use crate::db::{exec, first, Db, DbError};
use crate::sealed;
use app::domain::instagram::InstagramConnection;
use app::model::{InstagramAccountView, InstagramSettings};
use serde_json::json;

pub async fn settings(
    db: &Db,
    workspace: &str,
    app_configured: bool,
    webhook_url: String,
) -> Result<InstagramSettings, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, label, is_default, account_id, username, created_at FROM instagram_account
             WHERE workspace = type::record('workspace', $ws) ORDER BY is_default DESC, created_at, id;",
        json!({ "ws": workspace }),
    )
    .await?;
    Ok(InstagramSettings {
        accounts: crate::db::rows::<InstagramAccountView>(&mut resp, 0)?,
        app_configured,
        webhook_url,
    })
}

pub use super::ConnectError;

/// Connects a new Instagram account (`target.id` none) or changes one of the workspace's; the
/// account id is claimed in the same transaction.
pub async fn connect(
    db: &Db,
    workspace: &str,
    server_secret: &str,
    target: &super::Target,
    c: &InstagramConnection,
    now: i64,
) -> Result<String, ConnectError> {
    use super::senders::{write_account, AccountWrite, Claim};
    let write = AccountWrite {
        table: "instagram_account",
        channel: app::model::Channel::Instagram,
        claims: vec![Claim::new("instagram", &c.account_id)],
        what: &c.account_id,
        old: "",
        before: "",
        set: "account_id = $aid, username = $user, access_token_sealed = $sealed",
        vars: json!({
            "aid": c.account_id, "user": c.username,
            "sealed": sealed::seal(server_secret, sealed::Field { workspace, name: ACCESS_TOKEN }, &c.access_token),
        }),
    };
    write_account(db, workspace, target, write, now).await
}

/// The sealed field holding an account's access token (`sealed::Field`).
pub const ACCESS_TOKEN: &str = "instagram_account.access_token";

/// The connection that receives for Instagram account `account_id`, as a webhook needs it.
#[derive(Clone, serde::Deserialize)]
pub struct Receiving {
    pub workspace: String,
    /// The connection's id (its key as a sending identity).
    pub id: String,
    pub label: String,
    pub username: Option<String>,
}

pub async fn receiving(db: &Db, account_id: &str) -> Result<Option<Receiving>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(workspace) AS workspace, record::id(account) AS id, account.label AS label,
                account.username AS username
             FROM type::record('channel_claim', ['instagram', $aid]) WHERE account.label != NONE;",
        json!({ "aid": account_id }),
    )
    .await?;
    first(&mut resp, 0)
}

/// The account id and unsealed access token of the workspace's connection `id` (its default
/// when `id` is none), for sending.
pub async fn credentials(
    db: &Db,
    workspace: &str,
    id: Option<&str>,
    server_secret: &str,
) -> Result<Option<(String, Option<String>)>, DbError> {
    #[derive(serde::Deserialize)]
    struct Cred {
        account_id: String,
        access_token_sealed: String,
    }
    let only = if id.is_some() {
        "AND id = type::record('instagram_account', $id)"
    } else {
        ""
    };
    let mut resp = exec(
        db,
        &format!(
            "SELECT account_id, access_token_sealed, is_default, created_at FROM instagram_account
                 WHERE workspace = type::record('workspace', $ws) {only}
                 ORDER BY is_default DESC, created_at LIMIT 1;"
        ),
        json!({ "ws": workspace, "id": id }),
    )
    .await?;
    Ok(first::<Cred>(&mut resp, 0)?.map(|c| {
        (
            c.account_id,
            sealed::unseal(
                server_secret,
                sealed::Field {
                    workspace,
                    name: ACCESS_TOKEN,
                },
                &c.access_token_sealed,
            ),
        )
    }))
}

impl super::ChannelConnection for InstagramConnection {
    const CHANNEL: &'static str = "instagram";
    fn taken(_what: String) -> String {
        "that Instagram account is already connected (in this or another workspace)".into()
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
