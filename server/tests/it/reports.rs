//! Reports: a campaign driven through the server functions with a controlled clock — contact,
//! replies, our answers, a decline — gives exactly the figures its timeline defines.

use crate::common::Harness;
use crate::followups::reply_in_app;
use app::domain::metrics::{contribution, figures, period_days, Contribution, Tally};
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

/// The threads behind one figure (the drill-down), sorted.
async fn behind(h: &Harness, cookie: &str, query: Value, figure: Value) -> Vec<String> {
    let mut ids: Vec<String> = h
        .call(
            "report_threads",
            Some(cookie),
            json!({ "pick": { "query": query, "figure": figure } }),
        )
        .await
        .unwrap();
    ids.sort();
    ids
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
    let week = json!({ "campaign": campaign, "client": null, "days": 7 });
    // Nothing is rolled up yet: the figures come from the tail of metric events alone.
    let view = report(&h, &viewer, week.clone()).await.unwrap();
    let r = &view.report;
    let mut all = threads.clone();
    all.sort();
    assert_eq!(r.contacted, 3);
    assert_eq!(
        behind(&h, &viewer, week.clone(), json!("contacted")).await,
        all
    );
    assert_eq!(r.responded, 2);
    let responded = behind(&h, &viewer, week.clone(), json!("responded")).await;
    assert!(!responded.contains(silent) && responded.len() == 2);
    assert_eq!(r.response_rate, Some(2.0 / 3.0));
    assert_eq!(r.first_reply.count, 2);
    assert_eq!(r.first_reply.median_ms, Some(HOUR));
    assert_eq!(r.first_reply.p90_ms, Some(2 * HOUR));
    let b = &r.brand_reply;
    assert_eq!(b.calendar.count, 2);
    assert_eq!(b.calendar.median_ms, Some(30 * MIN));
    assert_eq!(b.calendar.p90_ms, Some(30 * HOUR));
    assert_eq!(b.within_24h, Some(0.5));
    let bar = |key: &str| b.buckets.iter().find(|k| k.key == key).unwrap().count;
    assert_eq!((bar("0-1h"), bar("24h+")), (1, 1));
    let over_a_day = behind(&h, &viewer, week.clone(), json!({ "bucket": "24h+" })).await;
    assert_eq!(
        behind(&h, &viewer, week.clone(), json!({ "bucket": "0-1h" })).await,
        vec![fast.clone()]
    );
    assert_eq!(over_a_day, vec![slow.clone()]);
    assert_eq!(r.automatic_reply.count, 0);
    // The "over 24 h" bar opens the inbox on exactly its threads.
    let listed = h.all_pages(&viewer, json!({ "threads": over_a_day })).await;
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
    assert_eq!(r.declined, 1);
    assert_eq!(
        behind(&h, &viewer, week.clone(), json!("declined")).await,
        vec![slow.clone()]
    );
    assert_eq!(
        behind(
            &h,
            &viewer,
            week.clone(),
            json!({ "decline_reason": "rate" })
        )
        .await,
        vec![slow.clone()]
    );
    assert_eq!(r.acceptance_rate, Some(0.0));
    assert_eq!(r.decline_reasons.len(), 1);
    assert_eq!(r.decline_reasons[0].reason, Some(DeclineReason::Rate));
    let step = |s: Stage| r.funnel.iter().find(|f| f.stage == s).unwrap();
    assert_eq!(step(Stage::Contacted).reached, 3);
    assert_eq!(step(Stage::Contacted).now + step(Stage::Replied).now, 2);
    let owner_id = h.a.user(Role::Owner).id.clone();
    let row = r.teammates.iter().find(|t| t.user == owner_id).unwrap();
    assert_eq!(row.replies, 5);
    assert!(view.names.iter().any(|(id, _)| *id == owner_id));
    // The period before saw none of it.
    assert_eq!(view.previous.contacted, 0);

    // Rolled up, the kept sums give the same figures; so does a rebuild from nothing, and the
    // workspace's and the client's kept sums are what their threads' timelines add up to.
    let now = h.clock.now_ms();
    let rolled = server::rollup::roll_up_all(&h.state.db, now).await.unwrap();
    assert!(rolled > 0);
    assert_eq!(
        server::rollup::roll_up_all(&h.state.db, now).await.unwrap(),
        0
    );
    assert_eq!(report(&h, &viewer, week.clone()).await.unwrap(), view);
    let threads_recounted = server::rollup::rebuild(&h.state.db, now).await.unwrap();
    assert!(threads_recounted >= 3);
    assert_eq!(report(&h, &viewer, week.clone()).await.unwrap(), view);
    let client: String = h
        .query(
            "SELECT VALUE record::id(client) FROM type::record('campaign', $c);",
            json!({ "c": campaign }),
        )
        .await[0]
        .as_str()
        .unwrap()
        .to_string();
    for (query, client) in [
        (json!({ "days": 7 }), None),
        (
            json!({ "client": client, "days": 7 }),
            Some(client.as_str()),
        ),
    ] {
        let scope = server::store::reports::Scope {
            workspace: &h.a.workspace_id,
            campaign: None,
            client,
            channel: None,
            teammate: None,
        };
        let read = server::store::reports::timelines(&h.state.db, &scope)
            .await
            .unwrap()
            .unwrap();
        let mut sum = Contribution::default();
        read.timelines
            .iter()
            .for_each(|t| sum.absorb(&contribution(t, None), 1));
        let range = period_days(7, now, None);
        let kept = report(&h, &viewer, query.clone()).await.unwrap().report;
        assert_eq!(kept, figures(&sum, range, now, None), "{query}");
        assert!(kept.contacted >= 3, "{query}");
    }

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
        assert_eq!(got.report.contacted, want, "{query}");
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
    let month = json!({ "campaign": campaign, "client": null, "days": 30 });
    let view = report(&h, &viewer, month.clone()).await.unwrap();
    let r = &view.report;
    still.sort();
    assert_eq!(r.stale, still.len());
    assert_eq!(
        behind(&h, &viewer, month.clone(), json!("stale")).await,
        still
    );
    assert_eq!(r.stale_at_start, 0);
    let last_day = r.days.last().unwrap();
    assert_eq!(last_day.stale, still.len());
    let peak = r.days.iter().map(|d| d.stale).max().unwrap();
    assert_eq!(peak, went_stale.len());
    // Rolled up in passes as the roll-up task would, and rebuilt: the same figures.
    let now = h.clock.now_ms();
    while server::rollup::roll_up_once(&h.state.db, now)
        .await
        .unwrap()
        > 0
    {}
    assert_eq!(report(&h, &viewer, month.clone()).await.unwrap(), view);
    server::rollup::rebuild(&h.state.db, now).await.unwrap();
    assert_eq!(report(&h, &viewer, month.clone()).await.unwrap(), view);

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
