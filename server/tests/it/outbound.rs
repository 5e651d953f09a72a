//! Outbound delivery: a teammate's reply goes out on the chosen channel as a durable send job.
//! SMS goes to a Twilio Messages API bound on loopback that checks every request's shape;
//! delivery reports are signed by Twilio's own Python library; API-channel replies are posted
//! to the platform's webhook, signed. Jobs are sent once even by two dispatchers at a time,
//! retried with backoff on provider errors (the clock is the test's), and a failed message can
//! be retried by a person.

use crate::common;

use app::api::AppError;
use app::model::{ApiChannelSettings, Channel, DeliveryStatus, MessageView, Role, ThreadDetail};
use common::provider::Provider;
use common::twilio::{self, account_sid, post_signed, NUMBER};
use common::Harness;
use serde_json::{json, Value};
use server::outbound::dispatcher::{Dispatcher, Tally};
use std::collections::BTreeMap;

struct Setup {
    h: Harness,
    provider: Provider,
    member: String,
    thread: String,
    phone: String,
    status_url: String,
}

/// Workspace A with Twilio connected (to the loopback provider) and a thread whose creator can
/// get SMS.
async fn setup(service: bool) -> Setup {
    setup_with(service, &[]).await
}

async fn setup_with(service: bool, extra: &[(&str, &str)]) -> Setup {
    let provider = Provider::start().await;
    let mut vars = vec![("INBOX_TWILIO_API_URL", provider.base_url.as_str())];
    vars.extend_from_slice(extra);
    let h = Harness::with_config(12, 2, &vars).await;
    let settings = twilio::connect(&h, service).await;
    let row = h
        .query(
            "SELECT record::id(id) AS id, creator.identities[WHERE channel = 'sms' AND consent = 'granted'][0].address AS phone
             FROM thread WHERE workspace = type::record('workspace', $ws)
             AND creator.identities[WHERE channel = 'sms' AND consent = 'granted'] != [] LIMIT 1;",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    // The replies are an owner's: which seeded thread is picked varies, and a
    // member's reply where its creator raised a sensitive topic waits for review
    // (`governed_replies.rs`) instead of going out.
    let member = h.sign_in_as(&h.a, Role::Owner).await;
    Setup {
        thread: row[0]["id"].as_str().unwrap().to_string(),
        phone: row[0]["phone"].as_str().unwrap().to_string(),
        status_url: settings.status_callback_url,
        member,
        provider,
        h,
    }
}

async fn reply(
    h: &Harness,
    cookie: &str,
    thread: &str,
    text: &str,
    channel: Option<&str>,
) -> Result<MessageView, AppError> {
    h.call(
        "post_message",
        Some(cookie),
        json!({ "thread_id": thread, "kind": "reply", "text": text, "channel": channel }),
    )
    .await
}

async fn message(h: &Harness, id: &str) -> Value {
    h.query(
        "SELECT status, failure_reason, external_id, to_address FROM message WHERE id = type::record('message', $m);",
        json!({ "m": id }),
    )
    .await
    .into_iter()
    .next()
    .expect("message")
}

fn status_of(v: &Value) -> DeliveryStatus {
    serde_json::from_value(v["status"].clone()).unwrap()
}

async fn report(s: &Setup, sid: &str, status: &str, error: Option<&str>) -> u16 {
    let mut p = BTreeMap::from([
        ("AccountSid", account_sid()),
        ("MessageSid", sid.to_string()),
        ("MessageStatus", status.to_string()),
        ("To", s.phone.clone()),
        ("From", NUMBER.to_string()),
        ("ApiVersion", "2010-04-01".to_string()),
    ]);
    if let Some(code) = error {
        p.insert("ErrorCode", code.to_string());
    }
    let sig = twilio::signature(&s.status_url, &p);
    post_signed(&s.h, "/hooks/twilio/status", &p, &sig).await.0
}

#[tokio::test]
async fn an_sms_reply_is_sent_once_and_its_delivery_reports_move_it_forward() {
    let s = setup(false).await;
    let h = &s.h;
    let detail: ThreadDetail = h
        .call(
            "get_thread",
            Some(&s.member),
            json!({ "thread_id": s.thread }),
        )
        .await
        .unwrap();
    assert!(detail.reply.allows(Channel::Sms), "{:?}", detail.reply);
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let checked: Result<String, AppError> = h
        .call("test_channel", Some(&owner), json!({ "channel": "sms" }))
        .await;
    assert!(
        checked
            .as_deref()
            .is_ok_and(|m| m.contains("Twilio accepts")),
        "{checked:?}"
    );
    let not_owner: Result<String, AppError> = h
        .call(
            "test_channel",
            Some(&h.sign_in_as(&h.a, Role::Member).await),
            json!({ "channel": "sms" }),
        )
        .await;
    assert!(
        matches!(not_owner, Err(AppError::Forbidden(_))),
        "{not_owner:?}"
    );
    assert!(
        !detail.reply.allows(Channel::Email),
        "no mailbox is connected"
    );

    let m = reply(
        h,
        &s.member,
        &s.thread,
        "Your package ships Monday 📦",
        Some("sms"),
    )
    .await
    .unwrap();
    assert_eq!(
        (m.channel, m.status),
        (Channel::Sms, DeliveryStatus::Queued)
    );
    let d = Dispatcher::new(h.state.clone());
    assert_eq!(
        d.run_once().await.unwrap(),
        Tally {
            sent: 1,
            retrying: 0,
            failed: 0
        }
    );
    assert_eq!(
        d.run_once().await.unwrap().total(),
        0,
        "nothing is sent twice"
    );
    let sent = s.provider.sms();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, s.phone);
    assert_eq!(sent[0].body, "Your package ships Monday 📦");
    assert_eq!(sent[0].from.as_deref(), Some(NUMBER));
    assert_eq!(sent[0].status_callback, s.status_url);
    let row = message(h, &m.id).await;
    assert_eq!(status_of(&row), DeliveryStatus::Sent);
    assert_eq!(row["external_id"], json!(sent[0].sid));
    assert_eq!(row["to_address"], json!(s.phone));

    // Delivery reports: forward only, signed, idempotent.
    assert_eq!(report(&s, &sent[0].sid, "delivered", None).await, 204);
    assert_eq!(
        status_of(&message(h, &m.id).await),
        DeliveryStatus::Delivered
    );
    assert_eq!(report(&s, &sent[0].sid, "sent", None).await, 204);
    assert_eq!(report(&s, &sent[0].sid, "failed", Some("30003")).await, 204);
    assert_eq!(
        status_of(&message(h, &m.id).await),
        DeliveryStatus::Delivered,
        "a late report never moves it back"
    );

    // A tampered report is refused and changes nothing.
    let p = BTreeMap::from([
        ("AccountSid", account_sid()),
        ("MessageSid", sent[0].sid.clone()),
        ("MessageStatus", "read".to_string()),
    ]);
    let sig = twilio::signature(&s.status_url, &p);
    let mut forged = p.clone();
    forged.insert("MessageStatus", "undelivered".to_string());
    assert_eq!(
        post_signed(h, "/hooks/twilio/status", &forged, &sig)
            .await
            .0,
        403
    );
    assert_eq!(
        post_signed(h, "/hooks/twilio/status", &p, "bm90IGEgc2lnbmF0dXJl")
            .await
            .0,
        403
    );
    assert_eq!(
        status_of(&message(h, &m.id).await),
        DeliveryStatus::Delivered
    );
}

#[tokio::test]
async fn a_messaging_service_sends_and_an_undelivered_report_explains_why() {
    let s = setup(true).await;
    let h = &s.h;
    let m = reply(h, &s.member, &s.thread, "Did the code work?", Some("sms"))
        .await
        .unwrap();
    Dispatcher::new(h.state.clone()).run_once().await.unwrap();
    let sent = s.provider.sms();
    assert_eq!(sent[0].service, Some(twilio::service_sid()));
    assert_eq!(sent[0].from, None);
    assert_eq!(
        report(&s, &sent[0].sid, "undelivered", Some("30006")).await,
        204
    );
    let row = message(h, &m.id).await;
    assert_eq!(status_of(&row), DeliveryStatus::Failed);
    assert!(
        row["failure_reason"].as_str().unwrap().contains("30006"),
        "{row}"
    );
    // The thread shows the reason.
    let detail: ThreadDetail = h
        .call(
            "get_thread",
            Some(&s.member),
            json!({ "thread_id": s.thread }),
        )
        .await
        .unwrap();
    let shown = detail.messages.iter().find(|x| x.id == m.id).unwrap();
    assert!(
        shown
            .failure_reason
            .as_deref()
            .unwrap()
            .contains("landline"),
        "{shown:?}"
    );
}

#[tokio::test]
async fn two_dispatchers_send_every_job_exactly_once() {
    let s = setup(false).await;
    let h = &s.h;
    let mut ids = Vec::new();
    for i in 0..24 {
        ids.push(
            reply(h, &s.member, &s.thread, &format!("update {i}"), Some("sms"))
                .await
                .unwrap()
                .id,
        );
    }
    let (a, b) = (
        Dispatcher::new(h.state.clone()),
        Dispatcher::new(h.state.clone()),
    );
    let (ta, tb) = tokio::join!(a.run_once(), b.run_once());
    let (ta, tb) = (ta.unwrap(), tb.unwrap());
    // Whatever a pass left (claims lost to the other worker are not errors) goes on the next.
    let rest = a.run_once().await.unwrap();
    assert_eq!(ta.sent + tb.sent + rest.sent, 24, "{ta:?} {tb:?} {rest:?}");
    let mut bodies: Vec<String> = s.provider.sms().into_iter().map(|m| m.body).collect();
    bodies.sort();
    bodies.dedup();
    assert_eq!(bodies.len(), 24, "each message sent once");
    assert_eq!(s.provider.sms().len(), 24);
    for id in ids {
        assert_eq!(status_of(&message(h, &id).await), DeliveryStatus::Sent);
    }
}

#[tokio::test]
async fn provider_errors_are_retried_with_backoff_then_sent() {
    let s = setup(false).await;
    let h = &s.h;
    s.provider.script(
        503,
        r#"{"code":20500,"message":"Internal Server Error","status":503}"#,
    );
    s.provider.script(
        429,
        r#"{"code":20429,"message":"Too Many Requests","status":429}"#,
    );
    let m = reply(h, &s.member, &s.thread, "Checking in", Some("sms"))
        .await
        .unwrap();
    let d = Dispatcher::new(h.state.clone());
    assert_eq!(d.run_once().await.unwrap().retrying, 1);
    assert_eq!(status_of(&message(h, &m.id).await), DeliveryStatus::Queued);
    assert_eq!(
        d.run_once().await.unwrap().total(),
        0,
        "not due before its backoff"
    );
    h.clock.advance(29_000);
    assert_eq!(d.run_once().await.unwrap().total(), 0);
    h.clock.advance(1_000);
    assert_eq!(
        d.run_once().await.unwrap().retrying,
        1,
        "second attempt: rate limited"
    );
    h.clock.advance(119_000);
    assert_eq!(d.run_once().await.unwrap().total(), 0);
    h.clock.advance(1_000);
    assert_eq!(
        d.run_once().await.unwrap().sent,
        1,
        "third attempt goes through"
    );
    assert_eq!(s.provider.sms().len(), 1);
    assert_eq!(status_of(&message(h, &m.id).await), DeliveryStatus::Sent);
}

#[tokio::test]
async fn a_refused_send_fails_with_its_reason_and_a_person_can_retry_it() {
    let s = setup(false).await;
    let h = &s.h;
    s.provider.script(
        400,
        r#"{"code":21211,"message":"The 'To' number is not a valid phone number.","status":400}"#,
    );
    let m = reply(h, &s.member, &s.thread, "Hello again", Some("sms"))
        .await
        .unwrap();
    let d = Dispatcher::new(h.state.clone());
    assert_eq!(d.run_once().await.unwrap().failed, 1);
    let row = message(h, &m.id).await;
    assert_eq!(status_of(&row), DeliveryStatus::Failed);
    assert!(
        row["failure_reason"].as_str().unwrap().contains("21211"),
        "{row}"
    );
    let audit = h
        .query(
            "SELECT action, detail FROM audit_event WHERE subject = $s;",
            json!({ "s": format!("message:{}", m.id) }),
        )
        .await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["action"], "message.send_failed");

    let viewer = h.sign_in_as(&h.a, Role::Viewer).await;
    let refused: Result<(), AppError> = h
        .call(
            "retry_message",
            Some(&viewer),
            json!({ "message_id": m.id }),
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let other = h.sign_in_as(&h.b, Role::Owner).await;
    let foreign: Result<(), AppError> = h
        .call("retry_message", Some(&other), json!({ "message_id": m.id }))
        .await;
    assert_eq!(foreign, Err(AppError::NotFound));

    let ok: Result<(), AppError> = h
        .call(
            "retry_message",
            Some(&s.member),
            json!({ "message_id": m.id }),
        )
        .await;
    assert_eq!(ok, Ok(()));
    assert_eq!(status_of(&message(h, &m.id).await), DeliveryStatus::Queued);
    let again: Result<(), AppError> = h
        .call(
            "retry_message",
            Some(&s.member),
            json!({ "message_id": m.id }),
        )
        .await;
    assert!(
        matches!(again, Err(AppError::Invalid(_))),
        "only failed messages: {again:?}"
    );
    assert_eq!(d.run_once().await.unwrap().sent, 1);
    assert_eq!(s.provider.sms().len(), 1);
    let row = message(h, &m.id).await;
    assert_eq!(status_of(&row), DeliveryStatus::Sent);
    assert_eq!(row["failure_reason"], Value::Null);
}

#[tokio::test]
async fn a_creator_who_replied_stop_gets_no_more_sms() {
    let s = setup(false).await;
    let h = &s.h;
    // Queued before the STOP arrives: checked again at send time.
    let queued = reply(h, &s.member, &s.thread, "One more thing", Some("sms"))
        .await
        .unwrap();
    let stop = BTreeMap::from([
        ("AccountSid", account_sid()),
        ("From", s.phone.clone()),
        ("To", NUMBER.to_string()),
        ("Body", "STOP".to_string()),
        ("MessageSid", "SMstop0001".to_string()),
    ]);
    let url = format!(
        "{}/hooks/twilio/sms",
        s.status_url.trim_end_matches("/hooks/twilio/status")
    );
    let (code, _) = post_signed(
        h,
        "/hooks/twilio/sms",
        &stop,
        &twilio::signature(&url, &stop),
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(
        Dispatcher::new(h.state.clone())
            .run_once()
            .await
            .unwrap()
            .failed,
        1
    );
    assert!(s.provider.sms().is_empty(), "nothing reached Twilio");
    let row = message(h, &queued.id).await;
    assert!(
        row["failure_reason"]
            .as_str()
            .unwrap()
            .contains("opted out"),
        "{row}"
    );

    // The composer says why, and the server refuses an SMS reply.
    let detail: ThreadDetail = h
        .call(
            "get_thread",
            Some(&s.member),
            json!({ "thread_id": s.thread }),
        )
        .await
        .unwrap();
    let sms = detail
        .reply
        .options
        .iter()
        .find(|o| o.channel == Channel::Sms)
        .unwrap();
    assert!(!sms.available);
    assert!(sms.detail.contains("opted out"), "{sms:?}");
    assert_ne!(detail.reply.default, Some(Channel::Sms));
    let refused = reply(h, &s.member, &s.thread, "Are you there?", Some("sms")).await;
    assert!(
        matches!(refused, Err(AppError::Invalid(ref m)) if m.contains("opted out")),
        "{refused:?}"
    );
    // The default still reaches them on another channel.
    let fallback = reply(h, &s.member, &s.thread, "Are you there?", None)
        .await
        .unwrap();
    assert_ne!(fallback.channel, Channel::Sms);
}

#[tokio::test]
async fn a_reply_on_the_api_channel_is_posted_signed_to_the_platform() {
    let provider = Provider::start().await;
    let h = Harness::with_sizes(6, 2).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let url = format!("{}/webhook", provider.base_url);
    let refused: Result<ApiChannelSettings, AppError> = h
        .call("set_api_outbound_url", Some(&member), json!({ "url": url }))
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let bad: Result<ApiChannelSettings, AppError> = h
        .call(
            "set_api_outbound_url",
            Some(&owner),
            json!({ "url": "http://market.example/x" }),
        )
        .await;
    assert!(matches!(bad, Err(AppError::Invalid(_))), "{bad:?}");
    let settings: ApiChannelSettings = h
        .call("set_api_outbound_url", Some(&owner), json!({ "url": url }))
        .await
        .unwrap();
    assert_eq!(settings.outbound_url.as_deref(), Some(url.as_str()));

    // The creator writes through the platform.
    let creator = h
        .query(
            "SELECT identities[WHERE channel = 'email'][0].address AS email FROM creator
             WHERE workspace = type::record('workspace', $ws) LIMIT 1;",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    let email = creator[0]["email"].as_str().unwrap();
    let body = json!({ "event_id": "mkt-77", "creator": { "email": email }, "text": "Is the brief final?" }).to_string();
    let ts = (common::NOW / 1000).to_string();
    let sig = server::channels::signature::sign(&settings.secret, &ts, body.as_bytes());
    let (status, text) = h
        .request(
            "POST",
            &format!("/hooks/api/{}", h.a.workspace_id),
            &[
                ("content-type", "application/json"),
                ("x-inbox-timestamp", &ts),
                ("x-inbox-signature", &sig),
            ],
            body.into_bytes(),
        )
        .await;
    assert_eq!(status.as_u16(), 202, "{text}");
    let thread = serde_json::from_str::<Value>(&text).unwrap()["thread_id"]
        .as_str()
        .unwrap()
        .to_string();

    let detail: ThreadDetail = h
        .call("get_thread", Some(&member), json!({ "thread_id": thread }))
        .await
        .unwrap();
    assert_eq!(
        detail.reply.default,
        Some(Channel::Api),
        "{:?}",
        detail.reply
    );
    let m = reply(&h, &member, &thread, "Yes — final as of today.", None)
        .await
        .unwrap();
    assert_eq!(
        (m.channel, m.status),
        (Channel::Api, DeliveryStatus::Queued)
    );
    provider.script(502, "");
    let d = Dispatcher::new(h.state.clone());
    assert_eq!(d.run_once().await.unwrap().retrying, 1);
    h.clock.advance(30_000);
    assert_eq!(d.run_once().await.unwrap().sent, 1);
    let posts = provider.posts();
    assert_eq!(posts.len(), 1);
    let p = &posts[0];
    assert_eq!(
        p.signature,
        server::channels::signature::sign(&settings.secret, &p.timestamp, p.body.as_bytes()),
        "signed with the workspace's key over the raw body"
    );
    let sent: Value = serde_json::from_str(&p.body).unwrap();
    assert_eq!(sent["event_id"], json!(m.id));
    assert_eq!(sent["thread_id"], json!(thread));
    assert_eq!(sent["creator"]["email"], json!(email));
    assert_eq!(sent["text"], "Yes — final as of today.");
    assert_eq!(status_of(&message(&h, &m.id).await), DeliveryStatus::Sent);
}

#[tokio::test]
async fn an_sms_answer_joins_the_campaign_we_last_texted_else_is_flagged() {
    let s = setup(false).await;
    let h = &s.h;
    // A creator in two campaigns, both open, with a number that texts us and no SMS from us yet
    // (nor the thread's record of one: `last_outbound` decides which thread an SMS answers).
    let (creator, threads) = h.creator_in(|n| n >= 2).await;
    let phone = "+15125550999".to_string();
    h.query(
        "UPDATE type::record('creator', $c) SET identities = array::append(identities[WHERE channel != 'sms'],
             { channel: 'sms', address: $p, consent: 'granted' });
         UPDATE thread SET stage = 'negotiating' WHERE creator = type::record('creator', $c);
         DELETE message WHERE thread.creator = type::record('creator', $c) AND channel = 'sms' AND direction = 'outbound';
         UPDATE thread UNSET last_outbound.sms WHERE creator = type::record('creator', $c);",
        json!({ "c": creator, "p": phone }),
    )
    .await;
    let member = s.member.clone();
    let detail = |t: String| {
        let member = member.clone();
        async move {
            h.call::<ThreadDetail>("get_thread", Some(&member), json!({ "thread_id": t }))
                .await
                .unwrap()
        }
    };
    // The older of the two threads is the one we text.
    let (a, b) = (
        detail(threads[0].clone()).await,
        detail(threads[1].clone()).await,
    );
    let (older, newer) = if a.summary.last_at < b.summary.last_at {
        (a, b)
    } else {
        (b, a)
    };
    let url = s
        .status_url
        .replace("/hooks/twilio/status", "/hooks/twilio/sms");
    // Texts us (signed as Twilio signs); answers the thread the message went to and its flag.
    let text_in = |sid: &'static str, body: &'static str| {
        let (url, phone) = (url.clone(), phone.clone());
        async move {
            let p = BTreeMap::from([
                ("AccountSid", account_sid()),
                ("From", phone),
                ("To", NUMBER.to_string()),
                ("Body", body.to_string()),
                ("MessageSid", sid.to_string()),
            ]);
            let sig = twilio::signature(&url, &p);
            assert_eq!(post_signed(h, "/hooks/twilio/sms", &p, &sig).await.0, 200);
            let m = h
                .query(
                    "SELECT record::id(thread) AS t, check_campaign FROM message WHERE external_id = $sid;",
                    json!({ "sid": sid }),
                )
                .await;
            (m[0]["t"].clone(), m[0]["check_campaign"].clone())
        }
    };
    // No SMS from us yet: two open campaigns, so the latest one, flagged for a person to check.
    h.clock.advance(1_000);
    let (t, flag) = text_in("SMattr1", "Quick question about the brief").await;
    assert_eq!(t, json!(newer.summary.id));
    assert_eq!(flag, json!(true));
    // We text them in the older campaign; their answer joins it, unflagged.
    h.clock.advance(1_000);
    // The seeded conversation raised a rate: an owner's reply goes out (a member's would wait
    // for review, `governed_replies.rs`).
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    reply(
        h,
        &owner,
        &older.summary.id,
        "Did the package arrive?",
        Some("sms"),
    )
    .await
    .unwrap();
    Dispatcher::new(h.state.clone()).run_once().await.unwrap();
    h.clock.advance(1_000);
    let (t, flag) = text_in("SMattr2", "Yes, it arrived today!").await;
    assert_eq!(t, json!(older.summary.id));
    assert_eq!(flag, Value::Null);
}

/// Queues SMS replies `label 0`, `label 1`… in the setup's thread; their ids.
async fn queue(s: &Setup, n: std::ops::Range<usize>, label: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for i in n {
        let m = reply(
            &s.h,
            &s.member,
            &s.thread,
            &format!("{label} {i}"),
            Some("sms"),
        )
        .await
        .unwrap();
        ids.push(m.id);
    }
    ids
}

#[tokio::test]
async fn provider_faults_deliver_every_send_once_and_an_interrupted_send_is_never_repeated() {
    let s = setup(false).await;
    let h = &s.h;
    let d = Dispatcher::new(h.state.clone());
    let hour = 61 * 60_000;
    let sent_bodies = || {
        let mut b: Vec<String> = s.provider.sms().into_iter().map(|m| m.body).collect();
        b.sort();
        b
    };

    // Failing half the time: every message goes out once, as its retries come due.
    s.provider.fail_half(true);
    let flaky = queue(&s, 0..12, "flaky").await;
    for _ in 0..6 {
        d.run_once().await.unwrap();
        h.clock.advance(hour);
    }
    s.provider.fail_half(false);
    for id in &flaky {
        assert_eq!(status_of(&message(h, id).await), DeliveryStatus::Sent);
    }

    // Down for a while: nothing is lost; it all goes out once the provider is back.
    s.provider.down().await;
    let waiting = queue(&s, 0..4, "outage").await;
    let during = d.run_once().await.unwrap();
    assert_eq!(during.retrying, 4, "{during:?}");
    h.clock.advance(60_000);
    assert_eq!(d.run_once().await.unwrap().retrying, 4);
    s.provider.up().await;
    h.clock.advance(hour);
    assert_eq!(d.run_once().await.unwrap().sent, 4);
    for id in &waiting {
        assert_eq!(status_of(&message(h, id).await), DeliveryStatus::Sent);
    }

    // Down past the last retry: the message fails with its reason, for a person to retry.
    s.provider.down().await;
    let lost = queue(&s, 0..1, "too long").await;
    for _ in 0..app::domain::delivery::MAX_ATTEMPTS {
        d.run_once().await.unwrap();
        h.clock.advance(hour);
    }
    let failed = message(h, &lost[0]).await;
    assert_eq!(status_of(&failed), DeliveryStatus::Failed);
    assert!(
        failed["failure_reason"]
            .as_str()
            .is_some_and(|r| r.contains("could not be reached")),
        "{failed}"
    );
    s.provider.up().await;

    // A worker claims a send and dies mid-send: it is never sent again automatically.
    let cut = queue(&s, 0..1, "interrupted").await;
    let job = h
        .value(
            "SELECT VALUE record::id(id) FROM outbound_job WHERE message = type::record('message', $m);",
            json!({ "m": cut[0] }),
        )
        .await;
    let now = h.state.clock.now_ms();
    let claimed = server::store::jobs::claim(&h.state.db, job.as_str().unwrap(), "gone", now)
        .await
        .unwrap();
    assert!(claimed.is_some());
    h.clock.advance(server::store::jobs::LEASE_MS + 1_000);
    d.run_once().await.unwrap();
    let held = message(h, &cut[0]).await;
    assert_eq!(status_of(&held), DeliveryStatus::Failed);
    assert_eq!(
        held["failure_reason"].as_str(),
        Some(app::domain::delivery::INTERRUPTED)
    );

    // Every message that went out went out exactly once.
    let bodies = sent_bodies();
    let mut unique = bodies.clone();
    unique.dedup();
    assert_eq!(bodies, unique, "nothing sent twice");
    assert_eq!(bodies.len(), flaky.len() + waiting.len());
}

#[tokio::test]
async fn a_provider_that_takes_a_send_and_never_answers_gets_it_held_for_a_person_not_repeated() {
    let s = setup_with(false, &[("INBOX_PROVIDER_TIMEOUT_SECS", "2")]).await;
    let h = &s.h;
    let d = Dispatcher::new(h.state.clone());
    s.provider.stall(true);
    let ids = queue(&s, 0..2, "unanswered").await;
    let started = std::time::Instant::now();
    let pass = d.run_once().await.unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "a silent provider holds a pass only as long as its timeout"
    );
    assert_eq!(pass.failed, 2, "{pass:?}");
    for id in &ids {
        let m = message(h, id).await;
        assert_eq!(status_of(&m), DeliveryStatus::Failed);
        let reason = m["failure_reason"].as_str().unwrap_or_default();
        assert!(
            reason.contains("did not answer in time") && reason.contains("may have gone out"),
            "{m}"
        );
    }
    // Answering again, hours later: nothing goes out a second time by itself.
    s.provider.stall(false);
    h.clock.advance(2 * 3_600_000);
    assert_eq!(d.run_once().await.unwrap().total(), 0);
    assert_eq!(
        s.provider.sms().len(),
        ids.len(),
        "each reached the provider once"
    );
}
