//! Live updates end to end: real sockets against the real router and an embedded SurrealDB.

use crate::common;

use app::live::LiveEvent;
use app::model::{MessageView, Role, Stage};
use common::live_client::{connect, try_connect};
use common::Harness;
use serde_json::json;
use std::time::Duration;

const QUIET: Duration = Duration::from_millis(800);

async fn thread_in_stage(h: &Harness, ws: &str, stage: &str) -> String {
    let rows = h
        .query(
            "SELECT record::id(id) AS id FROM thread WHERE workspace = type::record('workspace', $ws) AND stage = $stage LIMIT 1;",
            json!({ "ws": ws, "stage": stage }),
        )
        .await;
    rows[0]["id"].as_str().expect("a thread").to_string()
}

fn kinds(events: &[LiveEvent]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            LiveEvent::Thread { thread, .. } => format!("thread {}", thread.id),
            LiveEvent::Message {
                thread_id, message, ..
            } => format!("message {thread_id}/{}", message.id),
            other => format!("{other:?}"),
        })
        .collect()
}

#[tokio::test]
async fn a_write_reaches_every_socket_of_its_workspace_once_and_no_other() {
    let h = Harness::with_sizes(12, 4).await;
    let addr = h.serve().await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let other_ws = h.sign_in_as(&h.b, Role::Owner).await;
    let mut a1 = connect(addr, &manager, None).await;
    let mut a2 = connect(addr, &member, None).await;
    let mut b = connect(addr, &other_ws, None).await;
    assert!(
        b.replayed.iter().all(|e| match e {
            LiveEvent::Thread { thread, .. } => h.b.thread_ids.contains(&thread.id),
            LiveEvent::Message { thread_id, .. } => h.b.thread_ids.contains(thread_id),
            _ => true,
        }),
        "the first replay holds only the socket's own workspace"
    );

    // A stage move writes one thread row: one event per socket of workspace A.
    let thread = thread_in_stage(&h, &h.a.workspace_id, "replied").await;
    let _: app::model::EnrollmentView = h
        .call(
            "set_stage",
            Some(&manager),
            json!({ "thread_id": thread, "stage": "negotiating" }),
        )
        .await
        .expect("set_stage");
    for sock in [&mut a1, &mut a2] {
        let got = sock.drain(QUIET).await;
        assert_eq!(kinds(&got), vec![format!("thread {thread}")]);
        let LiveEvent::Thread { thread: t, search } = &got[0] else {
            unreachable!()
        };
        assert_eq!(t.stage, Stage::Negotiating);
        assert!(t.version > 0, "stamped by the database");
        assert!(!search.is_empty());
    }
    assert_eq!(kinds(&b.drain(QUIET).await), Vec::<String>::new());

    // A reply writes a message and its thread: exactly those two. (An owner's: the thread picked
    // varies, and a member's reply where its creator raised a sensitive topic waits for review.)
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let msg: MessageView = h
        .call(
            "post_message",
            Some(&owner),
            json!({ "thread_id": thread, "kind": "reply", "text": "Sending the brief now." }),
        )
        .await
        .expect("post_message");
    for sock in [&mut a1, &mut a2] {
        let mut got = kinds(&sock.drain(QUIET).await);
        got.sort();
        assert_eq!(
            got,
            vec![
                format!("message {thread}/{}", msg.id),
                format!("thread {thread}")
            ]
        );
    }
    assert!(
        b.drain(QUIET).await.is_empty(),
        "nothing crosses workspaces"
    );
}

#[tokio::test]
async fn a_reconnect_replays_what_was_missed_exactly_once() {
    let h = Harness::with_sizes(8, 3).await;
    let addr = h.serve().await;
    let cookie = h.sign_in_as(&h.a, Role::Member).await;
    let first = connect(addr, &cookie, None).await;
    let cursor = first.cursor;
    assert_eq!(h.live.hub.subscriber_count(), 1);
    first.close().await;
    // A closed tab releases its subscription promptly.
    for _ in 0..50 {
        if h.live.hub.subscriber_count() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(h.live.hub.subscriber_count(), 0);

    let thread = h.a.thread_ids[0].clone();
    let mut sent = Vec::new();
    for text in ["First while you were away", "Second while you were away"] {
        let m: MessageView = h
            .call(
                "post_message",
                Some(&cookie),
                json!({ "thread_id": thread, "kind": "note", "text": text }),
            )
            .await
            .expect("post_message");
        sent.push(m.id);
    }

    let mut again = connect(addr, &cookie, Some(cursor)).await;
    assert!(again.cursor >= cursor);
    let replayed = kinds(&again.replayed);
    for id in &sent {
        let line = format!("message {thread}/{id}");
        assert_eq!(
            replayed.iter().filter(|k| **k == line).count(),
            1,
            "{line} in {replayed:?}"
        );
    }
    assert_eq!(
        replayed
            .iter()
            .filter(|k| **k == format!("thread {thread}"))
            .count(),
        1
    );
    // Nothing of the other workspace, and nothing more arrives after the replay.
    for e in &again.replayed {
        if let LiveEvent::Thread { thread, .. } = e {
            assert!(h.a.thread_ids.contains(&thread.id));
        }
    }
    assert!(again.drain(QUIET).await.is_empty());
}

#[tokio::test]
async fn sockets_refuse_strangers() {
    let h = Harness::with_sizes(3, 1).await;
    let addr = h.serve().await;
    let cookie = h.sign_in_as(&h.a, Role::Viewer).await;
    let own_origin = format!("http://{addr}");
    // (cookie, origin, expected outcome)
    type Case<'a> = (Option<&'a str>, Option<&'a str>, Result<(), u16>);
    let cases: [Case; 4] = [
        (None, None, Err(401)),
        (Some("inbox_session=forged"), None, Err(401)),
        (Some(&cookie), Some("https://evil.example"), Err(403)),
        (Some(&cookie), Some(&own_origin), Ok(())),
    ];
    for (cookie, origin, want) in cases {
        let got = try_connect(addr, cookie, origin, None).await.map(|_| ());
        assert_eq!(got, want, "{cookie:?} {origin:?}");
    }
}
