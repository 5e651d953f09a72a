//! Sign-in: argon2 password hashes, server-side sessions behind an opaque cookie token (stored
//! only as its SHA-256), and throttling of failed attempts per account.

pub mod password;
pub mod throttle;

use crate::db::{Db, DbError};
use crate::state::AppState;
use crate::store::sessions;
use app::api::backend::{Caller, Scope};
use app::api::AppError;
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

/// Checks the password and opens a session. Returns the token to put in the cookie and the
/// caller the session stands for.
pub async fn sign_in(
    db: &Db,
    email: &str,
    password: &str,
    agent: Option<&str>,
    now: i64,
) -> Result<(String, Caller), SignInError> {
    let email = email.trim().to_lowercase();
    let state = throttle::load(db, &email).await?;
    throttle::check(&state, now).map_err(SignInError::Throttled)?;

    let user = sessions::user_by_email(db, &email).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let ok = password::verify(password.to_string(), hash).await;
    let Some(user) = user.filter(|_| ok) else {
        throttle::store(db, &email, &throttle::after_failure(&state, now)).await?;
        tracing::warn!(email_hash = %&token_hash(&email)[..12], "failed sign-in");
        return Err(SignInError::Wrong);
    };
    throttle::store(db, &email, &throttle::ThrottleState::default()).await?;

    let membership = sessions::first_membership(db, &user.id)
        .await?
        .ok_or(SignInError::NoWorkspace)?;
    let role = Role::parse(&membership.role).ok_or(SignInError::NoWorkspace)?;
    let caller = Caller {
        user_id: user.id,
        workspace_id: membership.workspace,
        role,
        scope: Scope::Workspace,
    };
    let token = open_session(db, &caller, agent, now).await?;
    Ok((token, caller))
}

/// Opens a session for `caller` (after a sign-in, or accepting an invitation); its token.
pub async fn open_session(
    db: &Db,
    caller: &Caller,
    agent: Option<&str>,
    now: i64,
) -> Result<String, DbError> {
    let token = crate::ids::new_secret();
    let hash = token_hash(&token);
    let session = sessions::NewSession {
        token_hash: &hash,
        user: &caller.user_id,
        workspace: &caller.workspace_id,
        agent,
    };
    sessions::create(db, &session, now, now + SESSION_DAYS * DAY_MS).await?;
    Ok(token)
}

/// The caller behind a session token, if the session is live and the membership still exists.
pub async fn authenticate(db: &Db, token: &str, now: i64) -> Result<Option<Caller>, DbError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    sessions::caller(db, &token_hash(token), now).await
}

/// The caller behind a session token (a request's cookie), or `Unauthorized`.
pub async fn caller(state: &AppState, token: &str) -> Result<Caller, AppError> {
    authenticate(&state.db, token, state.clock.now_ms())
        .await
        .map_err(crate::errors::internal)?
        .ok_or(AppError::Unauthorized)
}

pub async fn sign_out(db: &Db, token: &str) -> Result<(), DbError> {
    sessions::delete(db, &token_hash(token)).await
}
