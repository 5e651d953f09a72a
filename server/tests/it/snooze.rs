//! Snoozing: a snoozed thread leaves Needs reply until its time (then comes back with its wait
//! and unread) or until the creator writes again; viewers cannot snooze; bad times are refused.

use crate::common;

use app::api::AppError;
use app::model::{Role, ThreadDetail};
use common::Harness;
use serde_json::{json, Value};

const HOUR: i64 = 3_600_000;

async fn waiting_ids(h: &Harness, cookie: &str) -> Vec<String> {
    h.all_pages(cookie, json!({ "needs_reply": true }))
        .await
        .into_iter()
        .map(|t| t.id)
        .collect()
}

#[tokio::test]
async fn a_snoozed_thread_leaves_needs_reply_until_its_time_or_the_creators_reply() {
    let h = Harness::with_sizes(10, 2).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let viewer = h.sign_in_as(&h.a, Role::Viewer).await;
    let waiting = waiting_ids(&h, &owner).await;
    let thread = waiting[0].clone();
    let before: ThreadDetail = h
        .call("get_thread", Some(&owner), json!({ "thread_id": thread }))
        .await
        .unwrap();
    let since = before.summary.awaiting_since.expect("waiting");

    let refused: Result<Value, AppError> = h
        .call(
            "snooze_thread",
            Some(&viewer),
            json!({ "thread_id": thread, "until": common::NOW + HOUR }),
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let past: Result<Value, AppError> = h
        .call(
            "snooze_thread",
            Some(&owner),
            json!({ "thread_id": thread, "until": common::NOW - 1 }),
        )
        .await;
    assert!(matches!(past, Err(AppError::Invalid(_))), "{past:?}");

    let _: Value = h
        .call(
            "snooze_thread",
            Some(&owner),
            json!({ "thread_id": thread, "until": common::NOW + 3 * HOUR }),
        )
        .await
        .unwrap();
    assert!(
        !waiting_ids(&h, &owner).await.contains(&thread),
        "out of Needs reply while snoozed"
    );
    let d: ThreadDetail = h
        .call("get_thread", Some(&owner), json!({ "thread_id": thread }))
        .await
        .unwrap();
    assert_eq!(d.summary.snoozed_until, Some(common::NOW + 3 * HOUR));

    h.clock.advance(3 * HOUR);
    server::store::thread_write::wake_snoozed(&h.db, h.clock.now_ms())
        .await
        .unwrap();
    let d: ThreadDetail = h
        .call("get_thread", Some(&owner), json!({ "thread_id": thread }))
        .await
        .unwrap();
    assert_eq!(
        d.summary.awaiting_since,
        Some(since),
        "its wait is restored"
    );
    assert!(d.summary.unread && d.summary.snoozed_until.is_none());
    assert!(waiting_ids(&h, &owner).await.contains(&thread));

    // Until they reply: the creator's next message wakes it.
    let _: Value = h
        .call(
            "snooze_thread",
            Some(&owner),
            json!({ "thread_id": thread, "until": null, "until_reply": true }),
        )
        .await
        .unwrap();
    assert!(!waiting_ids(&h, &owner).await.contains(&thread));
    let token = h.portal_token(&h.a, &thread).await;
    h.clock.advance(HOUR);
    let _: Value = h
        .call(
            "portal_reply",
            None,
            json!({ "token": token, "text": "any news?" }),
        )
        .await
        .unwrap();
    let d: ThreadDetail = h
        .call("get_thread", Some(&owner), json!({ "thread_id": thread }))
        .await
        .unwrap();
    assert_eq!(d.summary.snooze_until_reply, None);
    assert_eq!(
        d.summary.awaiting_since,
        Some(h.clock.now_ms()),
        "waiting since the new message"
    );
    assert!(waiting_ids(&h, &owner).await.contains(&thread));
}
