//! A thread's waiting clock and unread flag move from what the database holds when an entry is
//! written, not from the copy the writer read before: a write committed in between (a racing
//! inbound group, a teammate's reply) is built on, never undone.

use crate::common;

use app::model::*;
use common::{Harness, NOW};
use serde_json::json;
use server::store::thread_write::{append_message, NewMessage};
use server::store::THREAD_FIELDS;

fn message(t: &ThreadSummary, direction: Direction, channel: Channel, at: i64) -> NewMessage {
    let from_creator = NewMessage::from_creator(
        channel,
        t.creator_id.clone(),
        t.creator_name.clone(),
        None,
        format!("{direction:?} at {at}"),
        at,
        server::ids::new_id(),
    );
    if direction == Direction::Inbound {
        return from_creator;
    }
    NewMessage {
        direction,
        sender_kind: SenderKind::Teammate,
        sender_id: None,
        sender_name: "Teammate".into(),
        status: DeliveryStatus::Sent,
        external_id: None,
        automate: false,
        ..from_creator
    }
}

#[tokio::test]
async fn entries_move_the_stored_clock_not_the_one_read_before() {
    let h = Harness::new().await;
    let ws = h.a.workspace_id.clone();
    let rows = h
        .query(
            &format!("SELECT {THREAD_FIELDS} FROM thread WHERE workspace = type::record('workspace', $ws) LIMIT 1;"),
            json!({ "ws": ws }),
        )
        .await;
    let read: ThreadSummary = serde_json::from_value(rows[0].clone()).unwrap();
    let stored = |awaiting: Option<i64>, unread: bool| {
        let h = &h;
        let tid = read.id.clone();
        async move {
            h.query(
                "UPDATE type::record('thread', $t) SET awaiting_since = $a, unread = $u;",
                json!({ "t": tid, "a": awaiting, "u": unread }),
            )
            .await;
        }
    };
    let now_stored = || {
        let h = &h;
        let tid = read.id.clone();
        async move {
            let row = h
                .value(
                    "SELECT awaiting_since, unread FROM ONLY type::record('thread', $t);",
                    json!({ "t": tid }),
                )
                .await;
            (
                row["awaiting_since"].as_i64(),
                row["unread"].as_bool().unwrap(),
            )
        }
    };
    // (what the writer read, what was committed since, the entry) → what the thread holds after.
    let inbound = (Direction::Inbound, Channel::Sms);
    let ours = (Direction::Outbound, Channel::Email);
    let note = (Direction::Internal, Channel::Note);
    let cases = [
        // A creator message arrived meanwhile: its older clock is kept.
        (
            (None, false),
            (Some(NOW - 5_000), true),
            inbound,
            (Some(NOW - 5_000), true),
        ),
        // The clock was not running and nothing raced: it starts at this message.
        ((None, false), (None, false), inbound, (Some(NOW), true)),
        // A teammate answered meanwhile: a note does not start the old clock again.
        (
            (Some(NOW - 9_000), true),
            (None, false),
            note,
            (None, false),
        ),
        // A creator message arrived meanwhile: a note leaves it waiting and unread.
        (
            (None, false),
            (Some(NOW - 2_000), true),
            note,
            (Some(NOW - 2_000), true),
        ),
        // Our reply stops the clock whatever was read.
        (
            (None, false),
            (Some(NOW - 1_000), true),
            ours,
            (None, false),
        ),
    ];
    for (i, (was_read, committed, (direction, channel), expected)) in cases.into_iter().enumerate()
    {
        let mut t = read.clone();
        (t.awaiting_since, t.unread) = was_read;
        stored(committed.0, committed.1).await;
        let msg = message(&t, direction, channel, NOW);
        append_message(&h.db, &ws, &mut t, msg, None).await.unwrap();
        assert_eq!(now_stored().await, expected, "case {i}");
    }
}
