use super::*;
use crate::domain::language::{fields, FieldValues};
use crate::domain::policy::defaults;

fn id(channel: Channel, address: &str, consent: Consent) -> Identity {
    Identity {
        channel,
        address: address.into(),
        consent,
    }
}

const ALL: Connected = Connected {
    email: true,
    sms: true,
    instagram: true,
    api: true,
};
const NO_SMS: Connected = Connected {
    email: true,
    sms: false,
    instagram: true,
    api: true,
};
const OPEN: &[Channel] = &[Channel::Email, Channel::Sms, Channel::InApp, Channel::Api];
const EMAIL_ONLY: &[Channel] = &[Channel::Email, Channel::InApp];

#[test]
fn route_table() {
    use Channel::*;
    let email = id(Email, "a@x.example", Consent::Granted);
    let phone = id(Sms, "+14155550101", Consent::Granted);
    let phone_out = id(Sms, "+14155550101", Consent::OptedOut);
    let email_out = id(Email, "a@x.example", Consent::OptedOut);
    let ig = id(Instagram, "1789", Consent::Granted);
    type Case<'a> = (
        &'a str,
        Vec<Identity>,
        Option<Channel>,
        Stage,
        bool,
        Connected,
        &'a [Channel],
        Result<Channel, Skip>,
    );
    let cases: Vec<Case> = vec![
        (
            "email first",
            vec![email.clone(), phone.clone()],
            None,
            Stage::Contacted,
            false,
            ALL,
            OPEN,
            Ok(Email),
        ),
        (
            "last inbound sms wins",
            vec![email.clone(), phone.clone()],
            Some(Sms),
            Stage::Replied,
            false,
            ALL,
            OPEN,
            Ok(Sms),
        ),
        (
            "portal when they wrote there",
            vec![email.clone()],
            Some(InApp),
            Stage::Replied,
            false,
            ALL,
            OPEN,
            Ok(InApp),
        ),
        (
            "instagram last → email",
            vec![email.clone(), ig.clone()],
            Some(Instagram),
            Stage::Replied,
            false,
            ALL,
            OPEN,
            Ok(Email),
        ),
        (
            "sms not connected → email",
            vec![email.clone(), phone.clone()],
            Some(Sms),
            Stage::Replied,
            false,
            NO_SMS,
            OPEN,
            Ok(Email),
        ),
        (
            "opted-out sms → email",
            vec![email.clone(), phone_out.clone()],
            Some(Sms),
            Stage::Replied,
            false,
            ALL,
            OPEN,
            Ok(Email),
        ),
        (
            "all opted out",
            vec![email_out.clone(), phone_out.clone()],
            None,
            Stage::Contacted,
            false,
            ALL,
            OPEN,
            Err(Skip::OptedOut),
        ),
        (
            "instagram only",
            vec![ig.clone()],
            Some(Instagram),
            Stage::Replied,
            false,
            ALL,
            OPEN,
            Err(Skip::InstagramOnly),
        ),
        (
            "nothing",
            vec![],
            None,
            Stage::Contacted,
            false,
            ALL,
            OPEN,
            Err(Skip::NoContact),
        ),
        (
            "sms blocked by policy",
            vec![phone.clone()],
            None,
            Stage::Contacted,
            false,
            ALL,
            EMAIL_ONLY,
            Err(Skip::NotAllowed(Sms)),
        ),
        (
            "policy: sms blocked, email ok",
            vec![phone.clone(), email.clone()],
            Some(Sms),
            Stage::Replied,
            false,
            ALL,
            EMAIL_ONLY,
            Ok(Email),
        ),
        (
            "completed",
            vec![email.clone()],
            None,
            Stage::Completed,
            false,
            ALL,
            OPEN,
            Err(Skip::Completed),
        ),
        (
            "declined",
            vec![email.clone()],
            None,
            Stage::Declined,
            false,
            ALL,
            OPEN,
            Err(Skip::Declined),
        ),
        (
            "campaign closed",
            vec![email.clone()],
            None,
            Stage::ProductShipped,
            true,
            ALL,
            OPEN,
            Err(Skip::CampaignClosed),
        ),
        (
            "only sms, not connected",
            vec![phone.clone()],
            None,
            Stage::Contacted,
            false,
            NO_SMS,
            OPEN,
            Err(Skip::NotConnected(Sms)),
        ),
    ];
    for (name, ids, last, stage, closed, conn, allowed, want) in cases {
        let f = RecipientFacts {
            identities: &ids,
            last_inbound: last,
            stage,
            campaign_closed: closed,
            connected: conn,
            allowed,
        };
        assert_eq!(route(&f), want, "{name}");
    }
}

#[test]
fn skip_reasons_say_why() {
    assert_eq!(Skip::OptedOut.reason(), "opted out");
    assert!(Skip::InstagramOnly
        .reason()
        .contains("bulk DMs are not allowed"));
    assert!(Skip::NotAllowed(Channel::Sms).reason().contains("SMS"));
    assert_eq!(
        Skip::NoContact.reason(),
        "no contact on any allowed channel"
    );
}

#[test]
fn approval_table() {
    let paid = defaults("paid");
    let gifting = defaults("gifting");
    let mut owner_only = defaults("paid");
    owner_only.bulk_approval = Some(Role::Owner);
    let cases: Vec<(Vec<(&str, &ResponsePolicy)>, Role, Option<Role>)> = vec![
        (vec![("Glow", &gifting)], Role::Member, None),
        (
            vec![("Glow", &gifting), ("Launch", &paid)],
            Role::Member,
            Some(Role::Manager),
        ),
        (vec![("Launch", &paid)], Role::Manager, None),
        (
            vec![("Launch", &paid), ("Legal", &owner_only)],
            Role::Manager,
            Some(Role::Owner),
        ),
        (vec![("Legal", &owner_only)], Role::Owner, None),
        (vec![], Role::Member, None),
    ];
    for (policies, sender, want) in cases {
        let got = approval(policies.clone(), sender);
        assert_eq!(
            got.as_ref().map(|(r, _)| *r),
            want,
            "{policies:?} {sender:?}"
        );
        if let Some((_, why)) = got {
            assert!(why.contains("needs one approval"), "{why}");
        }
    }
}

#[test]
fn validate_table() {
    let cases = [
        ("", "Hi {{first_name}}", true),
        ("", "", false),
        ("", "   ", false),
        ("", "Hi {{nickname}}", false),
        ("", "Hi {{first_name}", false),
        ("Line\nbreak", "Hi", false),
        ("Update on {{campaign}}", "Your link: {{portal_link}}", true),
    ];
    for (subject, body, ok) in cases {
        assert_eq!(validate(subject, body).is_ok(), ok, "{subject:?} {body:?}");
    }
    assert!(validate("", &"x".repeat(MAX_BODY_CHARS + 1)).is_err());
    assert!(validate("", "Hi {{nickname}}")
        .unwrap_err()
        .contains("unknown merge field nickname"));
}

#[test]
fn fields_fill_a_message() {
    let deliverables = vec!["1 Reel".to_string(), "2 Stories".to_string()];
    let f = fields(&FieldValues {
        creator_name: "Maya Lopez",
        campaign: "Summer Glow",
        brand: "Lumen",
        post_by: Some(1_767_225_600_000),
        deliverables: &deliverables,
        compensation: "$500",
        sender: "Dana",
        address: Some("12 Main St, Austin TX 78701"),
        guidance: None,
        portal_link: Some("https://inbox.example/p/tok"),
    });
    assert_eq!(
        language::render("{{address}}", &f).unwrap(),
        "12 Main St, Austin TX 78701"
    );
    assert!(language::render("{{guidance}}", &f).is_err());
    let text = language::render(
        "Hi {{first_name}}, {{campaign}} by {{brand}}: {{deliverables}} — {{brief_link}} ({{sender}})",
        &f,
    )
    .unwrap();
    assert_eq!(
        text,
        "Hi Maya, Summer Glow by Lumen: 1 Reel, 2 Stories — https://inbox.example/p/tok#brief (Dana)"
    );
    let no_link = fields(&FieldValues {
        creator_name: "Maya",
        campaign: "c",
        brand: "b",
        post_by: None,
        deliverables: &[],
        compensation: "",
        sender: "s",
        address: None,
        guidance: None,
        portal_link: None,
    });
    assert!(language::render("{{post_by}}", &no_link).is_err());
    assert!(uses_portal_link("see {{portal_link}}"));
    assert!(uses_portal_link("see {{brief_link}}"));
    assert!(!uses_portal_link("see {{campaign}}"));
}

#[test]
fn due_at_spaces_sends() {
    let cases = [
        (0, 60, 1_000),
        (1, 60, 1_000 + 1_000),
        (10, 60, 1_000 + 10_000),
        (10, 600, 1_000 + 1_000),
        (3, 0, 1_000),
        (7, 120, 1_000 + 3_500),
    ];
    for (i, rate, want) in cases {
        assert_eq!(due_at(1_000, i, rate), want, "{i} {rate}");
    }
}
