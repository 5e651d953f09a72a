//! The creator portal: teammates create (and replace, revoke) a magic link; the link opens one
//! campaign thread without an account — brief, deliverables and the conversation, never internal
//! notes; the creator's reply lands in the thread (needs reply); the portal's socket carries the
//! team's replies to that thread and nothing else; revoked, replaced and expired links stop.

use crate::common;

use app::api::AppError;
use app::live::LiveEvent;
use app::model::{
    Channel, Direction, MessageView, PortalLink, PortalMessage, PortalView, Role, ThreadDetail,
};
use common::live_client::try_connect_at;
use common::Harness;
use serde_json::{json, Value};
use std::time::Duration;

fn token_of(link: &PortalLink) -> String {
    link.url.rsplit('/').next().unwrap().to_string()
}

async fn portal(h: &Harness, token: &str) -> Result<PortalView, AppError> {
    h.call("portal_view", None, json!({ "token": token })).await
}

async fn post(h: &Harness, cookie: &str, thread: &str, kind: &str, text: &str) -> MessageView {
    h.call(
        "post_message",
        Some(cookie),
        json!({ "thread_id": thread, "kind": kind, "text": text, "channel": if kind == "reply" { Some("in_app") } else { None } }),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_link_opens_one_thread_for_the_creator_and_their_reply_lands_in_it() {
    let h = Harness::with_sizes(6, 2).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let viewer = h.sign_in_as(&h.a, Role::Viewer).await;
    let (thread, other) = (h.a.thread_ids[0].as_str(), h.a.thread_ids[1].as_str());
    let refused: Result<PortalLink, AppError> = h
        .call(
            "create_portal_link",
            Some(&viewer),
            json!({ "thread_id": thread }),
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let link: PortalLink = h
        .call(
            "create_portal_link",
            Some(&member),
            json!({ "thread_id": thread }),
        )
        .await
        .unwrap();
    assert!(
        link.url.starts_with("http://127.0.0.1:3000/p/"),
        "{}",
        link.url
    );
    let token = token_of(&link);
    let stored = h
        .query("SELECT token_hash FROM portal_link;", json!({}))
        .await;
    assert!(
        !stored[0]["token_hash"].as_str().unwrap().contains(&token),
        "only the hash is stored"
    );
    let detail: ThreadDetail = h
        .call("get_thread", Some(&member), json!({ "thread_id": thread }))
        .await
        .unwrap();
    assert_eq!(detail.portal.map(|p| p.expires_at), Some(link.expires_at));

    let note = post(
        &h,
        &member,
        thread,
        "note",
        "Internal: budget is tight, do not offer more",
    )
    .await;
    let v = portal(&h, &token).await.unwrap();
    assert_eq!(v.campaign_name, detail.summary.campaign_name);
    assert_eq!(v.brief, detail.campaign.brief);
    assert_eq!(v.deliverables, detail.campaign.deliverables);
    assert!(!v.messages.is_empty());
    assert!(
        v.messages
            .iter()
            .all(|m| m.channel != Channel::Note && m.id != note.id),
        "no notes"
    );

    // The team answers (nobody waits), then the creator answers from the portal.
    post(&h, &member, thread, "reply", "Here is your brief").await;
    h.clock.advance(1_000);
    let reply: PortalMessage = h
        .call(
            "portal_reply",
            None,
            json!({ "token": token, "text": "  Can I post on Friday instead?  " }),
        )
        .await
        .unwrap();
    assert_eq!(
        (reply.direction, reply.channel),
        (Direction::Inbound, Channel::InApp)
    );
    let after: ThreadDetail = h
        .call("get_thread", Some(&member), json!({ "thread_id": thread }))
        .await
        .unwrap();
    assert_eq!(
        after.messages.last().unwrap().text,
        "Can I post on Friday instead?"
    );
    assert_eq!(
        after.summary.awaiting_since,
        Some(h.clock.now_ms()),
        "the creator now waits for a reply"
    );
    let empty: Result<PortalMessage, AppError> = h
        .call(
            "portal_reply",
            None,
            json!({ "token": token, "text": "   " }),
        )
        .await;
    assert!(matches!(empty, Err(AppError::Invalid(_))), "{empty:?}");

    // The link does not open another thread, and bad tokens all look alike.
    let other_view = portal(&h, &token).await.unwrap();
    assert!(other_view.messages.iter().all(|m| m.id != other));
    for bad in ["nope".to_string(), "f".repeat(64), token.to_uppercase()] {
        assert_eq!(portal(&h, &bad).await, Err(AppError::NotFound), "{bad}");
    }

    // Replaced: the old link stops. Revoked: the new one stops. Expired: stops.
    let second: PortalLink = h
        .call(
            "create_portal_link",
            Some(&member),
            json!({ "thread_id": thread }),
        )
        .await
        .unwrap();
    assert_eq!(portal(&h, &token).await, Err(AppError::NotFound));
    let token2 = token_of(&second);
    assert!(portal(&h, &token2).await.is_ok());
    let revoked: Result<(), AppError> = h
        .call(
            "revoke_portal_link",
            Some(&member),
            json!({ "thread_id": thread }),
        )
        .await;
    assert_eq!(revoked, Ok(()));
    assert_eq!(portal(&h, &token2).await, Err(AppError::NotFound));
    let third: PortalLink = h
        .call(
            "create_portal_link",
            Some(&member),
            json!({ "thread_id": thread }),
        )
        .await
        .unwrap();
    h.clock.advance(31 * 24 * 3_600_000);
    assert_eq!(portal(&h, &token_of(&third)).await, Err(AppError::NotFound));
    let audit = h
        .query(
            "SELECT VALUE action FROM audit_event WHERE subject = $s ORDER BY at;",
            json!({ "s": format!("thread:{thread}") }),
        )
        .await;
    assert!(
        audit.contains(&json!("portal.link_created"))
            && audit.contains(&json!("portal.link_revoked")),
        "{audit:?}"
    );
}

/// The fields a creator may see of a message (`app::model::PortalMessage`), written out here so
/// a field added there is a decision this test makes visible.
const PORTAL_FIELDS: [&str; 13] = [
    "id",
    "direction",
    "channel",
    "sender_kind",
    "sender_name",
    "subject",
    "text",
    "at",
    "status",
    "reaction",
    "html",
    "attachments",
    "version",
];

/// Every message object in `json` (a frame, an answer, a page) has only the portal's fields.
fn assert_only_portal_fields(json: &str) {
    fn walk(v: &Value, found: &mut usize) {
        match v {
            Value::Object(o) if o.contains_key("sender_kind") => {
                *found += 1;
                for k in o.keys() {
                    assert!(
                        PORTAL_FIELDS.contains(&k.as_str()),
                        "{k} reached the portal: {o:?}"
                    );
                }
            }
            Value::Object(o) => o.values().for_each(|x| walk(x, found)),
            Value::Array(a) => a.iter().for_each(|x| walk(x, found)),
            _ => {}
        }
    }
    let mut found = 0;
    walk(&serde_json::from_str(json).unwrap(), &mut found);
    assert!(found > 0, "no message in {json}");
}

#[tokio::test]
async fn the_portal_socket_carries_only_the_threads_visible_messages() {
    let h = Harness::with_sizes(6, 2).await;
    let addr = h.serve().await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let (thread, other) = (h.a.thread_ids[0].as_str(), h.a.thread_ids[1].as_str());
    let link: PortalLink = h
        .call(
            "create_portal_link",
            Some(&member),
            json!({ "thread_id": thread }),
        )
        .await
        .unwrap();
    let token = token_of(&link);
    let path = format!("{}?token={token}", app::live::PORTAL_LIVE_PATH);
    assert_eq!(
        try_connect_at(
            addr,
            &format!("{}?token={}", app::live::PORTAL_LIVE_PATH, "0".repeat(64)),
            None,
            None
        )
        .await
        .err(),
        Some(404)
    );
    let mut socket = try_connect_at(addr, &path, None, None)
        .await
        .expect("portal socket");
    // A note in this thread and a reply in another thread come first; neither may arrive.
    post(&h, &member, thread, "note", "Internal only").await;
    post(&h, &member, other, "reply", "For someone else").await;
    let visible = post(&h, &member, thread, "reply", "Your kit ships Monday").await;
    match socket.next(Duration::from_secs(10)).await {
        Some(LiveEvent::PortalMessage { thread_id, message }) => {
            assert_only_portal_fields(&socket.last_frame);
            assert_eq!(thread_id, thread);
            assert_eq!(
                message.id, visible.id,
                "the first event is the visible reply"
            );
            assert_eq!(message.text, "Your kit ships Monday");
        }
        other => panic!("expected the reply, got {other:?}"),
    }
    // The creator's own message comes back without what the team read in it, in the answer,
    // the socket and the page.
    let answer: Value = h
        .call(
            "portal_reply",
            None,
            json!({ "token": token, "text": "my rate is $900" }),
        )
        .await
        .unwrap();
    assert_only_portal_fields(&answer.to_string());
    match socket.next(Duration::from_secs(10)).await {
        Some(LiveEvent::PortalMessage { message, .. }) => {
            assert_eq!(message.text, "my rate is $900");
            assert_only_portal_fields(&socket.last_frame);
        }
        other => panic!("expected the creator's message, got {other:?}"),
    }
    let team_view = h
        .value(
            "SELECT VALUE classification FROM ONLY message WHERE text = 'my rate is $900' LIMIT 1;",
            json!({}),
        )
        .await;
    assert!(
        !team_view.is_null(),
        "the team's copy has the classifier's reading"
    );
    let page: Value = h
        .call("portal_view", None, json!({ "token": token }))
        .await
        .unwrap();
    assert_only_portal_fields(&page.to_string());
    // After revoking, the socket cannot be opened again.
    let _: () = h
        .call(
            "revoke_portal_link",
            Some(&member),
            json!({ "thread_id": thread }),
        )
        .await
        .unwrap();
    assert_eq!(
        try_connect_at(addr, &path, None, None).await.err(),
        Some(404)
    );
}

#[tokio::test]
async fn a_link_has_limits_on_replies_and_open_sockets() {
    let h = Harness::with_sizes(4, 1).await;
    let addr = h.serve().await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let thread = h.a.thread_ids[0].as_str();
    let link: PortalLink = h
        .call(
            "create_portal_link",
            Some(&member),
            json!({ "thread_id": thread }),
        )
        .await
        .unwrap();
    let token = token_of(&link);
    let limit = server::auth::throttle::PORTAL_REPLIES;
    let count = || async {
        h.query(
            "SELECT id FROM message WHERE thread = type::record('thread', $t) AND sender_kind = 'creator';",
            json!({ "t": thread }),
        )
        .await
        .len()
    };
    let before = count().await;
    for i in 0..limit.max_failures {
        h.clock.advance(1_000);
        let sent: Result<PortalMessage, AppError> = h
            .call(
                "portal_reply",
                None,
                json!({ "token": token, "text": format!("note {i}") }),
            )
            .await;
        assert!(sent.is_ok(), "reply {i}: {sent:?}");
    }
    // The next one is refused with 429 and Retry-After, and writes nothing.
    let (status, headers, _) = h
        .raw(
            "portal_reply",
            None,
            json!({ "token": token, "text": "one more" }).to_string(),
            true,
        )
        .await;
    assert_eq!(status.as_u16(), 429);
    assert!(headers.get("retry-after").is_some());
    assert_eq!(count().await, before + limit.max_failures as usize);
    // After the pause, the link writes again.
    h.clock.advance(limit.lock_ms);
    let later: Result<PortalMessage, AppError> = h
        .call(
            "portal_reply",
            None,
            json!({ "token": token, "text": "back again" }),
        )
        .await;
    assert!(later.is_ok(), "{later:?}");

    // Sockets: a few per link, then 429; closing one frees its place.
    let path = format!("{}?token={token}", app::live::PORTAL_LIVE_PATH);
    let mut open = Vec::new();
    for _ in 0..server::live::portal_socket::MAX_PER_LINK {
        open.push(
            try_connect_at(addr, &path, None, None)
                .await
                .expect("portal socket"),
        );
    }
    assert_eq!(
        try_connect_at(addr, &path, None, None).await.err(),
        Some(429)
    );
    open.pop().unwrap().close().await;
    let mut reopened = None;
    for _ in 0..50 {
        if let Ok(s) = try_connect_at(addr, &path, None, None).await {
            reopened = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reopened.is_some(), "a closed socket gives its place back");
}
