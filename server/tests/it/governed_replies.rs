//! Governed replies: a teammate below the role an open sensitive topic needs cannot send around
//! the policy — their reply becomes a draft submitted for review (nothing is sent, the pending
//! draft stays), an owner's reply sends, and a manager passes a draft up to an owner.

use crate::common::Harness;
use app::api::AppError;
use app::domain::classify::Intent;
use app::domain::draft::DraftState;
use app::model::{ApprovalQueue, ComposeOutcome, DraftView, MessageView, Role, ThreadDetail};
use serde_json::json;
use server::automation::Automation;

/// A thread of workspace A in a campaign of `kind` (its default policy), at Contacted, with the
/// creator's portal token.
async fn thread_in(h: &Harness, kind: &str) -> (String, String) {
    let rows = h
        .query(
            "SELECT record::id(id) AS id, record::id(enrollment) AS eid FROM thread
             WHERE workspace = type::record('workspace', $ws) AND campaign.kind = $kind LIMIT 1;",
            json!({ "ws": h.a.workspace_id, "kind": kind }),
        )
        .await;
    let thread = rows[0]["id"].as_str().unwrap().to_string();
    h.query(
        "UPDATE type::record('enrollment', $e) SET stage = 'contacted';
         UPDATE type::record('thread', $t) SET stage = 'contacted';
         UPDATE type::record('thread', $t).campaign SET policy = NONE;
         UPDATE draft SET state = 'canceled', cancel_reason = 'superseded' WHERE thread = type::record('thread', $t)
             AND state IN ['pending_review', 'submitted', 'escalated'];",
        json!({ "e": rows[0]["eid"], "t": thread }),
    )
    .await;
    let token = h.portal_token(&h.a, &thread).await;
    (thread, token)
}

/// The creator writes through the portal and the automation worker decides on it.
async fn creator_says(h: &Harness, token: &str, text: &str) {
    h.clock.advance(60_000);
    let _: MessageView = h
        .call(
            "portal_reply",
            None,
            json!({ "token": token, "text": text }),
        )
        .await
        .unwrap();
    Automation::new(h.state.clone()).run_once().await.unwrap();
    h.clock.advance(1_000);
}

async fn reply(h: &Harness, cookie: &str, thread: &str, text: &str) -> ComposeOutcome {
    h.call(
        "post_message",
        Some(cookie),
        json!({ "thread_id": thread, "kind": "reply", "text": text, "channel": "in_app" }),
    )
    .await
    .unwrap()
}

async fn drafts(h: &Harness, cookie: &str, thread: &str) -> Vec<DraftView> {
    let d: ThreadDetail = h
        .call("get_thread", Some(cookie), json!({ "thread_id": thread }))
        .await
        .unwrap();
    d.drafts
}

async fn sent_with(h: &Harness, thread: &str, text: &str) -> usize {
    h.query(
        "SELECT VALUE id FROM message WHERE thread = type::record('thread', $t) AND direction = 'outbound' AND text = $x;",
        json!({ "t": thread, "x": text }),
    )
    .await
    .len()
}

#[tokio::test]
async fn a_members_rate_promise_is_submitted_for_review_and_sends_nothing() {
    let h = Harness::with_sizes(16, 2).await;
    let (thread, token) = thread_in(&h, "paid").await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    creator_says(
        &h,
        &token,
        "I'd do it for $2,000 plus usage rights in perpetuity.",
    )
    .await;
    let held: Vec<DraftView> = drafts(&h, &owner, &thread).await;
    let pending = held
        .iter()
        .find(|d| d.state == DraftState::PendingReview)
        .expect("the policy holds a draft for an owner");
    assert_eq!(pending.reviewer_role, Role::Owner);

    // The composer says so before sending.
    let d: ThreadDetail = h
        .call("get_thread", Some(&member), json!({ "thread_id": thread }))
        .await
        .unwrap();
    let notice = d
        .reply_review
        .iter()
        .find(|n| n.channel == app::model::Channel::InApp)
        .expect("the member's portal reply needs review");
    assert_eq!(notice.role, Role::Owner);
    assert!(notice.topics.contains(&Intent::Rate), "{notice:?}");
    let words = notice.notice();
    assert!(
        words.starts_with("This reply needs an owner's approval: ") && words.contains("rate"),
        "{words}"
    );

    // The member's promise is not sent: it waits, submitted, beside the policy's draft.
    let promise = "Sure, $2,000 and perpetual usage is fine.";
    let jobs_before = h
        .query("SELECT VALUE id FROM outbound_job;", json!({}))
        .await
        .len();
    let outcome = reply(&h, &member, &thread, promise).await;
    let ComposeOutcome::Submitted { submitted, notice } = outcome else {
        panic!("sent around the policy: {outcome:?}");
    };
    assert_eq!(submitted.state, DraftState::Submitted);
    assert_eq!(submitted.reviewer_role, Role::Owner);
    assert_eq!(
        submitted.author_id.as_deref(),
        Some(h.a.user(Role::Member).id.as_str())
    );
    assert!(notice.contains("owner's approval"), "{notice}");
    assert_eq!(
        sent_with(&h, &thread, promise).await,
        0,
        "nothing reached the creator"
    );
    assert_eq!(
        h.query("SELECT VALUE id FROM outbound_job;", json!({}))
            .await
            .len(),
        jobs_before
    );
    assert!(h.providers.sms().is_empty());
    let now_held = drafts(&h, &owner, &thread).await;
    let states: Vec<(String, DraftState)> = now_held
        .iter()
        .filter(|d| d.state.is_open())
        .map(|d| (d.id.clone(), d.state))
        .collect();
    assert!(
        states.contains(&(pending.id.clone(), DraftState::PendingReview)),
        "{states:?}"
    );
    assert!(
        states.contains(&(submitted.id.clone(), DraftState::Submitted)),
        "{states:?}"
    );
    // The owner finds both in Approvals (waiting for review by default).
    let queue: ApprovalQueue = h
        .call("approval_queue", Some(&owner), json!({ "query": {} }))
        .await
        .unwrap();
    assert!(queue.drafts.iter().any(|d| d.id == submitted.id));
    assert!(queue.drafts.iter().any(|d| d.id == pending.id));
    let only_submitted: ApprovalQueue = h
        .call(
            "approval_queue",
            Some(&owner),
            json!({ "query": { "state": "submitted" } }),
        )
        .await
        .unwrap();
    assert!(only_submitted
        .drafts
        .iter()
        .all(|d| d.state == DraftState::Submitted));
    // The member cannot approve their own submission.
    let refused: Result<MessageView, AppError> = h
        .call(
            "approve_draft",
            Some(&member),
            json!({ "draft_id": submitted.id, "text": null }),
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );

    // The owner approves it: it goes out once, as the member's words, on the portal.
    let sent: MessageView = h
        .call(
            "approve_draft",
            Some(&owner),
            json!({ "draft_id": submitted.id, "text": null }),
        )
        .await
        .unwrap();
    assert_eq!(sent.sender_name, h.a.user(Role::Member).name);
    assert_eq!(sent.channel, app::model::Channel::InApp);
    assert_eq!(sent_with(&h, &thread, promise).await, 1);
    // An approved reply answers the topics: the policy's older draft is superseded, and the
    // member's next reply goes straight out.
    let after = drafts(&h, &owner, &thread).await;
    assert!(after.iter().all(|d| !d.state.is_open()), "{after:?}");
    h.clock.advance(1_000);
    let next = reply(&h, &member, &thread, "Contract on its way.").await;
    assert!(matches!(next, ComposeOutcome::Sent(_)), "{next:?}");

    // Audited: submitted, approved, sent.
    let actions = h
        .query(
            "SELECT VALUE action FROM audit_event WHERE subject = $s;",
            json!({ "s": format!("draft:{}", submitted.id) }),
        )
        .await;
    for a in ["draft.submitted", "draft.approved", "draft.sent"] {
        assert!(actions.contains(&json!(a)), "{a} missing from {actions:?}");
    }
}

#[tokio::test]
async fn an_owner_replies_directly_and_a_manager_passes_a_draft_up() {
    let h = Harness::with_sizes(16, 2).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;

    // Paid campaign: the owner's own reply on a rate question is sent at once.
    let (paid, paid_token) = thread_in(&h, "paid").await;
    creator_says(&h, &paid_token, "My rate is $1,500 for a reel.").await;
    let direct = reply(
        &h,
        &owner,
        &paid,
        "Thanks — $1,200 is our ceiling for a reel.",
    )
    .await;
    assert!(matches!(direct, ComposeOutcome::Sent(_)), "{direct:?}");

    // Gifting campaign: rate questions need a manager. A member's answer waits for one, and the
    // manager passes it up to an owner with a comment.
    let (gift, gift_token) = thread_in(&h, "gifting").await;
    creator_says(
        &h,
        &gift_token,
        "Before I post, what's your rate for a story?",
    )
    .await;
    let ComposeOutcome::Submitted { submitted, .. } =
        reply(&h, &member, &gift, "We can pay $300 for a story.").await
    else {
        panic!("a member answered a rate question without review");
    };
    assert_eq!(submitted.reviewer_role, Role::Manager);
    let no_comment: Result<DraftView, AppError> = h
        .call(
            "escalate_draft",
            Some(&manager),
            json!({ "draft_id": submitted.id, "comment": " " }),
        )
        .await;
    assert!(
        matches!(no_comment, Err(AppError::Invalid(_))),
        "{no_comment:?}"
    );
    let by_member: Result<DraftView, AppError> = h
        .call(
            "escalate_draft",
            Some(&member),
            json!({ "draft_id": submitted.id, "comment": "please" }),
        )
        .await;
    assert!(
        matches!(by_member, Err(AppError::Forbidden(_))),
        "{by_member:?}"
    );
    let up: DraftView = h
        .call(
            "escalate_draft",
            Some(&manager),
            json!({ "draft_id": submitted.id, "comment": "Above our gifting budget: owner's call." }),
        )
        .await
        .unwrap();
    assert_eq!(
        (up.state, up.reviewer_role),
        (DraftState::Escalated, Role::Owner)
    );
    assert_eq!(
        up.comment.as_deref(),
        Some("Above our gifting budget: owner's call.")
    );
    // Now only an owner decides it.
    let refused: Result<MessageView, AppError> = h
        .call(
            "approve_draft",
            Some(&manager),
            json!({ "draft_id": up.id, "text": null }),
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let escalated: ApprovalQueue = h
        .call(
            "approval_queue",
            Some(&owner),
            json!({ "query": { "state": "escalated" } }),
        )
        .await
        .unwrap();
    assert_eq!(
        escalated
            .drafts
            .iter()
            .map(|d| d.id.as_str())
            .collect::<Vec<_>>(),
        [up.id.as_str()]
    );
    let _: () = h
        .call(
            "reject_draft",
            Some(&owner),
            json!({ "draft_id": up.id, "comment": "No paid stories on gifting." }),
        )
        .await
        .unwrap();
    assert_eq!(
        sent_with(&h, &gift, "We can pay $300 for a story.").await,
        0
    );
    let trail = h
        .query(
            "SELECT VALUE action FROM audit_event WHERE subject = $s;",
            json!({ "s": format!("draft:{}", up.id) }),
        )
        .await;
    for a in ["draft.submitted", "draft.escalated", "draft.rejected"] {
        assert!(trail.contains(&json!(a)), "{a} missing from {trail:?}");
    }
}

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
