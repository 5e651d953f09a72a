use super::*;

#[test]
fn intents_table() {
    use Intent::*;
    let cases: &[(&str, &[Intent])] = &[
        (
            "yes! ship it to 12 Main St, Austin TX 78701",
            &[Accepted, AddressProvided],
        ),
        (
            "my rate is $2,000 and I want usage rights limited to 3 months",
            &[Rate, UsageRights],
        ),
        ("I'm not interested, thanks", &[Declined]),
        ("STOP", &[OptOut]),
        ("I can't stop using this serum!", &[]),
        (
            "Out of office until Monday. I'm in meetings, let's do it later.",
            &[AutoReply],
        ),
        ("Love it, but I'll pass", &[Declined]),
        ("¿Cuándo tengo que publicar?", &[Question]),
        (
            "it's live! https://www.instagram.com/p/C9xYz12/",
            &[ContentSubmitted],
        ),
        ("Invoice attached, net 30", &[Payment]),
        ("Can I say it cures acne?", &[Legal]),
        (
            "The package arrived damaged, really disappointed",
            &[Complaint],
        ),
        ("How long is the exclusivity?", &[Exclusivity]),
        ("What's your budget?", &[Rate]),
        ("hey 👋", &[]),
    ];
    for (text, want) in cases {
        let mut want = want.to_vec();
        want.sort();
        assert_eq!(classify(text).intent_set(), want, "{text}");
    }
}

#[test]
fn evidence_points_at_the_words_that_decided() {
    let text = "Honestly, I'm not interested. Good luck!";
    let c = classify(text);
    let d = c
        .intents
        .iter()
        .find(|d| d.intent == Intent::Declined)
        .unwrap();
    let spans: Vec<&str> = d.evidence.iter().map(|s| &text[s.start..s.end]).collect();
    assert_eq!(spans, vec!["not interested"]);
    assert!(d.confidence >= THRESHOLD);
    // Accented text keeps its byte offsets.
    let text = "¡Claro que sí! Me encantaría";
    let c = classify(text);
    let d = &c.intents[0];
    assert_eq!(d.intent, Intent::Accepted);
    let spans: Vec<&str> = d.evidence.iter().map(|s| &text[s.start..s.end]).collect();
    assert_eq!(spans, vec!["Claro que sí", "Me encantaría"]);
}

#[test]
fn decline_reasons_table() {
    use crate::model::DeclineReason::*;
    let cases = [
        ("I'll pass, the budget is too low", Some(Rate)),
        ("going to pass, fully booked this month", Some(Timing)),
        ("not a good fit for my audience", Some(BrandFit)),
        (
            "I have to pass, I'm exclusive with a competitor",
            Some(Exclusivity),
        ),
        ("no thanks", Some(Other)),
        ("I'm in!", None),
    ];
    for (text, want) in cases {
        assert_eq!(classify(text).decline_reason, want, "{text}");
    }
}

#[test]
fn addresses_table() {
    let cases = [
        (
            "ship it to 12 Main St, Austin TX 78701",
            Some(("12 Main St", "Austin TX 78701", "78701")),
        ),
        (
            "2100 N Lamar Blvd Unit 210, Austin, TX 78705-1234 thanks",
            Some((
                "2100 N Lamar Blvd",
                "Unit 210, Austin, TX 78705-1234",
                "78705-1234",
            )),
        ),
        (
            "Calle Mayor 12, 3ºB, 28013 Madrid",
            Some(("Calle Mayor 12", "3ºB, 28013", "28013")),
        ),
        ("I have 3 dogs, way too many", None),
        ("posting on the 12th St parade day", None),
    ];
    for (text, want) in cases {
        let got = extract_address(text);
        assert_eq!(
            got.as_ref().map(|a| (
                a.street.as_str(),
                a.locality.as_str(),
                a.postal_code.as_str()
            )),
            want,
            "{text}"
        );
    }
}

#[test]
fn sensitive_topics_are_flagged() {
    let c = classify("my rate is $2,000 and I want usage rights limited to 3 months");
    let mut s = c.sensitive();
    s.sort();
    assert_eq!(s, vec![Intent::Rate, Intent::UsageRights]);
    assert!(classify("I'm in!").sensitive().is_empty());
}

/// The labeled fixture set: at least 150 messages, precision and recall ≥ 0.9 for every intent.
#[test]
fn fixture_set_precision_and_recall() {
    let report = score::score(include_str!("../../../fixtures/creator_messages.jsonl")).unwrap();
    assert!(report.messages >= 150, "{} messages", report.messages);
    for (intent, t) in &report.per_intent {
        assert!(
            t.true_pos + t.false_neg >= 5,
            "{intent:?} has too few examples"
        );
        assert!(
            t.precision() >= 0.9 && t.recall() >= 0.9,
            "{intent:?}: precision {:.2} recall {:.2}; misses: {:#?}",
            t.precision(),
            t.recall(),
            report.misses
        );
    }
}
