//! Secrets at rest (issue 21): the API channel's key is sealed, rotates with an overlap window
//! and is audited; a key kept in plain text before is sealed at start; `rotate-secret` seals
//! every stored secret again under a new server secret.

use crate::common;

use app::model::{ApiChannelSettings, AuditView, MailboxSettings, Role};
use common::{Harness, NOW};
use serde_json::json;
use server::channels::signature::sign;
use server::store::api_channel;

/// Posts a signed message to the workspace's API hook; the status.
async fn post_signed(h: &Harness, key: &str, event: &str) -> u16 {
    let email = h
        .value(
            "SELECT VALUE identities[WHERE channel = 'email'][0].address FROM creator
                WHERE workspace = type::record('workspace', $ws) AND identities[WHERE channel = 'email'] != [] LIMIT 1;",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    let body =
        json!({ "event_id": event, "creator": { "email": email }, "text": "Hi" }).to_string();
    let ts = (h.state.clock.now_ms() / 1000).to_string();
    let sig = sign(key, &ts, body.as_bytes());
    let (status, _) = h
        .request(
            "POST",
            &format!("/hooks/api/{}", h.a.workspace_id),
            &[
                ("content-type", "application/json"),
                ("x-inbox-timestamp", &ts),
                ("x-inbox-signature", &sig),
            ],
            body.into_bytes(),
        )
        .await;
    status.as_u16()
}

#[tokio::test]
async fn the_api_key_is_sealed_rotates_with_an_overlap_and_is_audited() {
    let h = Harness::with_sizes(4, 1).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let first: ApiChannelSettings = h
        .call("api_channel_settings", Some(&owner), json!({}))
        .await
        .unwrap();
    let stored = h
        .value(
            "SELECT VALUE api_key_sealed FROM ONLY type::record('workspace', $ws);",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    let stored = stored.as_str().expect("sealed");
    assert!(
        stored.starts_with("v2.") && !stored.contains(&first.secret),
        "{stored}"
    );
    assert_eq!(post_signed(&h, &first.secret, "e1").await, 202);

    let rotated: ApiChannelSettings = h
        .call("rotate_api_key", Some(&owner), json!({}))
        .await
        .unwrap();
    assert_ne!(rotated.secret, first.secret);
    let day = api_channel::ROTATION_OVERLAP_MS;
    assert_eq!(
        rotated.previous_valid_until,
        Some(h.state.clock.now_ms() + day)
    );
    // Both keys work while the overlap lasts; then only the new one.
    assert_eq!(post_signed(&h, &first.secret, "e2").await, 202);
    assert_eq!(post_signed(&h, &rotated.secret, "e3").await, 202);
    h.clock.advance(day + 60_000);
    assert_eq!(post_signed(&h, &first.secret, "e4").await, 401);
    assert_eq!(post_signed(&h, &rotated.secret, "e5").await, 202);
    let again: ApiChannelSettings = h
        .call("api_channel_settings", Some(&owner), json!({}))
        .await
        .unwrap();
    assert_eq!(
        (again.secret.as_str(), again.previous_valid_until),
        (rotated.secret.as_str(), None)
    );

    let events: Vec<AuditView> = h
        .call("audit_log", Some(&owner), json!({ "query": {} }))
        .await
        .unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"api_key.created") && actions.contains(&"api_key.rotated"),
        "{actions:?}"
    );
    assert!(events
        .iter()
        .all(|e| !e.detail.to_string().contains(&rotated.secret)));
}

#[tokio::test]
async fn a_key_kept_in_plain_text_before_is_sealed_at_start() {
    let h = Harness::with_sizes(4, 1).await;
    let plain = "k9Qx2mV7pL4tR8wZ1cN6bH3jF5dS0gYa";
    h.query(
        "UPDATE type::record('workspace', $ws) SET api_secret = $k, api_key_sealed = NONE;",
        json!({ "ws": h.a.workspace_id, "k": plain }),
    )
    .await;
    let secret = &h.state.config.server_secret;
    assert_eq!(
        api_channel::seal_plain_keys(&h.state.db, secret)
            .await
            .unwrap(),
        1
    );
    let row = h
        .query(
            "SELECT api_secret, api_key_sealed FROM ONLY type::record('workspace', $ws);",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    assert!(row[0]["api_secret"].is_null(), "the plain key is gone");
    assert!(!row[0]["api_key_sealed"].as_str().unwrap().contains(plain));
    assert_eq!(
        post_signed(&h, plain, "p1").await,
        202,
        "the same key still signs"
    );
    assert_eq!(
        api_channel::seal_plain_keys(&h.state.db, secret)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn rotate_secret_seals_every_value_again_under_the_new_secret() {
    let h = Harness::with_sizes(4, 1).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let key: ApiChannelSettings = h
        .call("api_channel_settings", Some(&owner), json!({}))
        .await
        .unwrap();
    let server =
        json!({ "host": "127.0.0.1", "port": 1143, "tls": "none", "user": "team@a.example" });
    let mailboxes: MailboxSettings = h
        .call(
            "connect_mailbox",
            Some(&owner),
            json!({ "address": "team@a.example", "display_name": "Team", "imap": server,
                    "smtp": server, "secret": "imap-pass-1" }),
        )
        .await
        .unwrap();
    let mailbox = &mailboxes.mailboxes[0].id;
    let old = h.state.config.server_secret.clone();
    let new = "N7c2Vq9Lx4Tm1Rz8Kp3Wb6Hd0Jf5Gs2Y";
    let db = &h.state.db;
    let r = server::secret_rotation::rotate(db, &old, new)
        .await
        .unwrap();
    assert!(r.resealed >= 2 && r.unopened.is_empty(), "{r:?}");
    let opened = server::store::mailboxes::load(db, mailbox, new)
        .await
        .unwrap();
    assert_eq!(opened.map(|m| m.secret).as_deref(), Some("imap-pass-1"));
    let with_old = server::store::mailboxes::load(db, mailbox, &old)
        .await
        .unwrap();
    assert!(with_old.is_none(), "the old secret opens nothing");
    let keys = api_channel::verifying_keys(db, &h.a.workspace_id, new, NOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(keys[0].key, key.secret);
    // A second run finds everything done.
    let again = server::secret_rotation::rotate(db, &old, new)
        .await
        .unwrap();
    assert_eq!((again.resealed, again.current), (0, r.resealed + r.current));
    // A value neither secret opens is named, not lost.
    let third = server::secret_rotation::rotate(
        db,
        "an-unrelated-secret-of-32-chars!",
        "Another-32-char-secret-Zx8Qw3Lp",
    )
    .await
    .unwrap();
    assert!(!third.unopened.is_empty() && third.resealed == 0);
}
