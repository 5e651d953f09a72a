//! The team: members and their roles, invitations (created, revoked, accepted), deactivation
//! and reactivation, and new workspaces. Every change is one transaction with its audit event;
//! a change that would leave a workspace without an active owner is undone by the same
//! transaction (`KEEP_AN_OWNER`), whatever was read before it.

use super::audit::{AuditEntry, AUDIT_STATEMENT};
use crate::db::{exec, exec_transaction, first, rows, Db, DbError};
use app::domain::team::MemberChange;
use app::model::Role;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// Fails the transaction if workspace `$ws` has no active owner left.
const KEEP_AN_OWNER: &str = "IF ((SELECT count() AS n FROM membership WHERE workspace = type::record('workspace', $ws)
        AND role = 'owner' AND deactivated_at = NONE GROUP ALL)[0].n ?? 0) < 1 { THROW 'last owner'; };";

#[derive(Clone, Debug, Deserialize)]
pub struct MemberRow {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub deactivated_at: Option<i64>,
    pub joined_at: i64,
    pub assigned_threads: u32,
}

/// The workspace's members, owners first, then by name.
pub async fn members(db: &Db, ws: &str) -> Result<Vec<MemberRow>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(user) AS user_id, user.name AS name, user.email AS email, role, deactivated_at,
                created_at AS joined_at,
                (SELECT count() AS n FROM thread WHERE workspace = $parent.workspace AND assignee = $parent.user
                    AND archived_at = NONE AND stage NOT IN ['completed', 'declined'] GROUP ALL)[0].n ?? 0 AS assigned_threads
             FROM membership WHERE workspace = type::record('workspace', $ws);",
        json!({ "ws": ws }),
    )
    .await?;
    let mut members: Vec<MemberRow> = rows(&mut resp, 0)?;
    members.sort_by_key(|m| (m.role != "owner", m.name.to_lowercase()));
    Ok(members)
}

#[derive(Clone, Debug, Deserialize)]
pub struct InvitationRow {
    pub id: String,
    pub email: String,
    pub role: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub invited_by: Option<String>,
}

/// The workspace's invitations of the last 30 days, newest first.
pub async fn invitations(db: &Db, ws: &str, now: i64) -> Result<Vec<InvitationRow>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, email, role, created_at, expires_at, accepted_at, revoked_at,
                created_by.name AS invited_by
             FROM invitation WHERE workspace = type::record('workspace', $ws) AND created_at > $since
             ORDER BY created_at DESC;",
        json!({ "ws": ws, "since": now - 30 * app::domain::team::DAY_MS }),
    )
    .await?;
    rows(&mut resp, 0)
}

/// A new invitation to `ws` (by `by`, none for a new workspace's owner), audited.
pub struct NewInvitation<'a> {
    pub ws: &'a str,
    pub email: &'a str,
    pub role: Role,
    pub token_hash: &'a str,
    pub by: Option<&'a str>,
    pub expires_at: i64,
}

/// Stores an invitation with its audit event; its id.
pub async fn invite(db: &Db, inv: &NewInvitation<'_>, now: i64) -> Result<String, DbError> {
    let id = crate::ids::new_id();
    let mut vars = bound(inv.ws, now);
    vars.insert("id".into(), json!(id));
    vars.insert("email".into(), json!(inv.email));
    vars.insert("role".into(), json!(inv.role.as_str()));
    vars.insert("hash".into(), json!(inv.token_hash));
    vars.insert("by".into(), json!(inv.by));
    vars.insert("exp".into(), json!(inv.expires_at));
    audit(
        &mut vars,
        inv.by,
        "team.invited",
        format!("invitation:{id}"),
        json!({ "role": inv.role.as_str() }),
    );
    exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             CREATE type::record('invitation', $id) SET workspace = type::record('workspace', $ws), email = $email, role = $role,
                 token_hash = $hash, created_by = IF $by = NONE THEN NONE ELSE type::record('user', $by) END,
                 created_at = $now, expires_at = $exp;
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await?;
    Ok(id)
}

/// Revokes a pending invitation of `ws`; `false` when there is no such pending invitation.
pub async fn revoke(db: &Db, ws: &str, id: &str, by: &str, now: i64) -> Result<bool, DbError> {
    let mut vars = bound(ws, now);
    vars.insert("id".into(), json!(id));
    audit(
        &mut vars,
        Some(by),
        "team.invitation_revoked",
        format!("invitation:{id}"),
        json!({}),
    );
    let result = exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             LET $done = UPDATE type::record('invitation', $id) SET revoked_at = $now
                 WHERE workspace = type::record('workspace', $ws) AND accepted_at = NONE AND revoked_at = NONE;
             IF array::len($done) = 0 {{ THROW 'no pending invitation'; }};
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await;
    crate::db::unless_thrown(result, "no pending invitation")
}

#[derive(Clone, Debug, Deserialize)]
pub struct InvitationByToken {
    pub id: String,
    pub workspace: String,
    pub workspace_name: String,
    pub email: String,
    pub role: String,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// The invited address's account, if it has one.
    pub user: Option<String>,
}

pub async fn invitation_by_token(
    db: &Db,
    token_hash: &str,
) -> Result<Option<InvitationByToken>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, record::id(workspace) AS workspace, workspace.name AS workspace_name, email, role,
                expires_at, accepted_at, revoked_at,
                (SELECT VALUE record::id(id) FROM user WHERE email = $parent.email LIMIT 1)[0] AS user
             FROM invitation WHERE token_hash = $hash LIMIT 1;",
        json!({ "hash": token_hash }),
    )
    .await?;
    first(&mut resp, 0)
}

/// Who accepts an invitation: a new account, or the one the address has.
pub enum Joiner<'a> {
    New {
        user_id: &'a str,
        name: &'a str,
        password_hash: &'a str,
    },
    Existing {
        user_id: &'a str,
    },
}

/// Accepts an unused invitation in one transaction: the account (if new), the membership (a
/// deactivated one comes back with the invitation's role), the invitation marked used, and the
/// audit event. `false` when the invitation was used or revoked meanwhile.
pub async fn accept(
    db: &Db,
    inv: &InvitationByToken,
    joiner: &Joiner<'_>,
    now: i64,
) -> Result<bool, DbError> {
    let (user_id, create_user) = match joiner {
        Joiner::New {
            user_id,
            name,
            password_hash,
        } => (
            *user_id,
            Some(json!({ "name": name, "hash": password_hash })),
        ),
        Joiner::Existing { user_id } => (*user_id, None),
    };
    let mut vars = bound(&inv.workspace, now);
    vars.insert("inv".into(), json!(inv.id));
    vars.insert("user".into(), json!(user_id));
    vars.insert("email".into(), json!(inv.email));
    vars.insert("role".into(), json!(inv.role));
    vars.insert("new_user".into(), create_user.unwrap_or(Value::Null));
    audit(
        &mut vars,
        Some(user_id),
        "team.joined",
        format!("user:{user_id}"),
        json!({ "role": inv.role }),
    );
    let result = exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             LET $used = UPDATE type::record('invitation', $inv) SET accepted_at = $now, accepted_by = type::record('user', $user)
                 WHERE accepted_at = NONE AND revoked_at = NONE;
             IF array::len($used) = 0 {{ THROW 'invitation used'; }};
             IF type::is_object($new_user) {{
                 CREATE type::record('user', $user) SET email = $email, name = $new_user.name, password_hash = $new_user.hash, created_at = $now;
             }};
             LET $had = (SELECT VALUE id FROM membership WHERE workspace = type::record('workspace', $ws) AND user = type::record('user', $user))[0];
             IF $had = NONE {{
                 CREATE membership SET workspace = type::record('workspace', $ws), user = type::record('user', $user), role = $role, created_at = $now;
             }} ELSE {{
                 UPDATE $had SET role = $role, deactivated_at = NONE;
             }};
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await;
    crate::db::unless_thrown(result, "invitation used")
}

/// Changes a member's role or activity with its audit event; deactivating ends their sessions
/// in this workspace. `Err(LastOwner)` when the workspace would be left without an active owner.
pub async fn change_member(
    db: &Db,
    ws: &str,
    user: &str,
    change: MemberChange,
    by: &str,
    now: i64,
) -> Result<(), ChangeError> {
    let mut vars = bound(ws, now);
    vars.insert("user".into(), json!(user));
    let (set, action, detail) = match change {
        MemberChange::Role(role) => {
            vars.insert("role".into(), json!(role.as_str()));
            (
                "role = $role",
                "team.role_changed",
                json!({ "role": role.as_str() }),
            )
        }
        MemberChange::Deactivate => ("deactivated_at = $now", "team.deactivated", json!({})),
        MemberChange::Reactivate => ("deactivated_at = NONE", "team.reactivated", json!({})),
    };
    let end_sessions = if matches!(change, MemberChange::Deactivate) {
        "DELETE session WHERE user = type::record('user', $user) AND workspace = type::record('workspace', $ws);"
    } else {
        ""
    };
    audit(&mut vars, Some(by), action, format!("user:{user}"), detail);
    let result = exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             LET $done = UPDATE membership SET {set}
                 WHERE workspace = type::record('workspace', $ws) AND user = type::record('user', $user);
             IF array::len($done) = 0 {{ THROW 'not a member'; }};
             {KEEP_AN_OWNER}
             {end_sessions}
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await;
    match result {
        Ok(_) => Ok(()),
        Err(e) if e.to_string().contains("last owner") => Err(ChangeError::LastOwner),
        Err(e) if e.to_string().contains("not a member") => Err(ChangeError::NotMember),
        Err(e) => Err(ChangeError::Db(e)),
    }
}

#[derive(Debug)]
pub enum ChangeError {
    LastOwner,
    NotMember,
    Db(DbError),
}

/// A new workspace with no members yet (its owner joins through the invitation made with it);
/// `false` when a workspace of that name exists already.
pub async fn create_workspace(db: &Db, id: &str, name: &str, now: i64) -> Result<bool, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE id FROM workspace WHERE name = $name LIMIT 1;",
        json!({ "name": name }),
    )
    .await?;
    if !rows::<Value>(&mut resp, 0)?.is_empty() {
        return Ok(false);
    }
    exec(
        db,
        "CREATE type::record('workspace', $id) SET name = $name, created_at = $now;",
        json!({ "id": id, "name": name, "now": now }),
    )
    .await?;
    Ok(true)
}

/// A new workspace with its owner's new account and membership, audited — one transaction (the
/// public sign-up). `false` when the address has an account already.
pub async fn sign_up(
    db: &Db,
    ws: &str,
    ws_name: &str,
    owner: &NewOwner<'_>,
    now: i64,
) -> Result<bool, DbError> {
    let mut vars = bound(ws, now);
    vars.insert("ws_name".into(), json!(ws_name));
    vars.insert("user".into(), json!(owner.user_id));
    vars.insert("email".into(), json!(owner.email));
    vars.insert("name".into(), json!(owner.name));
    vars.insert("hash".into(), json!(owner.password_hash));
    audit(
        &mut vars,
        Some(owner.user_id),
        "team.workspace_created",
        format!("workspace:{ws}"),
        json!({}),
    );
    let result = exec_transaction(
        db,
        &format!(
            "BEGIN TRANSACTION;
             IF array::len(SELECT id FROM user WHERE email = $email) > 0 {{ THROW 'address taken'; }};
             CREATE type::record('workspace', $ws) SET name = $ws_name, created_at = $now;
             CREATE type::record('user', $user) SET email = $email, name = $name, password_hash = $hash, created_at = $now;
             CREATE membership SET workspace = type::record('workspace', $ws), user = type::record('user', $user), role = 'owner', created_at = $now;
             {AUDIT_STATEMENT}
             COMMIT TRANSACTION;"
        ),
        Value::Object(vars),
    )
    .await;
    crate::db::unless_thrown(result, "address taken")
}

/// The owner a sign-up creates.
pub struct NewOwner<'a> {
    pub user_id: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
}

fn bound(ws: &str, now: i64) -> Map<String, Value> {
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(ws));
    vars.insert("now".into(), json!(now));
    vars
}

fn audit(
    vars: &mut Map<String, Value>,
    by: Option<&str>,
    action: &str,
    subject: String,
    detail: Value,
) {
    AuditEntry {
        actor_kind: if by.is_some() { "user" } else { "system" },
        actor_id: by,
        action,
        subject,
        detail,
    }
    .bind(vars);
}
