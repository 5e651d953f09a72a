use super::*;

fn fields(pairs: &[(&'static str, &str)]) -> BTreeMap<&'static str, String> {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

#[test]
fn render_fills_or_names_what_is_missing() {
    let cases: &[(&str, &[(&str, &str)], Result<&str, &str>)] = &[
        (
            "Hi {{first_name}}!",
            &[("first_name", "Maya")],
            Ok("Hi Maya!"),
        ),
        (
            "Hi {{ first_name }}",
            &[("first_name", "Maya")],
            Ok("Hi Maya"),
        ),
        ("no fields", &[], Ok("no fields")),
        ("{{a}} and {{b}}", &[("a", "1"), ("b", "2")], Ok("1 and 2")),
        (
            "Hi {{first_name}} at {{address}}",
            &[("first_name", "M")],
            Err("no value for address"),
        ),
        (
            "{{address}} {{address}} {{post_by}}",
            &[],
            Err("no value for address, post_by"),
        ),
        (
            "blank {{address}}",
            &[("address", "  ")],
            Err("no value for address"),
        ),
        (
            "open {{first_name",
            &[("first_name", "M")],
            Err("a merge field is not closed with }}"),
        ),
    ];
    for (body, f, want) in cases {
        let got = render(body, &fields(f));
        assert_eq!(got.as_deref().map_err(|e| e.as_str()), *want, "{body}");
    }
}

#[test]
fn every_default_uses_known_fields_only() {
    for s in defaults() {
        assert_eq!(validate(&s.body), Ok(()), "{}", s.key);
    }
    assert_eq!(
        validate("Hi {{nickname}}"),
        Err("unknown merge field nickname".into())
    );
    assert!(validate("  ").is_err());
}

#[test]
fn workspace_entries_replace_defaults_by_key() {
    let mine = Snippet {
        key: "payment_terms".into(),
        title: "Net 15".into(),
        category: "payment".into(),
        body: "Paid within 15 days.".into(),
        campaign: None,
    };
    let extra = Snippet {
        key: "welcome".into(),
        ..mine.clone()
    };
    let lib = library(vec![mine.clone(), extra]);
    assert_eq!(lib.len(), defaults().len() + 1);
    assert_eq!(lib.iter().find(|s| s.key == "payment_terms"), Some(&mine));
}

#[test]
fn the_most_sensitive_topic_picks_the_snippet() {
    use Intent::*;
    let cases: &[(&[Intent], &str)] = &[
        (&[Rate], "rate_reply"),
        (&[UsageRights, Rate], "rate_reply"),
        (&[UsageRights], "usage_rights_terms"),
        (&[Payment, Complaint], "complaint_ack"),
        (&[Legal, Rate], "disclosure"),
        (&[Exclusivity], "exclusivity_terms"),
        (&[], "content_guidelines"),
    ];
    for (topics, want) in cases {
        assert_eq!(snippet_for_topics(topics), *want, "{topics:?}");
        assert!(defaults().iter().any(|s| s.key == *want));
    }
}

#[test]
fn fill_leaves_missing_fields_for_a_person() {
    let f = fields(&[("first_name", "Maya")]);
    assert_eq!(
        fill("Hi {{first_name}}, {{negotiation}}", &f),
        Ok((
            "Hi Maya, {{negotiation}}".to_string(),
            vec!["negotiation".to_string()]
        ))
    );
    assert_eq!(
        unfilled("Hi Maya, {{ negotiation }} ok"),
        Some("negotiation".into())
    );
    assert_eq!(unfilled("Hi Maya"), None);
    assert_eq!(unfilled("a {{ b"), None);
}
