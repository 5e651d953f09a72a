use super::*;

const AUD: &str = "https://inbox.example";
const NOW: i64 = 1_800_000_000;

fn partner() -> PartnerGrant {
    PartnerGrant {
        client_id: "k1".into(),
        campaign_ids: Vec::new(),
        role: Role::Viewer,
        views: vec![EmbedView::Inbox, EmbedView::Thread],
    }
}

fn claims() -> EmbedClaims {
    EmbedClaims {
        aud: AUD.into(),
        iat: NOW - 5,
        exp: NOW + 300,
        nbf: None,
        jti: "a1b2".into(),
        client: None,
        campaigns: None,
        view: "inbox".into(),
        thread: None,
        user_id: Some("u-7".into()),
        user_name: Some(" Jo ".into()),
    }
}

#[test]
fn token_checks_table() {
    type Case = (&'static str, EmbedClaims, Result<(), TokenRefusal>);
    let with = |f: &dyn Fn(&mut EmbedClaims)| {
        let mut c = claims();
        f(&mut c);
        c
    };
    let cases: Vec<Case> = vec![
        ("valid", claims(), Ok(())),
        (
            "names its own client",
            with(&|c| c.client = Some("k1".into())),
            Ok(()),
        ),
        (
            "a thread view with its thread",
            with(&|c| {
                c.view = "thread".into();
                c.thread = Some("t9".into());
            }),
            Ok(()),
        ),
        (
            "expired",
            with(&|c| {
                c.iat = NOW - 700;
                c.exp = NOW - 100;
            }),
            Err(TokenRefusal::Expired),
        ),
        (
            "expired within the skew still counts",
            with(&|c| {
                c.iat = NOW - 200;
                c.exp = NOW - 30;
            }),
            Ok(()),
        ),
        (
            "issued in the future",
            with(&|c| {
                c.iat = NOW + 200;
                c.exp = NOW + 400;
            }),
            Err(TokenRefusal::NotYetValid),
        ),
        (
            "not before later",
            with(&|c| c.nbf = Some(NOW + 120)),
            Err(TokenRefusal::NotYetValid),
        ),
        (
            "lives too long",
            with(&|c| c.exp = c.iat + 601),
            Err(TokenRefusal::TooLong),
        ),
        (
            "ends before it starts",
            with(&|c| {
                c.iat = NOW;
                c.exp = NOW - 10;
            }),
            Err(TokenRefusal::TooLong),
        ),
        (
            "other audience",
            with(&|c| c.aud = "https://evil.example".into()),
            Err(TokenRefusal::WrongAudience),
        ),
        (
            "no jti",
            with(&|c| c.jti = " ".into()),
            Err(TokenRefusal::BadJti),
        ),
        (
            "huge jti",
            with(&|c| c.jti = "x".repeat(129)),
            Err(TokenRefusal::BadJti),
        ),
        (
            "another client",
            with(&|c| c.client = Some("k2".into())),
            Err(TokenRefusal::ScopeTooWide),
        ),
        (
            "unknown view",
            with(&|c| c.view = "settings".into()),
            Err(TokenRefusal::UnknownView),
        ),
        (
            "view the partner may not show",
            with(&|c| c.view = "reports".into()),
            Err(TokenRefusal::ViewNotAllowed),
        ),
        (
            "thread view naming no id",
            with(&|c| {
                c.view = "thread".into();
                c.thread = Some("../x".into());
            }),
            Err(TokenRefusal::BadClaims),
        ),
        (
            "thread view without a thread",
            with(&|c| c.view = "thread".into()),
            Err(TokenRefusal::BadClaims),
        ),
        (
            "user name too long",
            with(&|c| c.user_name = Some("n".repeat(121))),
            Err(TokenRefusal::BadClaims),
        ),
    ];
    for (name, c, want) in cases {
        let got = check_claims(&c, &partner(), AUD, NOW).map(|_| ());
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn a_grant_carries_the_partners_scope_and_role() {
    let g = check_claims(&claims(), &partner(), AUD, NOW).unwrap();
    assert_eq!(g.client_id, "k1");
    assert_eq!(g.role, Role::Viewer);
    assert_eq!(g.view, EmbedView::Inbox);
    assert_eq!(g.thread, None);
    assert_eq!(g.user_name.as_deref(), Some("Jo"));
    assert_eq!(g.token_expires, NOW + 300);
    let named = EmbedClaims {
        thread: Some("t1".into()),
        ..claims()
    };
    assert_eq!(
        check_claims(&named, &partner(), AUD, NOW).unwrap().thread,
        None
    );
}

#[test]
fn origins_are_exact() {
    for (input, want) in [
        (
            "https://dash.partner.example",
            Ok("https://dash.partner.example"),
        ),
        (
            "https://dash.partner.example/",
            Ok("https://dash.partner.example"),
        ),
        (
            "https://dash.partner.example:8443",
            Ok("https://dash.partner.example:8443"),
        ),
        (
            "https://DASH.partner.example:443",
            Ok("https://dash.partner.example"),
        ),
        ("http://localhost:5173", Ok("http://localhost:5173")),
        ("http://127.0.0.1:9000", Ok("http://127.0.0.1:9000")),
        ("http://dash.partner.example", Err(())),
        ("https://*.partner.example", Err(())),
        ("https://dash.partner.example/app", Err(())),
        ("https://dash.partner.example?x=1", Err(())),
        ("https://user@dash.partner.example", Err(())),
        ("dash.partner.example", Err(())),
        ("javascript:alert(1)", Err(())),
        ("", Err(())),
    ] {
        let got = parse_origin(input);
        match want {
            Ok(w) => assert_eq!(got.as_deref(), Ok(w), "{input}"),
            Err(()) => assert!(got.is_err(), "{input}: {got:?}"),
        }
    }
    let list = |v: &[&str]| parse_origins(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(
        list(&["https://a.example", "https://a.example/", " "]).unwrap(),
        vec!["https://a.example"]
    );
    assert!(list(&[]).is_err());
    let many: Vec<String> = (0..11).map(|i| format!("https://a{i}.example")).collect();
    assert!(parse_origins(&many).is_err());
}

#[test]
fn framing_and_attribution() {
    assert_eq!(frame_ancestors(&[]), "frame-ancestors 'none'");
    assert_eq!(
        frame_ancestors(&["https://a.example".into(), "http://localhost:3001".into()]),
        "frame-ancestors https://a.example http://localhost:3001"
    );
    assert_eq!(
        attribution(Some("Jo"), "Acme dashboard"),
        "Jo via Acme dashboard"
    );
    assert_eq!(attribution(Some("  "), "Acme dashboard"), "Acme dashboard");
    assert_eq!(attribution(None, "Acme dashboard"), "Acme dashboard");
}

#[test]
fn partner_forms_are_checked() {
    let form = || crate::model::EmbedPartnerForm {
        name: " Acme dashboard ".into(),
        origins: vec!["https://dash.acme.example".into()],
        client_id: "k1".into(),
        campaign_ids: vec![],
        role: "viewer".into(),
        views: vec!["inbox".into(), "thread".into(), "inbox".into()],
    };
    let ok = partner_settings(&form()).unwrap();
    assert_eq!(ok.name, "Acme dashboard");
    assert_eq!(ok.views, vec![EmbedView::Inbox, EmbedView::Thread]);
    assert_eq!(ok.role, Role::Viewer);
    let bad: Vec<(&str, crate::model::EmbedPartnerForm)> = vec![
        (
            "no name",
            crate::model::EmbedPartnerForm {
                name: " ".into(),
                ..form()
            },
        ),
        (
            "owner inside a frame",
            crate::model::EmbedPartnerForm {
                role: "owner".into(),
                ..form()
            },
        ),
        (
            "no views",
            crate::model::EmbedPartnerForm {
                views: vec![],
                ..form()
            },
        ),
        (
            "unknown view",
            crate::model::EmbedPartnerForm {
                views: vec!["settings".into()],
                ..form()
            },
        ),
        (
            "wildcard origin",
            crate::model::EmbedPartnerForm {
                origins: vec!["https://*.acme.example".into()],
                ..form()
            },
        ),
        (
            "no client",
            crate::model::EmbedPartnerForm {
                client_id: "".into(),
                ..form()
            },
        ),
        (
            "a campaign id that is not one",
            crate::model::EmbedPartnerForm {
                campaign_ids: vec!["c1; DROP".into()],
                ..form()
            },
        ),
    ];
    let some = partner_settings(&crate::model::EmbedPartnerForm {
        campaign_ids: vec!["c1".into(), " c1 ".into(), "c2".into()],
        ..form()
    })
    .unwrap();
    assert_eq!(some.campaign_ids, vec!["c1", "c2"]);
    for (name, f) in bad {
        assert!(partner_settings(&f).is_err(), "{name}");
    }
}

#[test]
fn a_frames_report_is_held_to_its_client() {
    use crate::model::ReportQuery;
    let q = |client: Option<&str>, campaign: Option<&str>, teammate: Option<&str>| ReportQuery {
        campaign: campaign.map(str::to_string),
        client: client.map(str::to_string),
        channel: None,
        teammate: teammate.map(str::to_string),
        days: 30,
    };
    let cases = [
        // (asked, what the frame reads)
        (q(None, None, None), Some(q(Some("k1"), None, None))),
        (q(Some("k1"), None, None), Some(q(Some("k1"), None, None))),
        (
            q(None, Some("c9"), None),
            Some(q(Some("k1"), Some("c9"), None)),
        ),
        (q(Some("k2"), None, None), None),
        (q(None, None, Some("u1")), None),
        (q(Some("k1"), None, Some("u1")), None),
    ];
    for (asked, want) in cases {
        assert_eq!(confined_report("k1", &[], &asked), want, "{asked:?}");
    }
    // A frame of some campaigns reads one of them at a time.
    let set = ["c1".to_string(), "c2".to_string()];
    let cases = [
        (
            &set[..1],
            q(None, None, None),
            Some(q(Some("k1"), Some("c1"), None)),
        ),
        (
            &set[..],
            q(None, Some("c2"), None),
            Some(q(Some("k1"), Some("c2"), None)),
        ),
        (&set[..], q(None, None, None), None),
        (&set[..], q(None, Some("c9"), None), None),
    ];
    for (campaigns, asked, want) in cases {
        assert_eq!(
            confined_report("k1", campaigns, &asked),
            want,
            "{campaigns:?} {asked:?}"
        );
    }
}

#[test]
fn a_token_narrows_campaigns_never_widens_them() {
    let limited = PartnerGrant {
        campaign_ids: vec!["c1".into(), "c2".into()],
        ..partner()
    };
    let asking = |campaigns: Option<Vec<&str>>| EmbedClaims {
        campaigns: campaigns.map(|v| v.into_iter().map(String::from).collect()),
        ..claims()
    };
    // (partner, token's campaigns, granted or refused)
    let cases: Vec<(&PartnerGrant, EmbedClaims, Result<Vec<&str>, TokenRefusal>)> = vec![
        (&limited, asking(None), Ok(vec!["c1", "c2"])),
        (&limited, asking(Some(vec!["c2"])), Ok(vec!["c2"])),
        (&limited, asking(Some(vec!["c2", "c2"])), Ok(vec!["c2"])),
        (
            &limited,
            asking(Some(vec!["c3"])),
            Err(TokenRefusal::ScopeTooWide),
        ),
        (&limited, asking(Some(vec![])), Err(TokenRefusal::BadClaims)),
        (
            &limited,
            asking(Some(vec!["c1 OR 1"])),
            Err(TokenRefusal::BadClaims),
        ),
    ];
    let whole = partner();
    let mut cases = cases;
    cases.push((&whole, asking(None), Ok(vec![])));
    cases.push((&whole, asking(Some(vec!["c7"])), Ok(vec!["c7"])));
    for (p, c, want) in cases {
        let got = check_claims(&c, p, AUD, NOW).map(|g| g.campaign_ids);
        let want = want.map(|v| v.into_iter().map(String::from).collect::<Vec<_>>());
        assert_eq!(got, want, "{:?} asking {:?}", p.campaign_ids, c.campaigns);
    }
}
