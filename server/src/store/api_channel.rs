//! The API channel's workspace settings: the key platforms sign with and the URL our replies
//! are posted to.

use crate::db::{exec, Db, DbError};
use serde_json::json;

/// The workspace's API-channel key, if the channel is enabled.
pub async fn key(db: &Db, workspace: &str) -> Result<Option<String>, DbError> {
    Ok(exec(
        db,
        "SELECT VALUE api_secret FROM ONLY type::record('workspace', $ws);",
        json!({ "ws": workspace }),
    )
    .await?
    .take::<Option<String>>(0)?)
}

/// The workspace's key — `new_key` becomes it when there is none yet — and its outbound URL.
pub async fn key_and_outbound_url(
    db: &Db,
    workspace: &str,
    new_key: &str,
) -> Result<(Option<String>, Option<String>), DbError> {
    let mut resp = exec(
        db,
        "UPDATE type::record('workspace', $ws) SET api_secret = $secret WHERE api_secret = NONE;
         SELECT VALUE api_secret FROM ONLY type::record('workspace', $ws);
         SELECT VALUE api_outbound_url FROM ONLY type::record('workspace', $ws);",
        json!({ "ws": workspace, "secret": new_key }),
    )
    .await?;
    let key: Option<String> = resp.take(1)?;
    let outbound_url: Option<String> = resp.take(2)?;
    Ok((key, outbound_url))
}

/// Sets (or clears) where our replies on the API channel are posted.
pub async fn set_outbound_url(db: &Db, workspace: &str, url: Option<&str>) -> Result<(), DbError> {
    exec(
        db,
        "UPDATE type::record('workspace', $ws) SET api_outbound_url = $url;",
        json!({ "ws": workspace, "url": url }),
    )
    .await?;
    Ok(())
}
