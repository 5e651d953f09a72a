//! The workspace's Instagram connection. The access token is stored sealed (`crate::sealed`) and
//! only unsealed to send.

use crate::db::{exec, first, Db, DbError};
use crate::sealed;
use app::domain::instagram::InstagramConnection;
use app::model::InstagramSettings;
use serde_json::json;

#[derive(serde::Deserialize)]
struct Row {
    account_id: String,
    username: Option<String>,
}

pub async fn settings(
    db: &Db,
    workspace: &str,
    app_configured: bool,
    webhook_url: String,
) -> Result<InstagramSettings, DbError> {
    let mut resp = exec(
        db,
        "SELECT account_id, username FROM instagram_account WHERE workspace = type::record('workspace', $ws) LIMIT 1;",
        json!({ "ws": workspace }),
    )
    .await?;
    let row: Option<Row> = first(&mut resp, 0)?;
    Ok(InstagramSettings {
        connected: row.is_some(),
        account_id: row.as_ref().map(|r| r.account_id.clone()),
        username: row.and_then(|r| r.username),
        app_configured,
        webhook_url,
    })
}

pub use super::ConnectError;

pub async fn connect(
    db: &Db,
    workspace: &str,
    server_secret: &str,
    c: &InstagramConnection,
    now: i64,
) -> Result<(), ConnectError> {
    let mut resp = exec(
        db,
        "SELECT VALUE id FROM instagram_account WHERE account_id = $aid AND workspace != type::record('workspace', $ws);",
        json!({ "ws": workspace, "aid": c.account_id }),
    )
    .await?;
    let taken: Vec<serde_json::Value> = resp.take(0).map_err(DbError::from)?;
    if !taken.is_empty() {
        return Err(ConnectError::Taken(c.account_id.clone()));
    }
    exec(
        db,
        "UPSERT type::record('instagram_account', $ws) SET workspace = type::record('workspace', $ws), account_id = $aid,
             username = $user, access_token_sealed = $sealed, updated_at = $now;",
        json!({
            "ws": workspace, "aid": c.account_id, "user": c.username,
            "sealed": sealed::seal(server_secret, &c.access_token), "now": now,
        }),
    )
    .await?;
    Ok(())
}

/// The workspace that connected Instagram account `account_id`.
pub async fn workspace_of(db: &Db, account_id: &str) -> Result<Option<String>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(workspace) FROM instagram_account WHERE account_id = $aid LIMIT 1;",
        json!({ "aid": account_id }),
    )
    .await?;
    first(&mut resp, 0)
}

/// The account id and unsealed access token, for sending.
pub async fn credentials(
    db: &Db,
    workspace: &str,
    server_secret: &str,
) -> Result<Option<(String, Option<String>)>, DbError> {
    #[derive(serde::Deserialize)]
    struct Cred {
        account_id: String,
        access_token_sealed: String,
    }
    let mut resp = exec(
        db,
        "SELECT account_id, access_token_sealed FROM instagram_account WHERE workspace = type::record('workspace', $ws) LIMIT 1;",
        json!({ "ws": workspace }),
    )
    .await?;
    Ok(first::<Cred>(&mut resp, 0)?.map(|c| {
        (
            c.account_id,
            sealed::unseal(server_secret, &c.access_token_sealed),
        )
    }))
}

impl super::ChannelConnection for InstagramConnection {
    const CHANNEL: &'static str = "instagram";
    fn taken(_what: String) -> String {
        "that Instagram account is connected to another workspace".into()
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
