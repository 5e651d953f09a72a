//! Understanding replies: a message nothing was recognized in waits for a person, a hedged yes
//! is not acted on, and the feedback loop — a teammate corrects a message's intents (audited),
//! `export-labels` writes the correction as a labeled line, and retraining from it changes the
//! model's weights, the same way every time.

use crate::common::Harness;
use crate::governed_replies::{creator_says, thread_in};
use app::api::AppError;
use app::domain::classify::{Classification, Intent};
use app::model::{AuditView, MessageView, Role, ThreadDetail};
use serde_json::json;

async fn last_creator_message(h: &Harness, cookie: &str, thread: &str) -> MessageView {
    let d: ThreadDetail = h
        .call("get_thread", Some(cookie), json!({ "thread_id": thread }))
        .await
        .unwrap();
    d.messages
        .into_iter()
        .rev()
        .find(|m| m.sender_kind == app::model::SenderKind::Creator)
        .expect("a creator message")
}

#[tokio::test]
async fn unreadable_and_hedged_messages_wait_for_a_person() {
    let h = Harness::with_sizes(12, 2).await;
    let (thread, token) = thread_in(&h, "gifting").await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    creator_says(
        &h,
        &token,
        "Sounds fun but I'm fully booked until March, sorry",
    )
    .await;
    let m = last_creator_message(&h, &owner, &thread).await;
    let c = m.classification.clone().unwrap();
    assert!(c.has(Intent::Declined) && !c.has(Intent::Accepted), "{c:?}");
    let d = m.decision.clone().expect("decided");
    assert!(
        !d.stage.is_some_and(|(_, applied)| applied),
        "no automatic stage move: {d:?}"
    );

    creator_says(&h, &token, "zxqv 🫠").await;
    let m = last_creator_message(&h, &owner, &thread).await;
    assert!(m.classification.unwrap().intents.is_empty());
    let d = m.decision.expect("decided");
    assert_eq!(d.reason, "not understood — needs a person");
    let t: ThreadDetail = h
        .call("get_thread", Some(&owner), json!({ "thread_id": thread }))
        .await
        .unwrap();
    assert!(
        t.summary.awaiting_since.is_some(),
        "it waits in the inbox for a reply"
    );
}

#[tokio::test]
async fn a_correction_is_audited_exported_and_retrains_the_model() {
    let h = Harness::with_sizes(12, 2).await;
    let (thread, token) = thread_in(&h, "gifting").await;
    let text = "Honestly this took forever to arrive and the cap was cracked";
    creator_says(&h, &token, text).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let viewer = h.sign_in_as(&h.a, Role::Viewer).await;
    let m = last_creator_message(&h, &member, &thread).await;
    let args = json!({ "message_id": m.id, "intents": ["complaint", "complaint"] });

    let refused: Result<Classification, AppError> =
        h.call("correct_intents", Some(&viewer), args.clone()).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let bad: Result<Classification, AppError> = h
        .call(
            "correct_intents",
            Some(&member),
            json!({ "message_id": m.id, "intents": ["bribe"] }),
        )
        .await;
    assert!(bad.is_err(), "an unknown intent is refused");

    let c: Classification = h
        .call("correct_intents", Some(&member), args)
        .await
        .unwrap();
    assert_eq!(c.intent_set(), vec![Intent::Complaint]);
    assert!(c.source.starts_with("corrected by "), "{}", c.source);
    let again = last_creator_message(&h, &member, &thread).await;
    assert_eq!(
        again.classification.unwrap().intent_set(),
        vec![Intent::Complaint]
    );

    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let audit: Vec<AuditView> = h
        .call(
            "audit_log",
            Some(&manager),
            json!({ "query": { "action": "message.labels_corrected" } }),
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(audit[0].detail.contains("complaint"), "{}", audit[0].detail);

    // Our own message has no intents to correct; another workspace's message is not found.
    let ours: Result<Classification, AppError> = h
        .call(
            "correct_intents",
            Some(&member),
            json!({ "message_id": "nosuchmessage", "intents": [] }),
        )
        .await;
    assert_eq!(ours, Err(AppError::NotFound));

    let lines = server::store::labels::export(&h.state.db, Some(&h.a.workspace_id))
        .await
        .unwrap();
    assert_eq!(lines.len(), 1);
    let line: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(line, json!({ "text": text, "intents": ["complaint"] }));
    assert!(
        server::store::labels::export(&h.state.db, Some(&h.b.workspace_id))
            .await
            .unwrap()
            .is_empty()
    );

    // Retraining: a small base set, then the same set with the exported correction.
    let dir = std::env::temp_dir().join(format!("inbox-labels-{}", server::ids::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = |name: &str| dir.join(name).to_string_lossy().to_string();
    let base: String = include_str!("../../../app/fixtures/intents/train.jsonl")
        .lines()
        .take(60)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(path("base.jsonl"), base).unwrap();
    std::fs::write(path("exported.jsonl"), lines.concat()).unwrap();
    let train = |files: &[&str], out: &str| {
        let files: Vec<String> = files.iter().map(|f| path(f)).collect();
        server::labels::train_files(&files, &path(out)).unwrap();
        std::fs::read_to_string(path(out)).unwrap()
    };
    let before = train(&["base.jsonl"], "before.txt");
    let after = train(&["base.jsonl", "exported.jsonl"], "after.txt");
    let after_again = train(&["base.jsonl", "exported.jsonl"], "again.txt");
    assert_ne!(before, after, "the correction changes the weights");
    assert_eq!(after, after_again, "training is deterministic");
    assert!(
        after.contains("from 61 messages"),
        "{}",
        after.lines().nth(2).unwrap()
    );
    assert!(server::labels::install_model(&path("missing.txt")).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}
