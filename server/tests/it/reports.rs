//! Reports: a campaign driven through the server functions with a controlled clock — contact,
//! replies, our answers, a decline — gives exactly the figures its timeline defines.

use crate::common::Harness;
use crate::followups::reply_in_app;
use app::model::*;
use serde_json::{json, Value};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;

async fn new_campaign(h: &Harness, owner: &str) -> String {
    let client: ClientView = h
        .call(
            "save_client",
            Some(owner),
            json!({ "client_id": null, "name": "Report Co" }),
        )
        .await
        .unwrap();
    let form: CampaignForm = h
        .call(
            "save_campaign",
            Some(owner),
            json!({ "form": { "id": null, "client_id": client.id, "name": "Measured", "platforms": ["Instagram"],
                "kind": "paid", "brief": "", "creator_guidance": "", "negotiation_language": "",
                "rate_ceiling_cents": null, "compensation": "", "deliverables": [], "products": [],
                "usage_terms": "", "content_due": null, "post_by": null, "tracking_handles": [],
                "tracking_hashtags": [], "status": "active" } }),
        )
        .await
        .unwrap();
    form.id.unwrap()
}

async fn report(h: &Harness, cookie: &str, query: Value) -> Result<ReportView, app::api::AppError> {
    h.call("report", Some(cookie), json!({ "query": query }))
        .await
}

async fn creator_writes(h: &Harness, token: &str, text: &str) {
    let _: MessageView = h
        .call(
            "portal_reply",
            None,
            json!({ "token": token, "text": text }),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_campaign_driven_through_the_product_gives_the_figures_its_timeline_defines() {
    let h = Harness::with_sizes(6, 2).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let campaign = new_campaign(&h, &owner).await;
    let creators = &h.a.creator_ids[..3];
    let out: EnrollOutcome = h
        .call(
            "enroll_creators",
            Some(&owner),
            json!({ "selection": { "Ids": creators }, "campaign_id": campaign }),
        )
        .await
        .unwrap();
    assert_eq!(out.enrolled, 3);
    let mut threads = Vec::new();
    for c in creators {
        let t = h
            .value(
                "RETURN (SELECT VALUE record::id(id) FROM thread WHERE campaign = type::record('campaign', $c)
                    AND creator = type::record('creator', $cr))[0];",
                json!({ "c": campaign, "cr": c }),
            )
            .await;
        threads.push(t.as_str().unwrap().to_string());
    }
    let (slow, fast, silent) = (&threads[0], &threads[1], &threads[2]);
    let slow_token = h.portal_token(&h.a, slow).await;
    let fast_token = h.portal_token(&h.a, fast).await;

    // t0: we write to all three. +1 h the fast creator answers, and we answer them 30 min later;
    // +2 h the slow one answers, and waits 30 h for us; then declines on rate.
    for t in &threads {
        reply_in_app(
            &h,
            &owner,
            t,
            "Hi! Would you like to join our autumn campaign?",
        )
        .await;
    }
    h.clock.advance(HOUR);
    creator_writes(&h, &fast_token, "Sounds great, what are the deliverables?").await;
    h.clock.advance(30 * MIN);
    reply_in_app(&h, &owner, fast, "One reel and three stories.").await;
    h.clock.advance(30 * MIN);
    creator_writes(&h, &slow_token, "Hmm, what's the budget?").await;
    h.clock.advance(30 * HOUR);
    reply_in_app(&h, &owner, slow, "It's $500 for a reel.").await;
    h.clock.advance(HOUR);
    let _: Value = h
        .call(
            "set_stage",
            Some(&owner),
            json!({ "thread_id": slow, "stage": "declined", "reason": "rate" }),
        )
        .await
        .unwrap();
    h.clock.advance(HOUR);

    let viewer = h.sign_in_as(&h.a, Role::Viewer).await;
    let view = report(
        &h,
        &viewer,
        json!({ "campaign": campaign, "client": null, "days": 7 }),
    )
    .await
    .unwrap();
    let r = &view.report;
    let mut contacted = r.contacted.clone();
    contacted.sort();
    let mut all = threads.clone();
    all.sort();
    assert_eq!(contacted, all);
    assert_eq!(r.responded.len(), 2);
    assert!(!r.responded.contains(silent));
    assert_eq!(r.response_rate, Some(2.0 / 3.0));
    assert_eq!(r.first_reply.count, 2);
    assert_eq!(r.first_reply.median_ms, Some(HOUR));
    assert_eq!(r.first_reply.p90_ms, Some(2 * HOUR));
    let b = &r.brand_reply;
    assert_eq!(b.calendar.count, 2);
    assert_eq!(b.calendar.median_ms, Some(30 * MIN));
    assert_eq!(b.calendar.p90_ms, Some(30 * HOUR));
    assert_eq!(b.within_24h, Some(0.5));
    let bar = |key: &str| {
        b.buckets
            .iter()
            .find(|k| k.key == key)
            .unwrap()
            .threads
            .clone()
    };
    assert_eq!(bar("0-1h"), vec![fast.clone()]);
    assert_eq!(bar("24h+"), vec![slow.clone()]);
    assert_eq!(r.automatic_reply.count, 0);
    // The "over 24 h" bar opens the inbox on exactly its threads.
    let listed = h
        .all_pages(&viewer, json!({ "threads": bar("24h+") }))
        .await;
    assert_eq!(
        listed.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
        vec![slow.clone()]
    );
    let several = h
        .all_pages(
            &viewer,
            json!({ "threads": [slow, fast, h.b.thread_ids[0]] }),
        )
        .await;
    assert_eq!(several.len(), 2, "another workspace's thread is not listed");
    // The decline reason is kept on the thread: the inbox filters by it.
    let declined_on_rate = h
        .all_pages(
            &viewer,
            json!({ "campaign": campaign, "declined_for": ["rate"] }),
        )
        .await;
    assert_eq!(
        declined_on_rate
            .iter()
            .map(|t| t.id.clone())
            .collect::<Vec<_>>(),
        vec![slow.clone()]
    );
    assert_eq!(
        declined_on_rate[0].decline_reason,
        Some(DeclineReason::Rate)
    );
    assert_eq!(r.declined, vec![slow.clone()]);
    assert_eq!(r.acceptance_rate, Some(0.0));
    assert_eq!(r.decline_reasons.len(), 1);
    assert_eq!(r.decline_reasons[0].reason, Some(DeclineReason::Rate));
    let step = |s: Stage| r.funnel.iter().find(|f| f.stage == s).unwrap();
    assert_eq!(step(Stage::Contacted).reached, 3);
    assert_eq!(
        step(Stage::Contacted).now.len() + step(Stage::Replied).now.len(),
        2
    );
    let owner_id = h.a.user(Role::Owner).id.clone();
    let row = r.teammates.iter().find(|t| t.user == owner_id).unwrap();
    assert_eq!(row.replies, 5);
    assert!(view.names.iter().any(|(id, _)| *id == owner_id));
    // The period before saw none of it.
    assert!(view.previous.contacted.is_empty());

    // Channel and teammate filters: the threads that used the channel, those assigned to them.
    let _: Value = h
        .call(
            "set_assignee",
            Some(&owner),
            json!({ "thread_id": fast, "assignee_id": owner_id }),
        )
        .await
        .unwrap();
    for (query, want) in [
        (
            json!({ "campaign": campaign, "channel": "in_app", "days": 7 }),
            3,
        ),
        (
            json!({ "campaign": campaign, "channel": "sms", "days": 7 }),
            0,
        ),
        (
            json!({ "campaign": campaign, "teammate": owner_id, "days": 7 }),
            1,
        ),
    ] {
        let got = report(&h, &viewer, query.clone()).await.unwrap();
        assert_eq!(got.report.contacted.len(), want, "{query}");
    }

    // Twelve quiet days: the follow-ups run out and unanswered threads go stale; the fast
    // creator then writes and comes back. The stale count now, at the period's start and at
    // each day's end follows.
    const DAY: i64 = 24 * HOUR;
    for days in [3, 4, 5] {
        h.clock.advance(days * DAY);
        server::automation::followups::run_once(&h.state, &h.a.workspace_id)
            .await
            .unwrap();
    }
    let stale_now = || async {
        h.query(
            "SELECT record::id(id) AS id FROM thread WHERE campaign = type::record('campaign', $c) AND stale = true;",
            json!({ "c": campaign }),
        )
        .await
        .into_iter()
        .map(|row| row["id"].as_str().unwrap().to_string())
        .collect::<Vec<String>>()
    };
    let went_stale = stale_now().await;
    assert!(went_stale.contains(silent), "{went_stale:?}");
    // A day's end passes while they are stale.
    h.clock.advance(DAY);
    creator_writes(&h, &fast_token, "Sorry, back now! Still keen.").await;
    h.clock.advance(HOUR);
    let mut still = stale_now().await;
    assert!(!still.contains(fast));
    let view = report(
        &h,
        &viewer,
        json!({ "campaign": campaign, "client": null, "days": 30 }),
    )
    .await
    .unwrap();
    let r = &view.report;
    let mut stale = r.stale.clone();
    stale.sort();
    still.sort();
    assert_eq!(stale, still);
    assert!(r.stale_at_start.is_empty());
    let last_day = r.days.last().unwrap();
    assert_eq!(last_day.stale, still.len());
    let peak = r.days.iter().map(|d| d.stale).max().unwrap();
    assert_eq!(peak, went_stale.len());

    // A bad period is refused with words.
    let bad = report(
        &h,
        &viewer,
        json!({ "campaign": null, "client": null, "days": 12 }),
    )
    .await;
    assert!(
        matches!(bad, Err(app::api::AppError::Invalid(_))),
        "{bad:?}"
    );
}
