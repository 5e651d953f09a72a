//! Instagram DMs: the webhook handshake; payloads with escaped unicode signed as Meta signs them
//! (HMAC-SHA256 of the raw body with the app secret); story mentions opening the 24-hour window;
//! replies through a Graph Send API bound on loopback that checks each request, with the
//! human-agent tag after 24 hours and nothing after 7 days; seen receipts and reactions.

use crate::common;

use app::api::AppError;
use app::model::{Channel, DeliveryStatus, InstagramSettings, MessageView, Role, ThreadDetail};
use common::provider::{Provider, GRAPH_TOKEN};
use common::Harness;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use server::outbound::dispatcher::Dispatcher;
use sha2::Sha256;

const APP_SECRET: &str = "meta-app-secret-for-tests";
const VERIFY: &str = "verify-me-123";
const ACCOUNT: &str = "17841400000000001";
const CREATOR_IGSID: &str = "9012345678";
const HOUR: i64 = 3_600_000;

fn meta_signature(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// A webhook body as Meta sends it: compact JSON with non-ASCII escaped as `\uXXXX`.
fn meta_body(messaging: Value) -> Vec<u8> {
    let v = json!({ "object": "instagram", "entry": [{ "id": ACCOUNT, "time": 1795442700, "messaging": [messaging] }] });
    let mut out = String::new();
    for c in v.to_string().chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out.into_bytes()
}

fn from_creator(sender: &str, event: Value) -> Value {
    let mut m = json!({ "sender": { "id": sender }, "recipient": { "id": ACCOUNT }, "timestamp": 1795442700000i64 });
    for (k, v) in event.as_object().unwrap() {
        m[k] = v.clone();
    }
    m
}

async fn post(h: &Harness, body: &[u8], signature: &str) -> u16 {
    h.request(
        "POST",
        "/hooks/instagram",
        &[
            ("content-type", "application/json"),
            ("x-hub-signature-256", signature),
        ],
        body.to_vec(),
    )
    .await
    .0
    .as_u16()
}

async fn deliver(h: &Harness, event: Value) -> u16 {
    let body = meta_body(event);
    post(h, &body, &meta_signature(&body)).await
}

struct Setup {
    h: Harness,
    graph: Provider,
    member: String,
    thread: String,
}

async fn setup() -> Setup {
    let graph = Provider::start().await;
    let h = Harness::with_config(
        8,
        2,
        &[
            ("INBOX_META_APP_SECRET", APP_SECRET),
            ("INBOX_META_VERIFY_TOKEN", VERIFY),
            ("INBOX_GRAPH_API_URL", &graph.base_url),
        ],
    )
    .await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let args =
        json!({ "account_id": ACCOUNT, "username": "@northstar", "access_token": GRAPH_TOKEN });
    let refused: Result<InstagramSettings, AppError> = h
        .call("connect_instagram", Some(&member), args.clone())
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let (status, _, raw) = h
        .raw("connect_instagram", Some(&owner), args.to_string(), true)
        .await;
    assert!(status.is_success(), "{raw}");
    assert!(!raw.contains(GRAPH_TOKEN), "the token never comes back");
    let settings: InstagramSettings = serde_json::from_str(&raw).unwrap();
    assert!(settings.connected() && settings.app_configured);
    assert!(settings.webhook_url.ends_with("/hooks/instagram"));
    let checked: Result<String, AppError> = h
        .call(
            "test_channel",
            Some(&owner),
            json!({ "channel": "instagram" }),
        )
        .await;
    assert_eq!(
        checked,
        Ok("Instagram accepts the token (@northstar).".to_string())
    );
    // One creator in one campaign whose Instagram-scoped id we know; seeded conversations are
    // made old.
    let (creator, threads) = h.creator_in(|n| n == 1).await;
    h.query(
        "UPDATE type::record('creator', $c) SET identities = array::append(identities[WHERE channel != 'instagram'],
             { channel: 'instagram', address: $ig, consent: 'unknown' });",
        json!({ "c": creator, "ig": CREATOR_IGSID }),
    )
    .await;
    h.clock.advance(8 * 24 * HOUR);
    Setup {
        thread: threads[0].clone(),
        member: owner.clone(),
        graph,
        h,
    }
}

async fn detail(s: &Setup) -> ThreadDetail {
    s.h.call(
        "get_thread",
        Some(&s.member),
        json!({ "thread_id": s.thread }),
    )
    .await
    .unwrap()
}

fn instagram_option(d: &ThreadDetail) -> (bool, String) {
    let o = d
        .reply
        .options
        .iter()
        .find(|o| o.channel == Channel::Instagram)
        .unwrap();
    (o.available, o.detail.clone())
}

async fn reply(s: &Setup, text: &str) -> Result<MessageView, AppError> {
    s.h.call(
        "post_message",
        Some(&s.member),
        json!({ "thread_id": s.thread, "kind": "reply", "text": text, "channel": "instagram" }),
    )
    .await
}

async fn status(h: &Harness, id: &str) -> (DeliveryStatus, Value) {
    let row = h
        .query(
            "SELECT status, failure_reason, external_id, reaction FROM message WHERE id = type::record('message', $m);",
            json!({ "m": id }),
        )
        .await
        .remove(0);
    (serde_json::from_value(row["status"].clone()).unwrap(), row)
}

#[tokio::test]
async fn the_subscription_handshake_answers_only_the_right_token() {
    let s = setup().await;
    let (ok, body) = s
        .h
        .request("GET", &format!("/hooks/instagram?hub.mode=subscribe&hub.verify_token={VERIFY}&hub.challenge=1158201444"), &[], vec![])
        .await;
    assert_eq!((ok.as_u16(), body.as_str()), (200, "1158201444"));
    let (bad, _) =
        s.h.request(
            "GET",
            "/hooks/instagram?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1",
            &[],
            vec![],
        )
        .await;
    assert_eq!(bad.as_u16(), 403);
}

#[tokio::test]
async fn a_story_mention_opens_the_window_and_replies_follow_the_platform_rules() {
    let s = setup().await;
    let h = &s.h;
    let (open, why) = instagram_option(&detail(&s).await);
    assert!(!open, "no recent message: closed");
    assert!(
        why.contains("7-day") || why.contains("not messaged"),
        "{why}"
    );

    // The creator mentions the brand in a story (escaped unicode, signed over the raw bytes).
    let mention = from_creator(
        CREATOR_IGSID,
        json!({ "message": { "mid": "mid.story.1", "attachments": [{ "type": "story_mention", "payload": { "url": "https://lookaside.example/story/1" } }] } }),
    );
    assert_eq!(deliver(h, mention.clone()).await, 200);
    assert_eq!(deliver(h, mention).await, 200, "Meta's retry");
    let mentioned_at = h.clock.now_ms();
    h.clock.advance(1_000);
    let dm = from_creator(
        CREATOR_IGSID,
        json!({ "message": { "mid": "mid.dm.1", "text": "Obsessed with the new serum ✨ ¿tienen más?" } }),
    );
    assert_eq!(deliver(h, dm).await, 200);
    let d = detail(&s).await;
    let inbound: Vec<_> = d
        .messages
        .iter()
        .filter(|m| m.channel == Channel::Instagram && m.at >= mentioned_at)
        .collect();
    assert_eq!(inbound.len(), 2, "stored once each: {inbound:?}");
    assert_eq!(
        inbound[0].text,
        "[story mention] https://lookaside.example/story/1"
    );
    assert_eq!(
        inbound[1].text,
        "Obsessed with the new serum ✨ ¿tienen más?"
    );
    let (open, why) = instagram_option(&d);
    assert!(open, "{why}");
    assert_eq!(why, "window open for 24 h");
    assert_eq!(d.reply.default, Some(Channel::Instagram));

    // Inside 24 hours: no tag.
    let first = reply(&s, "Yes! Sending more today.").await.unwrap();
    assert_eq!(first.status, DeliveryStatus::Queued);
    let dispatcher = Dispatcher::new(h.state.clone());
    assert_eq!(dispatcher.run_once().await.unwrap().sent, 1);
    let dms = s.graph.dms();
    assert_eq!(dms.len(), 1);
    assert_eq!(
        (
            dms[0].account.as_str(),
            dms[0].recipient.as_str(),
            dms[0].tag.as_deref()
        ),
        (ACCOUNT, CREATOR_IGSID, None)
    );
    let (st, row) = status(h, &first.id).await;
    assert_eq!(st, DeliveryStatus::Sent);
    assert_eq!(row["external_id"], json!(dms[0].mid));

    // Seen and a reaction.
    assert_eq!(
        deliver(
            h,
            from_creator(CREATOR_IGSID, json!({ "read": { "mid": dms[0].mid } }))
        )
        .await,
        200
    );
    assert_eq!(status(h, &first.id).await.0, DeliveryStatus::Read);
    let react = json!({ "reaction": { "mid": dms[0].mid, "action": "react", "reaction": "love", "emoji": "❤️" } });
    assert_eq!(deliver(h, from_creator(CREATOR_IGSID, react)).await, 200);
    let shown = detail(&s)
        .await
        .messages
        .into_iter()
        .find(|m| m.id == first.id)
        .unwrap();
    assert_eq!(shown.reaction.as_deref(), Some("❤️"));

    // 30 hours later a person's reply carries the human-agent tag.
    h.clock.advance(30 * HOUR);
    let (open, why) = instagram_option(&detail(&s).await);
    assert!(open && why.starts_with("human-agent reply"), "{why}");
    let second = reply(&s, "Following up on shipping").await.unwrap();
    dispatcher.run_once().await.unwrap();
    let dms = s.graph.dms();
    assert_eq!(dms.len(), 2);
    assert_eq!(dms[1].tag.as_deref(), Some("HUMAN_AGENT"));
    assert_eq!(status(h, &second.id).await.0, DeliveryStatus::Sent);

    // Queued just before the 7 days end, dispatched after: checked again, not sent.
    h.clock.advance(7 * 24 * HOUR - 30 * HOUR - 60_000);
    let late = reply(&s, "Last chance").await.unwrap();
    h.clock.advance(2 * 60_000);
    assert_eq!(dispatcher.run_once().await.unwrap().failed, 1);
    assert_eq!(s.graph.dms().len(), 2);
    let (st, row) = status(h, &late.id).await;
    assert_eq!(st, DeliveryStatus::Failed);
    assert!(
        row["failure_reason"].as_str().unwrap().contains("7-day"),
        "{row}"
    );
    // And now the composer refuses it.
    let refused = reply(&s, "Hello?").await;
    assert!(
        matches!(refused, Err(AppError::Invalid(ref m)) if m.contains("7-day")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn bad_signatures_are_refused_and_write_nothing() {
    let s = setup().await;
    let h = &s.h;
    let body = meta_body(from_creator(
        CREATOR_IGSID,
        json!({ "message": { "mid": "mid.x", "text": "café" } }),
    ));
    let reencoded = serde_json::to_vec(&serde_json::from_slice::<Value>(&body).unwrap()).unwrap();
    assert_ne!(body, reencoded);
    assert_eq!(
        post(h, &body, &meta_signature(&reencoded)).await,
        403,
        "signed over re-encoded JSON"
    );
    assert_eq!(post(h, &body, "sha256=00ff").await, 403);
    assert_eq!(post(h, &body, "").await, 403);
    let mut tampered = body.clone();
    let at = tampered.len() - 10;
    tampered[at] = b' ';
    assert_eq!(post(h, &tampered, &meta_signature(&body)).await, 403);
    let n = h
        .query(
            "SELECT VALUE id FROM message WHERE external_id = 'mid.x';",
            json!({}),
        )
        .await;
    assert!(n.is_empty(), "nothing written: {n:?}");
    assert_eq!(
        post(
            h,
            b"{\"object\":\"page\"}",
            &meta_signature(b"{\"object\":\"page\"}")
        )
        .await,
        400
    );
    assert_eq!(post(h, &body, &meta_signature(&body)).await, 200);
}

#[tokio::test]
async fn an_unknown_sender_waits_in_unmatched() {
    let s = setup().await;
    let h = &s.h;
    assert_eq!(deliver(h, from_creator("555000111", json!({ "message": { "mid": "mid.u1", "text": "Hi! Who do I talk to about collabs?" } }))).await, 200);
    let parked = h
        .query(
            "SELECT channel, address, text FROM unmatched WHERE external_id = 'mid.u1';",
            json!({}),
        )
        .await;
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0]["channel"], "instagram");
    assert_eq!(parked[0]["address"], "555000111");
}
