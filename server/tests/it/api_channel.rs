//! The signed API channel: owners get the endpoint and key; a correctly signed message lands in
//! the creator's thread and is pushed live; anything unsigned, stale, malformed or unknown is
//! refused and writes nothing; a repeated event id is acknowledged once.

use crate::common;

use app::api::AppError;
use app::live::LiveEvent;
use app::model::{ApiChannelSettings, Role};
use common::live_client::connect;
use common::{Harness, NOW};
use serde_json::{json, Value};
use server::channels::signature::sign;
use std::time::Duration;

struct Target {
    email: String,
    creator: String,
}

async fn a_creator_with_email(h: &Harness, ws: &str) -> Target {
    let rows = h
        .query(
            "SELECT record::id(id) AS id, identities[WHERE channel = 'email'][0].address AS email FROM creator
             WHERE workspace = type::record('workspace', $ws) AND identities[WHERE channel = 'email'] != []
             AND (SELECT count() FROM thread WHERE creator = $parent.id GROUP ALL)[0].count = 1 LIMIT 1;",
            json!({ "ws": ws }),
        )
        .await;
    Target {
        email: rows[0]["email"].as_str().expect("an email").to_string(),
        creator: rows[0]["id"].as_str().unwrap().to_string(),
    }
}

async fn post(h: &Harness, path: &str, ts: &str, sig: &str, body: &[u8]) -> (u16, Value) {
    let (status, text) = h
        .request(
            "POST",
            path,
            &[
                ("content-type", "application/json"),
                ("x-inbox-timestamp", ts),
                ("x-inbox-signature", sig),
            ],
            body.to_vec(),
        )
        .await;
    (
        status.as_u16(),
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

async fn api_messages(h: &Harness, ws: &str) -> usize {
    h.query(
        "SELECT id FROM message WHERE workspace = type::record('workspace', $ws) AND channel = 'api';",
        json!({ "ws": ws }),
    )
    .await
    .len()
}

#[tokio::test]
async fn owners_get_the_key_and_signed_messages_land_in_the_thread_live() {
    let h = Harness::with_sizes(8, 3).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    for role in [Role::Manager, Role::Member, Role::Viewer] {
        let cookie = h.sign_in_as(&h.a, role).await;
        let got: Result<ApiChannelSettings, AppError> = h
            .call("api_channel_settings", Some(&cookie), json!({}))
            .await;
        assert!(
            matches!(got, Err(AppError::Forbidden(_))),
            "{role:?}: {got:?}"
        );
    }
    let settings: ApiChannelSettings = h
        .call("api_channel_settings", Some(&owner), json!({}))
        .await
        .expect("settings");
    let again: ApiChannelSettings = h
        .call("api_channel_settings", Some(&owner), json!({}))
        .await
        .unwrap();
    assert_eq!(again, settings, "the key is stable once created");
    let path = settings.endpoint.split_once("://").unwrap().1;
    let path = &path[path.find('/').unwrap()..];
    assert_eq!(path, format!("/hooks/api/{}", h.a.workspace_id));

    let addr = h.serve().await;
    let mut socket = connect(addr, &owner, None).await;
    let target = a_creator_with_email(&h, &h.a.workspace_id).await;
    let body = json!({
        "event_id": "mkt-1001",
        "creator": { "email": target.email.to_uppercase() },
        "text": "  Hi! Shipping address is 12 Elm St. \r\n",
    })
    .to_string();
    let ts = (NOW / 1000).to_string();
    let sig = sign(&settings.secret, &ts, body.as_bytes());
    let (status, resp) = post(&h, path, &ts, &sig, body.as_bytes()).await;
    assert_eq!(status, 202, "{resp}");
    let thread_id = resp["thread_id"].as_str().unwrap().to_string();
    let message_id = resp["message_id"].as_str().unwrap().to_string();

    let row = h
        .query(
            "SELECT channel, direction, sender_kind, text, record::id(thread.creator) AS creator, thread.awaiting_since AS awaiting
             FROM type::record('message', $m);",
            json!({ "m": message_id }),
        )
        .await;
    assert_eq!(row[0]["channel"], "api");
    assert_eq!(row[0]["direction"], "inbound");
    assert_eq!(row[0]["sender_kind"], "creator");
    assert_eq!(row[0]["text"], "Hi! Shipping address is 12 Elm St.");
    assert_eq!(row[0]["creator"], json!(target.creator));
    assert!(
        row[0]["awaiting"].is_number(),
        "the creator now waits for an answer"
    );

    let mut pushed = false;
    while let Some(e) = socket.next(Duration::from_secs(5)).await {
        if let LiveEvent::Message {
            thread_id: t,
            message,
        } = e
        {
            if t == thread_id && message.id == message_id {
                pushed = true;
                break;
            }
        }
    }
    assert!(pushed, "the message was pushed to the open socket");

    // The same event again: acknowledged, not written twice.
    let (status, resp) = post(&h, path, &ts, &sig, body.as_bytes()).await;
    assert_eq!((status, resp["status"].as_str()), (200, Some("duplicate")));
    assert_eq!(resp["message_id"], json!(message_id));
    assert_eq!(api_messages(&h, &h.a.workspace_id).await, 1);

    // The key changes in the database (as another instance would change it) while this instance
    // still keeps the old one: the new key works at once, the old one no longer does.
    let new_key = "a-rotated-api-key-0123456789abcdef";
    let field = server::sealed::Field {
        workspace: &h.a.workspace_id,
        name: server::store::api_channel::API_KEY,
    };
    let sealed = server::sealed::seal(&h.state.config.server_secret, field, new_key);
    h.query(
        "UPDATE type::record('workspace', $ws) SET api_key_sealed = $k;",
        json!({ "ws": h.a.workspace_id, "k": sealed }),
    )
    .await;
    let body = |event: &str| {
        json!({ "event_id": event, "creator": { "email": target.email }, "text": "after the change" })
            .to_string()
    };
    let fresh = body("mkt-1002");
    let sig = sign(new_key, &ts, fresh.as_bytes());
    let (status, resp) = post(&h, path, &ts, &sig, fresh.as_bytes()).await;
    assert_eq!(status, 202, "signed with the new key: {resp}");
    let old = body("mkt-1003");
    let sig = sign(&settings.secret, &ts, old.as_bytes());
    let (status, _) = post(&h, path, &ts, &sig, old.as_bytes()).await;
    assert_eq!(status, 401, "the old key is refused");
    assert_eq!(api_messages(&h, &h.a.workspace_id).await, 2);
}

#[tokio::test]
async fn bad_requests_are_refused_and_write_nothing() {
    let h = Harness::with_sizes(6, 3).await;
    let owner_a = h.sign_in_as(&h.a, Role::Owner).await;
    let owner_b = h.sign_in_as(&h.b, Role::Owner).await;
    let a: ApiChannelSettings = h
        .call("api_channel_settings", Some(&owner_a), json!({}))
        .await
        .unwrap();
    let b: ApiChannelSettings = h
        .call("api_channel_settings", Some(&owner_b), json!({}))
        .await
        .unwrap();
    assert_ne!(a.secret, b.secret);
    let path = format!("/hooks/api/{}", h.a.workspace_id);
    let target = a_creator_with_email(&h, &h.a.workspace_id).await;
    let good = |event: &str, creator: Value| {
        json!({ "event_id": event, "creator": creator, "text": "hello" }).to_string()
    };
    let ts = (NOW / 1000).to_string();
    let stale = (NOW / 1000 - 301).to_string();
    let email = json!({ "email": target.email });
    let body = good("e1", email.clone());
    // (what, timestamp, signature, body, expected status)
    let cases: Vec<(&str, String, String, String, u16)> = vec![
        ("no signature", ts.clone(), String::new(), body.clone(), 400),
        (
            "signed with another workspace's key",
            ts.clone(),
            sign(&b.secret, &ts, body.as_bytes()),
            body.clone(),
            401,
        ),
        (
            "stale timestamp",
            stale.clone(),
            sign(&a.secret, &stale, body.as_bytes()),
            body.clone(),
            401,
        ),
        (
            "body changed after signing",
            ts.clone(),
            sign(&a.secret, &ts, body.as_bytes()),
            good("e1", json!({ "email": "x@y.example" })),
            401,
        ),
        (
            "not JSON",
            ts.clone(),
            sign(&a.secret, &ts, b"{nope"),
            "{nope".into(),
            400,
        ),
        (
            "unknown field",
            ts.clone(),
            sign(
                &a.secret,
                &ts,
                br#"{"event_id":"e2","creator":{},"text":"x","admin":true}"#,
            ),
            r#"{"event_id":"e2","creator":{},"text":"x","admin":true}"#.into(),
            400,
        ),
        (
            "no identity",
            ts.clone(),
            sign(&a.secret, &ts, good("e3", json!({})).as_bytes()),
            good("e3", json!({})),
            422,
        ),
        (
            // serde would quote the value; the answer names only the place.
            "a value of the wrong type",
            ts.clone(),
            sign(
                &a.secret,
                &ts,
                br#"{"event_id":"e6","creator":"hunter2-private","text":"x"}"#,
            ),
            r#"{"event_id":"e6","creator":"hunter2-private","text":"x"}"#.into(),
            400,
        ),
        (
            "empty text",
            ts.clone(),
            sign(
                &a.secret,
                &ts,
                json!({ "event_id": "e5", "creator": email, "text": "  " })
                    .to_string()
                    .as_bytes(),
            ),
            json!({ "event_id": "e5", "creator": email, "text": "  " }).to_string(),
            422,
        ),
    ];
    for (what, ts, sig, body, want) in cases {
        let sig_header = if sig.is_empty() { "" } else { sig.as_str() };
        let headers: Vec<(&str, &str)> = if sig_header.is_empty() {
            vec![
                ("content-type", "application/json"),
                ("x-inbox-timestamp", ts.as_str()),
            ]
        } else {
            vec![
                ("content-type", "application/json"),
                ("x-inbox-timestamp", ts.as_str()),
                ("x-inbox-signature", sig_header),
            ]
        };
        let (status, text) = h.request("POST", &path, &headers, body.into_bytes()).await;
        assert_eq!(status.as_u16(), want, "{what}: {text}");
        assert!(text.contains("error"), "{what}: a clear error, got {text}");
        assert!(
            !text.contains("hunter2"),
            "{what}: the answer quotes the body: {text}"
        );
    }
    assert_eq!(
        api_messages(&h, &h.a.workspace_id).await,
        0,
        "nothing was written"
    );
    assert!(h
        .query("SELECT id FROM unmatched;", json!({}))
        .await
        .is_empty());

    // A sender no creator has as an identity is kept in the Unmatched queue, once.
    let stranger = good("e4", json!({ "email": "Nobody@Nowhere.example" }));
    let sig = sign(&a.secret, &ts, stranger.as_bytes());
    for _ in 0..2 {
        let (status, resp) = post(&h, &path, &ts, &sig, stranger.as_bytes()).await;
        assert_eq!((status, resp["status"].as_str()), (202, Some("unmatched")));
    }
    let parked = h
        .query("SELECT channel, address, text FROM unmatched;", json!({}))
        .await;
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0]["address"], "nobody@nowhere.example");
    assert_eq!(api_messages(&h, &h.a.workspace_id).await, 0);
    // A workspace that never enabled the channel, and one that does not exist.
    let (status, _) = post(&h, "/hooks/api/nosuchworkspace", &ts, "v1=00", b"{}").await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deliveries_of_one_event_racing_each_other_are_stored_once() {
    let h = Harness::with_sizes(8, 3).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let settings: ApiChannelSettings = h
        .call("api_channel_settings", Some(&owner), json!({}))
        .await
        .unwrap();
    let known = a_creator_with_email(&h, &h.a.workspace_id).await;
    let path = format!("/hooks/api/{}", h.a.workspace_id);
    let ts = (NOW / 1000).to_string();
    let before = api_messages(&h, &h.a.workspace_id).await;
    // Each event is delivered four times at once — to a known creator and to a stranger.
    let mut bodies = Vec::new();
    for i in 0..12 {
        let email = if i % 3 == 0 {
            "stranger@nowhere.example".to_string()
        } else {
            known.email.clone()
        };
        bodies.push(json!({ "event_id": format!("race-{i}"), "creator": { "email": email }, "text": format!("race {i}") }).to_string());
    }
    let deliveries = bodies
        .iter()
        .flat_map(|b| std::iter::repeat_n(b.clone(), 4))
        .map(|body| {
            let sig = sign(&settings.secret, &ts, body.as_bytes());
            let (h, path, ts) = (&h, path.clone(), ts.clone());
            async move { post(h, &path, &ts, &sig, body.as_bytes()).await.0 }
        });
    let statuses = futures::future::join_all(deliveries).await;
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 202),
        "{statuses:?}"
    );
    assert_eq!(
        api_messages(&h, &h.a.workspace_id).await,
        before + 8,
        "each known creator's event once"
    );
    let parked = h
        .query("SELECT VALUE external_id FROM unmatched WHERE external_id IN ['race-0', 'race-3', 'race-6', 'race-9'];", json!({}))
        .await;
    assert_eq!(
        parked.len(),
        4,
        "each stranger's event parked once: {parked:?}"
    );
}
