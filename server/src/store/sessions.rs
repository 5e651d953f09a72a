//! Accounts and sessions: users by email, their first active membership, session records
//! (stored by the SHA-256 of their token; ended when expired, idle or the membership is
//! deactivated), a user's session list, the sign-in throttle's state and what the top bar shows.

use crate::db::{exec, first, Db, DbError};
use app::api::backend::{Caller, Scope};
use app::domain::team;
use app::model::{Role, SessionInfo};

#[derive(serde::Deserialize)]
pub struct UserRow {
    pub id: String,
    pub password_hash: String,
}

#[derive(serde::Deserialize)]
pub struct MembershipRow {
    pub workspace: String,
    pub role: String,
}

/// The user with this (lower-cased) email, with their password hash.
pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<UserRow>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, password_hash FROM user WHERE email = $email LIMIT 1;",
        serde_json::json!({ "email": email }),
    )
    .await?;
    first(&mut resp, 0)
}

/// The user's oldest active membership (the workspace a sign-in opens).
pub async fn first_membership(db: &Db, user: &str) -> Result<Option<MembershipRow>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(workspace) AS workspace, role, created_at FROM membership
             WHERE user = type::record('user', $user) AND deactivated_at = NONE ORDER BY created_at LIMIT 1;",
        serde_json::json!({ "user": user }),
    )
    .await?;
    first(&mut resp, 0)
}

/// A session to store: whose, in which workspace, from which browser.
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user: &'a str,
    pub workspace: &'a str,
    pub agent: Option<&'a str>,
}

/// Stores a session under its token's hash, valid until `expires_at` (or `IDLE_MS` unused).
pub async fn create(db: &Db, s: &NewSession<'_>, now: i64, expires_at: i64) -> Result<(), DbError> {
    exec(
        db,
        "CREATE session SET token_hash = $hash, user = type::record('user', $user), workspace = type::record('workspace', $ws),
             created_at = $now, last_seen_at = $now, expires_at = $exp, agent = $agent;",
        serde_json::json!({
            "hash": s.token_hash,
            "user": s.user,
            "ws": s.workspace,
            "now": now,
            "exp": expires_at,
            "agent": s.agent,
        }),
    )
    .await?;
    Ok(())
}

#[derive(serde::Deserialize)]
struct SessionRow {
    id: String,
    user: String,
    workspace: String,
    created_at: i64,
    last_seen_at: Option<i64>,
    expires_at: i64,
    role: Option<String>,
}

/// The caller behind a live session (by token hash): not expired, used within `IDLE_MS`, and
/// their membership still active. Stamps the session's last use (at most once a minute).
pub async fn caller(db: &Db, token_hash: &str, now: i64) -> Result<Option<Caller>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, record::id(user) AS user, record::id(workspace) AS workspace, created_at, last_seen_at, expires_at,
            (SELECT VALUE role FROM membership WHERE workspace = $parent.workspace AND user = $parent.user
                AND deactivated_at = NONE LIMIT 1)[0] AS role
         FROM session WHERE token_hash = $hash LIMIT 1;",
        serde_json::json!({ "hash": token_hash }),
    )
    .await?;
    let Some(row) = first::<SessionRow>(&mut resp, 0)? else {
        return Ok(None);
    };
    if !team::session_live(row.expires_at, row.created_at, row.last_seen_at, now) {
        return Ok(None);
    }
    let Some(role) = row.role.as_deref().and_then(Role::parse) else {
        return Ok(None);
    };
    if team::should_stamp_seen(row.created_at, row.last_seen_at, now) {
        exec(
            db,
            "UPDATE type::record('session', $id) SET last_seen_at = $now;",
            serde_json::json!({ "id": row.id, "now": now }),
        )
        .await?;
    }
    Ok(Some(Caller {
        user_id: row.user,
        workspace_id: row.workspace,
        role,
        scope: Scope::Workspace,
    }))
}

#[derive(serde::Deserialize)]
pub struct ListedSession {
    pub id: String,
    pub token_hash: String,
    pub agent: Option<String>,
    pub workspace_name: String,
    pub created_at: i64,
    pub last_seen_at: Option<i64>,
    pub expires_at: i64,
}

/// Every session of the user's, newest use first (the caller filters out ended ones).
pub async fn of_user(db: &Db, user: &str) -> Result<Vec<ListedSession>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, token_hash, agent, workspace.name AS workspace_name, created_at, last_seen_at, expires_at
             FROM session WHERE user = type::record('user', $user) ORDER BY last_seen_at DESC;",
        serde_json::json!({ "user": user }),
    )
    .await?;
    crate::db::rows(&mut resp, 0)
}

/// Ends the user's sessions but the one with `keep` (a token hash); how many ended.
pub async fn end_others(db: &Db, user: &str, keep: &str) -> Result<usize, DbError> {
    let mut resp = exec(
        db,
        "DELETE session WHERE user = type::record('user', $user) AND token_hash != $keep RETURN BEFORE;",
        serde_json::json!({ "user": user, "keep": keep }),
    )
    .await?;
    Ok(crate::db::rows::<serde_json::Value>(&mut resp, 0)?.len())
}

/// Binds a session to another workspace of its user's; `false` when they are not an active
/// member there (nothing changes).
pub async fn rebind(
    db: &Db,
    token_hash: &str,
    user: &str,
    workspace: &str,
) -> Result<bool, DbError> {
    let mut resp = exec(
        db,
        "LET $member = (SELECT VALUE id FROM membership WHERE workspace = type::record('workspace', $ws)
             AND user = type::record('user', $user) AND deactivated_at = NONE);
         UPDATE session SET workspace = type::record('workspace', $ws)
             WHERE token_hash = $hash AND user = type::record('user', $user) AND array::len($member) > 0 RETURN AFTER;",
        serde_json::json!({ "hash": token_hash, "user": user, "ws": workspace }),
    )
    .await?;
    let n = resp.num_statements();
    Ok(!crate::db::rows::<serde_json::Value>(&mut resp, n - 1)?.is_empty())
}

/// Ends one of the user's sessions; `false` when they have no such session.
pub async fn end_one(db: &Db, user: &str, id: &str) -> Result<bool, DbError> {
    let mut resp = exec(
        db,
        "DELETE type::record('session', $id) WHERE user = type::record('user', $user) RETURN BEFORE;",
        serde_json::json!({ "user": user, "id": id }),
    )
    .await?;
    Ok(!crate::db::rows::<serde_json::Value>(&mut resp, 0)?.is_empty())
}

pub async fn delete(db: &Db, token_hash: &str) -> Result<(), DbError> {
    exec(
        db,
        "DELETE session WHERE token_hash = $hash;",
        serde_json::json!({ "hash": token_hash }),
    )
    .await?;
    Ok(())
}

/// The throttle state kept for a sign-in key (default: no failures) and its version (0: none).
pub async fn throttle_state<T: serde::de::DeserializeOwned + Default>(
    db: &Db,
    key: &str,
) -> Result<(T, i64), DbError> {
    #[derive(serde::Deserialize)]
    struct Row<T> {
        #[serde(flatten)]
        state: T,
        #[serde(default)]
        version: Option<i64>,
    }
    let mut resp = exec(
        db,
        "SELECT failures, window_start, locked_until, version FROM login_throttle WHERE key = $key LIMIT 1;",
        serde_json::json!({ "key": key }),
    )
    .await?;
    Ok(first::<Row<T>>(&mut resp, 0)?
        .map(|r| (r.state, r.version.unwrap_or(0)))
        .unwrap_or_default())
}

/// Keeps the throttle state for a sign-in key in record `id` (a safe id derived from the key) if
/// its version is still `expected`; false when another attempt moved it first.
pub async fn swap_throttle_state<T: serde::Serialize>(
    db: &Db,
    id: &str,
    key: &str,
    state: &T,
    expected: i64,
) -> Result<bool, DbError> {
    let result = crate::db::exec_transaction(
        db,
        "BEGIN TRANSACTION;
         LET $at = (SELECT VALUE version FROM type::record('login_throttle', $id))[0] ?? 0;
         IF $at != $expected { THROW 'throttle moved' };
         UPSERT type::record('login_throttle', $id) SET key = $key, failures = $s.failures,
             window_start = $s.window_start, locked_until = $s.locked_until, version = $expected + 1;
         COMMIT TRANSACTION;",
        serde_json::json!({ "id": id, "key": key, "s": state, "expected": expected }),
    )
    .await;
    crate::db::unless_thrown(result, "throttle moved")
}

/// Removes sessions that have ended (expired or idle past `team::IDLE_MS`: `team::session_live`
/// no longer holds), sign-in throttle rows whose lock and window are over, and ended embed
/// frame sessions and used token ids (`embed::clean_up`); how many.
pub async fn clean_up(db: &Db, now: i64) -> Result<usize, DbError> {
    let mut resp = exec(
        db,
        "DELETE session WHERE expires_at <= $now OR (last_seen_at ?? created_at) <= $now - $idle RETURN BEFORE;
         DELETE login_throttle WHERE locked_until <= $now AND window_start <= $now - $window RETURN BEFORE;",
        serde_json::json!({
            "now": now,
            "idle": app::domain::team::IDLE_MS,
            "window": crate::auth::throttle::ACCOUNT.window_ms.max(crate::auth::throttle::ADDRESS.window_ms),
        }),
    )
    .await?;
    let sessions = crate::db::rows::<serde_json::Value>(&mut resp, 0)?.len();
    let throttles = crate::db::rows::<serde_json::Value>(&mut resp, 1)?.len();
    let embeds = super::embed::clean_up(db, now).await?;
    Ok(sessions + throttles + embeds)
}

/// What the top bar shows about the signed-in teammate and their workspace.
pub async fn info(db: &Db, caller: &Caller, now: i64) -> Result<SessionInfo, DbError> {
    #[derive(serde::Deserialize)]
    struct Row {
        user_name: String,
        email: String,
        workspace_name: String,
        workspaces: Vec<app::model::NamedRef>,
    }
    let mut resp = exec(
        db,
        "SELECT name AS user_name, email, (SELECT VALUE name FROM ONLY type::record('workspace', $ws)) AS workspace_name,
                (SELECT record::id(workspace) AS id, workspace.name AS name FROM membership
                    WHERE user = type::record('user', $user) AND deactivated_at = NONE ORDER BY name) AS workspaces
         FROM ONLY type::record('user', $user);",
        serde_json::json!({ "user": caller.user_id, "ws": caller.workspace_id }),
    )
    .await?;
    let row: Row =
        first(&mut resp, 0)?.ok_or_else(|| DbError::Other("session user is gone".into()))?;
    Ok(SessionInfo {
        user_id: caller.user_id.clone(),
        user_name: row.user_name,
        email: row.email,
        workspace_id: caller.workspace_id.clone(),
        workspace_name: row.workspace_name,
        role: caller.role,
        business_hours: super::inbox::business_hours(db, &caller.workspace_id, now).await?,
        workspaces: row.workspaces,
    })
}
