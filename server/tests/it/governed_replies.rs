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
pub(crate) async fn thread_in(h: &Harness, kind: &str) -> (String, String) {
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
pub(crate) async fn creator_says(h: &Harness, token: &str, text: &str) {
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

pub(crate) async fn reply(h: &Harness, cookie: &str, thread: &str, text: &str) -> ComposeOutcome {
    h.call(
        "post_message",
        Some(cookie),
        json!({ "thread_id": thread, "kind": "reply", "text": text, "channel": "in_app" }),
    )
    .await
    .unwrap()
}

pub(crate) async fn drafts(h: &Harness, cookie: &str, thread: &str) -> Vec<DraftView> {
    let d: ThreadDetail = h
        .call("get_thread", Some(cookie), json!({ "thread_id": thread }))
        .await
        .unwrap();
    d.drafts
}

pub(crate) async fn sent_with(h: &Harness, thread: &str, text: &str) -> usize {
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
