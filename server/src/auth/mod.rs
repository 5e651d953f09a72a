//! Sign-in: argon2 password hashes, server-side sessions behind an opaque cookie token (stored
//! only as its SHA-256), and throttling of failed attempts per account.

pub mod password;
pub mod throttle;

use crate::db::{exec, first, Db, DbError};
use app::api::backend::{Caller, Scope};
use app::model::Role;
use sha2::{Digest, Sha256};

pub const SESSION_DAYS: i64 = 30;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Debug)]
pub enum SignInError {
    Wrong,
    Throttled(u64),
    NoWorkspace,
    Db(DbError),
}

impl From<DbError> for SignInError {
    fn from(e: DbError) -> Self {
        SignInError::Db(e)
    }
}

#[derive(serde::Deserialize)]
struct UserRow {
    id: String,
    password_hash: String,
}

#[derive(serde::Deserialize)]
struct MembershipRow {
    workspace: String,
    role: String,
}

/// Checks the password and opens a session. Returns the token to put in the cookie and the
/// caller the session stands for.
pub async fn sign_in(
    db: &Db,
    email: &str,
    password: &str,
    now: i64,
) -> Result<(String, Caller), SignInError> {
    let email = email.trim().to_lowercase();
    let state = throttle::load(db, &email).await?;
    throttle::check(&state, now).map_err(SignInError::Throttled)?;

    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, password_hash FROM user WHERE email = $email LIMIT 1;",
        serde_json::json!({ "email": email }),
    )
    .await?;
    let user: Option<UserRow> = first(&mut resp, 0)?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let ok = password::verify(password.to_string(), hash).await;
    let Some(user) = user.filter(|_| ok) else {
        throttle::store(db, &email, &throttle::after_failure(&state, now)).await?;
        tracing::warn!(email_hash = %&token_hash(&email)[..12], "failed sign-in");
        return Err(SignInError::Wrong);
    };
    throttle::store(db, &email, &throttle::ThrottleState::default()).await?;

    let mut resp = exec(
        db,
        "SELECT record::id(workspace) AS workspace, role, created_at FROM membership WHERE user = type::record('user', $user) ORDER BY created_at LIMIT 1;",
        serde_json::json!({ "user": user.id }),
    )
    .await?;
    let membership: MembershipRow = first(&mut resp, 0)?.ok_or(SignInError::NoWorkspace)?;
    let role = Role::parse(&membership.role).ok_or(SignInError::NoWorkspace)?;
    let token = crate::ids::new_secret();
    exec(
        db,
        "CREATE session SET token_hash = $hash, user = type::record('user', $user), workspace = type::record('workspace', $ws), created_at = $now, expires_at = $exp;",
        serde_json::json!({
            "hash": token_hash(&token),
            "user": user.id,
            "ws": membership.workspace,
            "now": now,
            "exp": now + SESSION_DAYS * DAY_MS,
        }),
    )
    .await?;
    let caller = Caller {
        user_id: user.id,
        workspace_id: membership.workspace,
        role,
        scope: Scope::Workspace,
    };
    Ok((token, caller))
}

#[derive(serde::Deserialize)]
struct SessionRow {
    user: String,
    workspace: String,
    role: Option<String>,
}

/// The caller behind a session token, if the session is live and the membership still exists.
pub async fn authenticate(db: &Db, token: &str, now: i64) -> Result<Option<Caller>, DbError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let mut resp = exec(
        db,
        "SELECT record::id(user) AS user, record::id(workspace) AS workspace,
            (SELECT VALUE role FROM membership WHERE workspace = $parent.workspace AND user = $parent.user LIMIT 1)[0] AS role
         FROM session WHERE token_hash = $hash AND expires_at > $now LIMIT 1;",
        serde_json::json!({ "hash": token_hash(token), "now": now }),
    )
    .await?;
    let Some(row) = first::<SessionRow>(&mut resp, 0)? else {
        return Ok(None);
    };
    let Some(role) = row.role.as_deref().and_then(Role::parse) else {
        return Ok(None);
    };
    Ok(Some(Caller {
        user_id: row.user,
        workspace_id: row.workspace,
        role,
        scope: Scope::Workspace,
    }))
}

pub async fn sign_out(db: &Db, token: &str) -> Result<(), DbError> {
    exec(
        db,
        "DELETE session WHERE token_hash = $hash;",
        serde_json::json!({ "hash": token_hash(token) }),
    )
    .await?;
    Ok(())
}
