//! Request plumbing shared by the server functions (server side only).

use super::backend::{Caller, NewSession, SharedBackend};
use super::{AppError, SESSION_COOKIE};
use leptos::prelude::use_context;

/// The injected backend (for the portal's token-authenticated functions, which have no session).
pub fn backend() -> Result<SharedBackend, AppError> {
    use_context::<SharedBackend>().ok_or_else(|| {
        leptos::logging::error!("server function called without a backend in context");
        AppError::Internal
    })
}

/// The session token from the request's cookie, if any.
pub fn session_token() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    session_token_in(&parts.headers)
}

/// The session token in a request's `Cookie` headers, if any (also used by the live socket).
pub fn session_token_in(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// The browser's user agent (naming the session in the Sessions list), at most 300 characters.
pub fn user_agent() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let agent = parts.headers.get(http::header::USER_AGENT)?.to_str().ok()?;
    Some(agent.chars().take(300).collect())
}

/// The backend and the authenticated caller, or `Unauthorized`.
pub async fn caller() -> Result<(SharedBackend, Caller), AppError> {
    let backend = backend()?;
    let token = session_token().ok_or(AppError::Unauthorized)?;
    let caller = backend.authenticate(&token).await?;
    Ok((backend, caller))
}

pub fn set_cookie(value: String) {
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(v) = http::HeaderValue::from_str(&value) {
            opts.append_header(http::header::SET_COOKIE, v);
        }
    }
}

/// Hands the browser the cookie of a session just opened (sign-in, an accepted invitation, a
/// sign-up); what the page shows of it.
pub fn start_session(backend: &SharedBackend, session: NewSession) -> crate::model::SessionInfo {
    set_cookie(session_cookie(
        &session.token,
        session.max_age_secs,
        backend.secure_cookies(),
    ));
    session.info
}

pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    )
}
