//! SMS through Twilio: owners connect an account (the token is sealed, never shown); webhooks
//! signed by Twilio's own Python helper library (`twilio` on PyPI) are accepted, tampered ones
//! refused without writing; Messaging-Service numbers fall back to the `To` number; repeats are
//! stored once; STOP/START move consent; unknown senders are kept in Unmatched.

use crate::common;

use app::api::AppError;
use app::model::{Role, SmsSettings};
use common::Harness;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use common::twilio::{account_sid, post_signed, service_sid, signature as twilio_signature};
use common::twilio::{NUMBER, TOKEN};

async fn deliver(h: &Harness, params: &BTreeMap<&str, String>, signature: &str) -> (u16, String) {
    post_signed(h, "/hooks/twilio/sms", params, signature).await
}

fn sms(from: &str, body: &str, sid: &str) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("AccountSid", account_sid()),
        ("From", from.to_string()),
        ("To", NUMBER.to_string()),
        ("Body", body.to_string()),
        ("MessageSid", sid.to_string()),
        ("NumMedia", "0".to_string()),
        ("ApiVersion", "2010-04-01".to_string()),
    ])
}

async fn stored(h: &Harness, sid: &str) -> Vec<Value> {
    h.query(
        "SELECT text, channel, direction, record::id(thread.creator) AS creator FROM message WHERE external_id = $sid;",
        json!({ "sid": sid }),
    )
    .await
}

#[tokio::test]
async fn owners_connect_twilio_and_signed_sms_land_once() {
    let h = Harness::with_sizes(8, 3).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let args = json!({ "account_sid": account_sid(), "auth_token": TOKEN, "numbers": ["+1 (415) 555-0100"], "messaging_service_sid": service_sid() });
    let refused: Result<SmsSettings, AppError> =
        h.call("connect_sms", Some(&manager), args.clone()).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let bad: Result<SmsSettings, AppError> = h
        .call("connect_sms", Some(&owner), json!({ "account_sid": "AC1", "auth_token": TOKEN, "numbers": [NUMBER], "messaging_service_sid": null }))
        .await;
    assert!(matches!(bad, Err(AppError::Invalid(_))), "{bad:?}");
    let (status, _, raw) = h
        .raw("connect_sms", Some(&owner), args.to_string(), true)
        .await;
    assert!(status.is_success(), "{raw}");
    assert!(!raw.contains(TOKEN), "the token never comes back");
    let settings: SmsSettings = serde_json::from_str(&raw).unwrap();
    assert_eq!(settings.accounts.len(), 1);
    assert_eq!(settings.accounts[0].numbers, vec![NUMBER.to_string()]);
    assert!(settings.accounts[0].is_default);
    let sealed = h
        .query("SELECT auth_token_sealed FROM sms_account;", json!({}))
        .await;
    assert!(
        !sealed[0]["auth_token_sealed"]
            .as_str()
            .unwrap()
            .contains(TOKEN),
        "stored sealed"
    );
    // Another workspace cannot claim the same number.
    let owner_b = h.sign_in_as(&h.b, Role::Owner).await;
    let clash: Result<SmsSettings, AppError> =
        h.call("connect_sms", Some(&owner_b), args.clone()).await;
    assert!(
        matches!(clash, Err(AppError::Invalid(ref m)) if m.contains(NUMBER)),
        "{clash:?}"
    );

    let url = settings.webhook_url.clone();
    let creator = h
        .query(
            "SELECT record::id(id) AS id, identities[WHERE channel = 'sms'][0].address AS phone FROM creator
             WHERE workspace = type::record('workspace', $ws) AND identities[WHERE channel = 'sms'] != [] LIMIT 1;",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    let phone = creator[0]["phone"].as_str().unwrap().to_string();
    let creator_id = creator[0]["id"].as_str().unwrap().to_string();

    // Signed with the configured Messaging Service.
    let mut first = sms(&phone, "Got the package, thanks!", "SM0001");
    first.insert("MessagingServiceSid", service_sid());
    let sig = twilio_signature(&url, &first);
    let (status, body) = deliver(&h, &first, &sig).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<Response></Response>"));
    let rows = stored(&h, "SM0001").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0]["channel"].as_str(), rows[0]["direction"].as_str()),
        (Some("sms"), Some("inbound"))
    );
    assert_eq!(rows[0]["creator"], json!(creator_id));

    // Every creator message is classified as it is stored; the thread shows intents with their
    // evidence, and the extracted address.
    let text = "yes! ship it to 12 Main St, Austin TX 78701";
    let mut yes = sms(&phone, text, "SM0009");
    yes.insert("MessagingServiceSid", service_sid());
    let (status, body) = deliver(&h, &yes, &twilio_signature(&url, &yes)).await;
    assert_eq!(status, 200, "{body}");
    let thread = h
        .query(
            "SELECT VALUE record::id(thread) FROM message WHERE external_id = 'SM0009';",
            json!({}),
        )
        .await;
    let detail: app::model::ThreadDetail = h
        .call(
            "get_thread",
            Some(&owner),
            json!({ "thread_id": thread[0] }),
        )
        .await
        .unwrap();
    let m = detail.messages.iter().find(|m| m.text == text).unwrap();
    let c = m.classification.as_ref().expect("classified");
    use app::domain::classify::Intent;
    assert_eq!(
        c.intent_set(),
        vec![Intent::Accepted, Intent::AddressProvided]
    );
    let address = c.address.as_ref().unwrap();
    assert_eq!(
        (address.street.as_str(), address.postal_code.as_str()),
        ("12 Main St", "78701")
    );
    let evidence: Vec<&str> = c
        .intents
        .iter()
        .flat_map(|d| d.evidence.iter())
        .map(|s| &text[s.start..s.end])
        .collect();
    assert!(
        evidence.contains(&"12 Main St, Austin TX 78701"),
        "{evidence:?}"
    );
    // Our own messages are not classified.
    assert!(detail
        .messages
        .iter()
        .filter(|m| m.direction != app::model::Direction::Inbound)
        .all(|m| m.classification.is_none()));

    // Twilio retries the same message: stored once.
    let (status, _) = deliver(&h, &first, &sig).await;
    assert_eq!(status, 200);
    assert_eq!(stored(&h, "SM0001").await.len(), 1);

    // A pool number's service we do not know: found by the To number, never dropped.
    let mut pooled = sms(&phone, "Posting Friday", "SM0002");
    pooled.insert("MessagingServiceSid", format!("MG{}", "ee".repeat(16)));
    let (status, _) = deliver(&h, &pooled, &twilio_signature(&url, &pooled)).await;
    assert_eq!(status, 200);
    assert_eq!(stored(&h, "SM0002").await.len(), 1);

    // MMS: the media stay at Twilio; we keep the links.
    let mut mms = sms(&phone, "Draft attached", "SM0003");
    mms.insert("NumMedia", "1".into());
    mms.insert(
        "MediaUrl0",
        "https://api.twilio.com/2010-04-01/Accounts/x/Messages/SM0003/Media/ME1".into(),
    );
    let (status, _) = deliver(&h, &mms, &twilio_signature(&url, &mms)).await;
    assert_eq!(status, 200);
    assert!(stored(&h, "SM0003").await[0]["text"]
        .as_str()
        .unwrap()
        .contains("[media] https://api.twilio.com/"));

    // STOP and START move the number's consent.
    for (sid, word, want) in [
        ("SM0004", "STOP", "opted_out"),
        ("SM0005", "Start", "granted"),
    ] {
        let p = sms(&phone, word, sid);
        let (status, _) = deliver(&h, &p, &twilio_signature(&url, &p)).await;
        assert_eq!(status, 200);
        let got = h
            .query(
                "SELECT VALUE identities[WHERE channel = 'sms' AND address = $p][0].consent FROM ONLY type::record('creator', $c);",
                json!({ "c": creator_id, "p": phone }),
            )
            .await;
        assert_eq!(got, vec![json!(want)], "{word}");
    }

    // A stranger's message is kept in Unmatched, not dropped.
    let stranger = sms("+15005550006", "Hi, is this the brand team?", "SM0006");
    let (status, _) = deliver(&h, &stranger, &twilio_signature(&url, &stranger)).await;
    assert_eq!(status, 200);
    let parked = h
        .query(
            "SELECT address, text FROM unmatched WHERE external_id = 'SM0006';",
            json!({}),
        )
        .await;
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0]["address"], "+15005550006");
}

#[tokio::test]
async fn tampered_or_unsigned_webhooks_write_nothing() {
    let h = Harness::with_sizes(5, 2).await;
    let url = common::twilio::connect(&h, false).await.webhook_url;
    let genuine = sms("+15125550100", "Hello", "SM0100");
    let sig = twilio_signature(&url, &genuine);
    let mut changed = genuine.clone();
    changed.insert("Body", "Hello, send money".into());
    let mut other_number = genuine.clone();
    other_number.insert("To", "+14155559999".into());
    let other_url = twilio_signature("https://proxy.example/hooks/twilio/sms", &genuine);
    let cases: Vec<(&str, BTreeMap<&str, String>, String, u16)> = vec![
        ("body changed after signing", changed, sig.clone(), 403),
        ("no signature", genuine.clone(), String::new(), 403),
        ("signed for another URL", genuine.clone(), other_url, 403),
        // Answered like a wrong signature: no telling which numbers are connected.
        (
            "a number no workspace connected",
            other_number,
            sig.clone(),
            403,
        ),
    ];
    for (what, params, signature, want) in cases {
        let (status, _) = deliver(&h, &params, &signature).await;
        assert_eq!(status, want, "{what}");
    }
    let (status, _) = h
        .request(
            "POST",
            "/hooks/twilio/sms",
            &[("content-type", "application/x-www-form-urlencoded")],
            b"Body=hi".to_vec(),
        )
        .await;
    assert_eq!(status.as_u16(), 400, "To, From and MessageSid are required");
    assert!(stored(&h, "SM0100").await.is_empty());
    assert!(h
        .query("SELECT id FROM unmatched;", json!({}))
        .await
        .is_empty());
}

#[tokio::test]
async fn a_changed_auth_token_works_at_once() {
    let h = Harness::with_sizes(5, 2).await;
    let url = common::twilio::connect(&h, false).await.webhook_url;
    let first = sms("+15125550100", "Hello", "SM0200");
    let (status, _) = deliver(&h, &first, &twilio_signature(&url, &first)).await;
    assert_eq!(status, 200, "signed with the token this instance now keeps");
    // Another instance stores a new auth token while this one keeps the old.
    let new_token = "fedcba9876543210fedcba9876543210";
    h.query(
        "UPDATE sms_account SET auth_token_sealed = $s;",
        json!({ "s": server::sealed::seal(
            &h.state.config.server_secret,
            server::sealed::Field { workspace: &h.a.workspace_id, name: server::store::sms_accounts::AUTH_TOKEN },
            new_token,
        ) }),
    )
    .await;
    let second = sms("+15125550100", "Hello again", "SM0201");
    let sig = common::twilio::signature_with(new_token, &url, &second);
    let (status, _) = deliver(&h, &second, &sig).await;
    assert_eq!(status, 200, "the new token works at once");
    let third = sms("+15125550100", "Old token", "SM0202");
    let (status, _) = deliver(&h, &third, &twilio_signature(&url, &third)).await;
    assert_eq!(status, 403, "the old token no longer does");
    assert_eq!(stored(&h, "SM0200").await.len(), 1);
    assert_eq!(stored(&h, "SM0201").await.len(), 1);
    assert!(stored(&h, "SM0202").await.is_empty());
}
