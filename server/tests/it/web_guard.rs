//! Headers on every answer, a nonce-bound Content-Security-Policy on pages, and server
//! functions refusing a browser's cross-site request that rides the session cookie.

use crate::common::Harness;
use app::model::*;
use serde_json::json;

#[tokio::test]
async fn pages_and_answers_carry_the_security_headers() {
    let h = Harness::with_sizes(2, 1).await;
    let (status, headers, body) = h.send("GET", "/login", &[], Vec::new()).await;
    assert_eq!(status, 200, "{body}");
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("referrer-policy"), "no-referrer");
    assert_eq!(header("x-frame-options"), "DENY");
    let csp = header("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    // The page's hydration script carries the nonce its policy names, and no other script runs.
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the page's policy")
        .to_string();
    assert!(body.contains(&format!("nonce=\"{nonce}\"")), "{body}");
    let scripts = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(!scripts.contains("unsafe-inline"), "{scripts}");
    let (_, again, _) = h.send("GET", "/login", &[], Vec::new()).await;
    assert_ne!(
        again.get("content-security-policy"),
        headers.get("content-security-policy"),
        "a fresh nonce per page"
    );

    // A server function's answer: never framed, never sniffed.
    let (_, headers, _) = h.raw("current_session", None, "{}".into(), true).await;
    assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
    assert!(headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    // Plain http (local development) gets no HSTS.
    assert!(headers.get("strict-transport-security").is_none());
}

/// `set_stage` with the session cookie, from a page these headers describe.
async fn set_stage_from(
    h: &Harness,
    cookie: &str,
    body: &str,
    from: &[(&str, &str)],
) -> (http::StatusCode, String) {
    let mut headers = vec![
        ("accept", "application/json"),
        ("content-type", "application/json"),
        ("cookie", cookie),
    ];
    headers.extend_from_slice(from);
    let (status, _, text) = h
        .send("POST", "/api/set_stage", &headers, body.as_bytes().to_vec())
        .await;
    (status, text)
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    let h = Harness::with_sizes(2, 1).await;
    let cookie = h.sign_in_as(&h.a, Role::Owner).await;
    let thread = h.a.thread_ids[0].clone();
    // Declining is allowed from every open stage.
    let body = json!({ "thread_id": thread, "stage": "declined", "reason": "rate" }).to_string();
    let stage = || async {
        h.value(
            "SELECT VALUE stage FROM ONLY type::record('thread', $t);",
            json!({ "t": thread }),
        )
        .await
    };
    let before = stage().await;
    for foreign in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let (status, text) = set_stage_from(&h, &cookie, &body, &[foreign]).await;
        assert_eq!(status, 403, "{foreign:?}: {text}");
        assert_eq!(stage().await, before, "{foreign:?} changed nothing");
    }
    // The same request from the app's own page goes through.
    let own_page = [
        ("sec-fetch-site", "same-origin"),
        ("origin", "http://127.0.0.1:3000"),
    ];
    let (status, text) = set_stage_from(&h, &cookie, &body, &own_page).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(stage().await, json!("declined"));
}

#[tokio::test]
async fn health_and_readiness_look_at_the_database() {
    let h = Harness::with_sizes(1, 1).await;
    assert_eq!(
        h.request("GET", "/healthz", &[], Vec::new()).await,
        (http::StatusCode::OK, "ok".to_string())
    );
    assert_eq!(
        h.request("GET", "/readyz", &[], Vec::new()).await,
        (http::StatusCode::OK, "ready".to_string())
    );
    // A database behind this build's schema: alive, not ready.
    let latest = server::db::migrations::MIGRATIONS.last().unwrap().version;
    h.query(
        "DELETE type::record('migration', $v);",
        json!({ "v": latest }),
    )
    .await;
    assert_eq!(
        h.request("GET", "/readyz", &[], Vec::new()).await,
        (
            http::StatusCode::SERVICE_UNAVAILABLE,
            "schema not migrated".to_string()
        )
    );
    assert_eq!(h.request("GET", "/healthz", &[], Vec::new()).await.0, 200);
}
