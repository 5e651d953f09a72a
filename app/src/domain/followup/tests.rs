use super::*;

const T0: i64 = 1_795_000_000_000;

fn situation(stage: Stage) -> Situation {
    Situation {
        stage,
        stage_at: T0,
        last_outbound_at: Some(T0),
        last_inbound_at: None,
        fired_in_stage: 0,
        has_shipping_info: false,
        post_by: Some(T0 + 20 * DAY),
        campaign_closed: false,
        opted_out: false,
        stale: false,
    }
}

#[test]
fn every_default_is_planned_at_its_time() {
    let rules = defaults();
    let cases: &[(Stage, u8, Option<(&str, i64)>)] = &[
        (Stage::Contacted, 0, Some(("no_reply_1", T0 + 3 * DAY))),
        (Stage::Contacted, 1, Some(("no_reply_2", T0 + 4 * DAY))),
        (Stage::Contacted, 2, Some(("no_reply_stale", T0 + 5 * DAY))),
        (Stage::Contacted, 3, None),
        (Stage::Accepted, 0, Some(("shipping_info", T0 + 3 * DAY))),
        (
            Stage::ProductShipped,
            0,
            Some(("posting_deadline", T0 + 17 * DAY)),
        ),
        (
            Stage::ContentDelivered,
            0,
            Some(("content_review", T0 + 2 * DAY)),
        ),
        (Stage::Negotiating, 0, None),
        (Stage::Completed, 0, None),
        (Stage::Declined, 0, None),
    ];
    for (stage, fired, want) in cases {
        let mut s = situation(*stage);
        s.fired_in_stage = *fired;
        let got = next(&rules, &s).map(|(r, t)| (r.key.as_str(), t));
        assert_eq!(got, *want, "{stage:?} after {fired}");
    }
}

#[test]
fn nothing_is_planned_when_it_cannot_or_need_not_run() {
    let rules = defaults();
    type Edit = fn(&mut Situation);
    let cases: &[(Stage, Edit)] = &[
        (Stage::Contacted, |s| s.campaign_closed = true),
        (Stage::Contacted, |s| s.opted_out = true),
        (Stage::Contacted, |s| s.stale = true),
        (Stage::Contacted, |s| s.last_inbound_at = Some(T0 + 1)),
        (Stage::Accepted, |s| s.has_shipping_info = true),
        (Stage::ProductShipped, |s| s.post_by = None),
        (Stage::Contacted, |s| s.last_outbound_at = None),
    ];
    for (stage, edit) in cases {
        let mut s = situation(*stage);
        edit(&mut s);
        assert_eq!(next(&rules, &s).map(|(r, _)| r.key.clone()), None, "{s:?}");
    }
}

#[test]
fn at_firing_time_it_is_checked_again() {
    let rules = defaults();
    let first = &rules[0];
    let due = T0 + 3 * DAY;
    let s = situation(Stage::Contacted);
    assert_eq!(check(first, &s, due, due), Ok(()));
    assert_eq!(
        check(first, &s, due, due - 1),
        Err(Cancel::NotNeeded),
        "not yet"
    );
    type Edit = fn(&mut Situation);
    let cases: &[(Edit, Cancel)] = &[
        (
            |s| s.last_inbound_at = Some(T0 + DAY),
            Cancel::CreatorReplied,
        ),
        (|s| s.stage = Stage::Replied, Cancel::StageChanged),
        (|s| s.opted_out = true, Cancel::OptedOut),
        (|s| s.campaign_closed = true, Cancel::CampaignClosed),
        (|s| s.fired_in_stage = 1, Cancel::NotNeeded),
        // We wrote again since it was planned: the plan is outdated.
        (|s| s.last_outbound_at = Some(T0 + DAY), Cancel::NotNeeded),
    ];
    for (edit, want) in cases {
        let mut s = situation(Stage::Contacted);
        edit(&mut s);
        assert_eq!(check(first, &s, due, due + DAY), Err(*want), "{s:?}");
    }
}
