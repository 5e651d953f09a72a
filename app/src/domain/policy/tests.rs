use super::*;
use crate::domain::classify::classify;

fn facts(c: &Classification, stage: Stage, channel: Channel, hour: u8, sent: u32) -> Facts<'_> {
    Facts {
        classification: c,
        stage,
        channel,
        local_hour: hour,
        auto_sent_today: sent,
    }
}

/// Each rule of each default policy: (kind, message, stage, channel, hour, sent today) →
/// (action kind, rule, stage move).
#[test]
fn evaluation_table() {
    use Stage::*;
    let cases: &[(
        &str,
        &str,
        Stage,
        Channel,
        u8,
        u32,
        &str,
        &str,
        Option<(Stage, bool)>,
    )] = &[
        // Gifting: an address is confirmed automatically and the stage moves.
        (
            "gifting",
            "yes! ship it to 12 Main St, Austin TX 78701",
            Contacted,
            Channel::Email,
            10,
            0,
            "auto_send",
            "auto:address_provided",
            Some((InfoCollected, true)),
        ),
        // …but not on Instagram, not in quiet hours, not past the daily cap.
        (
            "gifting",
            "yes! ship it to 12 Main St, Austin TX 78701",
            Contacted,
            Channel::Instagram,
            10,
            0,
            "review",
            "auto:address_provided",
            Some((InfoCollected, true)),
        ),
        (
            "gifting",
            "yes! ship it to 12 Main St, Austin TX 78701",
            Contacted,
            Channel::Email,
            22,
            0,
            "review",
            "auto:address_provided",
            Some((InfoCollected, true)),
        ),
        (
            "gifting",
            "yes! ship it to 12 Main St, Austin TX 78701",
            Contacted,
            Channel::Email,
            3,
            0,
            "review",
            "auto:address_provided",
            Some((InfoCollected, true)),
        ),
        (
            "gifting",
            "yes! ship it to 12 Main St, Austin TX 78701",
            Contacted,
            Channel::Sms,
            10,
            2,
            "review",
            "auto:address_provided",
            Some((InfoCollected, true)),
        ),
        // A hedged or unreadable message is left to a person: the stage waits for a click,
        // except that a reply is recorded as one.
        (
            "gifting",
            "I'm in, but only after May",
            Contacted,
            Channel::Email,
            10,
            0,
            "nothing",
            "none",
            Some((Accepted, false)),
        ),
        (
            "gifting",
            "Sounds fun but I'm fully booked until March, sorry",
            Contacted,
            Channel::Email,
            10,
            0,
            "nothing",
            "none",
            Some((Declined, false)),
        ),
        (
            "gifting",
            "zxqv 🫠",
            Contacted,
            Channel::Email,
            10,
            0,
            "nothing",
            "not_understood",
            Some((Replied, true)),
        ),
        // Sensitive topics go to review, and the stage waits for a click.
        (
            "gifting",
            "my rate is $2,000",
            Replied,
            Channel::Email,
            10,
            0,
            "review",
            "review:rate",
            Some((Negotiating, false)),
        ),
        (
            "paid",
            "my rate is $2,000 and I want usage rights limited to 3 months",
            Replied,
            Channel::Email,
            10,
            0,
            "review",
            "review:rate",
            Some((Negotiating, false)),
        ),
        (
            "paid",
            "Can I say it cures acne?",
            Accepted,
            Channel::Email,
            10,
            0,
            "review",
            "review:legal",
            None,
        ),
        (
            "paid",
            "The package arrived damaged, really disappointed",
            ProductShipped,
            Channel::Sms,
            10,
            0,
            "review",
            "review:complaint",
            None,
        ),
        // Paid campaigns send nothing automatically and only suggest moves.
        (
            "paid",
            "yes! ship it to 12 Main St, Austin TX 78701",
            Accepted,
            Channel::Email,
            10,
            0,
            "nothing",
            "none",
            Some((InfoCollected, false)),
        ),
        (
            "paid",
            "I'm in!",
            Contacted,
            Channel::Email,
            10,
            0,
            "nothing",
            "none",
            Some((Stage::Accepted, false)),
        ),
        // Closed enrollments, auto-replies and opt-outs stop everything.
        (
            "gifting",
            "yes! ship it to 12 Main St, Austin TX 78701",
            Completed,
            Channel::Email,
            10,
            0,
            "nothing",
            "closed",
            None,
        ),
        (
            "gifting",
            "I'm in!",
            Declined,
            Channel::Email,
            10,
            0,
            "nothing",
            "closed",
            None,
        ),
        (
            "gifting",
            "Out of office until Monday",
            Contacted,
            Channel::Email,
            10,
            0,
            "nothing",
            "auto_reply",
            None,
        ),
        (
            "gifting",
            "STOP",
            Contacted,
            Channel::Sms,
            10,
            0,
            "nothing",
            "opt_out",
            None,
        ),
    ];
    for (kind, text, stage, channel, hour, sent, action, rule, move_) in cases {
        let c = classify(text);
        let d = evaluate(&defaults(kind), &facts(&c, *stage, *channel, *hour, *sent));
        let got_action = match &d.action {
            Action::AutoSend { .. } => "auto_send",
            Action::Review { .. } => "review",
            Action::Nothing => "nothing",
        };
        assert_eq!(
            (got_action, d.rule.as_str(), d.stage),
            (*action, *rule, *move_),
            "{kind} {text} {stage:?} {channel:?} {hour}h: {}",
            d.reason
        );
        assert!(!d.reason.is_empty());
    }
}

#[test]
fn reviewer_is_the_most_senior_role_any_topic_needs() {
    let c = classify("my rate is $2,000 and I want usage rights limited to 3 months");
    let d = evaluate(
        &defaults("gifting"),
        &facts(&c, Stage::Replied, Channel::Email, 10, 0),
    );
    assert_eq!(
        d.action,
        Action::Review {
            role: Role::Manager,
            topics: vec![Intent::Rate, Intent::UsageRights]
        }
    );
    let c = classify("Happy to sign the contract. Can payment be net 15 instead of net 30?");
    let d = evaluate(
        &defaults("gifting"),
        &facts(&c, Stage::Negotiating, Channel::Email, 10, 0),
    );
    assert!(
        matches!(
            d.action,
            Action::Review {
                role: Role::Owner,
                ..
            }
        ),
        "{d:?}"
    );
}

#[test]
fn automation_never_sends_instagram_dms_in_any_default() {
    for kind in ["gifting", "paid"] {
        assert!(!defaults(kind)
            .automation_channels
            .contains(&Channel::Instagram));
    }
}

#[test]
fn edited_policies_are_checked() {
    let lib = ["shipping_confirmation", "rate_reply"];
    let ok = defaults("gifting");
    assert_eq!(validate(&ok, &lib), Ok(()));
    assert_eq!(validate(&defaults("paid"), &lib), Ok(()));
    let cases: Vec<(Box<dyn Fn(&mut ResponsePolicy)>, &str)> = vec![
        (
            Box::new(|p| p.auto_send[0].template = "made_up".into()),
            "not in the approved-language library",
        ),
        (
            Box::new(|p| {
                p.auto_send.push(AutoRule {
                    intent: Intent::Rate,
                    template: "rate_reply".into(),
                })
            }),
            "sensitive topic",
        ),
        (
            Box::new(|p| {
                p.review.push(ReviewRule {
                    intent: Intent::AddressProvided,
                    role: Role::Member,
                    channel: None,
                })
            }),
            "both sent automatically and reviewed",
        ),
        (
            Box::new(|p| {
                let twice = p.review[0].clone();
                p.review.push(twice)
            }),
            "two approval rules",
        ),
        (
            Box::new(|p| {
                p.review.push(ReviewRule {
                    intent: Intent::Rate,
                    role: Role::Owner,
                    channel: Some(Channel::Note),
                })
            }),
            "not a channel",
        ),
        (
            Box::new(|p| p.review[0].role = Role::Viewer),
            "viewers cannot approve",
        ),
        (Box::new(|p| p.quiet_hours = Some((25, 3))), "quiet hours"),
        (Box::new(|p| p.quiet_hours = Some((4, 4))), "quiet hours"),
        (
            Box::new(|p| p.max_auto_per_creator_per_day = 50),
            "at most 10",
        ),
        (
            Box::new(|p| p.automation_channels.push(Channel::Instagram)),
            "Instagram",
        ),
        (
            Box::new(|p| p.automation_channels.push(Channel::Note)),
            "not a channel",
        ),
        (
            Box::new(|p| p.bulk_approval = Some(Role::Member)),
            "approval is by a manager or an owner",
        ),
    ];
    for (edit, why) in cases {
        let mut p = ok.clone();
        edit(&mut p);
        let got = validate(&p, &lib);
        assert!(
            got.as_ref().is_err_and(|e| e.contains(why)),
            "{why}: {got:?}"
        );
    }
}

#[test]
fn local_hours_follow_the_offset() {
    let day = 86_400_000;
    let cases = [
        (0, 0, 0),
        (day + 15 * 3_600_000, 0, 15),
        (day + 2 * 3_600_000, -300, 21),
        (day + 23 * 3_600_000, 120, 1),
    ];
    for (now, offset, want) in cases {
        assert_eq!(local_hour(now, offset), want, "{now} {offset}");
    }
}

#[test]
fn a_channels_own_rule_takes_the_place_of_the_general_one_there() {
    let mut p = defaults("gifting");
    p.review.push(ReviewRule {
        intent: Intent::Rate,
        role: Role::Owner,
        channel: Some(Channel::Sms),
    });
    assert_eq!(validate(&p, &["shipping_confirmation"]), Ok(()));
    let cases = [
        (Intent::Rate, Channel::Sms, Some(Role::Owner)),
        (Intent::Rate, Channel::Email, Some(Role::Manager)),
        (Intent::Legal, Channel::Sms, Some(Role::Owner)),
        (Intent::Question, Channel::Sms, None),
    ];
    for (intent, channel, want) in cases {
        assert_eq!(
            p.review_role(intent, channel),
            want,
            "{intent:?} by {channel:?}"
        );
    }
}
