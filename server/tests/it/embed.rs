//! Embedding in partner dashboards: an owner registers a partner, the partner's server signs a
//! token, a frame exchanges it once for a bearer, and with that bearer every read sees one
//! client's conversations only and a viewer frame writes nothing (member, campaign and one-thread
//! frames: `embed_scope`). Rotation keeps the previous key for its overlap; removing the partner
//! ends its frames.

use crate::common;

use app::api::AppError;
use app::model::*;
use common::Harness;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

pub(crate) struct Signer<'a> {
    pub h: &'a Harness,
    pub partner: String,
}

impl Signer<'_> {
    pub fn claims(&self, jti: &str) -> Value {
        let now = self.h.clock.now_ms() / 1000;
        json!({ "aud": self.h.state.config.public_url, "iat": now, "exp": now + 300, "jti": jti,
            "view": "inbox", "user_id": "u-7", "user_name": "Jo" })
    }

    pub fn sign(&self, key: &str, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.partner.clone());
        encode(&header, claims, &EncodingKey::from_secret(key.as_bytes())).unwrap()
    }

    pub async fn start(&self, token: &str) -> Result<EmbedSession, AppError> {
        self.h
            .call("start_embed", None, json!({ "token": token }))
            .await
    }
}

pub(crate) fn bearer(s: &EmbedSession) -> String {
    format!("Bearer {}", s.bearer)
}

async fn register(h: &Harness, owner: &str, client: &str) -> EmbedPartnerKey {
    let form = json!({ "form": { "name": "Acme dashboard",
        "origins": ["https://dash.acme.example", "http://localhost:4000"],
        "client_id": client, "role": "viewer", "views": ["inbox", "thread"] } });
    h.call("create_embed_partner", Some(owner), form)
        .await
        .expect("partner registered")
}

#[tokio::test]
async fn a_frame_sees_one_client_and_writes_nothing() {
    let h = Harness::with_sizes(12, 4).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let client = h.a.client_ids[0].clone();

    // Only owners register partners; a partner for another workspace's client is refused.
    let form = |client: &str| {
        json!({ "form": { "name": "X", "origins": ["https://x.example"],
        "client_id": client, "role": "viewer", "views": ["inbox"] } })
    };
    let by_member: Result<Value, AppError> = h
        .call("create_embed_partner", Some(&member), form(&client))
        .await;
    assert!(matches!(by_member, Err(AppError::Forbidden(_))));
    let foreign: Result<Value, AppError> = h
        .call(
            "create_embed_partner",
            Some(&owner),
            form(&h.b.client_ids[0]),
        )
        .await;
    assert!(matches!(foreign, Err(AppError::Invalid(_))), "{foreign:?}");
    let wildcard: Result<Value, AppError> = h
        .call("create_embed_partner", Some(&owner), json!({ "form": { "name": "X",
            "origins": ["https://*.x.example"], "client_id": client, "role": "viewer", "views": ["inbox"] } }))
        .await;
    assert!(matches!(wildcard, Err(AppError::Invalid(_))));

    let created = register(&h, &owner, &client).await;
    assert_eq!(created.key.len(), 64);
    assert_eq!(created.partner.client_id, client);
    let listed: Vec<EmbedPartnerView> = h
        .call("embed_partners", Some(&owner), json!({}))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let sealed = h
        .value(
            "SELECT VALUE key_sealed FROM ONLY type::record('embed_partner', $id);",
            json!({ "id": created.partner.id }),
        )
        .await;
    assert!(
        !sealed.to_string().contains(&created.key),
        "the key is sealed at rest"
    );

    let s = Signer {
        h: &h,
        partner: created.partner.id.clone(),
    };
    let token = s.sign(&created.key, &s.claims("first"));
    let session = s.start(&token).await.expect("exchanged");
    assert!(!session.client_name.is_empty());
    assert_eq!(
        session.origins,
        vec!["https://dash.acme.example", "http://localhost:4000"]
    );
    // The same token again is a replay.
    assert!(
        matches!(s.start(&token).await, Err(AppError::Invalid(m)) if m.contains("used already"))
    );
    // Wrong key, wrong audience, too long a life: refused with a reason, nothing opened.
    assert!(s.start(&s.sign("guess", &s.claims("k"))).await.is_err());
    let mut aud = s.claims("a");
    aud["aud"] = json!("https://other.example");
    assert!(
        matches!(s.start(&s.sign(&created.key, &aud)).await, Err(AppError::Invalid(m)) if m.contains("another deployment"))
    );
    let mut long = s.claims("l");
    long["exp"] = json!(long["iat"].as_i64().unwrap() + 3600);
    assert!(s.start(&s.sign(&created.key, &long)).await.is_err());

    // With the bearer: only the client's threads, another client's or workspace's are NotFound.
    let b = bearer(&session);
    let seen: Vec<ThreadSummary> = h.all_pages(&b, json!({})).await;
    let of_client: Vec<String> = h
        .query(
            "SELECT VALUE record::id(id) FROM thread WHERE client = type::record('client', $c) AND archived_at = NONE;",
            json!({ "c": client }),
        )
        .await
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(!seen.is_empty());
    assert!(
        seen.iter().all(|t| t.client_id == client),
        "only the partner's client"
    );
    assert_eq!(seen.len(), of_client.len());
    let other_client_thread =
        h.a.thread_ids
            .iter()
            .find(|t| !of_client.contains(t))
            .unwrap();
    for thread in [other_client_thread, &h.b.thread_ids[0]] {
        let got: Result<Value, AppError> = h
            .call("get_thread", Some(&b), json!({ "thread_id": thread }))
            .await;
        assert_eq!(got.err(), Some(AppError::NotFound), "{thread}");
    }
    let mine: Result<Value, AppError> = h
        .call("get_thread", Some(&b), json!({ "thread_id": seen[0].id }))
        .await;
    assert!(mine.is_ok(), "{mine:?}");
    // Read-only: a reply, a stage move and the owner's settings are refused.
    let reply: Result<Value, AppError> = h
        .call(
            "post_message",
            Some(&b),
            json!({ "thread_id": seen[0].id, "kind": "reply", "text": "hi" }),
        )
        .await;
    assert!(matches!(reply, Err(AppError::Forbidden(_))), "{reply:?}");
    let partners: Result<Value, AppError> = h.call("embed_partners", Some(&b), json!({})).await;
    assert!(matches!(partners, Err(AppError::Forbidden(_))));
    let refresh: Result<Value, AppError> = h.call("refresh_embed", Some(&b), json!({})).await;
    assert!(refresh.is_ok(), "{refresh:?}");
    // Each frame opening is in the audit trail, attributed to the partner's user.
    let opened = h
        .query(
            "SELECT VALUE detail.by FROM audit_event WHERE workspace = type::record('workspace', $ws) AND action = 'embed.opened';",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    assert_eq!(Value::Array(opened), json!(["Jo via Acme dashboard"]));
    let log: Value = h
        .call("audit_log", Some(&owner), json!({ "query": {} }))
        .await
        .unwrap();
    assert!(log.to_string().contains("Jo via Acme dashboard"), "{log}");

    // Rotation: the new key works, the previous one keeps working within its overlap.
    let rotated: EmbedPartnerKey = h
        .call(
            "rotate_embed_key",
            Some(&owner),
            json!({ "partner": created.partner.id }),
        )
        .await
        .unwrap();
    assert_ne!(rotated.key, created.key);
    assert!(rotated.partner.previous_key_until.is_some());
    assert!(s
        .start(&s.sign(&rotated.key, &s.claims("after-rotation")))
        .await
        .is_ok());
    assert!(s
        .start(&s.sign(&created.key, &s.claims("old-key")))
        .await
        .is_ok());
    h.clock
        .advance(server::store::embed::ROTATION_OVERLAP_MS + 1000);
    assert!(s
        .start(&s.sign(&created.key, &s.claims("old-key-late")))
        .await
        .is_err());
    // The first frame's session has ended with the time; a fresh one ends with its partner.
    let late: Result<Value, AppError> = h
        .call(
            "list_threads",
            Some(&b),
            json!({ "filter": {}, "after": null }),
        )
        .await;
    assert_eq!(late.err(), Some(AppError::Unauthorized));
    let fresh = s
        .start(&s.sign(&rotated.key, &s.claims("fresh")))
        .await
        .unwrap();
    let deleted: Result<Value, AppError> = h
        .call(
            "delete_embed_partner",
            Some(&owner),
            json!({ "partner": created.partner.id }),
        )
        .await;
    assert!(deleted.is_ok(), "{deleted:?}");
    let gone: Result<Value, AppError> = h
        .call(
            "list_threads",
            Some(&bearer(&fresh)),
            json!({ "filter": {}, "after": null }),
        )
        .await;
    assert_eq!(gone.err(), Some(AppError::Unauthorized));
    let audits = h
        .query(
            "SELECT VALUE action FROM audit_event WHERE workspace = type::record('workspace', $ws) AND string::starts_with(action, 'embed_partner.') ORDER BY at, seq;",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    assert_eq!(
        Value::Array(audits),
        json!([
            "embed_partner.created",
            "embed_partner.key_rotated",
            "embed_partner.deleted"
        ])
    );
}

/// The embed page may be framed by its partner's origins only; every other page by nobody.
#[tokio::test]
async fn only_the_partners_origins_may_frame_its_page() {
    let h = Harness::with_sizes(4, 1).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let created = register(&h, &owner, &h.a.client_ids[0]).await;
    let header = |headers: &http::HeaderMap, name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (status, headers, body) = h
        .send(
            "GET",
            &format!("/embed/{}", created.partner.id),
            &[],
            Vec::new(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let csp = header(&headers, "content-security-policy").unwrap();
    assert!(
        csp.contains("frame-ancestors https://dash.acme.example http://localhost:4000"),
        "{csp}"
    );
    assert!(!csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(header(&headers, "x-frame-options"), None);
    assert!(
        !body.contains(&created.key),
        "the page never carries the key"
    );
    // An unknown partner's page, and every other page, stay unframeable.
    for path in ["/embed/zzzzzzzzzzzzzzzzzzzz", "/login", "/embed/..%2Flogin"] {
        let (_, headers, _) = h.send("GET", path, &[], Vec::new()).await;
        let csp = header(&headers, "content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(
            header(&headers, "x-frame-options").as_deref(),
            Some("DENY"),
            "{path}"
        );
    }
}

/// The live socket takes a frame's bearer as its subprotocol, answers `inbox-live`, and
/// delivers the frame's client's changes only.
#[tokio::test]
async fn the_live_socket_takes_a_frames_bearer() {
    use server::store::thread_write::{append_message, NewMessage};
    let h = Harness::with_sizes(8, 2).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let client = h.a.client_ids[0].clone();
    let created = register(&h, &owner, &client).await;
    let s = Signer {
        h: &h,
        partner: created.partner.id.clone(),
    };
    let session = s
        .start(&s.sign(&created.key, &s.claims("live")))
        .await
        .unwrap();
    let addr = h.serve().await;
    assert_eq!(
        common::live_client::try_connect_bearer(addr, &"ab".repeat(32))
            .await
            .err(),
        Some(401)
    );
    let mut socket = common::live_client::try_connect_bearer(addr, &session.bearer)
        .await
        .expect("the frame's socket");
    let all: Vec<ThreadSummary> = h.all_pages(&owner, json!({})).await;
    let inside = all.iter().find(|t| t.client_id == client).unwrap().clone();
    let outside = all.iter().find(|t| t.client_id != client).unwrap().clone();
    for (t, text) in [(&outside, "elsewhere"), (&inside, "in scope")] {
        let mut t = t.clone();
        let msg = NewMessage {
            automate: false,
            external_id: None,
            ..NewMessage::from_creator(
                Channel::Sms,
                t.creator_id.clone(),
                t.creator_name.clone(),
                None,
                text.into(),
                h.clock.now_ms() + 10,
                String::new(),
            )
        };
        append_message(&h.db, &h.a.workspace_id, &mut t, msg, None)
            .await
            .unwrap();
    }
    let events = socket.drain(std::time::Duration::from_secs(3)).await;
    let text = serde_json::to_string(&events).unwrap();
    assert!(text.contains("in scope"), "{text}");
    assert!(!text.contains("elsewhere"), "{text}");
    assert!(!text.contains(&outside.id), "{text}");
}

/// One client address opens at most `EMBED_EXCHANGES` frames in its window, made-up tokens
/// included; then it waits (429 with `Retry-After`) and other addresses do not.
#[tokio::test]
async fn exchanges_are_limited_per_address() {
    let h = Harness::with_config(2, 1, &[("INBOX_CLIENT_IP_HEADER", "x-forwarded-for")]).await;
    let limit = server::auth::throttle::EMBED_EXCHANGES.max_failures;
    let exchange = |address: &'static str| {
        let h = &h;
        async move {
            let headers = [
                ("accept", "application/json"),
                ("content-type", "application/json"),
                ("x-forwarded-for", address),
            ];
            let body = json!({ "token": "made.up.token" }).to_string();
            let (status, headers, _) = h
                .send("POST", "/api/start_embed", &headers, body.into_bytes())
                .await;
            (status.as_u16(), headers.get("retry-after").is_some())
        }
    };
    // A made-up token is refused as not valid (whatever status the server function framework
    // gives an error); only the limit answers 429.
    for _ in 0..limit {
        assert_ne!(exchange("203.0.113.7").await.0, 429);
    }
    assert_eq!(exchange("203.0.113.7").await, (429, true));
    assert_ne!(exchange("198.51.100.4").await.0, 429);
}
