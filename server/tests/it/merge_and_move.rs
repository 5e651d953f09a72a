//! Fixing attribution: a message filed under the wrong campaign moves to another thread of the
//! same creator (never another creator's); two creator records of one person merge — threads in
//! the same campaign fold together, the others change owner, the addresses join — and the merge
//! is undone exactly; each step is audited.

use crate::common;

use app::api::AppError;
use app::model::{Direction, Role, ThreadDetail};
use common::Harness;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

async fn detail(h: &Harness, cookie: &str, thread: &str) -> ThreadDetail {
    h.call("get_thread", Some(cookie), json!({ "thread_id": thread }))
        .await
        .unwrap()
}

/// creator id → (campaign id → thread id)
async fn threads_by_creator(h: &Harness) -> BTreeMap<String, BTreeMap<String, String>> {
    let rows = h
        .query(
            "SELECT record::id(creator) AS c, record::id(campaign) AS k, record::id(id) AS t FROM thread
             WHERE workspace = type::record('workspace', $ws);",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for r in rows {
        out.entry(r["c"].as_str().unwrap().into())
            .or_default()
            .insert(
                r["k"].as_str().unwrap().into(),
                r["t"].as_str().unwrap().into(),
            );
    }
    out
}

async fn identities(h: &Harness, id: &str) -> Value {
    h.value(
        "SELECT identities FROM ONLY type::record('creator', $c);",
        json!({ "c": id }),
    )
    .await["identities"]
        .clone()
}

async fn messages_of(h: &Harness, t: String) -> BTreeSet<String> {
    h.query(
        "SELECT VALUE record::id(id) FROM message WHERE thread = type::record('thread', $t);",
        json!({ "t": t }),
    )
    .await
    .into_iter()
    .map(|v| v.as_str().unwrap().to_string())
    .collect()
}

async fn messages_of_all(h: &Harness, threads: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    for t in threads.values() {
        all.extend(messages_of(h, t.clone()).await);
    }
    all
}

/// The message ids a creator's profile timeline shows (messages carry their thread's creator).
async fn profile_messages(h: &Harness, cookie: &str, creator: &str) -> BTreeSet<String> {
    let p: app::model::CreatorProfile = h
        .call(
            "creator_profile",
            Some(cookie),
            json!({ "creator_id": creator }),
        )
        .await
        .unwrap();
    p.timeline.into_iter().map(|e| e.message.id).collect()
}

async fn audit_actions(h: &Harness) -> Vec<String> {
    h.query(
        "SELECT VALUE action FROM audit_event ORDER BY at;",
        json!({}),
    )
    .await
    .into_iter()
    .map(|v| v.as_str().unwrap().to_string())
    .collect()
}

#[tokio::test]
async fn a_message_moves_only_between_the_same_creators_campaigns() {
    let h = Harness::with_sizes(24, 2).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let by_creator = threads_by_creator(&h).await;
    // A creator in two campaigns whose first thread holds a message of theirs (record ids are
    // random, so which thread comes first varies from run to run).
    let mut picked = None;
    for (creator, threads) in by_creator.iter().filter(|(_, t)| t.len() >= 2) {
        let ts: Vec<&String> = threads.values().collect();
        for (i, from) in ts.iter().enumerate() {
            let d = detail(&h, &member, from).await;
            let inbound = d
                .messages
                .iter()
                .find(|m| m.direction == Direction::Inbound)
                .cloned();
            if let Some(m) = inbound {
                let to = ts[(i + 1) % ts.len()].clone();
                picked = Some((creator.clone(), (*from).clone(), to, d, m));
                break;
            }
        }
        if picked.is_some() {
            break;
        }
    }
    let (creator, from, to, _, msg) = picked.expect("a creator in two campaigns who wrote");
    let creator = &creator;
    let stranger = by_creator
        .iter()
        .find(|(c, _)| *c != creator)
        .and_then(|(_, t)| t.values().next())
        .unwrap()
        .clone();
    let viewer = h.sign_in_as(&h.a, Role::Viewer).await;
    let args = json!({ "message_id": msg.id, "to_thread_id": to });
    let refused: Result<(), AppError> = h.call("move_message", Some(&viewer), args.clone()).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let other_ws = h.sign_in_as(&h.b, Role::Owner).await;
    let foreign: Result<(), AppError> = h.call("move_message", Some(&other_ws), args.clone()).await;
    assert_eq!(foreign, Err(AppError::NotFound));
    let across: Result<(), AppError> = h
        .call(
            "move_message",
            Some(&member),
            json!({ "message_id": msg.id, "to_thread_id": stranger }),
        )
        .await;
    assert!(
        matches!(across, Err(AppError::Invalid(ref m)) if m.contains("same creator")),
        "{across:?}"
    );

    let moved: Result<(), AppError> = h.call("move_message", Some(&member), args).await;
    assert_eq!(moved, Ok(()));
    let src = detail(&h, &member, &from).await;
    let dst = detail(&h, &member, &to).await;
    assert!(src.messages.iter().all(|m| m.id != msg.id));
    assert!(dst.messages.iter().any(|m| m.id == msg.id));
    // Both threads' inbox rows follow their entries.
    let last = |d: &ThreadDetail| d.messages.iter().map(|m| m.at).max().unwrap_or(0);
    assert_eq!(dst.summary.last_at, last(&dst));
    if !src.messages.is_empty() {
        assert_eq!(src.summary.last_at, last(&src));
    }
    assert!(audit_actions(&h)
        .await
        .contains(&"message.moved".to_string()));
}

#[tokio::test]
async fn two_records_of_one_creator_merge_and_the_merge_undoes_exactly() {
    let h = Harness::with_sizes(24, 2).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let by_creator = threads_by_creator(&h).await;
    // A kept creator and a duplicate sharing a campaign, the duplicate also in another one.
    let (keep, dup) = by_creator
        .iter()
        .flat_map(|(a, ta)| by_creator.iter().map(move |(b, tb)| (a, ta, b, tb)))
        .find(|(a, ta, b, tb)| {
            a != b
                && tb.keys().any(|k| ta.contains_key(k))
                && tb.keys().any(|k| !ta.contains_key(k))
        })
        .map(|(a, _, b, _)| (a.clone(), b.clone()))
        .expect("two creators sharing a campaign");
    let (keep_threads, dup_threads) = (by_creator[&keep].clone(), by_creator[&dup].clone());
    let shared = dup_threads
        .keys()
        .find(|k| keep_threads.contains_key(*k))
        .unwrap()
        .clone();
    let only_dup = dup_threads
        .keys()
        .find(|k| !keep_threads.contains_key(*k))
        .unwrap()
        .clone();
    let (keep_ids_before, dup_ids_before) =
        (identities(&h, &keep).await, identities(&h, &dup).await);
    let folded_msgs = messages_of(&h, dup_threads[&shared].clone()).await;
    let keep_shared_msgs = messages_of(&h, keep_threads[&shared].clone()).await;

    let self_merge: Result<String, AppError> = h
        .call(
            "merge_creators",
            Some(&member),
            json!({ "keep_id": keep, "duplicate_id": keep }),
        )
        .await;
    assert!(
        matches!(self_merge, Err(AppError::Invalid(_))),
        "{self_merge:?}"
    );
    let merge_id: String = h
        .call(
            "merge_creators",
            Some(&member),
            json!({ "keep_id": keep, "duplicate_id": dup }),
        )
        .await
        .unwrap();
    let again: Result<String, AppError> = h
        .call(
            "merge_creators",
            Some(&member),
            json!({ "keep_id": keep, "duplicate_id": dup }),
        )
        .await;
    assert!(matches!(again, Err(AppError::Invalid(_))), "{again:?}");

    let after = threads_by_creator(&h).await;
    assert!(
        !after.contains_key(&dup),
        "the duplicate has no threads left"
    );
    assert_eq!(
        after[&keep][&only_dup], dup_threads[&only_dup],
        "its other campaign changed owner"
    );
    assert_eq!(after[&keep][&shared], keep_threads[&shared]);
    let merged_in = messages_of(&h, keep_threads[&shared].clone()).await;
    assert_eq!(
        merged_in,
        keep_shared_msgs.union(&folded_msgs).cloned().collect(),
        "messages folded"
    );
    let keep_ids: Vec<Value> = serde_json::from_value(identities(&h, &keep).await).unwrap();
    for i in dup_ids_before.as_array().unwrap() {
        assert!(keep_ids.contains(i), "address {i} joined the kept creator");
    }
    assert_eq!(
        profile_messages(&h, &member, &keep).await,
        messages_of_all(&h, &after[&keep]).await,
        "the kept creator's profile shows every message merged in"
    );
    let t = detail(&h, &member, &keep_threads[&shared]).await;
    assert_eq!(t.merges.len(), 1);
    assert_eq!(t.merges[0].id, merge_id);
    let moved_thread = detail(&h, &member, &dup_threads[&only_dup]).await;
    assert_eq!(moved_thread.summary.creator_id, keep);
    assert_eq!(moved_thread.summary.creator_name, t.summary.creator_name);

    let undone: Result<(), AppError> = h
        .call("undo_merge", Some(&member), json!({ "merge_id": merge_id }))
        .await;
    assert_eq!(undone, Ok(()));
    assert_eq!(
        threads_by_creator(&h).await,
        by_creator,
        "every thread back with its creator"
    );
    assert_eq!(
        messages_of(&h, dup_threads[&shared].clone()).await,
        folded_msgs
    );
    assert_eq!(
        messages_of(&h, keep_threads[&shared].clone()).await,
        keep_shared_msgs
    );
    for (c, threads) in &by_creator {
        if *c == keep || *c == dup {
            assert_eq!(
                profile_messages(&h, &member, c).await,
                messages_of_all(&h, threads).await,
                "each profile shows its own messages again"
            );
        }
    }
    assert_eq!(identities(&h, &keep).await, keep_ids_before);
    assert_eq!(identities(&h, &dup).await, dup_ids_before);
    let back = detail(&h, &member, &dup_threads[&only_dup]).await;
    assert_eq!(back.summary.creator_id, dup);
    assert!(detail(&h, &member, &keep_threads[&shared])
        .await
        .merges
        .is_empty());
    let twice: Result<(), AppError> = h
        .call("undo_merge", Some(&member), json!({ "merge_id": merge_id }))
        .await;
    assert!(matches!(twice, Err(AppError::Invalid(_))), "{twice:?}");
    let actions = audit_actions(&h).await;
    assert!(
        actions.contains(&"creator.merged".to_string())
            && actions.contains(&"creator.merge_undone".to_string())
    );
}
