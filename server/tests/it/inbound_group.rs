//! One group of inbound messages stored together (`store::inbound_batch`): every outcome an
//! arrival can have, in one call, against what the database then holds — repeats within the group
//! and of earlier deliveries, unknown senders, two workspaces, the thread a reply answers, the
//! campaign a platform names, and a thread that gets two messages moved once to the newest.

use crate::common;

use app::model::Channel;
use common::{Harness, NOW};
use serde_json::json;
use server::store::inbound::{Arrival, Pick, Received};
use server::store::inbound_batch::store_batch;

fn sms(ws: &str, from: &str, sid: &str, text: &str, at: i64) -> Arrival {
    Arrival {
        workspace: ws.to_string(),
        channel: Channel::Sms,
        keys: vec![(Channel::Sms, from.to_string())],
        subject: None,
        text: text.to_string(),
        external_id: sid.to_string(),
        at,
        pick: Pick::Answered,
        via: None,
    }
}

#[tokio::test]
async fn a_group_stores_each_arrival_as_it_would_alone() {
    let h = Harness::new().await;
    let ws = h.a.workspace_id.clone();
    let other_ws = h.b.workspace_id.clone();
    let (creator, threads) = h.creator_in(|n| n >= 2).await;
    let (answered, other) = (threads[1].clone(), threads[0].clone());
    let phone = "+15125559001";
    h.query(
        "UPDATE type::record('creator', $c) SET identities += { channel: 'sms', address: $p, consent: 'granted' };",
        json!({ "c": creator, "p": phone }),
    )
    .await;
    // We last wrote by SMS on `answered` (an hour ago); on `other` two hours ago. (Written here
    // directly, so the thread's `last_outbound` is set as the entry statements keep it.)
    for (thread, ago) in [(&answered, 3_600_000), (&other, 7_200_000)] {
        h.query(
            "CREATE message SET workspace = type::record('workspace', $ws), thread = type::record('thread', $t),
                 direction = 'outbound', channel = 'sms', sender_kind = 'teammate', sender_name = 'Dana',
                 text = 'Any news?', at = $at, sent_at = $at, status = 'sent';
             UPDATE type::record('thread', $t) SET awaiting_since = NONE, last_outbound = { sms: $at };",
            json!({ "ws": ws, "t": thread, "at": NOW - ago }),
        )
        .await;
    }
    // `other` was active more recently, so without knowing what we last wrote where, the SMS
    // would go there.
    h.query(
        "UPDATE type::record('thread', $a) SET last_at = $old; UPDATE type::record('thread', $o) SET last_at = $recent;",
        json!({ "a": answered, "o": other, "old": NOW - 50_000_000, "recent": NOW - 10_000 }),
    )
    .await;
    // A workspace-B creator with a number workspace A does not know.
    let (b_creator, b_thread) = {
        let rows = h
            .query(
                "SELECT record::id(creator) AS c, record::id(id) AS t FROM thread
                     WHERE workspace = type::record('workspace', $ws) LIMIT 1;",
                json!({ "ws": other_ws }),
            )
            .await;
        (
            rows[0]["c"].as_str().unwrap().to_string(),
            rows[0]["t"].as_str().unwrap().to_string(),
        )
    };
    let b_phone = "+15125559002";
    h.query(
        "UPDATE type::record('creator', $c) SET identities += { channel: 'sms', address: $p, consent: 'granted' };",
        json!({ "c": b_creator, "p": b_phone }),
    )
    .await;
    let keys_before = h
        .value("RETURN count(SELECT id FROM inbound_key);", json!({}))
        .await;
    // A delivery stored before the group.
    let earlier = store_batch(&h.db, &[sms(&ws, phone, "SM-early", "hi", NOW - 1000)])
        .await
        .unwrap();
    let Received::Stored {
        message: earlier_id,
        ..
    } = earlier[0].clone()
    else {
        panic!("the earlier delivery is stored: {earlier:?}");
    };
    let campaign_of_other: String = h
        .value(
            "SELECT VALUE record::id(campaign) FROM ONLY type::record('thread', $t);",
            json!({ "t": other }),
        )
        .await
        .as_str()
        .unwrap()
        .to_string();

    let group = vec![
        sms(&ws, phone, "SM-1", "first of two", NOW),
        sms(&ws, phone, "SM-2", "second of two", NOW + 5),
        sms(&ws, phone, "SM-1", "first of two", NOW),
        sms(&ws, phone, "SM-early", "hi", NOW - 1000),
        sms(&ws, "+15125550000", "SM-unknown", "who is this", NOW),
        sms(&ws, b_phone, "SM-b-in-a", "wrong workspace", NOW),
        sms(&other_ws, b_phone, "SM-b", "hello B", NOW),
        Arrival {
            pick: Pick::Campaign(Some(campaign_of_other.clone())),
            channel: Channel::Api,
            ..sms(&ws, phone, "evt-1", "about the other campaign", NOW + 1)
        },
    ];
    let out = store_batch(&h.db, &group).await.unwrap();

    let stored_in = |o: &Received| match o {
        Received::Stored {
            thread, creator, ..
        } => Some((thread.clone(), creator.clone())),
        _ => None,
    };
    assert_eq!(
        stored_in(&out[0]),
        Some((answered.clone(), creator.clone())),
        "an SMS answers the thread we last wrote to by SMS"
    );
    assert_eq!(
        stored_in(&out[1]),
        Some((answered.clone(), creator.clone()))
    );
    assert_eq!(
        out[2],
        Received::Duplicate { message: None },
        "a repeat within the group"
    );
    assert_eq!(
        out[3],
        Received::Duplicate {
            message: Some(earlier_id)
        },
        "a redelivery names the stored message"
    );
    assert_eq!(out[4], Received::Unmatched);
    assert_eq!(
        out[5],
        Received::Unmatched,
        "another workspace's creator is unknown here"
    );
    assert_eq!(stored_in(&out[6]), Some((b_thread.clone(), b_creator)));
    assert_eq!(
        stored_in(&out[7]),
        Some((other.clone(), creator.clone())),
        "the campaign a platform names"
    );

    // Exactly the stored messages exist, each once, in its thread.
    let texts = |t: &str| {
        let t = t.to_string();
        let db = h.db.clone();
        async move {
            let mut r = server::db::exec(
                &db,
                "SELECT VALUE text FROM message WHERE thread = type::record('thread', $t)
                     AND direction = 'inbound' AND at >= $since ORDER BY at;",
                json!({ "t": t, "since": NOW - 1000 }),
            )
            .await
            .unwrap();
            r.take::<Vec<String>>(0).unwrap()
        }
    };
    assert_eq!(
        texts(&answered).await,
        vec!["hi", "first of two", "second of two"]
    );
    assert_eq!(texts(&other).await, vec!["about the other campaign"]);
    assert_eq!(texts(&b_thread).await, vec!["hello B"]);
    let unmatched = h
        .query(
            "SELECT VALUE address FROM unmatched WHERE workspace = type::record('workspace', $ws)
                 AND address IN $ours ORDER BY address;",
            json!({ "ws": ws, "ours": ["+15125550000", b_phone] }),
        )
        .await;
    assert_eq!(unmatched, vec![json!("+15125550000"), json!(b_phone)]);
    let keys = h
        .value("RETURN count(SELECT id FROM inbound_key);", json!({}))
        .await;
    assert_eq!(
        keys.as_u64().unwrap() - keys_before.as_u64().unwrap(),
        7,
        "one dedupe key per distinct delivery"
    );

    // The thread that got two messages shows the newest, waiting since the first.
    let t = h
        .value(
            "SELECT last_at, last_snippet, last_channel, last_inbound_at, last_inbound_channel, awaiting_since, unread, channels
                 FROM ONLY type::record('thread', $t);",
            json!({ "t": answered }),
        )
        .await;
    assert_eq!(t["last_at"], json!(NOW + 5));
    assert_eq!(t["last_snippet"], json!("second of two"));
    assert_eq!(t["last_channel"], json!("sms"));
    assert_eq!(t["last_inbound_at"], json!(NOW + 5));
    assert_eq!(t["last_inbound_channel"], json!("sms"));
    assert_eq!(
        t["awaiting_since"],
        json!(NOW - 1000),
        "waiting since the first unanswered message"
    );
    assert_eq!(t["unread"], json!(true));
    assert!(t["channels"].as_array().unwrap().contains(&json!("sms")));
    let o = h
        .value(
            "SELECT last_snippet, last_inbound_channel FROM ONLY type::record('thread', $t);",
            json!({ "t": other }),
        )
        .await;
    assert_eq!(o["last_snippet"], json!("about the other campaign"));
    assert_eq!(o["last_inbound_channel"], json!("api"));
}

/// What the entry statements keep in `last_outbound` while the demo history is written is what
/// migration v8 computes from the messages.
#[tokio::test]
async fn last_outbound_kept_by_writes_matches_the_migration() {
    let h = Harness::new().await;
    let read = || async {
        h.query(
            "SELECT record::id(id) AS id, last_outbound FROM thread ORDER BY id;",
            json!({}),
        )
        .await
    };
    let kept = read().await;
    assert!(
        kept.iter().any(|t| t["last_outbound"].is_object()),
        "the demo history has messages of ours"
    );
    h.query("UPDATE thread SET last_outbound = NONE;", json!({}))
        .await;
    // The migration's back-fill (its field is defined already).
    let backfill: Vec<&str> = include_str!("../../src/db/schema_v8.surql")
        .lines()
        .filter(|l| !l.starts_with("DEFINE FIELD"))
        .collect();
    server::db::exec(&h.db, &backfill.join("\n"), json!({}))
        .await
        .unwrap();
    assert_eq!(read().await, kept);
}
