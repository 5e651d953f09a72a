//! Approved language where people write (the campaign's library filled in the composer,
//! suggested replies that are only drafts), content approval, and follow-ups and escalations by
//! hand.

use crate::common::Harness;
use crate::governed_replies::{creator_says, reply, sent_with, thread_in};
use app::api::AppError;
use app::domain::draft::DraftState;
use app::model::{ComposeOutcome, DraftView, Role, ThreadDetail};
use serde_json::json;

#[tokio::test]
async fn approved_language_is_filled_for_the_creator_and_a_suggestion_is_only_a_draft() {
    let h = Harness::with_sizes(16, 2).await;
    let (thread, token) = thread_in(&h, "gifting").await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let d: ThreadDetail = h
        .call("get_thread", Some(&member), json!({ "thread_id": thread }))
        .await
        .unwrap();
    let first_name = d
        .summary
        .creator_name
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();

    // A campaign entry overrides the workspace's entry of the same key; the campaign's guidance
    // is an entry of its own.
    let campaign = d.summary.campaign_id.clone();
    let mut mine = json!({ "key": "welcome", "title": "Welcome", "category": "outreach",
        "body": "Hi {{first_name}}, welcome to {{campaign}}! Ship to {{address}}?" });
    let _: app::model::PolicySettings = h
        .call("save_language", Some(&manager), json!({ "snippet": mine }))
        .await
        .unwrap();
    mine["body"] = json!("Hi {{first_name}}, welcome aboard {{campaign}} — {{sender}}");
    mine["campaign"] = json!(campaign);
    let _: app::model::PolicySettings = h
        .call("save_language", Some(&manager), json!({ "snippet": mine }))
        .await
        .unwrap();
    let mut foreign = mine.clone();
    foreign["campaign"] = json!(h.b.campaign_ids[0]);
    let refused: Result<app::model::PolicySettings, AppError> = h
        .call(
            "save_language",
            Some(&manager),
            json!({ "snippet": foreign }),
        )
        .await;
    assert_eq!(
        refused,
        Err(AppError::NotFound),
        "another workspace's campaign"
    );

    let lib: Vec<app::model::FilledSnippet> = h
        .call(
            "composer_language",
            Some(&member),
            json!({ "thread_id": thread }),
        )
        .await
        .unwrap();
    let welcome = lib
        .iter()
        .find(|s| s.key == "welcome")
        .expect("the campaign's welcome");
    assert_eq!(welcome.scope, app::domain::language::Scope::Campaign);
    assert!(
        welcome
            .text
            .starts_with(&format!("Hi {first_name}, welcome aboard")),
        "{}",
        welcome.text
    );
    assert!(
        welcome.text.ends_with(&h.a.user(Role::Member).name),
        "signed by the teammate: {}",
        welcome.text
    );
    assert!(welcome.missing.is_empty());
    let shipping = lib
        .iter()
        .find(|s| s.key == "shipping_confirmation")
        .unwrap();
    assert_eq!(shipping.scope, app::domain::language::Scope::BuiltIn);
    assert!(lib
        .iter()
        .any(|s| s.key == app::domain::language::GUIDANCE_KEY));
    // Another workspace's thread is not found.
    let other = h.sign_in_as(&h.b, Role::Owner).await;
    let hidden: Result<Vec<app::model::FilledSnippet>, AppError> = h
        .call(
            "composer_language",
            Some(&other),
            json!({ "thread_id": thread }),
        )
        .await;
    assert_eq!(hidden, Err(AppError::NotFound));

    // A reply still holding a merge field is not sent.
    let unfilled: Result<ComposeOutcome, AppError> = h
        .call(
            "post_message",
            Some(&member),
            json!({ "thread_id": thread, "kind": "reply", "text": "We ship to {{address}} today", "channel": "in_app" }),
        )
        .await;
    assert!(
        matches!(unfilled, Err(AppError::Invalid(ref m)) if m.contains("{{address}}")),
        "{unfilled:?}"
    );

    // "Suggest a reply" on a question about the brief: a draft quoting the brief, never sent.
    creator_says(
        &h,
        &token,
        "Quick question: what should I show in the video?",
    )
    .await;
    let asked = h
        .value(
            "SELECT VALUE record::id(id) FROM message WHERE thread = type::record('thread', $t) AND direction = 'inbound'
                 ORDER BY at DESC LIMIT 1;",
            json!({ "t": thread }),
        )
        .await;
    let before = h
        .query(
            "SELECT VALUE id FROM message WHERE thread = type::record('thread', $t);",
            json!({ "t": thread }),
        )
        .await
        .len();
    let suggested: DraftView = h
        .call(
            "suggest_reply",
            Some(&member),
            json!({ "message_id": asked }),
        )
        .await
        .unwrap();
    assert_eq!(suggested.state, DraftState::PendingReview);
    assert_eq!(suggested.rule, "suggested");
    assert!(
        !suggested.text.contains("{{first_name}}"),
        "{}",
        suggested.text
    );
    let after = h
        .query(
            "SELECT VALUE id FROM message WHERE thread = type::record('thread', $t);",
            json!({ "t": thread }),
        )
        .await
        .len();
    assert_eq!(before, after, "a suggestion sends nothing");
    // Only creator messages of the caller's workspace can be answered this way.
    let hidden: Result<DraftView, AppError> = h
        .call(
            "suggest_reply",
            Some(&other),
            json!({ "message_id": asked }),
        )
        .await;
    assert_eq!(hidden, Err(AppError::NotFound));
}

#[tokio::test]
async fn content_is_approved_or_sent_back_with_feedback_and_the_post_moves_it_on() {
    let h = Harness::with_sizes(16, 2).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let (thread, token) = thread_in(&h, "gifting").await;
    h.query(
        "UPDATE type::record('thread', $t).enrollment SET stage = 'product_shipped';
         UPDATE type::record('thread', $t) SET stage = 'product_shipped';",
        json!({ "t": thread }),
    )
    .await;
    let stage = || async {
        let d: ThreadDetail = h
            .call("get_thread", Some(&owner), json!({ "thread_id": thread }))
            .await
            .unwrap();
        d.summary.stage
    };
    let latest = || async {
        h.value(
            "SELECT VALUE record::id(id) FROM message WHERE thread = type::record('thread', $t) AND direction = 'inbound'
                 ORDER BY at DESC LIMIT 1;",
            json!({ "t": thread }),
        )
        .await
        .as_str()
        .unwrap()
        .to_string()
    };
    creator_says(
        &h,
        &token,
        "Here's my draft for review: https://drive.example.com/d/draft-v1",
    )
    .await;
    assert_eq!(stage().await, app::model::Stage::ContentDelivered);
    let draft_msg = latest().await;

    // Asking for changes sends the feedback to the creator and keeps the content in review.
    let feedback = "Love it! Could you show the texture close up in the first seconds?";
    let back: Option<ComposeOutcome> = h
        .call(
            "decide_content",
            Some(&owner),
            json!({ "thread_id": thread, "message_id": draft_msg, "decision": "request_changes",
                    "feedback": feedback, "channel": "in_app" }),
        )
        .await
        .unwrap();
    assert!(matches!(back, Some(ComposeOutcome::Sent(_))), "{back:?}");
    assert_eq!(sent_with(&h, &thread, feedback).await, 1);
    assert_eq!(stage().await, app::model::Stage::ContentDelivered);
    let empty: Result<Option<ComposeOutcome>, AppError> = h
        .call(
            "decide_content",
            Some(&owner),
            json!({ "thread_id": thread, "message_id": draft_msg, "decision": "request_changes", "feedback": " " }),
        )
        .await;
    assert!(matches!(empty, Err(AppError::Invalid(_))), "{empty:?}");

    // The revised draft stays in review; approving it moves the enrollment on.
    creator_says(
        &h,
        &token,
        "Here's v2 with the close-up: https://drive.example.com/d/draft-v2",
    )
    .await;
    assert_eq!(stage().await, app::model::Stage::ContentDelivered);
    let v2 = latest().await;
    let approved: Option<ComposeOutcome> = h
        .call(
            "decide_content",
            Some(&owner),
            json!({ "thread_id": thread, "message_id": v2, "decision": "approve" }),
        )
        .await
        .unwrap();
    assert_eq!(approved, None);
    assert_eq!(stage().await, app::model::Stage::ContentApproved);
    // Another workspace cannot decide on it.
    let other = h.sign_in_as(&h.b, Role::Owner).await;
    let hidden: Result<Option<ComposeOutcome>, AppError> = h
        .call(
            "decide_content",
            Some(&other),
            json!({ "thread_id": thread, "message_id": v2, "decision": "approve" }),
        )
        .await;
    assert_eq!(hidden, Err(AppError::NotFound));

    // The post going live moves it to Posted.
    creator_says(&h, &token, "It's live! https://www.instagram.com/p/C9xyz/").await;
    assert_eq!(stage().await, app::model::Stage::Posted);
    let trail = h
        .query(
            "SELECT VALUE action FROM audit_event WHERE subject = $s;",
            json!({ "s": format!("thread:{thread}") }),
        )
        .await;
    for a in [
        "content.changes_requested",
        "content.approved",
        "message.replied",
    ] {
        assert!(trail.contains(&json!(a)), "{a} missing from {trail:?}");
    }
    let moved = h
        .query(
            "SELECT VALUE detail.cause FROM audit_event WHERE action = 'enrollment.stage_changed' AND detail.to = 'content_approved';",
            json!({}),
        )
        .await;
    assert_eq!(moved, [json!("content_approved")]);
}

#[tokio::test]
async fn a_follow_up_is_canceled_by_hand_and_a_thread_escalated_by_hand() {
    let h = Harness::with_sizes(16, 2).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let (thread, _) = thread_in(&h, "gifting").await;
    // Our outreach (an owner's: nothing holds it) plans follow-up 1 (the thread is at Contacted).
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    h.clock.advance(1_000);
    let sent = reply(&h, &owner, &thread, "Hi! Any interest in our winter kit?").await;
    assert!(matches!(sent, ComposeOutcome::Sent(_)), "{sent:?}");
    let scheduled = || async {
        let d: ThreadDetail = h
            .call("get_thread", Some(&member), json!({ "thread_id": thread }))
            .await
            .unwrap();
        d.followups
            .into_iter()
            .filter(|f| f.state == "scheduled")
            .collect::<Vec<_>>()
    };
    let first = scheduled().await;
    assert_eq!(first.len(), 1, "{first:?}");
    let _: () = h
        .call(
            "cancel_followup",
            Some(&member),
            json!({ "followup_id": first[0].id }),
        )
        .await
        .unwrap();
    // It is canceled by hand; the stage's next follow-up takes its place.
    let next = scheduled().await;
    assert_eq!(next.len(), 1, "{next:?}");
    assert_ne!(next[0].id, first[0].id);
    assert_ne!(next[0].rule, first[0].rule);
    let again: Result<(), AppError> = h
        .call(
            "cancel_followup",
            Some(&member),
            json!({ "followup_id": first[0].id }),
        )
        .await;
    assert_eq!(again, Err(AppError::NotFound));
    let other = h.sign_in_as(&h.b, Role::Owner).await;
    let foreign: Result<(), AppError> = h
        .call(
            "cancel_followup",
            Some(&other),
            json!({ "followup_id": next[0].id }),
        )
        .await;
    assert_eq!(foreign, Err(AppError::NotFound));

    // Escalating by hand notifies the owners and managers, with the note, and is audited.
    let _: () = h
        .call(
            "escalate_thread",
            Some(&member),
            json!({ "thread_id": thread, "note": "They asked about a paid upgrade." }),
        )
        .await
        .unwrap();
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let notes: Vec<app::model::NotificationView> = h
        .call("notifications", Some(&manager), json!({}))
        .await
        .unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.text.contains("They asked about a paid upgrade.")),
        "{notes:?}"
    );
    let trail = h
        .query(
            "SELECT VALUE action FROM audit_event WHERE subject = $s;",
            json!({ "s": format!("thread:{thread}") }),
        )
        .await;
    assert!(trail.contains(&json!("thread.escalated")), "{trail:?}");
    assert!(trail.contains(&json!("followup.canceled")), "{trail:?}");
}
