//! Sign-in: argon2 password hashes, server-side sessions behind an opaque cookie token (stored
//! only as its SHA-256), and throttling of sign-in attempts per account and per client address,
//! with a cap on password checks running at once.

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
    /// Too many password checks are running (`password::hashing`): try again in this many seconds.
    Busy(u64),
    NoWorkspace,
    Db(DbError),
}

impl From<DbError> for SignInError {
    fn from(e: DbError) -> Self {
        SignInError::Db(e)
    }
}

/// Counts a sign-in attempt against its client address (if known) and its account before the
/// password is checked; `Err` when either is locked (nothing is counted then).
async fn count_attempt(
    db: &Db,
    email: &str,
    address: Option<&str>,
    now: i64,
) -> Result<(), SignInError> {
    if let Some(a) = address {
        if let Err(secs) = throttle::reserve(db, a, throttle::ADDRESS, now).await? {
            return Err(SignInError::Throttled(secs));
        }
    }
    if let Err(secs) = throttle::reserve(db, email, throttle::ACCOUNT, now).await? {
        if let Some(a) = address {
            throttle::settle(db, a, false).await?;
        }
        return Err(SignInError::Throttled(secs));
    }
    Ok(())
}

/// Checks the password and opens a session. Returns the token to put in the cookie and the
/// caller the session stands for. `address` is the client's (`client_address`), when known.
pub async fn sign_in(
    db: &Db,
    email: &str,
    password: &str,
    agent: Option<&str>,
    address: Option<&str>,
    now: i64,
) -> Result<(String, Caller), SignInError> {
    let email = email.trim().to_lowercase();
    // Address keys cannot be emails (no @).
    let address = address.map(|a| format!("address:{a}"));
    let address = address.as_deref();
    count_attempt(db, &email, address, now).await?;

    let user = sessions::user_by_email(db, &email).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let Ok(ok) = password::hashing().verify(password.to_string(), hash).await else {
        // Not checked: the attempt is given back to both keys.
        throttle::settle(db, &email, false).await?;
        if let Some(a) = address {
            throttle::settle(db, a, false).await?;
        }
        tracing::warn!("sign-in refused: too many password checks at once");
        return Err(SignInError::Busy(password::BUSY_RETRY_SECS));
    };
    let Some(user) = user.filter(|_| ok) else {
        tracing::warn!(email_hash = %&token_hash(&email)[..12], "failed sign-in");
        return Err(SignInError::Wrong);
    };
    throttle::settle(db, &email, true).await?;
    if let Some(a) = address {
        throttle::settle(db, a, false).await?;
    }

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
