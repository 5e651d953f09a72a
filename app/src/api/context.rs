//! Request plumbing shared by the server functions (server side only).

use super::backend::{Caller, NewSession, SharedBackend};
use super::{session_cookie_name, AppError};
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
    session_token_in(&parts.headers, backend().ok()?.secure_cookies())
}

/// The session token in a request's `Cookie` headers, if any (also used by the live socket):
/// the cookie of this server's name (`session_cookie_name`) only.
pub fn session_token_in(headers: &http::HeaderMap, secure: bool) -> Option<String> {
    let name = session_cookie_name(secure);
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// The browser's user agent (naming the session in the Sessions list), at most 300 characters.
pub fn user_agent() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let agent = parts.headers.get(http::header::USER_AGENT)?.to_str().ok()?;
    Some(agent.chars().take(300).collect())
}

/// The client's address (`server::client_address`), when it can be told.
pub fn client_address() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let address = parts.extensions.get::<super::backend::ClientAddress>()?;
    Some(address.0.clone())
}

/// A refusal to wait answers `429 Too Many Requests` with `Retry-After`.
pub fn answer_too_many(e: &AppError) {
    let (AppError::Throttled(secs) | AppError::Busy(secs) | AppError::TooFast(secs)) = e else {
        return;
    };
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::TOO_MANY_REQUESTS);
        if let Ok(v) = http::HeaderValue::from_str(&secs.to_string()) {
            opts.insert_header(http::header::RETRY_AFTER, v);
        }
    }
}

/// The bearer an embedded frame sends (`Authorization: Bearer …`), if any.
pub fn bearer_token() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    bearer_in(&parts.headers)
}

/// The bearer in a request's `Authorization` header, if it has the shape we issue
/// (`domain::portal::is_token`).
pub fn bearer_in(headers: &http::HeaderMap) -> Option<String> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    crate::domain::portal::is_token(token).then(|| token.to_string())
}

/// The backend and the authenticated caller, or `Unauthorized`: a teammate by their session
/// cookie, else an embedded frame by its bearer (a read-only caller scoped to one client).
pub async fn caller() -> Result<(SharedBackend, Caller), AppError> {
    let backend = backend()?;
    let caller = match (session_token(), bearer_token()) {
        (Some(token), _) => backend.authenticate(&token).await?,
        (None, Some(bearer)) => backend.authenticate_embed(&bearer).await?,
        (None, None) => return Err(AppError::Unauthorized),
    };
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
    let name = session_cookie_name(secure);
    let flag = if secure { "; Secure" } else { "" };
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{flag}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookie: &str) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        h.insert(
            http::header::COOKIE,
            http::HeaderValue::from_str(cookie).unwrap(),
        );
        h
    }

    #[test]
    fn over_https_the_session_is_a_host_only_secure_cookie() {
        assert_eq!(
            session_cookie("tok", 60, true),
            "__Host-inbox_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure"
        );
        assert_eq!(
            session_cookie("tok", 60, false),
            "inbox_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=60"
        );
        // Each server reads its own name only: a plain cookie (set by another host or over http)
        // is no session on an https server.
        let both = headers("inbox_session=plain; __Host-inbox_session=host");
        assert_eq!(session_token_in(&both, true).as_deref(), Some("host"));
        assert_eq!(session_token_in(&both, false).as_deref(), Some("plain"));
        assert_eq!(
            session_token_in(&headers("inbox_session=plain"), true),
            None
        );
        assert_eq!(
            session_token_in(&headers("__Host-inbox_session="), true),
            None
        );
    }
}
