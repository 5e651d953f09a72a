use super::*;
use crate::domain::classify::classify;
use crate::domain::language::{self, FieldValues};
use crate::domain::policy::defaults;
use Stage::*;

fn team() -> Vec<Candidate> {
    vec![
        Candidate {
            id: "ava".into(),
            role: Role::Member,
        },
        Candidate {
            id: "marco".into(),
            role: Role::Manager,
        },
        Candidate {
            id: "dana".into(),
            role: Role::Owner,
        },
    ]
}

/// The effects in words, so a table can state them.
fn words(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .map(|e| match e {
            Effect::Decide(d) => format!("decide {}", d.rule),
            Effect::MoveStage { from, to, .. } => format!("move {from:?}->{to:?}"),
            Effect::SaveAddress(_) => "save address".into(),
            Effect::CancelOpenDrafts => "cancel open drafts".into(),
            Effect::Draft(d) => format!(
                "draft {} {} by {:?} for {}",
                d.state.as_str(),
                d.source,
                d.role,
                d.reviewer.as_deref().unwrap_or("nobody")
            ),
            Effect::NotifyReviewer { reviewer, .. } => format!("notify {reviewer}"),
            Effect::OptOut { channel } => format!("opt out on {channel:?}"),
        })
        .collect()
}

struct Case {
    kind: &'static str,
    message: &'static str,
    stage: Stage,
    channel: Option<Channel>,
    hour: u8,
    assignee: Option<&'static str>,
    unverified: Option<&'static str>,
    want: &'static [&'static str],
}

/// A gifting creator who just gave their address, by email, mid-morning.
impl Default for Case {
    fn default() -> Case {
        Case {
            kind: "gifting",
            message: ADDRESS,
            stage: Contacted,
            channel: Some(Channel::Email),
            hour: 10,
            assignee: None,
            unverified: None,
            want: &[],
        }
    }
}

fn run(case: &Case, library: &BTreeMap<String, String>, model: bool) -> Vec<Effect> {
    let c = classify(case.message);
    let policy = defaults(case.kind);
    let deliverables = vec!["1 Reel".to_string()];
    let fields = language::fields(&FieldValues {
        creator_name: "Maya Lopez",
        campaign: "Spring Glow",
        brand: "Northstar",
        post_by: None,
        deliverables: &deliverables,
        compensation: "$500",
        sender: "The Northstar team",
        address: c.address.as_ref().map(|a| a.text.as_str()),
        guidance: Some("Be yourself"),
        portal_link: None,
    });
    let team = team();
    plan(&PlanFacts {
        classification: &c,
        policy: &policy,
        stage: case.stage,
        message_channel: case.channel.unwrap_or(Channel::Email),
        reply_channel: case.channel,
        local_hour: case.hour,
        auto_sent_today: 0,
        library,
        fields: &fields,
        assignee: case.assignee,
        team: &team,
        model_context: model.then_some(ModelContext {
            campaign: "Spring Glow",
            brief: "Glow serum",
            guidance: "Be yourself",
            message: case.message,
        }),
        unverified_sender: case.unverified,
    })
}

fn library() -> BTreeMap<String, String> {
    language::defaults()
        .into_iter()
        .map(|s| (s.key, s.body))
        .collect()
}

const ADDRESS: &str = "yes! ship it to 12 Main St, Austin TX 78701";

#[test]
fn plan_table() {
    let cases = [
        // Gifting: an address is confirmed automatically, saved, and the stage moves.
        Case {
            want: &[
                "decide auto:address_provided",
                "move Contacted->InfoCollected",
                "save address",
                "cancel open drafts",
                "draft auto_sent library:shipping_confirmation by Member for nobody",
            ],
            ..Case::default()
        },
        // In quiet hours the same reply is held for a person (the assignee reviews).
        Case {
            hour: 23,
            assignee: Some("ava"),
            want: &[
                "decide auto:address_provided",
                "move Contacted->InfoCollected",
                "save address",
                "cancel open drafts",
                "draft pending_review library:shipping_confirmation by Member for ava",
                "notify ava",
            ],
            ..Case::default()
        },
        // No channel reaches the creator automatically: held, and the decision says why.
        Case {
            channel: None,
            want: &[
                "decide auto:address_provided",
                "move Contacted->InfoCollected",
                "save address",
                "cancel open drafts",
                "draft pending_review library:shipping_confirmation by Member for ava",
                "notify ava",
            ],
            ..Case::default()
        },
        // A rate goes to a manager (the member assignee is not senior enough); no stage move
        // without a click.
        Case {
            message: "my rate is $2,000",
            stage: Replied,
            assignee: Some("ava"),
            want: &[
                "decide review:rate",
                "cancel open drafts",
                "draft pending_review library:rate_reply by Manager for marco",
                "notify marco",
            ],
            ..Case::default()
        },
        // Legal claims go to the owner on a paid campaign.
        Case {
            kind: "paid",
            message: "Can I say it cures acne?",
            stage: Accepted,
            assignee: Some("marco"),
            want: &[
                "decide review:legal",
                "cancel open drafts",
                "draft pending_review library:disclosure by Owner for dana",
                "notify dana",
            ],
            ..Case::default()
        },
        // A closed enrollment: the decision is stored, nothing else but canceling stale drafts.
        Case {
            stage: Declined,
            want: &["decide closed", "save address", "cancel open drafts"],
            ..Case::default()
        },
        // An opt-out: nothing is written for the creator, and that channel's consent ends.
        Case {
            message: "please stop messaging me, unsubscribe",
            want: &["decide opt_out", "opt out on Email", "cancel open drafts"],
            ..Case::default()
        },
        Case {
            message: "remove me from this list",
            channel: Some(Channel::InApp),
            want: &["decide opt_out", "opt out on InApp", "cancel open drafts"],
            ..Case::default()
        },
    ];
    let library = library();
    for case in &cases {
        assert_eq!(
            words(&run(case, &library, false)),
            case.want,
            "{} / {:?} / {:?} / {}h",
            case.message,
            case.stage,
            case.channel,
            case.hour
        );
    }
}

#[test]
fn held_reply_says_why_and_keeps_its_filled_words() {
    let case = Case {
        channel: None,
        ..Case::default()
    };
    let effects = run(&case, &library(), false);
    let Effect::Decide(d) = &effects[0] else {
        panic!("the decision comes first")
    };
    assert_eq!(
        d.action,
        Action::Review {
            role: Role::Member,
            topics: vec![]
        }
    );
    // The policy itself holds it: no channel automation may use reaches the creator.
    assert!(d.reason.contains("no automated messages"), "{}", d.reason);
    let draft = effects.iter().find_map(|e| match e {
        Effect::Draft(d) => Some(d),
        _ => None,
    });
    let draft = draft.expect("a draft for review");
    assert!(draft.text.contains("Maya"), "{}", draft.text);
    assert!(!draft.text.contains("{{"), "{}", draft.text);
}

#[test]
fn an_empty_reply_is_never_written() {
    // The library lacks the template's words: nothing is sent or drafted, the rest still happens.
    let effects = run(&Case::default(), &BTreeMap::new(), false);
    assert_eq!(
        words(&effects),
        [
            "decide auto:address_provided",
            "move Contacted->InfoCollected",
            "save address",
            "cancel open drafts"
        ]
    );
}

#[test]
fn a_reply_whose_fields_cannot_be_filled_is_held_for_a_person() {
    let mut library = library();
    library.insert(
        "shipping_confirmation".into(),
        "Hi {{first_name}}, code {{no_such_field}}".into(),
    );
    let effects = run(&Case::default(), &library, false);
    let Effect::Decide(d) = &effects[0] else {
        panic!("the decision comes first")
    };
    assert!(d.reason.contains("could not be filled"), "{}", d.reason);
    assert!(words(&effects).contains(
        &"draft pending_review library:shipping_confirmation by Member for ava".to_string()
    ));
}

#[test]
fn a_model_is_asked_only_for_sensitive_review_drafts() {
    let library = library();
    let rate = Case {
        message: "my rate is $2,000",
        stage: Replied,
        ..Case::default()
    };
    let request = |effects: Vec<Effect>| {
        effects.into_iter().find_map(|e| match e {
            Effect::Draft(d) => Some(d.model_request),
            _ => None,
        })
    };
    let asked = request(run(&rate, &library, true)).flatten();
    let asked = asked.expect("the model words a rate reply");
    assert!(asked.contains("my rate is $2,000") && asked.contains("Spring Glow"));
    assert_eq!(request(run(&rate, &library, false)), Some(None));
    // A held automatic reply has no sensitive topic: the approved wording stands.
    let quiet = Case {
        hour: 23,
        ..Case::default()
    };
    assert_eq!(request(run(&quiet, &library, true)), Some(None));
}

#[test]
fn an_unverified_sender_moves_nothing_automatically() {
    // (message, stage, what the plan does when the sender is not verified)
    let cases: [(&str, Stage, &[&str]); 3] = [
        // The address would be saved, the stage moved and a confirmation sent: all wait.
        (
            ADDRESS,
            Contacted,
            &[
                "decide auto:address_provided",
                "draft pending_review library:shipping_confirmation by Member for ava",
                "notify ava",
            ],
        ),
        // An opt-out from a forged sender does not opt the creator out.
        (
            "Please stop messaging me, unsubscribe",
            Contacted,
            &["decide opt_out"],
        ),
        ("Sounds great, I'm in!", Contacted, &[]),
    ];
    for (message, stage, want) in cases {
        let case = Case {
            message,
            stage,
            assignee: Some("ava"),
            unverified: Some("DMARC failed for creator.example"),
            ..Case::default()
        };
        let effects = run(&case, &library(), false);
        let said = words(&effects);
        if !want.is_empty() {
            assert_eq!(said, *want, "{message}");
        }
        for e in &effects {
            match e {
                Effect::Decide(d) => {
                    assert!(
                        d.reason.starts_with("unverified sender (DMARC failed"),
                        "{}",
                        d.reason
                    );
                    assert!(!matches!(d.action, Action::AutoSend { .. }));
                    assert!(d.stage.is_none_or(|(_, auto)| !auto));
                }
                Effect::Draft(d) => assert_eq!(d.state, DraftState::PendingReview, "{message}"),
                Effect::NotifyReviewer { .. } => {}
                other => panic!("{message}: {other:?} with an unverified sender"),
            }
        }
    }
}
