//! Every sealed value the database keeps, for `server rotate-secret` (`crate::secret_rotation`):
//! read them all, and replace one only if it is still what was read.

use super::{api_channel, embed, instagram_accounts, mailboxes, sms_accounts};
use crate::db::{exec, rows, Db, DbError};
use serde::Deserialize;
use serde_json::json;

/// Where sealed values live: (table, column, sealed field name).
pub const SEALED_COLUMNS: [(&str, &str, &str); 7] = [
    ("mailbox", "secret_sealed", mailboxes::SECRET),
    ("sms_account", "auth_token_sealed", sms_accounts::AUTH_TOKEN),
    (
        "instagram_account",
        "access_token_sealed",
        instagram_accounts::ACCESS_TOKEN,
    ),
    ("workspace", "api_key_sealed", api_channel::API_KEY),
    ("workspace", "api_key_previous_sealed", api_channel::API_KEY),
    ("embed_partner", "key_sealed", embed::PARTNER_KEY),
    ("embed_partner", "key_previous_sealed", embed::PARTNER_KEY),
];

/// One sealed value and where it is.
#[derive(Clone, Debug)]
pub struct SealedValue {
    pub table: &'static str,
    pub column: &'static str,
    pub field: &'static str,
    pub id: String,
    pub workspace: String,
    pub value: String,
}

/// Every sealed value, table by table.
pub async fn all(db: &Db) -> Result<Vec<SealedValue>, DbError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        workspace: String,
        value: String,
    }
    let mut out = Vec::new();
    for (table, column, field) in SEALED_COLUMNS {
        // A workspace's own id is its workspace.
        let ws = if table == "workspace" {
            "id"
        } else {
            "workspace"
        };
        let sql = format!(
            "SELECT record::id(id) AS id, record::id({ws}) AS workspace, {column} AS value
                FROM {table} WHERE {column} != NONE;"
        );
        let mut resp = exec(db, &sql, json!({})).await?;
        for r in rows::<Row>(&mut resp, 0)? {
            out.push(SealedValue {
                table,
                column,
                field,
                id: r.id,
                workspace: r.workspace,
                value: r.value,
            });
        }
    }
    Ok(out)
}

/// Replaces a sealed value with `new` if it is still the one read; false when it changed since.
pub async fn replace(db: &Db, v: &SealedValue, new: &str) -> Result<bool, DbError> {
    let sql = format!(
        "UPDATE type::record($table, $id) SET {column} = $new WHERE {column} = $old RETURN VALUE true;",
        column = v.column
    );
    let mut resp = exec(
        db,
        &sql,
        json!({ "table": v.table, "id": v.id, "new": new, "old": v.value }),
    )
    .await?;
    Ok(!rows::<bool>(&mut resp, 0)?.is_empty())
}
