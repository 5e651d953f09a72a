//! Follow-ups tied to campaign state, on a clock the test controls (nothing sleeps): planned after
//! our outreach, fired once when due (through the response policy, as automation), the next one
//! planned; canceled by the creator's reply and by a stage change; content waiting for approval
//! escalates to the managers.

use crate::common;

use app::model::{MessageView, NotificationView, Role, SenderKind, ThreadDetail};
use common::Harness;
use serde_json::{json, Value};
use server::automation::{followups, Automation};

const DAY: i64 = 86_400_000;

async fn detail(h: &Harness, cookie: &str, thread: &str) -> ThreadDetail {
    h.call("get_thread", Some(cookie), json!({ "thread_id": thread }))
        .await
        .unwrap()
}

/// The thread's follow-up for `rule` (there is one).
fn followup<'a>(d: &'a ThreadDetail, rule: &str) -> &'a app::model::FollowupView {
    d.followups
        .iter()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| panic!("no {rule} follow-up in {:?}", d.followups))
}

/// Our reply to the creator in their portal, sent (not held for review).
pub(crate) async fn reply_in_app(h: &Harness, cookie: &str, thread: &str, text: &str) {
    let _: MessageView = h
        .call(
            "post_message",
            Some(cookie),
            json!({ "thread_id": thread, "kind": "reply", "text": text, "channel": "in_app" }),
        )
        .await
        .unwrap();
}

async fn set_stage(h: &Harness, cookie: &str, thread: &str, stage: &str) {
    let _: Value = h
        .call(
            "set_stage",
            Some(cookie),
            json!({ "thread_id": thread, "stage": stage, "reason": null }),
        )
        .await
        .unwrap();
}

/// A thread at "contacted" whose creator can be reached in the portal.
async fn contacted_thread(h: &Harness) -> (String, String) {
    let rows = h
        .query(
            "SELECT record::id(id) AS id, record::id(enrollment) AS eid FROM thread
             WHERE workspace = type::record('workspace', $ws) AND campaign.status = 'active' LIMIT 1;",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    let thread = rows[0]["id"].as_str().unwrap().to_string();
    h.query(
        "UPDATE type::record('enrollment', $e) SET stage = 'contacted', stage_at = $now, followups_fired = 0, shipping_info = NONE;
         UPDATE type::record('thread', $t) SET stage = 'contacted';",
        json!({ "e": rows[0]["eid"], "t": thread, "now": common::NOW }),
    )
    .await;
    let token = h.portal_token(&h.a, &thread).await;
    (thread, token)
}

#[tokio::test]
async fn outreach_is_followed_up_once_when_due_and_a_reply_cancels_the_next() {
    let h = Harness::with_sizes(8, 2).await;
    let (thread, token) = contacted_thread(&h).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    reply_in_app(&h, &owner, &thread, "Would you like to join our campaign?").await;
    let d = detail(&h, &owner, &thread).await;
    let f = &d.followups[0];
    assert_eq!(
        (f.rule.as_str(), f.state.as_str(), f.due_at),
        ("no_reply_1", "scheduled", common::NOW + 3 * DAY)
    );

    // Not yet: nothing fires a minute early.
    h.clock.advance(3 * DAY - 60_000);
    assert_eq!(followups::run_once(&h.state, "w1").await.unwrap(), 0);
    h.clock.advance(60_000);
    // Two workers at once: it fires once.
    let (a, b) = tokio::join!(
        followups::run_once(&h.state, "w1"),
        followups::run_once(&h.state, "w2")
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);

    let d = detail(&h, &owner, &thread).await;
    let nudges: Vec<&MessageView> = d
        .messages
        .iter()
        .filter(|m| m.sender_kind == SenderKind::Automation)
        .collect();
    assert_eq!(nudges.len(), 1);
    assert!(
        nudges[0].text.contains("just checking"),
        "{}",
        nudges[0].text
    );
    let states: Vec<(&str, &str)> = d
        .followups
        .iter()
        .map(|f| (f.rule.as_str(), f.state.as_str()))
        .collect();
    assert_eq!(
        states,
        vec![("no_reply_2", "scheduled"), ("no_reply_1", "sent")]
    );
    assert_eq!(
        d.followups[0].due_at,
        common::NOW + 3 * DAY + 4 * DAY,
        "counted from the follow-up"
    );

    // The creator answers: the next follow-up is canceled, and says why.
    h.clock.advance(DAY);
    let _: Value = h
        .call(
            "portal_reply",
            None,
            json!({ "token": token, "text": "Sorry for the delay — tell me more!" }),
        )
        .await
        .unwrap();
    Automation::new(h.state.clone()).run_once().await.unwrap();
    let d = detail(&h, &owner, &thread).await;
    let second = followup(&d, "no_reply_2");
    assert_eq!(second.state, "canceled");
    assert_eq!(second.cancel_reason.as_deref(), Some("creator_replied"));
    h.clock.advance(10 * DAY);
    followups::run_once(&h.state, "w1").await.unwrap();
    let d = detail(&h, &owner, &thread).await;
    assert_eq!(
        d.messages
            .iter()
            .filter(|m| m.sender_kind == SenderKind::Automation)
            .count(),
        1,
        "nothing more was sent"
    );
}

#[tokio::test]
async fn stage_rules_are_planned_canceled_by_a_stage_change_and_escalate() {
    let h = Harness::with_sizes(8, 2).await;
    let (thread, _) = contacted_thread(&h).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;

    set_stage(&h, &owner, &thread, "accepted").await;
    let d = detail(&h, &owner, &thread).await;
    let f = &d.followups[0];
    assert_eq!(
        (f.rule.as_str(), f.state.as_str(), f.due_at),
        ("shipping_info", "scheduled", common::NOW + 3 * DAY)
    );
    h.clock.advance(DAY);
    set_stage(&h, &owner, &thread, "info_collected").await;
    let d = detail(&h, &owner, &thread).await;
    let old = followup(&d, "shipping_info");
    assert_eq!(
        (old.state.as_str(), old.cancel_reason.as_deref()),
        ("canceled", Some("stage_changed"))
    );

    set_stage(&h, &owner, &thread, "product_shipped").await;
    set_stage(&h, &owner, &thread, "content_delivered").await;
    let d = detail(&h, &owner, &thread).await;
    let review = followup(&d, "content_review");
    assert_eq!(
        (review.state.as_str(), review.due_at),
        ("scheduled", common::NOW + 3 * DAY)
    );
    let posting = followup(&d, "posting_deadline");
    assert_eq!(posting.cancel_reason.as_deref(), Some("stage_changed"));
    h.clock.advance(2 * DAY);
    assert_eq!(followups::run_once(&h.state, "w1").await.unwrap(), 1);
    let notes: Vec<NotificationView> = h
        .call("notifications", Some(&manager), json!({}))
        .await
        .unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.kind == "escalation" && n.thread_id == thread),
        "{notes:?}"
    );
    let d = detail(&h, &owner, &thread).await;
    let review = followup(&d, "content_review");
    assert_eq!(review.state, "escalated");
}

#[tokio::test]
async fn a_follow_up_automation_may_not_send_waits_as_a_draft() {
    let h = Harness::with_sizes(8, 2).await;
    let (thread, _) = contacted_thread(&h).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    // This campaign's automation may use email only; the creator is reachable in the portal.
    let mut policy = app::domain::policy::defaults("paid");
    policy.automation_channels = vec![app::model::Channel::Email];
    h.query(
        "UPDATE type::record('thread', $t).campaign SET policy = $p;",
        json!({ "t": thread, "p": policy }),
    )
    .await;
    reply_in_app(&h, &owner, &thread, "Interested?").await;
    h.clock.advance(3 * DAY);
    assert_eq!(followups::run_once(&h.state, "w1").await.unwrap(), 1);
    let d = detail(&h, &owner, &thread).await;
    assert_eq!(
        d.messages
            .iter()
            .filter(|m| m.sender_kind == SenderKind::Automation)
            .count(),
        0
    );
    let draft = &d.drafts[0];
    assert_eq!(draft.state, app::domain::draft::DraftState::PendingReview);
    assert_eq!(draft.rule, "followup:no_reply_1");
    assert_eq!(draft.reason, "no automated messages on Creator portal");
    assert!(draft.text.contains("just checking"), "{}", draft.text);
    assert_eq!(followup(&d, "no_reply_1").state, "drafted");
}

#[tokio::test]
async fn a_campaigns_own_follow_up_rules_replace_the_defaults() {
    use app::api::AppError;
    use app::model::PolicySettings;
    let h = Harness::with_sizes(8, 2).await;
    let (thread, _) = contacted_thread(&h).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let campaign = detail(&h, &owner, &thread).await.summary.campaign_id;
    // Follow-up 1 off; follow-up 2 after 2 days with other approved wording.
    let rules = json!([
        { "key": "no_reply_1", "enabled": false, "days": 3, "template": "followup_1" },
        { "key": "no_reply_2", "enabled": true, "days": 2, "template": "content_guidelines" },
    ]);
    let refused: Result<PolicySettings, AppError> = h
        .call(
            "set_campaign_followups",
            Some(&member),
            json!({ "campaign_id": campaign, "rules": rules }),
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let bad: Result<PolicySettings, AppError> = h
        .call(
            "set_campaign_followups",
            Some(&manager),
            json!({ "campaign_id": campaign, "rules": [{ "key": "no_reply_1", "enabled": true, "days": 0, "template": null }] }),
        )
        .await;
    assert!(
        matches!(bad, Err(AppError::Invalid(ref m)) if m.contains("1 to 60 days")),
        "{bad:?}"
    );
    let saved: PolicySettings = h
        .call(
            "set_campaign_followups",
            Some(&manager),
            json!({ "campaign_id": campaign, "rules": rules }),
        )
        .await
        .unwrap();
    let c = saved
        .campaigns
        .iter()
        .find(|c| c.campaign_id == campaign)
        .unwrap();
    assert!(c.followups_customized);
    assert!(
        !c.followups
            .iter()
            .find(|r| r.key == "no_reply_1")
            .unwrap()
            .enabled
    );

    reply_in_app(&h, &owner, &thread, "Would you like to join?").await;
    let d = detail(&h, &owner, &thread).await;
    let f = d.followups.iter().find(|f| f.state == "scheduled").unwrap();
    assert_eq!(
        (f.rule.as_str(), f.due_at),
        ("no_reply_2", common::NOW + 2 * DAY)
    );
    h.clock.advance(2 * DAY);
    assert_eq!(followups::run_once(&h.state, "w1").await.unwrap(), 1);
    let d = detail(&h, &owner, &thread).await;
    let nudge = d
        .messages
        .iter()
        .rev()
        .find(|m| m.sender_kind == SenderKind::Automation)
        .unwrap();
    assert!(
        nudge.text.contains("here is what we are looking for"),
        "{}",
        nudge.text
    );
    let audit = h
        .query(
            "SELECT VALUE action FROM audit_event WHERE subject = $s;",
            json!({ "s": format!("campaign:{campaign}") }),
        )
        .await;
    assert_eq!(audit, vec![json!("campaign.followups_changed")]);

    // Back to the defaults.
    let reset: PolicySettings = h
        .call(
            "set_campaign_followups",
            Some(&manager),
            json!({ "campaign_id": campaign, "rules": null }),
        )
        .await
        .unwrap();
    assert!(
        !reset
            .campaigns
            .iter()
            .find(|c| c.campaign_id == campaign)
            .unwrap()
            .followups_customized
    );
}

#[tokio::test]
async fn every_default_fires_at_its_time_and_an_opt_out_cancels() {
    let h = Harness::with_sizes(8, 2).await;
    let (thread, _) = contacted_thread(&h).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let automated = |d: &ThreadDetail| {
        d.messages
            .iter()
            .filter(|m| m.sender_kind == SenderKind::Automation)
            .count()
    };
    reply_in_app(&h, &owner, &thread, "Would you like to join?").await;
    // Follow-up 1 at 3 days, follow-up 2 four days later, then stale five days after that.
    for (days, rule) in [(3, "no_reply_1"), (4, "no_reply_2"), (5, "no_reply_stale")] {
        h.clock.advance(days * DAY - 60_000);
        assert_eq!(
            followups::run_once(&h.state, "w1").await.unwrap(),
            0,
            "{rule} early"
        );
        h.clock.advance(60_000);
        assert_eq!(
            followups::run_once(&h.state, "w1").await.unwrap(),
            1,
            "{rule}"
        );
    }
    let d = detail(&h, &owner, &thread).await;
    assert_eq!(automated(&d), 2);
    let stale = h
        .value(
            "SELECT VALUE stale FROM ONLY type::record('thread', $t);",
            json!({ "t": thread }),
        )
        .await;
    assert_eq!(stale, json!(true));

    // Accepted without an address: a reminder 3 days later. Shipped: 3 days before posting.
    set_stage(&h, &owner, &thread, "accepted").await;
    h.clock.advance(3 * DAY);
    assert_eq!(followups::run_once(&h.state, "w1").await.unwrap(), 1);
    let d = detail(&h, &owner, &thread).await;
    assert!(d
        .messages
        .iter()
        .any(|m| m.sender_kind == SenderKind::Automation
            && m.text.contains("address we should ship")));
    let post_by = h.clock.now_ms() + 10 * DAY;
    h.query(
        "UPDATE type::record('thread', $t).campaign SET post_by = $p;",
        json!({ "t": thread, "p": post_by }),
    )
    .await;
    set_stage(&h, &owner, &thread, "product_shipped").await;
    let d = detail(&h, &owner, &thread).await;
    let f = d.followups.iter().find(|f| f.state == "scheduled").unwrap();
    assert_eq!(
        (f.rule.as_str(), f.due_at),
        ("posting_deadline", post_by - 3 * DAY)
    );

    // The creator opts out of email and SMS before it is due: canceled, nothing sent.
    h.query(
        "UPDATE type::record('thread', $t).creator SET identities = identities.map(|$i|
             IF $i.channel IN ['email', 'sms'] THEN { channel: $i.channel, address: $i.address, consent: 'opted_out' } ELSE $i END);",
        json!({ "t": thread }),
    )
    .await;
    let before = automated(&detail(&h, &owner, &thread).await);
    h.clock.advance(7 * DAY);
    followups::run_once(&h.state, "w1").await.unwrap();
    let d = detail(&h, &owner, &thread).await;
    let posting = followup(&d, "posting_deadline");
    assert_eq!(
        (posting.state.as_str(), posting.cancel_reason.as_deref()),
        ("canceled", Some("opted_out"))
    );
    assert_eq!(automated(&d), before);
}

/// The follow-ups teams turn on: a rate not confirmed, approved content not posted by the posting
/// date, and a wrap-up once the campaign is complete — each sent through the policy.
#[tokio::test]
async fn rules_a_campaign_turns_on_nudge_the_rate_a_late_post_and_wrap_up() {
    let h = Harness::with_sizes(8, 2).await;
    let (thread, _) = contacted_thread(&h).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let campaign = detail(&h, &owner, &thread).await.summary.campaign_id;
    // Off until a campaign turns them on.
    let before = detail(&h, &owner, &thread).await;
    assert!(before
        .followups
        .iter()
        .all(|f| f.rule != "rate_confirmation"));
    let on = |key: &str, days: u32| json!({ "key": key, "enabled": true, "days": days, "template": key });
    let _: app::model::PolicySettings = h
        .call(
            "set_campaign_followups",
            Some(&manager),
            json!({ "campaign_id": campaign, "rules": [on("rate_confirmation", 3), on("posting_overdue", 1), on("wrap_up", 1)] }),
        )
        .await
        .unwrap();
    let automated = |d: &ThreadDetail, part: &str| {
        d.messages
            .iter()
            .filter(|m| m.sender_kind == SenderKind::Automation && m.text.contains(part))
            .count()
    };

    // Negotiating, our offer unanswered for 3 days: a nudge about the rate.
    set_stage(&h, &owner, &thread, "negotiating").await;
    reply_in_app(&h, &owner, &thread, "Here is our offer for the campaign.").await;
    let scheduled = |d: &ThreadDetail, rule: &str| {
        d.followups
            .iter()
            .find(|f| f.rule == rule && f.state == "scheduled")
            .map(|f| f.due_at)
    };
    assert!(scheduled(&detail(&h, &owner, &thread).await, "rate_confirmation").is_some());
    h.clock.advance(3 * DAY + 60_000);
    followups::run_once(&h.state, "w1").await.unwrap();
    assert_eq!(
        automated(&detail(&h, &owner, &thread).await, "just checking in on"),
        1
    );

    // Content approved, the posting date passed a day ago: a reminder.
    let post_by = h.clock.now_ms() + 2 * DAY;
    h.query(
        "UPDATE type::record('thread', $t).campaign SET post_by = $p;",
        json!({ "t": thread, "p": post_by }),
    )
    .await;
    set_stage(&h, &owner, &thread, "content_approved").await;
    let planned = detail(&h, &owner, &thread).await;
    assert_eq!(scheduled(&planned, "posting_overdue"), Some(post_by + DAY));
    h.clock.advance(3 * DAY + 60_000);
    followups::run_once(&h.state, "w1").await.unwrap();
    assert_eq!(
        automated(&detail(&h, &owner, &thread).await, "was due to go live"),
        1
    );

    // Complete: a wrap-up a day later, once.
    set_stage(&h, &owner, &thread, "completed").await;
    h.clock.advance(DAY + 60_000);
    followups::run_once(&h.state, "w1").await.unwrap();
    h.clock.advance(5 * DAY);
    followups::run_once(&h.state, "w1").await.unwrap();
    assert_eq!(
        automated(&detail(&h, &owner, &thread).await, "is complete: thank you"),
        1
    );
}

/// A campaign's own follow-up: a nudge in a stage after days without a reply, on its channel.
#[tokio::test]
async fn a_team_adds_its_own_follow_up_to_a_campaign() {
    let h = Harness::with_sizes(8, 2).await;
    let (thread, _) = contacted_thread(&h).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let campaign = detail(&h, &owner, &thread).await.summary.campaign_id;
    let mine = |channel: &str| {
        json!({ "key": "custom_1", "enabled": true, "days": 2, "template": "followup_1",
        "stage": "replied", "channel": channel })
    };
    let refused: Result<app::model::PolicySettings, app::api::AppError> = h
        .call(
            "set_campaign_followups",
            Some(&manager),
            json!({ "campaign_id": campaign, "rules": [mine("instagram")] }),
        )
        .await;
    assert!(
        matches!(refused, Err(app::api::AppError::Invalid(_))),
        "{refused:?}"
    );
    let saved: app::model::PolicySettings = h
        .call(
            "set_campaign_followups",
            Some(&manager),
            json!({ "campaign_id": campaign, "rules": [mine("in_app")] }),
        )
        .await
        .unwrap();
    let c = saved
        .campaigns
        .iter()
        .find(|c| c.campaign_id == campaign)
        .unwrap();
    assert!(c
        .followups
        .iter()
        .any(|r| r.key == "custom_1" && r.stage == Some(app::model::Stage::Replied)));
    // In Replied, our message unanswered for 2 days: the team's own nudge, in the portal.
    set_stage(&h, &owner, &thread, "replied").await;
    reply_in_app(
        &h,
        &owner,
        &thread,
        "Did you get a chance to read the brief?",
    )
    .await;
    h.clock.advance(2 * DAY + 60_000);
    followups::run_once(&h.state, "w1").await.unwrap();
    let d = detail(&h, &owner, &thread).await;
    let nudged: Vec<&MessageView> = d
        .messages
        .iter()
        .filter(|m| m.sender_kind == SenderKind::Automation)
        .collect();
    assert_eq!(nudged.len(), 1, "{nudged:?}");
    assert_eq!(nudged[0].channel, app::model::Channel::InApp);
}
