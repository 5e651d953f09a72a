//! Passwords: a signed-in person's change (their other sessions end), reset links (single-use,
//! stored as the SHA-256 of their token) and their use (every session ends). Each change is
//! audited in the workspaces the person belongs to, in the same transaction.

use super::audit::AuditEntry;
use crate::db::{exec, exec_transaction, first, Db, DbError};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// Writes one audit event per workspace the user `$user` is an active member of.
const AUDIT_IN_EACH_WORKSPACE: &str = "FOR $m IN (SELECT VALUE workspace FROM membership WHERE user = type::record('user', $user) AND deactivated_at = NONE) {
        CREATE audit_event SET workspace = $m, at = $now, actor_kind = $actor_kind, actor_id = $actor_id,
            action = $audit_action, subject = $audit_subject, detail = $audit_detail;
    };";

#[derive(Deserialize)]
pub struct Account {
    pub email: String,
    pub password_hash: String,
}

pub async fn account(db: &Db, user: &str) -> Result<Option<Account>, DbError> {
    let mut resp = exec(
        db,
        "SELECT email, password_hash FROM ONLY type::record('user', $user);",
        json!({ "user": user }),
    )
    .await?;
    first(&mut resp, 0)
}

fn vars(user: &str, now: i64, action: &str) -> Map<String, Value> {
    let mut vars = Map::new();
    vars.insert("user".into(), json!(user));
    vars.insert("now".into(), json!(now));
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(user),
        action,
        subject: format!("user:{user}"),
        detail: json!({}),
    }
    .bind(&mut vars);
    vars
}

/// Sets a signed-in user's new password hash and ends their sessions but `keep` (a token hash).
pub async fn change(db: &Db, user: &str, hash: &str, keep: &str, now: i64) -> Result<(), DbError> {
    let mut vars = vars(user, now, "account.password_changed");
    vars.insert("hash".into(), json!(hash));
    vars.insert("keep".into(), json!(keep));
    exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             UPDATE type::record('user', $user) SET password_hash = $hash;
             DELETE session WHERE user = type::record('user', $user) AND token_hash != $keep;
             {AUDIT_IN_EACH_WORKSPACE}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await?;
    Ok(())
}

/// Stores a reset link for `user` (by its token's hash), audited as issued by `by`.
pub async fn create_reset(
    db: &Db,
    user: &str,
    token_hash: &str,
    by: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), DbError> {
    let mut vars = vars(user, now, "account.reset_link_issued");
    vars.insert("actor_id".into(), json!(by));
    vars.insert("hash".into(), json!(token_hash));
    vars.insert("exp".into(), json!(expires_at));
    exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             CREATE password_reset SET user = type::record('user', $user), token_hash = $hash, created_at = $now, expires_at = $exp;
             {AUDIT_IN_EACH_WORKSPACE}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await?;
    Ok(())
}

/// Whether a reset link for `user` was made since `since` (requests are answered once per
/// few minutes).
pub async fn reset_since(db: &Db, user: &str, since: i64) -> Result<bool, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE id FROM password_reset WHERE user = type::record('user', $user) AND created_at > $since LIMIT 1;",
        json!({ "user": user, "since": since }),
    )
    .await?;
    Ok(!crate::db::rows::<Value>(&mut resp, 0)?.is_empty())
}

#[derive(Deserialize)]
pub struct Reset {
    pub id: String,
    pub user: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

pub async fn reset_by_token(db: &Db, token_hash: &str) -> Result<Option<Reset>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, record::id(user) AS user, expires_at, used_at FROM password_reset WHERE token_hash = $hash LIMIT 1;",
        json!({ "hash": token_hash }),
    )
    .await?;
    first(&mut resp, 0)
}

/// Uses a reset link: the new password hash set, the link marked used, every session of the
/// user ended, audited — one transaction. `false` when the link was used meanwhile.
pub async fn use_reset(db: &Db, reset: &Reset, hash: &str, now: i64) -> Result<bool, DbError> {
    let mut vars = vars(&reset.user, now, "account.password_reset");
    vars.insert("id".into(), json!(reset.id));
    vars.insert("hash".into(), json!(hash));
    let result = exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             LET $used = UPDATE type::record('password_reset', $id) SET used_at = $now WHERE used_at = NONE;
             IF array::len($used) = 0 {{ THROW 'reset used'; }};
             UPDATE type::record('user', $user) SET password_hash = $hash;
             DELETE session WHERE user = type::record('user', $user);
             {AUDIT_IN_EACH_WORKSPACE}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await;
    crate::db::unless_thrown(result, "reset used")
}
