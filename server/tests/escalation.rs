//! Overdue escalation on the test's clock: once a creator has waited longer than the
//! workspace's delay, the owners and managers are notified — once per wait — and it is audited.

mod common;

use app::api::AppError;
use app::model::{PolicySettings, Role};
use common::Harness;
use serde_json::json;
use server::store::escalations;

const HOUR: i64 = 3_600_000;

#[tokio::test]
async fn a_long_wait_is_escalated_to_the_managers_once() {
    let h = Harness::with_sizes(10, 2).await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let now = common::NOW;
    // Nobody escalates until a delay is set.
    let (late, recent) = (&h.a.thread_ids[0], &h.a.thread_ids[1]);
    h.query(
        "UPDATE thread SET awaiting_since = NONE, escalated_for = NONE WHERE workspace = type::record('workspace', $ws);
         UPDATE type::record('thread', $late) SET awaiting_since = $five_h_ago;
         UPDATE type::record('thread', $recent) SET awaiting_since = $one_h_ago;",
        json!({ "ws": h.a.workspace_id, "late": late, "recent": recent, "five_h_ago": now - 5 * HOUR, "one_h_ago": now - HOUR }),
    )
    .await;
    assert_eq!(escalations::run(&h.db, now).await.unwrap(), 0);

    let refused: Result<PolicySettings, AppError> =
        h.call("set_escalation", Some(&member), json!({ "hours": 4 })).await;
    assert!(matches!(refused, Err(AppError::Forbidden(_))), "{refused:?}");
    let bad: Result<PolicySettings, AppError> =
        h.call("set_escalation", Some(&manager), json!({ "hours": 0 })).await;
    assert!(matches!(bad, Err(AppError::Invalid(_))), "{bad:?}");
    let saved: PolicySettings = h
        .call("set_escalation", Some(&manager), json!({ "hours": 4 }))
        .await
        .unwrap();
    assert_eq!(saved.escalate_after_hours, Some(4));

    // Two passes (or two instances): one escalation of the 5-hour wait, none of the 1-hour one.
    let (a, b) = tokio::join!(escalations::run(&h.db, now), escalations::run(&h.db, now));
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(escalations::run(&h.db, now).await.unwrap(), 0);
    let notes = h
        .query(
            "SELECT VALUE record::id(user) FROM notification WHERE kind = 'escalation' AND thread = type::record('thread', $t);",
            json!({ "t": late }),
        )
        .await;
    let managers = h
        .query(
            "SELECT VALUE record::id(user) FROM membership WHERE workspace = type::record('workspace', $ws) AND role IN ['owner', 'manager'];",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    assert_eq!(notes.len(), managers.len());
    assert!(notes.iter().all(|u| managers.contains(u)));
    let audits = h
        .query(
            "SELECT VALUE action FROM audit_event WHERE subject = $s;",
            json!({ "s": format!("thread:{late}") }),
        )
        .await;
    assert_eq!(audits, vec![json!("thread.escalated")]);

    // The recent one crosses the delay later; a new wait on the first escalates again.
    assert_eq!(escalations::run(&h.db, now + 3 * HOUR + 1).await.unwrap(), 1);
    h.query(
        "UPDATE type::record('thread', $late) SET awaiting_since = $t;",
        json!({ "late": late, "t": now + HOUR }),
    )
    .await;
    assert_eq!(escalations::run(&h.db, now + 6 * HOUR).await.unwrap(), 1);

    // Off again: nothing more.
    let off: PolicySettings = h
        .call("set_escalation", Some(&manager), json!({ "hours": null }))
        .await
        .unwrap();
    assert_eq!(off.escalate_after_hours, None);
    h.query(
        "UPDATE type::record('thread', $late) SET awaiting_since = $t;",
        json!({ "late": late, "t": now + 2 * HOUR }),
    )
    .await;
    assert_eq!(escalations::run(&h.db, now + 30 * HOUR).await.unwrap(), 0);
}
