//! The API channel's workspace settings: the key platforms sign with — sealed at rest
//! (`sealed`, field `workspace.api_key`), created and rotated with an audit event, the previous
//! key verifying inbound requests for an overlap window — and the URL our replies are posted to.

use super::audit::{AuditEntry, AUDIT_STATEMENT};
use crate::db::{exec, first, rows, Db, DbError};
use crate::sealed::{self, Field};
use serde::Deserialize;
use serde_json::{json, Value};

/// The sealed field holding a workspace's API-channel key.
pub const API_KEY: &str = "workspace.api_key";
pub use crate::sealed::ROTATION_OVERLAP_MS;

fn field(workspace: &str) -> Field<'_> {
    Field {
        workspace,
        name: API_KEY,
    }
}

#[derive(Deserialize)]
struct KeyRow {
    current: Option<String>,
    previous: Option<String>,
    previous_until: Option<i64>,
    outbound_url: Option<String>,
}

const KEY_ROW: &str = "SELECT api_key_sealed AS current, api_key_previous_sealed AS previous,
    api_key_previous_until AS previous_until, api_outbound_url AS outbound_url
    FROM type::record('workspace', $ws);";

/// Opens a workspace's sealed key (None, logged, if it does not open: the server secret changed).
pub fn open_key(server_secret: &str, workspace: &str, sealed_key: &str) -> Option<String> {
    let key = sealed::unseal(server_secret, field(workspace), sealed_key);
    if key.is_none() {
        tracing::error!(
            workspace,
            "API-channel key cannot be unsealed (server secret changed?)"
        );
    }
    key
}

/// A key that verifies inbound requests, until when (None: until it is rotated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyingKey {
    pub key: String,
    pub until: Option<i64>,
}

/// The keys that verify an inbound request at `now`: the current one and, within its overlap
/// window, the one before it. None: the channel is not enabled.
pub async fn verifying_keys(
    db: &Db,
    workspace: &str,
    server_secret: &str,
    now: i64,
) -> Result<Option<Vec<VerifyingKey>>, DbError> {
    let mut resp = exec(db, KEY_ROW, json!({ "ws": workspace })).await?;
    let Some(row) = first::<KeyRow>(&mut resp, 0)? else {
        return Ok(None);
    };
    let Some(current) = row.current else {
        return Ok(None);
    };
    let previous = row.previous.as_deref().zip(row.previous_until);
    let keys = sealed::verifying_keys(&current, previous, now, |k| {
        open_key(server_secret, workspace, k)
    });
    Ok(Some(
        keys.into_iter()
            .map(|(key, until)| VerifyingKey { key, until })
            .collect(),
    ))
}

/// The workspace's API-channel settings as kept.
pub struct KeyState {
    pub key: Option<String>,
    pub previous_until: Option<i64>,
    pub outbound_url: Option<String>,
}

/// The workspace's key — `new_key` becomes it, audited, when there is none yet — and its
/// outbound URL.
pub async fn key_and_outbound_url(
    db: &Db,
    workspace: &str,
    server_secret: &str,
    actor: &str,
    new_key: &str,
    now: i64,
) -> Result<KeyState, DbError> {
    let sql = format!(
        "BEGIN TRANSACTION;
         IF (SELECT VALUE api_key_sealed FROM ONLY type::record('workspace', $ws)) = NONE {{
             UPDATE type::record('workspace', $ws) SET api_key_sealed = $sealed;
             {AUDIT_STATEMENT}
         }};
         COMMIT TRANSACTION;
         {KEY_ROW}"
    );
    let vars = key_vars(
        (workspace, server_secret, new_key, now),
        key_audit(actor, "api_key.created", json!({})),
        json!({}),
    );
    let mut resp = exec(db, &sql, vars).await?;
    // BEGIN, IF and COMMIT each answer first.
    let row = first::<KeyRow>(&mut resp, 3)?;
    Ok(KeyState {
        key: row
            .as_ref()
            .and_then(|r| r.current.as_deref())
            .and_then(|k| open_key(server_secret, workspace, k)),
        previous_until: row
            .as_ref()
            .and_then(|r| r.previous_until.filter(|u| *u > now)),
        outbound_url: row.and_then(|r| r.outbound_url),
    })
}

/// The variables a key write binds: the workspace, now, the new key sealed, its audit entry and
/// `more`.
fn key_vars(
    (workspace, server_secret, new_key, now): (&str, &str, &str, i64),
    audit: AuditEntry<'_>,
    more: Value,
) -> Value {
    let mut vars = json!({ "ws": workspace, "now": now,
        "sealed": sealed::seal(server_secret, field(workspace), new_key) });
    let map = vars.as_object_mut().expect("an object");
    audit.bind(map);
    if let Value::Object(extra) = more {
        map.extend(extra);
    }
    vars
}

fn key_audit<'a>(actor: &'a str, action: &'static str, detail: Value) -> AuditEntry<'a> {
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(actor),
        action,
        subject: "api_channel".into(),
        detail,
    }
}

/// Replaces the key with `new_key`; the old one verifies inbound requests for
/// `ROTATION_OVERLAP_MS` more. Audited. False when the channel has no key yet.
pub async fn rotate_key(
    db: &Db,
    workspace: &str,
    server_secret: &str,
    actor: &str,
    new_key: &str,
    now: i64,
) -> Result<bool, DbError> {
    let until = now + ROTATION_OVERLAP_MS;
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $had = (SELECT VALUE api_key_sealed FROM ONLY type::record('workspace', $ws)) != NONE;
         IF $had {{
             UPDATE type::record('workspace', $ws) SET api_key_previous_sealed = api_key_sealed,
                 api_key_previous_until = $until, api_key_sealed = $sealed;
             {AUDIT_STATEMENT}
         }};
         COMMIT TRANSACTION;
         SELECT VALUE api_key_previous_until = $until FROM ONLY type::record('workspace', $ws);"
    );
    let vars = key_vars(
        (workspace, server_secret, new_key, now),
        key_audit(
            actor,
            "api_key.rotated",
            json!({ "previous_valid_until": until }),
        ),
        json!({ "until": until }),
    );
    let mut resp = exec(db, &sql, vars).await?;
    // BEGIN, LET, IF and COMMIT each answer first.
    Ok(first::<bool>(&mut resp, 4)?.unwrap_or(false))
}

/// Seals every key stored in plain text before v23 (`api_secret`) and removes the plain one;
/// returns how many. Run at each start.
pub async fn seal_plain_keys(db: &Db, server_secret: &str) -> Result<usize, DbError> {
    #[derive(Deserialize)]
    struct Plain {
        id: String,
        key: String,
    }
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, api_secret AS key FROM workspace WHERE api_secret != NONE;",
        json!({}),
    )
    .await?;
    let found: Vec<Plain> = rows(&mut resp, 0)?;
    for p in &found {
        exec(
            db,
            "UPDATE type::record('workspace', $ws) SET api_key_sealed = $sealed, api_secret = NONE
                WHERE api_secret = $plain;",
            json!({ "ws": p.id, "plain": p.key,
                "sealed": sealed::seal(server_secret, field(&p.id), &p.key) }),
        )
        .await?;
    }
    Ok(found.len())
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
