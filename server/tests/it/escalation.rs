//! Overdue escalation on the test's clock: once a creator has waited longer than the
//! workspace's delay, the owners and managers are notified — once per wait — and it is audited.

use crate::common;

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

    let refused: Result<PolicySettings, AppError> = h
        .call(
            "set_reply_timer",
            Some(&member),
            json!({ "escalate_after_hours": 4, "business_hours": null }),
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let bad: Result<PolicySettings, AppError> = h
        .call(
            "set_reply_timer",
            Some(&manager),
            json!({ "escalate_after_hours": 0, "business_hours": null }),
        )
        .await;
    assert!(matches!(bad, Err(AppError::Invalid(_))), "{bad:?}");
    let saved: PolicySettings = h
        .call(
            "set_reply_timer",
            Some(&manager),
            json!({ "escalate_after_hours": 4, "business_hours": null }),
        )
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
    assert_eq!(
        escalations::run(&h.db, now + 3 * HOUR + 1).await.unwrap(),
        1
    );
    h.query(
        "UPDATE type::record('thread', $late) SET awaiting_since = $t;",
        json!({ "late": late, "t": now + HOUR }),
    )
    .await;
    assert_eq!(escalations::run(&h.db, now + 6 * HOUR).await.unwrap(), 1);

    // Off again: nothing more.
    let off: PolicySettings = h
        .call(
            "set_reply_timer",
            Some(&manager),
            json!({ "escalate_after_hours": null, "business_hours": null }),
        )
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

#[tokio::test]
async fn working_hours_decide_what_is_overdue() {
    use app::model::{InboxCounts, InboxPage, SessionInfo};
    let h = Harness::with_sizes(10, 2).await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    // The harness's now is Monday 14:05 UTC; this creator wrote on Friday at 16:00 UTC.
    let friday_4pm = common::NOW - 3 * 24 * HOUR - (14 * HOUR + 5 * 60_000) + 16 * HOUR;
    let t = &h.a.thread_ids[0];
    h.query(
        "UPDATE thread SET awaiting_since = NONE WHERE workspace = type::record('workspace', $ws);
         UPDATE type::record('thread', $t) SET awaiting_since = $since;",
        json!({ "ws": h.a.workspace_id, "t": t, "since": friday_4pm }),
    )
    .await;
    let overdue = |cookie: String| {
        let h = &h;
        async move {
            let page: InboxPage = h
                .call(
                    "list_threads",
                    Some(&cookie),
                    json!({ "filter": { "overdue": true }, "after": null }),
                )
                .await
                .unwrap();
            let counts: InboxCounts = h
                .call("inbox_counts", Some(&cookie), json!({}))
                .await
                .unwrap();
            (page.threads.len(), counts.overdue)
        }
    };
    // By the clock: 70 hours, overdue.
    assert_eq!(overdue(manager.clone()).await, (1, 1));
    // Working hours 9–17 UTC, Monday to Friday: 1 hour on Friday and 5 on Monday — not overdue.
    let bad: Result<PolicySettings, AppError> = h
        .call(
            "set_reply_timer",
            Some(&manager),
            json!({ "escalate_after_hours": null, "business_hours": { "start": 17, "end": 9, "weekdays": true, "utc_offset_minutes": 0 } }),
        )
        .await;
    assert!(matches!(bad, Err(AppError::Invalid(_))), "{bad:?}");
    let hours = json!({ "start": 9, "end": 17, "weekdays": true, "utc_offset_minutes": 0 });
    let saved: PolicySettings = h
        .call(
            "set_reply_timer",
            Some(&manager),
            json!({ "escalate_after_hours": null, "business_hours": hours }),
        )
        .await
        .unwrap();
    assert!(saved.business_hours.is_some());
    assert_eq!(overdue(manager.clone()).await, (0, 0));
    // The browser gets the hours to draw the same badges.
    let session: Option<SessionInfo> = h
        .call("current_session", Some(&manager), json!({}))
        .await
        .unwrap();
    assert_eq!(
        session.unwrap().business_hours.map(|b| (b.start, b.end)),
        Some((9, 17))
    );
    // Wednesday 14:00: 1 + 8 + 8 + 5 = 22 working hours, still not; Thursday 10:00: 26, overdue.
    h.clock
        .advance(friday_4pm + 5 * 24 * HOUR - 2 * HOUR - h.clock.now_ms());
    assert_eq!(overdue(manager.clone()).await, (0, 0));
    h.clock.advance(20 * HOUR);
    assert_eq!(overdue(manager.clone()).await, (1, 1));

    // A named time zone: the server reads its daylight-saving changes for the browser; a name
    // the database does not know is refused.
    let zoned = |zone: &str| {
        json!({ "escalate_after_hours": null, "business_hours":
            { "start": 9, "end": 17, "weekdays": true, "utc_offset_minutes": 0, "time_zone": zone } })
    };
    let bad: Result<PolicySettings, AppError> = h
        .call(
            "set_reply_timer",
            Some(&manager),
            zoned("Mars/Olympus_Mons"),
        )
        .await;
    assert!(
        matches!(&bad, Err(AppError::Invalid(m)) if m.contains("Mars")),
        "{bad:?}"
    );
    let saved: PolicySettings = h
        .call("set_reply_timer", Some(&manager), zoned("Europe/Berlin"))
        .await
        .unwrap();
    assert!(saved.time_zones.iter().any(|z| z == "Europe/Berlin"));
    let stored = h
        .query(
            "SELECT VALUE business_hours FROM type::record('workspace', $ws);",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    assert_eq!(stored[0]["time_zone"], json!("Europe/Berlin"));
    assert!(
        stored[0].get("offset_changes").is_none(),
        "changes are read, never stored"
    );
    let session: Option<SessionInfo> = h
        .call("current_session", Some(&manager), json!({}))
        .await
        .unwrap();
    let hours = session.unwrap().business_hours.unwrap();
    assert!(hours.offset_changes.len() >= 2, "{hours:?}");
    assert!(hours.offset_changes.iter().any(|c| c.offset_minutes == 120));
}
