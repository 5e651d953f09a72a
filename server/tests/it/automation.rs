//! Response policies acted on: a creator's reply is classified, the campaign's policy decides,
//! and the automation worker carries the decision out — stage moves, saved addresses, automatic
//! replies naming their rule, drafts that wait for approval by the right role — each step audited.

use crate::common;

use app::api::AppError;
use app::domain::draft::DraftState;
use app::model::{ApprovalQueue, AuditView, MessageView, Role, SenderKind, ThreadDetail};
use common::Harness;
use serde_json::{json, Value};
use server::automation::Automation;

/// A thread of workspace A in a campaign of `kind`, put at `stage` with the kind's default
/// policy, and a portal token its creator replies through.
async fn thread_in(h: &Harness, kind: &str, stage: &str) -> (String, String) {
    thread_of(h, &h.a, kind, stage).await
}

async fn thread_of(
    h: &Harness,
    ws: &server::seed::SeededWorkspace,
    kind: &str,
    stage: &str,
) -> (String, String) {
    let rows = h
        .query(
            "SELECT record::id(id) AS id, record::id(enrollment) AS eid FROM thread
             WHERE workspace = type::record('workspace', $ws) AND campaign.kind = $kind LIMIT 1;",
            json!({ "ws": ws.workspace_id, "kind": kind }),
        )
        .await;
    let thread = rows[0]["id"].as_str().unwrap().to_string();
    let eid = rows[0]["eid"].as_str().unwrap().to_string();
    h.query(
        "UPDATE type::record('enrollment', $e) SET stage = $s, decline_reason = NONE, shipping_info = NONE;
         UPDATE type::record('thread', $t) SET stage = $s;
         UPDATE type::record('thread', $t).campaign SET policy = NONE;",
        json!({ "e": eid, "t": thread, "s": stage }),
    )
    .await;
    let token = h.portal_token(ws, &thread).await;
    (thread, token)
}

async fn creator_says(h: &Harness, token: &str, text: &str) -> MessageView {
    h.clock.advance(60_000);
    let m = h
        .call(
            "portal_reply",
            None,
            json!({ "token": token, "text": text }),
        )
        .await
        .unwrap();
    Automation::new(h.state.clone()).run_once().await.unwrap();
    m
}

async fn detail(h: &Harness, cookie: &str, thread: &str) -> ThreadDetail {
    h.call("get_thread", Some(cookie), json!({ "thread_id": thread }))
        .await
        .unwrap()
}

async fn actions(h: &Harness, cookie: &str, thread: &str) -> Vec<String> {
    let events: Vec<AuditView> = h
        .call(
            "audit_log",
            Some(cookie),
            json!({ "query": { "thread": thread } }),
        )
        .await
        .unwrap();
    let mut a: Vec<String> = events.into_iter().map(|e| e.action).collect();
    a.reverse();
    a
}

fn outbound_count(d: &ThreadDetail, since: i64) -> usize {
    d.messages
        .iter()
        .filter(|m| {
            m.at >= since
                && m.sender_kind != SenderKind::Creator
                && m.channel != app::model::Channel::Note
        })
        .count()
}

#[tokio::test]
async fn a_gifting_address_moves_the_stage_saves_it_and_auto_sends_the_confirmation() {
    let h = Harness::with_sizes(12, 2).await;
    let (thread, token) = thread_in(&h, "gifting", "accepted").await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let inbound = creator_says(&h, &token, "yes! ship it to 12 Main St, Austin TX 78701").await;

    let d = detail(&h, &owner, &thread).await;
    assert_eq!(d.summary.stage, app::model::Stage::InfoCollected);
    let shipping: Value = h
        .value(
            "SELECT VALUE shipping_info FROM ONLY type::record('thread', $t).enrollment;",
            json!({ "t": thread }),
        )
        .await;
    assert_eq!(shipping, json!("12 Main St, Austin TX 78701"));

    let stored = d.messages.iter().find(|m| m.id == inbound.id).unwrap();
    let decision = stored
        .decision
        .as_ref()
        .expect("the decision is stored and shown");
    assert_eq!(decision.rule, "auto:address_provided");

    let sent: Vec<&MessageView> = d
        .messages
        .iter()
        .filter(|m| m.sender_kind == SenderKind::Automation && m.at >= inbound.at)
        .collect();
    assert_eq!(sent.len(), 1, "exactly one automatic reply");
    assert!(
        sent[0].text.contains("12 Main St, Austin TX 78701"),
        "{}",
        sent[0].text
    );
    let draft = &d.drafts[0];
    assert_eq!(draft.state, DraftState::AutoSent);
    assert_eq!(
        draft.rule, "auto:address_provided",
        "the draft names the rule"
    );
    assert_eq!(draft.message_id.as_deref(), Some(sent[0].id.as_str()));

    let steps = actions(&h, &owner, &thread).await;
    for want in [
        "policy.decided",
        "enrollment.stage_changed",
        "enrollment.address_saved",
        "draft.auto_sent",
    ] {
        assert!(steps.iter().any(|a| a == want), "{want} in {steps:?}");
    }
    // Running again decides nothing twice.
    assert_eq!(
        Automation::new(h.state.clone()).run_once().await.unwrap(),
        0
    );
    let again = detail(&h, &owner, &thread).await;
    assert_eq!(outbound_count(&again, inbound.at), 1);
}

#[tokio::test]
async fn a_paid_rate_waits_for_an_owner_and_sends_once_after_approval() {
    let h = Harness::with_sizes(12, 2).await;
    let (thread, token) = thread_in(&h, "paid", "negotiating").await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let viewer = h.sign_in_as(&h.a, Role::Viewer).await;
    let inbound = creator_says(
        &h,
        &token,
        "my rate is $2,000 and I want usage rights limited to 3 months",
    )
    .await;

    let d = detail(&h, &owner, &thread).await;
    assert_eq!(
        outbound_count(&d, inbound.at),
        0,
        "nothing is sent before approval"
    );
    let draft = d.drafts[0].clone();
    assert_eq!(draft.state, DraftState::PendingReview);
    assert_eq!(draft.reviewer_role, Role::Owner);
    assert_eq!(
        draft.reviewer_id.as_deref(),
        Some(h.a.user(Role::Owner).id.as_str())
    );
    assert!(draft.topics.contains(&app::domain::classify::Intent::Rate));
    assert!(draft
        .topics
        .contains(&app::domain::classify::Intent::UsageRights));

    // The queue shows it; the owner is told.
    let queue: ApprovalQueue = h
        .call(
            "approval_queue",
            Some(&owner),
            json!({ "query": { "reviewer": "me" } }),
        )
        .await
        .unwrap();
    assert!(queue.drafts.iter().any(|x| x.id == draft.id));
    let notes: Vec<app::model::NotificationView> = h
        .call("notifications", Some(&owner), json!({}))
        .await
        .unwrap();
    assert!(notes
        .iter()
        .any(|n| n.kind == "review" && n.thread_id == thread));

    // Neither a viewer nor a manager may approve what needs an owner.
    for cookie in [&viewer, &manager] {
        let refused: Result<MessageView, AppError> = h
            .call(
                "approve_draft",
                Some(cookie),
                json!({ "draft_id": draft.id }),
            )
            .await;
        assert!(
            matches!(refused, Err(AppError::Forbidden(_))),
            "{refused:?}"
        );
    }
    // Unfilled merge fields cannot be sent.
    let unfilled: Result<MessageView, AppError> = h
        .call(
            "approve_draft",
            Some(&owner),
            json!({ "draft_id": draft.id, "text": "Hi {{first_name}}" }),
        )
        .await;
    assert!(
        matches!(unfilled, Err(AppError::Invalid(_))),
        "{unfilled:?}"
    );

    h.clock.advance(60_000);
    let edited = "Thanks! $1,800 with 3 months of organic usage works for us.";
    let sent: MessageView = h
        .call(
            "approve_draft",
            Some(&owner),
            json!({ "draft_id": draft.id, "text": edited }),
        )
        .await
        .unwrap();
    assert_eq!(sent.text, edited);
    let twice: Result<MessageView, AppError> = h
        .call(
            "approve_draft",
            Some(&owner),
            json!({ "draft_id": draft.id }),
        )
        .await;
    assert!(matches!(twice, Err(AppError::Invalid(_))), "{twice:?}");

    let after = detail(&h, &owner, &thread).await;
    assert_eq!(
        outbound_count(&after, inbound.at),
        1,
        "exactly one message is sent"
    );
    let done = after.drafts.iter().find(|x| x.id == draft.id).unwrap();
    assert_eq!(done.state, DraftState::Sent);
    assert!(done.edited);
    assert_eq!(done.message_id.as_deref(), Some(sent.id.as_str()));

    let steps = actions(&h, &owner, &thread).await;
    let expected = [
        "policy.decided",
        "draft.created",
        "draft.edited",
        "draft.approved",
        "draft.sent",
    ];
    let found: Vec<&String> = steps
        .iter()
        .filter(|a| expected.contains(&a.as_str()))
        .collect();
    assert_eq!(found, expected.iter().collect::<Vec<_>>(), "{steps:?}");
    // The audit trail refuses changes.
    let tampered = server::db::exec(
        &h.db,
        "UPDATE audit_event SET action = 'x' WHERE action = 'draft.approved';",
        json!({}),
    )
    .await;
    assert!(tampered.is_err());
    let deleted = server::db::exec(
        &h.db,
        "DELETE audit_event WHERE action = 'draft.approved';",
        json!({}),
    )
    .await;
    assert!(deleted.is_err());
}

#[tokio::test]
async fn a_creator_reply_cancels_the_stale_draft_and_a_rejection_sends_nothing() {
    let h = Harness::with_sizes(12, 2).await;
    let (thread, token) = thread_in(&h, "paid", "negotiating").await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let first = creator_says(&h, &token, "My rate for the reel is $1,500.").await;
    let stale = detail(&h, &owner, &thread).await.drafts[0].clone();
    assert_eq!(stale.state, DraftState::PendingReview);

    creator_says(
        &h,
        &token,
        "Actually make that $1,200 and I can post Friday, payment by invoice?",
    )
    .await;
    let d = detail(&h, &owner, &thread).await;
    let old = d.drafts.iter().find(|x| x.id == stale.id).unwrap();
    assert_eq!(old.state, DraftState::Canceled);
    assert_eq!(old.cancel_reason.as_deref(), Some("creator_replied"));
    let fresh = &d.drafts[0];
    assert_ne!(fresh.id, stale.id);
    assert_eq!(fresh.state, DraftState::PendingReview);
    let refused: Result<MessageView, AppError> = h
        .call(
            "approve_draft",
            Some(&owner),
            json!({ "draft_id": stale.id }),
        )
        .await;
    assert!(matches!(refused, Err(AppError::Invalid(_))), "{refused:?}");

    let _: () = h
        .call(
            "reject_draft",
            Some(&owner),
            json!({ "draft_id": fresh.id, "comment": "We cap at $1,000." }),
        )
        .await
        .unwrap();
    let after = detail(&h, &owner, &thread).await;
    assert_eq!(outbound_count(&after, first.at), 0);
    let rejected = after.drafts.iter().find(|x| x.id == fresh.id).unwrap();
    assert_eq!(rejected.state, DraftState::Rejected);
    assert_eq!(rejected.comment.as_deref(), Some("We cap at $1,000."));
    let steps = actions(&h, &owner, &thread).await;
    assert!(steps.iter().any(|a| a == "draft.canceled"), "{steps:?}");
    assert!(steps.iter().any(|a| a == "draft.rejected"), "{steps:?}");

    // A teammate's own reply supersedes a pending draft; a stage move cancels one too.
    creator_says(&h, &token, "Also, what is the exclusivity window?").await;
    let pending = detail(&h, &owner, &thread).await.drafts[0].clone();
    assert_eq!(pending.state, DraftState::PendingReview, "{pending:?}");
    let _: MessageView = h
        .call(
            "post_message",
            Some(&owner),
            json!({ "thread_id": thread, "kind": "reply", "text": "14 days, happy to discuss.", "channel": "in_app" }),
        )
        .await
        .unwrap();
    let d = detail(&h, &owner, &thread).await;
    let superseded = d.drafts.iter().find(|x| x.id == pending.id).unwrap();
    assert_eq!(superseded.cancel_reason.as_deref(), Some("superseded"));
}

#[tokio::test]
async fn the_workspace_audit_is_for_managers_and_exports_as_csv() {
    let h = Harness::with_sizes(12, 2).await;
    let (_, token) = thread_in(&h, "paid", "negotiating").await;
    creator_says(&h, &token, "my rate is $900").await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let all: Vec<AuditView> = h
        .call(
            "audit_log",
            Some(&manager),
            json!({ "query": { "action": "draft." } }),
        )
        .await
        .unwrap();
    assert!(!all.is_empty() && all.iter().all(|e| e.action.starts_with("draft.")));
    let refused: Result<Vec<AuditView>, AppError> = h
        .call("audit_log", Some(&member), json!({ "query": {} }))
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let bad: Result<Vec<AuditView>, AppError> = h
        .call(
            "audit_log",
            Some(&manager),
            json!({ "query": { "action": "DROP TABLE" } }),
        )
        .await;
    assert!(matches!(bad, Err(AppError::Invalid(_))), "{bad:?}");

    let (status, headers, text) = h
        .send(
            "GET",
            "/audit.csv?action=draft.",
            &[("cookie", &manager)],
            Vec::new(),
        )
        .await;
    assert_eq!(status, http::StatusCode::OK);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(text.starts_with("time,actor,actor_kind,action,subject,thread,detail\r\n"));
    assert!(text.contains("draft.created"));
    let (status, _, _) = h
        .send("GET", "/audit.csv", &[("cookie", &member)], Vec::new())
        .await;
    assert_eq!(status, http::StatusCode::FORBIDDEN);
    let (status, _, _) = h.send("GET", "/audit.csv", &[], Vec::new()).await;
    assert_eq!(status, http::StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn another_workspaces_drafts_and_audit_are_out_of_reach() {
    let h = Harness::with_sizes(6, 12).await;
    let (b_thread, b_token) = thread_of(&h, &h.b, "paid", "negotiating").await;
    creator_says(&h, &b_token, "my rate is $3,000").await;
    let b_owner = h.sign_in_as(&h.b, Role::Owner).await;
    let b_draft = detail(&h, &b_owner, &b_thread).await.drafts[0].clone();
    assert_eq!(b_draft.state, DraftState::PendingReview);

    let a_owner = h.sign_in_as(&h.a, Role::Owner).await;
    let calls = [
        ("approve_draft", json!({ "draft_id": b_draft.id })),
        (
            "reject_draft",
            json!({ "draft_id": b_draft.id, "comment": "no" }),
        ),
        (
            "edit_draft",
            json!({ "draft_id": b_draft.id, "text": "mine now" }),
        ),
        ("audit_log", json!({ "query": { "thread": b_thread } })),
    ];
    for (name, args) in calls {
        let got: Result<Value, AppError> = h.call(name, Some(&a_owner), args).await;
        assert_eq!(got.err(), Some(AppError::NotFound), "{name}");
    }
    let queue: ApprovalQueue = h
        .call("approval_queue", Some(&a_owner), json!({ "query": {} }))
        .await
        .unwrap();
    assert!(queue.drafts.iter().all(|d| d.id != b_draft.id));
    let audit: Vec<AuditView> = h
        .call("audit_log", Some(&a_owner), json!({ "query": {} }))
        .await
        .unwrap();
    assert!(audit
        .iter()
        .all(|e| e.thread_id.as_deref() != Some(b_thread.as_str())));
    let still = detail(&h, &b_owner, &b_thread).await.drafts[0].clone();
    assert_eq!(still, b_draft, "the other workspace's draft is unchanged");
}

#[tokio::test]
async fn a_note_mentioning_a_teammate_notifies_them_only() {
    let h = Harness::with_sizes(6, 2).await;
    let thread = h.a.thread_ids[0].clone();
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let manager_name: Value = h
        .value(
            "SELECT VALUE name FROM ONLY type::record('user', $u);",
            json!({ "u": h.a.user(Role::Manager).id }),
        )
        .await;
    let first = manager_name
        .as_str()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    let _: MessageView = h
        .call(
            "post_message",
            Some(&owner),
            json!({ "thread_id": thread, "kind": "note", "text": format!("@{first} can you check the usage terms?") }),
        )
        .await
        .unwrap();
    let notes: Vec<app::model::NotificationView> = h
        .call("notifications", Some(&manager), json!({}))
        .await
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].kind, "mention");
    assert_eq!(notes[0].thread_id, thread);
    assert!(notes[0].text.contains("usage terms"));
    assert!(!notes[0].read);
    let mine: Vec<app::model::NotificationView> = h
        .call("notifications", Some(&owner), json!({}))
        .await
        .unwrap();
    assert!(mine.is_empty(), "the author is not notified");
    let counts: app::model::InboxCounts = h
        .call("inbox_counts", Some(&manager), json!({}))
        .await
        .unwrap();
    assert_eq!(counts.notifications, 1);
    let _: () = h
        .call(
            "mark_notifications_read",
            Some(&manager),
            json!({ "thread_id": thread }),
        )
        .await
        .unwrap();
    let counts: app::model::InboxCounts = h
        .call("inbox_counts", Some(&manager), json!({}))
        .await
        .unwrap();
    assert_eq!(counts.notifications, 0);
}

#[tokio::test]
async fn managers_edit_a_campaigns_policy_and_its_approved_language() {
    use app::domain::classify::Intent;
    use app::domain::policy::AutoRule;
    use app::model::PolicySettings;
    let h = Harness::with_sizes(12, 2).await;
    let (thread, token) = thread_in(&h, "gifting", "accepted").await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let campaign: Value = h
        .value(
            "SELECT VALUE record::id(campaign) FROM ONLY type::record('thread', $t);",
            json!({ "t": thread }),
        )
        .await;
    let settings: PolicySettings = h
        .call("policy_settings", Some(&manager), json!({}))
        .await
        .unwrap();
    let mut policy = settings
        .campaigns
        .iter()
        .find(|c| c.campaign_id == campaign.as_str().unwrap())
        .unwrap()
        .policy
        .clone();
    assert!(!settings.campaigns[0].customized);

    // A member may not; a sensitive auto-send is refused.
    let refused: Result<PolicySettings, AppError> = h
        .call(
            "set_campaign_policy",
            Some(&member),
            json!({ "campaign_id": campaign, "policy": policy }),
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let mut bad = policy.clone();
    bad.auto_send.push(AutoRule {
        intent: Intent::Payment,
        template: "payment_terms".into(),
    });
    let refused: Result<PolicySettings, AppError> = h
        .call(
            "set_campaign_policy",
            Some(&manager),
            json!({ "campaign_id": campaign, "policy": bad }),
        )
        .await;
    assert!(matches!(refused, Err(AppError::Invalid(_))), "{refused:?}");

    // The team's own shipping confirmation, and stage moves left to a click.
    let body = "Thanks {{first_name}}! Shipping to {{address}} this week. — Team {{brand}}";
    let _: PolicySettings = h
        .call(
            "save_language",
            Some(&manager),
            json!({ "snippet": { "key": "shipping_confirmation", "title": "Shipping (ours)", "category": "shipping", "body": body } }),
        )
        .await
        .unwrap();
    let unknown: Result<PolicySettings, AppError> = h
        .call(
            "save_language",
            Some(&manager),
            json!({ "snippet": { "key": "x", "title": "X", "category": "c", "body": "Hi {{nickname}}" } }),
        )
        .await;
    assert!(matches!(unknown, Err(AppError::Invalid(_))), "{unknown:?}");
    policy.auto_apply_stage = false;
    let saved: PolicySettings = h
        .call(
            "set_campaign_policy",
            Some(&manager),
            json!({ "campaign_id": campaign, "policy": policy }),
        )
        .await
        .unwrap();
    assert!(saved.campaigns.iter().any(|c| c.customized));

    let inbound = creator_says(&h, &token, "yes! ship it to 12 Main St, Austin TX 78701").await;
    let d = detail(&h, &manager, &thread).await;
    assert_eq!(
        d.summary.stage,
        app::model::Stage::Accepted,
        "the move waits for a click"
    );
    let decided = d
        .messages
        .iter()
        .find(|m| m.id == inbound.id)
        .unwrap()
        .decision
        .clone()
        .unwrap();
    assert_eq!(
        decided.stage,
        Some((app::model::Stage::InfoCollected, false))
    );
    let sent = d
        .messages
        .iter()
        .find(|m| m.sender_kind == SenderKind::Automation && m.at >= inbound.at)
        .unwrap();
    assert!(sent.text.starts_with("Thanks "), "{}", sent.text);
    assert!(sent.text.contains("12 Main St, Austin TX 78701"));
    let steps = actions(&h, &manager, &thread).await;
    assert!(steps.iter().any(|a| a == "policy.decided"));
    let all: Vec<AuditView> = h
        .call(
            "audit_log",
            Some(&manager),
            json!({ "query": { "action": "campaign.policy_changed" } }),
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
}
