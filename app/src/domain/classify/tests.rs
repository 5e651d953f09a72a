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
        (
            "Flat 2, 14 Baker Street, London NW1 6XE",
            Some(("14 Baker Street", "London NW1 6XE", "NW1 6XE")),
        ),
        (
            "ship to 90 Front St W Suite 400, Toronto ON M5J 1E3",
            Some(("90 Front St", "W Suite 400, Toronto ON M5J 1E3", "M5J 1E3")),
        ),
        (
            "3 rue Oberkampf, 75011 Paris",
            Some(("3 rue Oberkampf", "75011", "75011")),
        ),
        (
            "Rua Haddock Lobo 595, São Paulo SP 01414-001",
            Some((
                "Rua Haddock Lobo 595",
                "São Paulo SP 01414-001",
                "01414-001",
            )),
        ),
        (
            "9 George St, Brisbane QLD 4000",
            Some(("9 George St", "Brisbane QLD 4000", "4000")),
        ),
        ("I have 3 dogs, way too many", None),
        ("my rate is 1500 for 2 reels", None),
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

fn reading(intents: &[(Intent, u8)], cautions: &[safety::CautionKind]) -> Classification {
    Classification {
        intents: intents
            .iter()
            .map(|(intent, confidence)| Detected {
                intent: *intent,
                confidence: *confidence,
                evidence: Vec::new(),
            })
            .collect(),
        cautions: cautions
            .iter()
            .map(|kind| safety::Caution {
                kind: *kind,
                span: Span { start: 0, end: 3 },
                words: "but".into(),
                intent: None,
            })
            .collect(),
        ..Classification::default()
    }
}

/// The safety rule itself: automation acts only on confident safe intents with no caution.
#[test]
fn automation_acts_only_on_a_confident_safe_reading() {
    use safety::{automation_verdict, CautionKind::*, Hold};
    use Intent::*;
    let act = Ok(());
    let cases: &[(&[(Intent, u8)], &[safety::CautionKind], Result<(), Hold>)] = &[
        (&[(Accepted, 95)], &[], act.clone()),
        (&[(Accepted, 95), (AddressProvided, 90)], &[], act.clone()),
        (&[(ContentSubmitted, 88)], &[], act),
        (&[], &[], Err(Hold::NotUnderstood)),
        (
            &[(Accepted, 95)],
            &[Contrast],
            Err(Hold::Caution(reading(&[], &[Contrast]).cautions[0].clone())),
        ),
        (
            &[(Accepted, 95)],
            &[Negation],
            Err(Hold::Caution(reading(&[], &[Negation]).cautions[0].clone())),
        ),
        (
            &[(Accepted, 95)],
            &[Possible],
            Err(Hold::Caution(reading(&[], &[Possible]).cautions[0].clone())),
        ),
        (
            &[(Accepted, 70)],
            &[],
            Err(Hold::Unsure {
                intent: Accepted,
                confidence: 70,
            }),
        ),
        (&[(Accepted, 95), (Rate, 60)], &[], Err(Hold::Topic(Rate))),
        (&[(Declined, 99)], &[], Err(Hold::Topic(Declined))),
        (&[(Question, 99)], &[], Err(Hold::Topic(Question))),
        (&[(Complaint, 99)], &[], Err(Hold::Topic(Complaint))),
        (&[(OptOut, 99)], &[], Err(Hold::NothingToAnswer(OptOut))),
        (
            &[(AutoReply, 99)],
            &[],
            Err(Hold::NothingToAnswer(AutoReply)),
        ),
    ];
    for (intents, cautions, want) in cases {
        assert_eq!(
            &automation_verdict(&reading(intents, cautions)),
            want,
            "{intents:?} {cautions:?}"
        );
    }
}

/// Contrast and negation in real messages keep automation off; a plain yes does not.
#[test]
fn contrast_and_negation_block_automation() {
    use safety::automation_verdict;
    let held = [
        "I'm in, but only after May",
        "Yes! Sorry for the late reply, I'm in",
        "Sounds good, though I need to check my calendar",
        "Count me in! I don't have a PO box though",
        "Me apunto, pero en abril",
        "Sim, topo! Mas só em maio",
        "Oui, mais pas avant juin",
        "I'm in, no stories though",
    ];
    for text in held {
        let c = classify(text);
        assert!(automation_verdict(&c).is_err(), "{text}: {c:#?}");
        assert!(!c.cautions.is_empty(), "{text}: the caution is recorded");
    }
    for text in [
        "Count me in! 🙌",
        "I'm in, can't wait!",
        "Yes, I'd love to do this, no worries",
    ] {
        let c = classify(text);
        assert!(
            c.cautions
                .iter()
                .all(|k| k.kind != safety::CautionKind::Negation),
            "{text}: a positive negation is no negation: {:?}",
            c.cautions
        );
    }
}

/// A positive opener followed by "but", "sorry" or "can't" and a reason is a decline, never an
/// acceptance.
#[test]
fn a_decline_after_a_positive_opener_is_not_acceptance() {
    let declines = [
        "Sounds fun but I'm fully booked until March, sorry",
        "Love it, but I can't this month, I'm travelling",
        "This looks amazing! Sorry, I'm not taking on new work right now",
        "Would love to but I can't commit to the dates",
        "Suena genial pero no puedo este mes, lo siento",
        "Adoraria, mas estou sem tempo agora, desculpa",
        "Ça a l'air génial mais je ne suis pas disponible, désolée",
    ];
    for text in declines {
        let c = classify(text);
        assert!(!c.has(Intent::Accepted), "{text}: {:?}", c.intent_set());
        assert!(c.has(Intent::Declined), "{text}: {:?}", c.intent_set());
        assert!(safety::automation_verdict(&c).is_err(), "{text}");
    }
}

/// A plain question the model names nothing for is still read as a question, not as nothing;
/// a message with no question in it stays unread.
#[test]
fn an_unexplained_question_is_a_question() {
    for (text, question) in [
        ("Who is my point of contact for this?", true),
        ("¿Tienen un briefing?", true),
        ("what's the best way to send you the draft?", true),
        ("haha ok", false),
        ("Bien reçu, merci", false),
    ] {
        let c = classify(text);
        assert_eq!(
            c.has(Intent::Question),
            question,
            "{text}: {:?}",
            c.intent_set()
        );
    }
}

/// The held-out test split (never trained or tuned on), held to the goal: precision and recall
/// ≥ 0.85 for every intent, 0.95 recall of the sensitive intents, and automation never acting on a
/// sensitive message or a decline. On the 542-message split the committed model reaches precision
/// ≥ 0.87 and recall ≥ 0.854 (questions) for every intent, macro F1 0.940 and sensitive recall
/// 0.957.
#[test]
fn test_split_precision_recall_and_safety() {
    let report = score::score(include_str!("../../../fixtures/intents/test.jsonl")).unwrap();
    assert!(report.messages >= 540, "{} messages", report.messages);
    for (intent, t) in &report.per_intent {
        assert!(
            t.precision() >= 0.85 && t.recall() >= 0.85,
            "{intent:?}: precision {:.2} recall {:.2}",
            t.precision(),
            t.recall()
        );
    }
    assert!(
        report.macro_f1() >= 0.92,
        "macro F1 {:.3}",
        report.macro_f1()
    );
    assert!(
        report.sensitive_recall() >= 0.95,
        "sensitive recall {:.3}",
        report.sensitive_recall()
    );
    assert_eq!(report.unsafe_automation, Vec::<String>::new());
}

/// The corpus: at least 800 labeled messages, 40 per intent, and the built-in model reads.
#[test]
fn corpus_and_built_in_model() {
    let train = learn::read_labeled(include_str!("../../../fixtures/intents/train.jsonl")).unwrap();
    let test = learn::read_labeled(include_str!("../../../fixtures/intents/test.jsonl")).unwrap();
    assert!(train.len() + test.len() >= 800);
    for intent in Intent::ALL {
        let n = train
            .iter()
            .chain(&test)
            .filter(|e| e.intents.contains(&intent))
            .count();
        assert!(n >= 40, "{intent:?}: {n} messages");
    }
    assert!(
        test.iter().all(|t| train.iter().all(|e| e.text != t.text)),
        "no test message is trained on"
    );
    let w = weights::Weights::parse(learned::BUILT_IN).unwrap();
    assert!(w.keys.len() > 1000, "{} features", w.keys.len());
    assert!(learned::installed().is_some());
}

/// Each intent the model names shows the words that carried it.
#[test]
fn learned_intents_show_their_words() {
    let text = "Tracking says delivered but I never got it?";
    let c = classify(text);
    let d = c
        .intents
        .iter()
        .find(|d| d.intent == Intent::Complaint)
        .expect("a complaint");
    let words: Vec<&str> = d.evidence.iter().map(|s| &text[s.start..s.end]).collect();
    assert!(!words.is_empty() && words.len() <= 4, "{words:?}");
    assert!(
        words
            .iter()
            .any(|w| ["delivered", "never got", "Tracking", "got"]
                .iter()
                .any(|k| w.contains(k))),
        "{words:?}"
    );
}

#[test]
fn money_amounts_table() {
    let cases: &[(&str, Option<&str>)] = &[
        ("my rate is $2,000", Some("$2,000")),
        ("On peut dire 800 € ?", Some("800 €")),
        ("Vocês conseguem 1.500 reais?", Some("1.500 reais")),
        ("could you do 1.5k instead?", Some("1.5k")),
        ("2k flat for the package", Some("2k")),
        ("I have 10k followers", None),
        ("my reel got 25k views", None),
        ("can you send a 4k video", None),
        ("no numbers here", None),
    ];
    for (text, want) in cases {
        let folded = scan::Folded::new(text);
        let got = folded
            .money()
            .map(|s| &text[folded.orig(s).start..folded.orig(s).end]);
        assert_eq!(got, *want, "{text}");
    }
}

/// The rules alone name a sensitive topic asked in Spanish, Portuguese or French.
#[test]
fn sensitive_cues_in_other_languages() {
    use Intent::*;
    let cases: &[(&str, Intent)] = &[
        ("Le virement arrive quand ?", Payment),
        ("Vocês pagam por pix?", Payment),
        ("Quel est votre tarif pour un reel ?", Rate),
        ("¿Cuánto pagan por un video?", Rate),
        ("Vão impulsionar o meu vídeo?", UsageRights),
        (
            "Et les droits d'utilisation, c'est pour combien de temps ?",
            UsageRights,
        ),
        (
            "¿Puedo trabajar con la competencia durante la campaña?",
            Exclusivity,
        ),
        ("Tem exclusividade?", Exclusivity),
        (
            "Dois-je ajouter la mention collaboration commerciale ?",
            Legal,
        ),
        ("Meu advogado quer ler antes", Legal),
        ("Je suis déçue, le colis est arrivé ouvert", Complaint),
    ];
    for (text, want) in cases {
        assert!(
            rules::rules(text).intent_set().contains(want),
            "{text}: {:?}",
            rules::rules(text).intent_set()
        );
    }
}
