//! Several channel accounts per workspace: proof of ownership against the loopback Twilio and
//! Graph endpoints (including a second workspace trying to squat a brand's number, Messaging
//! Service or Instagram account), claims held once, labels and defaults, campaign senders, and a
//! reply leaving from the mailbox the creator wrote to (real Dovecot and aiosmtpd).

use crate::common::mail::MailServers;
use crate::common::provider::{GRAPH_ACCOUNT, GRAPH_ACCOUNT_B, GRAPH_TOKEN, GRAPH_TOKEN_B};
use crate::common::twilio::{
    account_sid, account_sid_b, service_sid, service_sid_b, NUMBER, NUMBER_B, TOKEN, TOKEN_B,
};
use crate::common::Harness;
use app::api::AppError;
use app::model::*;
use serde_json::{json, Value};
use server::channels::email_imap::sync_once;
use server::outbound::dispatcher::Dispatcher;
use std::collections::BTreeMap;

fn sms(sid: &str, token: &str, numbers: &[&str], service: Option<&str>) -> Value {
    json!({ "account_sid": sid, "auth_token": token, "numbers": numbers, "messaging_service_sid": service })
}

fn invalid<T: std::fmt::Debug>(r: Result<T, AppError>, part: &str) {
    match r {
        Err(AppError::Invalid(m)) if m.contains(part) => {}
        other => panic!("expected Invalid containing {part:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn connecting_proves_ownership_and_no_workspace_can_squat_another_s_number_or_account() {
    let h = Harness::with_sizes(4, 2).await;
    let owner_a = h.sign_in_as(&h.a, Role::Owner).await;
    let owner_b = h.sign_in_as(&h.b, Role::Owner).await;
    let a = Some(owner_a.as_str());
    let b = Some(owner_b.as_str());

    // The brand (workspace A) connects its own Twilio account, number and Messaging Service.
    let ok: SmsSettings = h
        .call(
            "connect_sms",
            a,
            sms(&account_sid(), TOKEN, &[NUMBER], Some(&service_sid())),
        )
        .await
        .expect("A connects its own account");
    assert_eq!(ok.accounts.len(), 1);

    // A second workspace, with its own valid Twilio credentials, names the brand's number or
    // Messaging Service: Twilio says they are not its own.
    let theirs =
        |numbers: &[&str], service: Option<&str>| sms(&account_sid_b(), TOKEN_B, numbers, service);
    invalid(
        h.call::<SmsSettings>("connect_sms", b, theirs(&[NUMBER], None))
            .await,
        "is not a number of this Twilio account",
    );
    invalid(
        h.call::<SmsSettings>("connect_sms", b, theirs(&[NUMBER_B], Some(&service_sid())))
            .await,
        "does not belong to this Twilio account",
    );
    // Credentials Twilio refuses prove nothing.
    invalid(
        h.call::<SmsSettings>(
            "connect_sms",
            b,
            sms(&account_sid_b(), TOKEN, &[NUMBER_B], None),
        )
        .await,
        "Twilio refused",
    );
    // Even with the brand's own (leaked) credentials, what A holds stays A's.
    invalid(
        h.call::<SmsSettings>(
            "connect_sms",
            b,
            sms(&account_sid(), TOKEN, &[NUMBER], None),
        )
        .await,
        NUMBER,
    );
    // Its own account, number and service connect.
    let own: SmsSettings = h
        .call(
            "connect_sms",
            b,
            theirs(&[NUMBER_B], Some(&service_sid_b())),
        )
        .await
        .expect("B connects its own account");
    assert_eq!(own.accounts[0].numbers, vec![NUMBER_B.to_string()]);

    // Instagram: the token's own account (`/me`) must be the one claimed.
    let ig = |account: &str, token: &str| json!({ "account_id": account, "username": null, "access_token": token });
    let brand: InstagramSettings = h
        .call("connect_instagram", a, ig(GRAPH_ACCOUNT, GRAPH_TOKEN))
        .await
        .expect("A connects its Instagram account");
    assert_eq!(
        brand.accounts[0].username.as_deref(),
        Some("northstar"),
        "Meta names it"
    );
    assert_eq!(brand.accounts[0].label, "northstar");
    invalid(
        h.call::<InstagramSettings>("connect_instagram", b, ig(GRAPH_ACCOUNT, GRAPH_TOKEN_B))
            .await,
        "belongs to another Instagram account",
    );
    invalid(
        h.call::<InstagramSettings>(
            "connect_instagram",
            b,
            ig(GRAPH_ACCOUNT, &"IGQVJ".repeat(8)),
        )
        .await,
        "refused the access token",
    );
    invalid(
        h.call::<InstagramSettings>("connect_instagram", b, ig(GRAPH_ACCOUNT, GRAPH_TOKEN))
            .await,
        "already connected",
    );
    let _: InstagramSettings = h
        .call("connect_instagram", b, ig(GRAPH_ACCOUNT_B, GRAPH_TOKEN_B))
        .await
        .expect("B connects its own Instagram account");

    // Webhooks still find each workspace by what it holds.
    let claims = h
        .query(
            "SELECT id[0] AS kind, id[1] AS value, record::id(workspace) AS ws FROM channel_claim ORDER BY kind, value;",
            json!({}),
        )
        .await;
    let held_by = |kind: &str, value: &str| {
        claims
            .iter()
            .find(|c| c["kind"] == kind && c["value"] == value)
            .map(|c| c["ws"].as_str().unwrap().to_string())
    };
    assert_eq!(
        held_by("sms_number", NUMBER),
        Some(h.a.workspace_id.clone())
    );
    assert_eq!(
        held_by("sms_service", &service_sid()),
        Some(h.a.workspace_id.clone())
    );
    assert_eq!(
        held_by("sms_number", NUMBER_B),
        Some(h.b.workspace_id.clone())
    );
    assert_eq!(
        held_by("instagram", GRAPH_ACCOUNT),
        Some(h.a.workspace_id.clone())
    );
    assert_eq!(claims.len(), 8, "{claims:?}");
    // Every connection and refusal left an audit trail only for what was stored.
    let audited = h
        .query(
            "SELECT VALUE count() FROM audit_event WHERE action = 'channel.connected' GROUP ALL;",
            json!({}),
        )
        .await;
    assert_eq!(audited, [json!(4)]);
}

#[tokio::test]
async fn two_workspaces_claiming_the_same_number_at_once_cannot_both_win() {
    let h = Harness::with_sizes(2, 2).await;
    let connection =
        app::domain::twilio::validate_connection(&account_sid(), TOKEN, &[NUMBER.into()], None)
            .unwrap();
    let target = |actor: &str| server::store::Target {
        id: None,
        label: "Line".into(),
        actor: actor.into(),
    };
    let (ta, tb) = (target(&h.a.users[0].id), target(&h.b.users[0].id));
    let secret = &h.state.config.server_secret;
    let (ra, rb) = tokio::join!(
        server::store::sms_accounts::connect(&h.db, &h.a.workspace_id, secret, &ta, &connection, 1),
        server::store::sms_accounts::connect(&h.db, &h.b.workspace_id, secret, &tb, &connection, 1),
    );
    assert_eq!(
        [ra.is_ok(), rb.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "exactly one claim stands"
    );
    let accounts = h.query("SELECT id FROM sms_account;", json!({})).await;
    assert_eq!(accounts.len(), 1, "the loser wrote nothing");
}

#[tokio::test]
async fn accounts_have_labels_one_default_and_disconnect_cleanly() {
    let h = Harness::with_sizes(6, 2).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let o = Some(owner.as_str());
    let mut first = sms(&account_sid(), TOKEN, &[NUMBER, "+14155550101"], None);
    first["account"] = json!({ "label": "Northstar US" });
    let _: SmsSettings = h.call("connect_sms", o, first).await.unwrap();
    let mut second = sms(&account_sid_b(), TOKEN_B, &[NUMBER_B], None);
    second["account"] = json!({ "label": "Agency line" });
    let s: SmsSettings = h.call("connect_sms", o, second).await.unwrap();
    let labels: Vec<(&str, bool)> = s
        .accounts
        .iter()
        .map(|a| (a.label.as_str(), a.is_default))
        .collect();
    assert_eq!(labels, [("Northstar US", true), ("Agency line", false)]);
    let agency = s.accounts[1].id.clone();

    // Managers see what the workspace sends from (for campaigns), never a secret.
    let ids: Vec<SendingIdentity> = h
        .call("sending_identities", Some(&manager), json!({}))
        .await
        .unwrap();
    let sms_keys: Vec<(&str, bool)> = ids
        .iter()
        .filter(|i| i.channel == Channel::Sms)
        .map(|i| (i.key.as_str(), i.is_default))
        .collect();
    assert_eq!(
        sms_keys,
        [(NUMBER, true), ("+14155550101", false), (NUMBER_B, false)]
    );
    let refused: Result<(), AppError> = h
        .call(
            "set_default_channel",
            Some(&manager),
            json!({ "channel": "sms", "connection_id": agency }),
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );

    // The default moves; another workspace's account is not found.
    let _: () = h
        .call(
            "set_default_channel",
            o,
            json!({ "channel": "sms", "connection_id": agency }),
        )
        .await
        .unwrap();
    let s: SmsSettings = h.call("sms_settings", o, json!({})).await.unwrap();
    assert_eq!(s.accounts[0].id, agency, "the default is listed first");
    let owner_b = h.sign_in_as(&h.b, Role::Owner).await;
    let foreign: Result<(), AppError> = h
        .call(
            "disconnect_channel",
            Some(&owner_b),
            json!({ "channel": "sms", "connection_id": agency }),
        )
        .await;
    assert_eq!(foreign, Err(AppError::NotFound));

    // A campaign names the agency line; an unknown sender is refused.
    let campaign_id = h.a.campaign_ids[0].clone();
    let mut form: CampaignForm = h
        .call("campaign_form", o, json!({ "campaign_id": campaign_id }))
        .await
        .unwrap();
    form.senders.sms = Some("+15550000000".into());
    invalid(
        h.call::<CampaignForm>("save_campaign", o, json!({ "form": form }))
            .await,
        "not connected",
    );
    form.senders.sms = Some(NUMBER_B.into());
    let saved: CampaignForm = h
        .call("save_campaign", o, json!({ "form": form }))
        .await
        .unwrap();
    assert_eq!(saved.senders.sms.as_deref(), Some(NUMBER_B));

    // Disconnecting releases its claims, clears the campaign's choice, passes the default on.
    let _: () = h
        .call(
            "disconnect_channel",
            o,
            json!({ "channel": "sms", "connection_id": agency }),
        )
        .await
        .unwrap();
    let s: SmsSettings = h.call("sms_settings", o, json!({})).await.unwrap();
    assert_eq!(s.accounts.len(), 1);
    assert!(s.accounts[0].is_default);
    let form: CampaignForm = h
        .call("campaign_form", o, json!({ "campaign_id": campaign_id }))
        .await
        .unwrap();
    assert_eq!(form.senders.sms, None);
    let _: SmsSettings = h
        .call(
            "connect_sms",
            Some(&owner_b),
            sms(&account_sid_b(), TOKEN_B, &[NUMBER_B], None),
        )
        .await
        .expect("a released number can be connected elsewhere");
    let mut actions: Vec<String> = h
        .query(
            "SELECT VALUE action FROM audit_event WHERE workspace = type::record('workspace', $ws)
                 AND string::starts_with(action, 'channel.');",
            json!({ "ws": h.a.workspace_id }),
        )
        .await
        .into_iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    actions.sort();
    assert_eq!(
        actions,
        [
            "channel.connected",
            "channel.connected",
            "channel.default_changed",
            "channel.disconnected"
        ]
    );
}

const BRAND_A: &str = "partnerships@brand-a.test";
const BRAND_B: &str = "hello@brand-b.test";

#[tokio::test]
async fn a_creator_writing_to_the_second_mailbox_gets_the_reply_from_it_in_the_same_thread() {
    let h = Harness::with_sizes(24, 2).await;
    h.clock.advance(60_000);
    let (creator, threads) = h.creator_in(|n| n >= 2).await;
    let creator_email = h
        .value(
            "SELECT VALUE identities[WHERE channel = 'email'][0].address FROM ONLY type::record('creator', $c);",
            json!({ "c": creator }),
        )
        .await
        .as_str()
        .unwrap()
        .to_string();
    let users = BTreeMap::from([
        (BRAND_A.to_string(), "a-pass".to_string()),
        (BRAND_B.to_string(), "b-pass".to_string()),
        (creator_email.clone(), "creator-pass".to_string()),
    ]);
    let mail = MailServers::start(&users);
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    // An owner replies: a member's reply where the creator raised a sensitive topic would wait
    // for review (`governed_replies.rs`).
    let teammate = h.sign_in_as(&h.a, Role::Owner).await;
    let connect = |address: &str, label: &str, secret: &str| {
        let server = |port: u16| json!({ "host": "127.0.0.1", "port": port, "tls": "none", "user": address });
        json!({ "account": { "label": label }, "address": address, "display_name": label, "imap": server(mail.imap_port),
                "smtp": server(mail.smtp_port), "secret": secret })
    };
    let _: MailboxSettings = h
        .call(
            "connect_mailbox",
            Some(&owner),
            connect(BRAND_A, "Brand A", "a-pass"),
        )
        .await
        .unwrap();
    let both: MailboxSettings = h
        .call(
            "connect_mailbox",
            Some(&owner),
            connect(BRAND_B, "Brand B", "b-pass"),
        )
        .await
        .unwrap();
    let (box_a, box_b) = (both.mailboxes[0].id.clone(), both.mailboxes[1].id.clone());
    assert!(both.mailboxes[0].is_default && !both.mailboxes[1].is_default);
    // Each mailbox tests on its own.
    let tested: Result<String, AppError> = h
        .call(
            "test_mailbox",
            Some(&owner),
            json!({ "connection_id": box_b }),
        )
        .await;
    assert!(tested.is_ok(), "{tested:?}");

    // The creator writes to mailbox B (not the default) about their first campaign.
    let detail: ThreadDetail = h
        .call(
            "get_thread",
            Some(&teammate),
            json!({ "thread_id": threads[0] }),
        )
        .await
        .unwrap();
    let first = format!(
        "From: Creator <{creator_email}>\r\nTo: Brand B <{BRAND_B}>\r\nSubject: {campaign}\r\n\
         Message-ID: <creator-1@mail.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\n\r\n\
         Hi! Happy to talk about {campaign}.\r\n",
        campaign = detail.summary.campaign_name
    );
    mail.send_raw(&creator_email, BRAND_B, &first);
    assert_eq!(
        sync_once(&h.state, &box_a).await.unwrap().fetched,
        0,
        "A got nothing"
    );
    assert_eq!(sync_once(&h.state, &box_b).await.unwrap().stored, 1);
    let landed = h
        .value(
            "SELECT VALUE record::id(thread) FROM message WHERE email_message_id = 'creator-1@mail.example';",
            json!({}),
        )
        .await;
    let thread = landed
        .as_str()
        .expect("the email landed in a thread")
        .to_string();
    let other_thread = threads.iter().find(|t| **t != thread).unwrap().clone();
    let detail: ThreadDetail = h
        .call(
            "get_thread",
            Some(&teammate),
            json!({ "thread_id": thread }),
        )
        .await
        .unwrap();
    let inbound = detail.messages.last().unwrap();
    assert_eq!(
        inbound.direction,
        Direction::Inbound,
        "{:?}",
        detail.messages.last()
    );
    assert_eq!(
        inbound.via,
        Some(MessageVia {
            label: "Brand B".into(),
            address: BRAND_B.into()
        }),
        "the thread shows where it came in"
    );

    // Our reply leaves from B and answers the creator's email.
    h.clock.advance(1_000);
    let ours: MessageView = h
        .call(
            "post_message",
            Some(&teammate),
            json!({ "thread_id": thread, "kind": "reply", "text": "Great to hear from you!", "channel": "email" }),
        )
        .await
        .unwrap();
    assert_eq!(ours.via.as_ref().map(|v| v.address.as_str()), Some(BRAND_B));
    assert_eq!(
        Dispatcher::new(h.state.clone())
            .run_once()
            .await
            .unwrap()
            .sent,
        1
    );
    let got = mail.inbox(&creator_email);
    assert_eq!(got.len(), 1);
    let parsed = mail_parser::MessageParser::default()
        .parse(got[0].as_bytes())
        .unwrap();
    let from = parsed
        .from()
        .and_then(|f| f.first())
        .and_then(|a| a.address())
        .unwrap();
    assert_eq!(from, BRAND_B);
    assert_eq!(
        parsed.in_reply_to().as_text(),
        Some("creator-1@mail.example")
    );

    // In the creator's other campaign nobody wrote to us: the campaign's sender (A, which is
    // not the default once B is) is used.
    let _: () = h
        .call(
            "set_default_channel",
            Some(&owner),
            json!({ "channel": "email", "connection_id": box_b }),
        )
        .await
        .unwrap();
    let other: ThreadDetail = h
        .call(
            "get_thread",
            Some(&teammate),
            json!({ "thread_id": other_thread }),
        )
        .await
        .unwrap();
    let mut form: CampaignForm = h
        .call(
            "campaign_form",
            Some(&owner),
            json!({ "campaign_id": other.summary.campaign_id }),
        )
        .await
        .unwrap();
    form.senders.email = Some(box_a.clone());
    let _: CampaignForm = h
        .call("save_campaign", Some(&owner), json!({ "form": form }))
        .await
        .unwrap();
    h.clock.advance(1_000);
    let outreach: MessageView = h
        .call(
            "post_message",
            Some(&teammate),
            json!({ "thread_id": other_thread, "kind": "reply", "text": "A note about the other campaign", "channel": "email" }),
        )
        .await
        .unwrap();
    assert_eq!(
        outreach.via.as_ref().map(|v| v.address.as_str()),
        Some(BRAND_A)
    );
    assert_eq!(
        Dispatcher::new(h.state.clone())
            .run_once()
            .await
            .unwrap()
            .sent,
        1
    );
    let got = mail.inbox(&creator_email);
    let parsed = mail_parser::MessageParser::default()
        .parse(got.last().unwrap().as_bytes())
        .unwrap();
    let from = parsed
        .from()
        .and_then(|f| f.first())
        .and_then(|a| a.address())
        .unwrap();
    assert_eq!(from, BRAND_A);
}
