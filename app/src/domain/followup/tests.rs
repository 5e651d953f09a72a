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
        // The rules teams turn on: a rate not confirmed, approved content not posted on time,
        // a wrap-up once the campaign is complete.
        (
            Stage::Negotiating,
            0,
            Some(("rate_confirmation", T0 + 3 * DAY)),
        ),
        (
            Stage::ContentApproved,
            0,
            Some(("posting_overdue", T0 + 21 * DAY)),
        ),
        (Stage::Completed, 0, Some(("wrap_up", T0 + DAY))),
        (Stage::Completed, 1, None),
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

fn setting(key: &str, enabled: bool, days: u32, template: Option<&str>) -> RuleSetting {
    RuleSetting {
        key: key.into(),
        enabled,
        days,
        template: template.map(str::to_string),
        stage: None,
        channel: None,
    }
}

#[test]
fn campaign_settings_change_the_rules() {
    // No settings: the defaults, every rule on.
    let on: Vec<FollowupRule> = defaults().into_iter().filter(|r| r.on_by_default).collect();
    assert_eq!(apply(&[]), on);
    // A rule added later starts off; a campaign turns it on.
    assert!(!apply(&[]).iter().any(|r| r.key == "wrap_up"));
    let wrap = apply(&[setting("wrap_up", true, 2, Some("wrap_up"))]);
    let w = wrap.iter().find(|r| r.key == "wrap_up").expect("turned on");
    assert_eq!((w.stage, w.step, w.days), (Stage::Completed, 1, 2));
    assert!(settings(&[])
        .iter()
        .zip(defaults())
        .all(|(s, r)| s.enabled == r.on_by_default));
    assert_eq!(settings(&[]).len(), defaults().len());

    // Follow-up 1 off: follow-up 2 is the first, after its own days.
    let rules = apply(&[setting("no_reply_1", false, 3, None)]);
    let s = situation(Stage::Contacted);
    assert_eq!(
        next(&rules, &s).map(|(r, t)| (r.key.as_str(), r.step, t)),
        Some(("no_reply_2", 1, T0 + 4 * DAY))
    );
    // Other days and wording.
    let rules = apply(&[setting("no_reply_1", true, 5, Some("content_guidelines"))]);
    let (r, t) = next(&rules, &s).unwrap();
    assert_eq!((r.key.as_str(), t), ("no_reply_1", T0 + 5 * DAY));
    assert_eq!(
        r.action,
        FollowupAction::Nudge {
            template: "content_guidelines".into(),
            channel: None,
        }
    );
    // The escalation off: nothing for delivered content.
    let rules = apply(&[setting("content_review", false, 2, None)]);
    assert_eq!(next(&rules, &situation(Stage::ContentDelivered)), None);
    // Every rule of a stage off: nothing.
    let off: Vec<RuleSetting> = ["no_reply_1", "no_reply_2", "no_reply_stale"]
        .iter()
        .map(|k| setting(k, false, 3, None))
        .collect();
    assert_eq!(next(&apply(&off), &s), None);
}

#[test]
fn settings_are_checked() {
    let library = ["followup_1", "followup_2", "content_guidelines"];
    let cases: Vec<(Vec<RuleSetting>, Option<&str>)> = vec![
        (
            vec![setting("no_reply_1", true, 5, Some("followup_2"))],
            None,
        ),
        (vec![setting("no_reply_1", false, 3, None)], None),
        (
            vec![setting("nope", true, 3, None)],
            Some("not a follow-up rule"),
        ),
        (
            vec![setting("no_reply_1", true, 0, None)],
            Some("1 to 60 days"),
        ),
        (
            vec![setting("no_reply_1", true, 61, None)],
            Some("1 to 60 days"),
        ),
        (
            vec![setting("no_reply_1", true, 3, Some("made_up"))],
            Some("not in the approved-language library"),
        ),
        (
            vec![setting("content_review", true, 2, Some("followup_1"))],
            Some("sends no message"),
        ),
        (
            vec![
                setting("no_reply_1", true, 3, None),
                setting("no_reply_1", true, 4, None),
            ],
            Some("set twice"),
        ),
    ];
    for (own, want) in cases {
        let got = validate(&own, &library);
        match want {
            None => assert!(got.is_ok(), "{own:?}: {got:?}"),
            Some(w) => assert!(
                got.as_ref().is_err_and(|e| e.contains(w)),
                "{own:?}: {got:?}"
            ),
        }
    }
}

#[test]
fn opting_out_everywhere_ends_follow_ups() {
    use crate::model::{Channel, Consent, Identity};
    let id = |channel, consent| Identity {
        channel,
        address: "x".into(),
        consent,
    };
    let cases = [
        (vec![id(Channel::Email, Consent::OptedOut)], true),
        (
            vec![
                id(Channel::Email, Consent::OptedOut),
                id(Channel::Sms, Consent::OptedOut),
                id(Channel::InApp, Consent::Granted),
            ],
            true,
        ),
        (
            vec![
                id(Channel::Email, Consent::OptedOut),
                id(Channel::Sms, Consent::Granted),
            ],
            false,
        ),
        (
            vec![
                id(Channel::Sms, Consent::OptedOut),
                id(Channel::Email, Consent::Unknown),
            ],
            false,
        ),
        (vec![id(Channel::InApp, Consent::Granted)], false),
        (vec![], false),
    ];
    for (ids, want) in cases {
        assert_eq!(opted_out(&ids), want, "{ids:?}");
    }
    let mut s = situation(Stage::Contacted);
    s.opted_out = true;
    assert_eq!(next(&defaults(), &s), None);
    let r = &defaults()[0];
    assert_eq!(
        check(r, &s, T0 + 3 * DAY, T0 + 3 * DAY),
        Err(Cancel::OptedOut)
    );
}

#[test]
fn a_team_adds_its_own_follow_ups() {
    let own = |key: &str,
               stage: Option<Stage>,
               days: u32,
               template: Option<&str>,
               channel: Option<Channel>| RuleSetting {
        key: key.into(),
        enabled: true,
        days,
        template: template.map(str::to_string),
        stage,
        channel,
    };
    let templates = ["rate_reply", "followup_1"];
    let mine = own(
        "custom_1",
        Some(Stage::Negotiating),
        5,
        Some("rate_reply"),
        Some(Channel::Sms),
    );
    assert_eq!(validate(&[mine.clone()], &templates), Ok(()));
    // It follows the stage's own rules, as a nudge after days without a reply, on its channel.
    let rules = apply(&[mine.clone()]);
    let r = rules.iter().find(|r| r.key == "custom_1").expect("added");
    assert_eq!(
        (r.stage, r.step, r.days, r.anchor),
        (Stage::Negotiating, 1, 5, Anchor::LastOutbound)
    );
    assert_eq!(
        r.action,
        FollowupAction::Nudge {
            template: "rate_reply".into(),
            channel: Some(Channel::Sms)
        }
    );
    let mut s = situation(Stage::Negotiating);
    assert_eq!(
        next(&rules, &s).map(|(r, t)| (r.key.as_str(), t)),
        Some(("custom_1", T0 + 5 * DAY))
    );
    // A reply from the creator ends the wait.
    s.last_inbound_at = Some(T0 + DAY);
    assert_eq!(next(&rules, &s), None);
    assert!(settings(&[mine]).iter().any(|x| x.key == "custom_1"));
    let cases: Vec<(RuleSetting, &str)> = vec![
        (
            own("custom_2", None, 5, Some("rate_reply"), None),
            "needs a stage",
        ),
        (
            own(
                "custom_2",
                Some(Stage::Completed),
                5,
                Some("rate_reply"),
                None,
            ),
            "no follow-ups in",
        ),
        (
            own(
                "custom_2",
                Some(Stage::Prospect),
                5,
                Some("rate_reply"),
                None,
            ),
            "no follow-ups in",
        ),
        (
            own(
                "custom_2",
                Some(Stage::Replied),
                0,
                Some("rate_reply"),
                None,
            ),
            "1 to",
        ),
        (
            own("custom_2", Some(Stage::Replied), 5, None, None),
            "needs its wording",
        ),
        (
            own("custom_2", Some(Stage::Replied), 5, Some("nope"), None),
            "not in the approved-language library",
        ),
        (
            own(
                "custom_2",
                Some(Stage::Replied),
                5,
                Some("rate_reply"),
                Some(Channel::Instagram),
            ),
            "not sent by",
        ),
        (
            own(
                "custom_X!",
                Some(Stage::Replied),
                5,
                Some("rate_reply"),
                None,
            ),
            "not a follow-up rule",
        ),
    ];
    for (setting, want) in cases {
        let got = validate(&[setting.clone()], &templates);
        assert!(
            got.as_ref().is_err_and(|e| e.contains(want)),
            "{setting:?}: {got:?}"
        );
    }
    let many: Vec<RuleSetting> = (0..=MAX_CUSTOM)
        .map(|i| {
            own(
                &format!("custom_{i}"),
                Some(Stage::Replied),
                5,
                Some("rate_reply"),
                None,
            )
        })
        .collect();
    assert!(validate(&many, &templates).is_err());
}
