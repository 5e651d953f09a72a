//! What every answer carries and what every cookie-authenticated write checks, beside the
//! routes (`http.rs`):
//! - **Headers**: `X-Content-Type-Options`, `Referrer-Policy: no-referrer` (portal links carry
//!   their token in the path), `X-Frame-Options` and `frame-ancestors 'none'` (no page may be
//!   framed), HSTS when the public URL is https; server-rendered pages add a
//!   `Content-Security-Policy` with the response's nonce (`page_policy`), which the hydration
//!   script carries.
//! - **Cross-site requests**: server functions, the live sockets and uploads ride the session
//!   cookie (or a portal link), so a browser request from another site is refused
//!   (`Sec-Fetch-Site`, else `Origin`), here and nowhere else.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The policy of a server-rendered page: its own scripts (the hydration script by `nonce`) and
/// wasm, its own styles (inline `style` attributes included), images from anywhere over https
/// (avatars, email images shown on demand), connections to itself (server functions, the live
/// socket), and never framed.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The policy of every other answer (JSON, files, the not-found page): never framed, no
/// plugins, no base rewriting.
const OTHER_POLICY: &str = "frame-ancestors 'none'; object-src 'none'; base-uri 'none'";

/// Adds the headers every answer carries (a page's own policy is kept).
pub async fn headers(State(https): State<bool>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::CONTENT_SECURITY_POLICY, OTHER_POLICY);
    if https {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    res
}

/// An embed page (`/embed/{partner}`) may be framed by its partner's origins only: its policy's
/// `frame-ancestors 'none'` becomes the partner's list (`domain::embed::frame_ancestors`; an
/// unknown partner keeps `'none'`) and `X-Frame-Options` goes (browsers would let it overrule).
/// Runs outside `headers`, on what it set.
pub async fn embed_framing(
    State(state): State<crate::state::AppState>,
    req: Request,
    next: Next,
) -> Response {
    let partner = req
        .uri()
        .path()
        .strip_prefix("/embed/")
        .map(|p| p.trim_end_matches('/').to_string())
        .filter(|p| app::domain::filter::is_valid_id(p));
    let mut res = next.run(req).await;
    let Some(partner) = partner else {
        return res;
    };
    let origins = match crate::store::embed::origins(&state.db, &partner).await {
        Ok(o) => o,
        Err(e) => {
            tracing::warn!(error = %e, "embed page: partner origins unreadable; framing refused");
            Vec::new()
        }
    };
    if origins.is_empty() {
        return res;
    }
    let h = res.headers_mut();
    let framed = h
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .map(|csp| {
            csp.replace(
                "frame-ancestors 'none'",
                &app::domain::embed::frame_ancestors(&origins),
            )
        });
    if let Some(v) = framed.and_then(|f| HeaderValue::from_str(&f).ok()) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
        h.remove(header::X_FRAME_OPTIONS);
    }
    res
}

/// A browser's Origin must be this server (its Host) or the configured public URL.
pub fn origin_allowed(origin: Option<&str>, host: Option<&str>, public_url: &str) -> bool {
    let Some(origin) = origin else {
        return true; // not a browser page: no cookie-riding risk
    };
    let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
    origin == public_url || host.is_some_and(|h| h == origin_host)
}

/// Whether a request may act with the session cookie it carries: not from a browser page of
/// another site. Requests without either header are not a browser's cross-site request.
pub fn same_site(headers: &HeaderMap, public_url: &str) -> bool {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    match header("sec-fetch-site") {
        Some(site) => matches!(site, "same-origin" | "none"),
        None => origin_allowed(
            header(header::ORIGIN.as_str()),
            header(header::HOST.as_str()),
            public_url,
        ),
    }
}

/// The routes a cookie or a portal link carries authority to: server functions and the live
/// sockets (`/api/…`) and uploads. Webhooks, pages and files are not.
pub fn rides_the_cookie(path: &str) -> bool {
    path.starts_with("/api/") || path == app::api::UPLOAD_PATH
}

/// Refuses a cross-site request to a cookie-authenticated route with 403 (logged without
/// its body).
pub async fn refuse_cross_site(
    State(public_url): State<String>,
    req: Request<Body>,
    next: Next,
) -> Response {
    if !rides_the_cookie(req.uri().path()) || same_site(req.headers(), &public_url) {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "refused a cross-site request");
    (StatusCode::FORBIDDEN, "cross-site request refused").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn origin_table() {
        let public = "https://inbox.example.com";
        let cases = [
            (None, Some("127.0.0.1:3000"), true),
            (Some("http://127.0.0.1:3000"), Some("127.0.0.1:3000"), true),
            (
                Some("https://inbox.example.com"),
                Some("10.0.0.5:3000"),
                true,
            ),
            (Some("https://evil.example"), Some("127.0.0.1:3000"), false),
            (Some("http://127.0.0.1:3001"), Some("127.0.0.1:3000"), false),
            (Some("null"), Some("127.0.0.1:3000"), false),
        ];
        for (origin, host, want) in cases {
            assert_eq!(
                origin_allowed(origin, host, public),
                want,
                "{origin:?} {host:?}"
            );
        }
    }

    #[test]
    fn cross_site_requests_are_told_apart() {
        let public = "https://inbox.example";
        let cases = [
            (with(&[]), true),
            (with(&[("sec-fetch-site", "same-origin")]), true),
            (with(&[("sec-fetch-site", "none")]), true),
            (with(&[("sec-fetch-site", "same-site")]), false),
            (with(&[("sec-fetch-site", "cross-site")]), false),
            // A browser's fetch-metadata wins over an Origin that looks right.
            (
                with(&[
                    ("sec-fetch-site", "cross-site"),
                    ("origin", "https://inbox.example"),
                ]),
                false,
            ),
            (with(&[("origin", "https://inbox.example")]), true),
            (
                with(&[
                    ("origin", "http://127.0.0.1:3000"),
                    ("host", "127.0.0.1:3000"),
                ]),
                true,
            ),
            (with(&[("origin", "https://evil.example")]), false),
            (with(&[("origin", "null")]), false),
        ];
        for (headers, want) in cases {
            assert_eq!(same_site(&headers, public), want, "{headers:?}");
        }
    }

    #[test]
    fn a_pages_policy_names_its_nonce_and_forbids_framing() {
        let p = page_policy("abc123");
        assert!(p.contains("'nonce-abc123'") && p.contains("'wasm-unsafe-eval'"));
        assert!(p.contains("frame-ancestors 'none'") && !p.contains(" 'unsafe-eval'"));
    }
}
