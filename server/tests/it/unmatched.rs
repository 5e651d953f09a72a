//! The Unmatched queue: a message from an unknown sender is kept; a teammate links it to a
//! creator, which moves it into the creator's thread (audited) and teaches the inbox the address.

use crate::common;

use app::api::AppError;
use app::live::LiveEvent;
use app::model::{InboxCounts, Role, SmsSettings, UnmatchedView};
use common::live_client::connect;
use common::Harness;
use serde_json::json;
use server::channels::twilio_signature::sign;
use std::time::Duration;

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const NUMBER: &str = "+14155550100";
const STRANGER: &str = "+15005550006";

async fn sms_from_stranger(h: &Harness, url: &str, sid: &str, body: &str) {
    let params: Vec<(String, String)> = [
        ("From", STRANGER),
        ("To", NUMBER),
        ("Body", body),
        ("MessageSid", sid),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let form = params
        .iter()
        .map(|(k, v)| format!("{k}={}", app::domain::filter::encode_component(v)))
        .collect::<Vec<_>>()
        .join("&");
    let signature = sign(TOKEN, url, &params);
    let (status, text) = h
        .request(
            "POST",
            "/hooks/twilio/sms",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("x-twilio-signature", &signature),
            ],
            form.into_bytes(),
        )
        .await;
    assert_eq!(status.as_u16(), 200, "{text}");
}

#[tokio::test]
async fn an_unknown_sender_is_linked_to_a_creator_and_then_recognized() {
    let h = Harness::with_sizes(6, 2).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let viewer = h.sign_in_as(&h.a, Role::Viewer).await;
    let other = h.sign_in_as(&h.b, Role::Owner).await;
    let settings: SmsSettings = h
        .call("connect_sms", Some(&owner), json!({ "account_sid": format!("AC{}", "a1".repeat(16)), "auth_token": TOKEN, "numbers": [NUMBER], "messaging_service_sid": null }))
        .await
        .unwrap();
    let addr = h.serve().await;
    let mut ours = connect(addr, &member, None).await;
    let mut theirs_socket = connect(addr, &other, None).await;
    sms_from_stranger(
        &h,
        &settings.webhook_url,
        "SM9001",
        "Hi! Saw your campaign, I'm in.",
    )
    .await;
    let pushed = ours.drain(Duration::from_millis(800)).await;
    assert_eq!(
        pushed
            .iter()
            .filter(|e| matches!(e, LiveEvent::UnmatchedChanged))
            .count(),
        1,
        "{pushed:?}"
    );
    assert!(theirs_socket
        .drain(Duration::from_millis(300))
        .await
        .is_empty());

    let list: Vec<UnmatchedView> = h
        .call("list_unmatched", Some(&member), json!({}))
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].address.as_str(), list[0].text.as_str()),
        (STRANGER, "Hi! Saw your campaign, I'm in.")
    );
    let counts: InboxCounts = h
        .call("inbox_counts", Some(&member), json!({}))
        .await
        .unwrap();
    assert_eq!(counts.unmatched, 1);
    let theirs: Vec<UnmatchedView> = h
        .call("list_unmatched", Some(&other), json!({}))
        .await
        .unwrap();
    assert!(theirs.is_empty(), "another workspace sees nothing");

    let creator = h.a.creator_ids[0].clone();
    let id = list[0].id.clone();
    let args = json!({ "unmatched_id": id, "creator_id": creator });
    let refused: Result<String, AppError> =
        h.call("link_unmatched", Some(&viewer), args.clone()).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let foreign: Result<String, AppError> =
        h.call("link_unmatched", Some(&other), args.clone()).await;
    assert!(matches!(foreign, Err(AppError::NotFound)), "{foreign:?}");
    let wrong_creator: Result<String, AppError> = h
        .call(
            "link_unmatched",
            Some(&member),
            json!({ "unmatched_id": id, "creator_id": h.b.creator_ids[0] }),
        )
        .await;
    assert!(
        matches!(wrong_creator, Err(AppError::NotFound)),
        "{wrong_creator:?}"
    );

    let thread: String = h
        .call("link_unmatched", Some(&member), args.clone())
        .await
        .unwrap();
    let moved = h
        .query(
            "SELECT text, channel, record::id(thread.creator) AS creator FROM message WHERE external_id = 'SM9001';",
            json!({}),
        )
        .await;
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0]["creator"], json!(creator));
    let identity = h
        .query(
            "SELECT VALUE identities[WHERE channel = 'sms' AND address = $p] FROM ONLY type::record('creator', $c);",
            json!({ "c": creator, "p": STRANGER }),
        )
        .await;
    assert_eq!(
        identity.len(),
        1,
        "the address now belongs to the creator: {identity:?}"
    );
    assert_eq!(identity[0]["consent"], "unknown");
    let audit = h
        .query(
            "SELECT action, subject FROM audit_event WHERE action = 'unmatched.linked';",
            json!({}),
        )
        .await;
    assert_eq!(audit[0]["subject"], json!(format!("thread:{thread}")));
    let counts: InboxCounts = h
        .call("inbox_counts", Some(&member), json!({}))
        .await
        .unwrap();
    assert_eq!(counts.unmatched, 0);
    let again: Result<String, AppError> = h.call("link_unmatched", Some(&member), args).await;
    assert!(
        matches!(again, Err(AppError::NotFound)),
        "already linked: {again:?}"
    );

    // Their next message is recognized and goes straight to the thread.
    sms_from_stranger(&h, &settings.webhook_url, "SM9002", "When do you ship?").await;
    let next = h
        .query(
            "SELECT record::id(thread) AS thread FROM message WHERE external_id = 'SM9002';",
            json!({}),
        )
        .await;
    assert_eq!(next[0]["thread"], json!(thread));
    assert!(h
        .query("SELECT id FROM unmatched;", json!({}))
        .await
        .is_empty());
}

#[tokio::test]
async fn a_new_creator_is_made_from_an_unknown_sender_and_their_next_message_lands_directly() {
    let h = Harness::with_sizes(6, 2).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let settings: SmsSettings = h
        .call("connect_sms", Some(&owner), json!({ "account_sid": format!("AC{}", "a1".repeat(16)), "auth_token": TOKEN, "numbers": [NUMBER], "messaging_service_sid": null }))
        .await
        .unwrap();
    sms_from_stranger(
        &h,
        &settings.webhook_url,
        "SM9101",
        "Hey, I'd love to try the serum!",
    )
    .await;
    let list: Vec<UnmatchedView> = h
        .call("list_unmatched", Some(&member), json!({}))
        .await
        .unwrap();
    let campaign = h.a.campaign_ids[0].clone();
    let bad: Result<String, AppError> = h
        .call(
            "create_creator_from_unmatched",
            Some(&member),
            json!({ "unmatched_id": list[0].id, "name": "  ", "campaign_id": campaign }),
        )
        .await;
    assert!(matches!(bad, Err(AppError::Invalid(_))), "{bad:?}");
    let foreign_campaign: Result<String, AppError> = h
        .call("create_creator_from_unmatched", Some(&member), json!({ "unmatched_id": list[0].id, "name": "Rae Lin", "campaign_id": h.b.campaign_ids[0] }))
        .await;
    assert_eq!(foreign_campaign, Err(AppError::NotFound));
    let thread: String = h
        .call(
            "create_creator_from_unmatched",
            Some(&member),
            json!({ "unmatched_id": list[0].id, "name": "Rae Lin", "campaign_id": campaign }),
        )
        .await
        .unwrap();
    let d: app::model::ThreadDetail = h
        .call("get_thread", Some(&member), json!({ "thread_id": thread }))
        .await
        .unwrap();
    assert_eq!(d.creator.name, "Rae Lin");
    assert_eq!(d.summary.campaign_id, campaign);
    assert_eq!(d.messages.len(), 1);
    assert_eq!(d.messages[0].text, "Hey, I'd love to try the serum!");
    assert_eq!(d.summary.last_snippet, "Hey, I'd love to try the serum!");
    assert!(
        d.summary.awaiting_since.is_some(),
        "they wait for an answer"
    );
    assert!(d.creator.identities.iter().any(|i| i.address == STRANGER));
    let left: Vec<UnmatchedView> = h
        .call("list_unmatched", Some(&member), json!({}))
        .await
        .unwrap();
    assert!(left.is_empty());
    sms_from_stranger(&h, &settings.webhook_url, "SM9102", "Any news?").await;
    let d: app::model::ThreadDetail = h
        .call("get_thread", Some(&member), json!({ "thread_id": thread }))
        .await
        .unwrap();
    assert_eq!(
        d.messages.len(),
        2,
        "the next message lands in the new thread"
    );
}
