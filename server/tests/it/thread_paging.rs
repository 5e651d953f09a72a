//! A long thread opens with its newest page; "load earlier" reads the pages before it, in order,
//! until the first message, and never another workspace's (issue 21: bounded work).

use crate::common;

use app::api::AppError;
use app::model::{
    MessageView, MessagesPage, PortalLink, PortalPage, PortalView, Role, ThreadDetail,
    TIMELINE_PAGE,
};
use common::Harness;
use serde_json::json;

#[tokio::test]
async fn a_long_thread_opens_with_its_newest_page_and_loads_the_rest_in_order() {
    let h = Harness::with_sizes(3, 1).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let thread = h.a.thread_ids[0].clone();
    let extra = TIMELINE_PAGE + 30;
    for i in 0..extra {
        h.clock.advance(1_000);
        let _: MessageView = h
            .call(
                "post_message",
                Some(&owner),
                json!({ "thread_id": thread, "kind": "reply", "channel": "in_app", "text": format!("note {i}") }),
            )
            .await
            .unwrap();
    }
    let d: ThreadDetail = h
        .call("get_thread", Some(&owner), json!({ "thread_id": thread }))
        .await
        .unwrap();
    assert_eq!(d.messages.len(), TIMELINE_PAGE);
    assert!(d.has_earlier);
    assert_eq!(
        d.messages.last().unwrap().text,
        format!("note {}", extra - 1)
    );
    assert!(
        d.messages.windows(2).all(|w| w[0].at <= w[1].at),
        "oldest first"
    );

    // Page back to the beginning: every message once, in order.
    let mut all = d.messages.clone();
    let mut more = d.has_earlier;
    while more {
        let page: MessagesPage = h
            .call(
                "earlier_messages",
                Some(&owner),
                json!({ "thread_id": thread, "before_id": all[0].id }),
            )
            .await
            .unwrap();
        assert!(!page.messages.is_empty() && page.messages.len() <= TIMELINE_PAGE);
        more = page.has_earlier;
        let mut older = page.messages;
        older.append(&mut all);
        all = older;
    }
    let seeded = h
        .query(
            "SELECT id FROM message WHERE thread = type::record('thread', $t);",
            json!({ "t": thread }),
        )
        .await
        .len();
    assert_eq!(all.len(), seeded);
    let mut ids: Vec<&str> = all.iter().map(|m| m.id.as_str()).collect();
    assert!(all.windows(2).all(|w| w[0].at <= w[1].at));
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), seeded, "no message twice");

    // A message of another thread is no cursor here.
    let other = h.a.thread_ids[1].clone();
    let other_msg = h
        .value(
            "SELECT VALUE record::id(id) FROM message WHERE thread = type::record('thread', $t) LIMIT 1;",
            json!({ "t": other }),
        )
        .await;
    let refused: Result<MessagesPage, AppError> = h
        .call(
            "earlier_messages",
            Some(&owner),
            json!({ "thread_id": thread, "before_id": other_msg }),
        )
        .await;
    assert!(matches!(refused, Err(AppError::NotFound)), "{refused:?}");

    // The creator's portal pages the same way, through its own token.
    let link: PortalLink = h
        .call(
            "create_portal_link",
            Some(&owner),
            json!({ "thread_id": thread }),
        )
        .await
        .unwrap();
    let token = link.url.rsplit('/').next().unwrap().to_string();
    let view: PortalView = h
        .call("portal_view", None, json!({ "token": token }))
        .await
        .unwrap();
    assert_eq!(view.messages.len(), TIMELINE_PAGE);
    assert!(view.has_earlier);
    let mut seen = view.messages.len();
    let mut before = view.messages[0].id.clone();
    let mut more = view.has_earlier;
    while more {
        let page: PortalPage = h
            .call(
                "portal_earlier",
                None,
                json!({ "token": token, "before_id": before }),
            )
            .await
            .unwrap();
        seen += page.messages.len();
        more = page.has_earlier;
        before = page.messages[0].id.clone();
    }
    let visible = h
        .query(
            "SELECT id FROM message WHERE thread = type::record('thread', $t) AND channel != 'note' AND direction != 'internal';",
            json!({ "t": thread }),
        )
        .await
        .len();
    assert_eq!(seen, visible);
}
