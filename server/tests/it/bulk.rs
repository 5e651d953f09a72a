//! Bulk messages through real local endpoints: emails through an aiosmtpd SMTP server into
//! Dovecot mailboxes (read back over IMAP), SMS through a Twilio Messages API on loopback.
//! Every allowed recipient gets exactly one personalized message, skipped ones are reported
//! with their reasons, replies thread back to each creator's thread, one approval releases a
//! paid campaign's batch, scheduling waits for its time, and cancel stops the rest. The
//! clock is the test's; nothing sleeps for a schedule.

use crate::common;

use app::api::AppError;
use app::model::bulk::*;
use app::model::{Channel, Role};
use common::mail::MailServers;
use common::provider::Provider;
use common::twilio::{self, account_sid, post_signed, NUMBER};
use common::Harness;
use serde_json::{json, Value};
use server::channels::email_imap::sync_once;
use server::outbound::dispatcher::Dispatcher;
use std::collections::{BTreeMap, HashMap, HashSet};

const TEAM: &str = "team@northstar.test";

/// One thread per creator of workspace A (their first), with the creator's name and addresses.
async fn one_thread_per_creator(h: &Harness) -> Vec<Value> {
    let rows = h
        .query(
            "SELECT record::id(id) AS id, record::id(creator) AS creator, creator_name, stage, campaign.kind AS kind,
                 creator.identities AS identities FROM thread
             WHERE workspace = type::record('workspace', $ws) ORDER BY id;",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    let mut seen = HashSet::new();
    rows.into_iter()
        .filter(|r| seen.insert(r["creator"].as_str().unwrap().to_string()))
        .collect()
}

async fn drain(h: &Harness) -> usize {
    let d = Dispatcher::new(h.state.clone());
    let mut sent = 0;
    loop {
        let t = d.run_once().await.unwrap();
        sent += t.sent;
        if t.total() == 0 {
            return sent;
        }
    }
}

async fn view(h: &Harness, cookie: &str, id: &str) -> BulkView {
    h.call("load_bulk", Some(cookie), json!({ "id": id }))
        .await
        .unwrap()
}

fn selection(threads: &[String]) -> Value {
    json!({ "Threads": threads })
}

/// `create_bulk` as the browser calls it: the new bulk message's id.
async fn create(
    h: &Harness,
    cookie: &str,
    threads: &[String],
    compose: &Value,
    schedule_at: Option<i64>,
) -> Result<String, AppError> {
    h.call(
        "create_bulk",
        Some(cookie),
        json!({ "selection": selection(threads), "compose": compose, "schedule_at": schedule_at }),
    )
    .await
}

#[tokio::test]
async fn bulk_to_200_creators_over_real_mail_and_sms_reaches_each_once_and_replies_thread_back() {
    let provider = Provider::start().await;
    let h = Harness::with_config(
        200,
        2,
        &[
            ("INBOX_TWILIO_API_URL", &provider.base_url),
            ("INBOX_BULK_EMAIL_PER_MINUTE", "0"),
            ("INBOX_BULK_SMS_PER_MINUTE", "0"),
        ],
    )
    .await;
    h.clock.advance(60_000);
    let settings = twilio::connect(&h, false).await;
    let threads = one_thread_per_creator(&h).await;
    assert_eq!(threads.len(), 200);

    // Some creators cannot be reached: all addresses opted out (and they last wrote by email, not
    // in their portal, which an opt-out does not close); Instagram only (last wrote there); finished. They are
    // picked among open threads (the seed finishes some of its own).
    let open: Vec<usize> = (0..threads.len())
        .filter(|&i| !["completed", "declined"].contains(&threads[i]["stage"].as_str().unwrap()))
        .collect();
    let (a, b, c, sample) = (open[0], open[1], open[2], open[3]);
    let opted_out = threads[a]["creator"].as_str().unwrap().to_string();
    let insta_only = threads[b]["creator"].as_str().unwrap().to_string();
    let completed = threads[c]["id"].as_str().unwrap().to_string();
    h.query(
        "UPDATE type::record('creator', $a) SET identities = identities.map(|$i| IF $i.channel IN ['email', 'sms']
             THEN { channel: $i.channel, address: $i.address, consent: 'opted_out' } ELSE $i END);
         UPDATE type::record('creator', $b) SET identities = [{ channel: 'instagram', address: 'only.dm', consent: 'unknown' }];
         UPDATE type::record('thread', $t) SET stage = 'completed';
         UPDATE thread SET last_inbound_channel = 'email' WHERE creator = type::record('creator', $a);
         UPDATE thread SET last_inbound_channel = 'instagram' WHERE creator = type::record('creator', $b);",
        json!({ "a": opted_out, "b": insta_only, "t": completed }),
    )
    .await;

    // A real mailbox for the team and every creator.
    let mut users = BTreeMap::from([(TEAM.to_string(), "team-pass-1".to_string())]);
    for t in &threads {
        for i in t["identities"].as_array().unwrap() {
            if i["channel"] == "email" {
                users.insert(
                    i["address"].as_str().unwrap().to_string(),
                    "creator-pass".into(),
                );
            }
        }
    }
    let mail = MailServers::start(&users);
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let viewer = h.sign_in_as(&h.a, Role::Viewer).await;
    let server =
        |port: u16| json!({ "host": "127.0.0.1", "port": port, "tls": "none", "user": TEAM });
    let connected: Result<Value, AppError> = h
        .call(
            "connect_mailbox",
            Some(&owner),
            json!({ "address": TEAM, "display_name": "Northstar Team", "imap": server(mail.imap_port),
                    "smtp": server(mail.smtp_port), "secret": "team-pass-1" }),
        )
        .await;
    let mailbox = connected.expect("connect_mailbox")["mailboxes"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let ids: Vec<String> = threads
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    let compose = json!({ "subject": "{{campaign}}: next steps", "body": "Hi {{first_name}}, quick update on {{campaign}} from {{sender}}." });

    // The preview names each skip's reason; a viewer may not even preview.
    let refused: Result<BulkPreview, AppError> = h
        .call(
            "preview_bulk_message",
            Some(&viewer),
            json!({ "selection": selection(&ids), "compose": compose, "sample": null }),
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let preview: BulkPreview = h
        .call(
            "preview_bulk_message",
            Some(&member),
            json!({ "selection": selection(&ids), "compose": compose, "sample": ids[sample] }),
        )
        .await
        .unwrap();
    assert_eq!(preview.total, 200);
    let reason_of = |thread: &str| {
        preview
            .recipients
            .iter()
            .find(|r| r.thread_id == thread)
            .and_then(|r| r.skip.clone())
    };
    assert_eq!(reason_of(&ids[a]).as_deref(), Some("opted out"));
    assert!(reason_of(&ids[b])
        .unwrap()
        .contains("bulk DMs are not allowed"));
    assert_eq!(
        reason_of(&ids[c]).as_deref(),
        Some("campaign completed for this creator")
    );
    let first_name = threads[sample]["creator_name"]
        .as_str()
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    assert_eq!(preview.sample_thread.as_deref(), Some(ids[sample].as_str()));
    assert!(preview
        .sample
        .as_deref()
        .unwrap()
        .starts_with(&format!("Hi {first_name}, quick update on ")));
    let skipped: u32 = preview.skipped.iter().map(|(_, n)| n).sum();
    let sending: u32 = preview.by_channel.iter().map(|(_, n)| n).sum();
    assert_eq!(skipped + sending, 200);
    assert!(
        preview
            .by_channel
            .iter()
            .any(|(c, n)| *c == Channel::Email && *n > 100),
        "{:?}",
        preview.by_channel
    );
    assert!(
        preview
            .by_channel
            .iter()
            .any(|(c, n)| *c == Channel::Sms && *n > 0),
        "{:?}",
        preview.by_channel
    );
    assert!(preview
        .by_channel
        .iter()
        .all(|(c, _)| *c != Channel::Instagram));
    // Paid campaigns are among them: a member's batch needs one approval.
    assert!(
        preview
            .approval
            .as_deref()
            .unwrap()
            .contains("needs one approval"),
        "{:?}",
        preview.approval
    );

    let id: String = create(&h, &member, &ids, &compose, None).await.unwrap();
    let waiting = view(&h, &member, &id).await;
    assert_eq!(waiting.state, BulkState::PendingApproval);
    assert_eq!(waiting.counts.waiting, sending);
    assert_eq!(waiting.counts.skipped, skipped);
    assert!(
        !waiting.can_approve,
        "the member who wrote it cannot approve it"
    );
    let not_yours: Result<BulkView, AppError> = h
        .call(
            "decide_bulk",
            Some(&member),
            json!({ "id": id, "approve": true }),
        )
        .await;
    assert!(
        matches!(not_yours, Err(AppError::Forbidden(_))),
        "{not_yours:?}"
    );
    assert_eq!(drain(&h).await, 0, "nothing goes out before approval");

    let approved: BulkView = h
        .call(
            "decide_bulk",
            Some(&manager),
            json!({ "id": id, "approve": true }),
        )
        .await
        .unwrap();
    assert_eq!(approved.state, BulkState::Sending);
    assert!(approved.decided_by_name.is_some());
    assert_eq!(approved.counts.queued + approved.counts.sent, sending);
    let again: Result<BulkView, AppError> = h
        .call(
            "decide_bulk",
            Some(&owner),
            json!({ "id": id, "approve": true }),
        )
        .await;
    assert!(matches!(again, Err(AppError::Invalid(_))), "{again:?}");

    assert_eq!(
        drain(&h).await as u32,
        preview
            .by_channel
            .iter()
            .filter(|(c, _)| *c != Channel::InApp)
            .map(|(_, n)| n)
            .sum::<u32>()
    );
    let done = view(&h, &member, &id).await;
    assert_eq!(done.counts.sent, sending, "{:?}", done.counts);
    assert_eq!(
        (done.counts.queued, done.counts.failed, done.counts.waiting),
        (0, 0, 0)
    );
    assert!(done.counts.finished());
    assert_eq!(done.problems.len() as u32, skipped);

    // Each recipient's message is in their own thread, personalized, exactly once.
    let entries = h
        .query(
            "SELECT record::id(thread) AS thread, channel, text, to_address, email_message_id FROM message
             WHERE bulk = type::record('bulk_send', $id);",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(entries.len() as u32, sending);
    let by_thread: HashMap<String, &Value> = entries
        .iter()
        .map(|e| (e["thread"].as_str().unwrap().to_string(), e))
        .collect();
    assert_eq!(by_thread.len(), entries.len(), "one entry per thread");
    for t in &threads {
        let id = t["id"].as_str().unwrap();
        if let Some(e) = by_thread.get(id) {
            let first = t["creator_name"]
                .as_str()
                .unwrap()
                .split(' ')
                .next()
                .unwrap();
            assert!(
                e["text"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("Hi {first},")),
                "{e}"
            );
        }
    }
    // SMS: one per number, to the right creator.
    let sms = provider.sms();
    let sms_entries: Vec<&Value> = entries.iter().filter(|e| e["channel"] == "sms").collect();
    assert_eq!(sms.len(), sms_entries.len());
    let numbers: HashSet<&str> = sms.iter().map(|s| s.to.as_str()).collect();
    assert_eq!(numbers.len(), sms.len(), "no number got two");
    // Email: each creator's mailbox got exactly one, with its own Message-ID.
    let email_entries: Vec<&Value> = entries.iter().filter(|e| e["channel"] == "email").collect();
    let counts: BTreeMap<String, (usize, Vec<String>)> = serde_json::from_str(
        mail.python(
            "out={}\nfor u in users:\n    m=imaplib.IMAP4('127.0.0.1', IMAP)\n    m.login(u, users[u])\n    m.select('INBOX')\n    \
             t,d=m.search(None,'ALL')\n    ids=[]\n    for n in d[0].split():\n        t2,h=m.fetch(n,'(BODY[HEADER.FIELDS (MESSAGE-ID)])')\n        \
             ids.append(h[0][1].decode().strip())\n    out[u]=[len(ids), ids]\n    m.logout()\nprint(json.dumps(out))\n",
        )
        .trim(),
    )
    .unwrap();
    let mut all_ids = HashSet::new();
    for e in &email_entries {
        let to = e["to_address"].as_str().unwrap();
        let (n, ids) = &counts[to];
        assert_eq!(*n, 1, "{to} got {n} emails");
        assert!(
            ids[0].contains(e["email_message_id"].as_str().unwrap()),
            "{ids:?}"
        );
        assert!(all_ids.insert(ids[0].clone()), "Message-IDs are unique");
    }
    let mailboxes_with_mail = counts
        .iter()
        .filter(|(u, (n, _))| *u != TEAM && *n > 0)
        .count();
    assert_eq!(
        mailboxes_with_mail,
        email_entries.len(),
        "nobody else got mail"
    );

    // Two creators answer the bulk email from their mail client: each reply lands in its thread.
    h.clock.advance(60_000);
    for e in email_entries.iter().take(2) {
        let from = e["to_address"].as_str().unwrap();
        let mid = e["email_message_id"].as_str().unwrap();
        let raw = format!(
            "From: {from}\r\nTo: {TEAM}\r\nSubject: Re: next steps\r\nMessage-ID: <reply-{mid}>\r\nIn-Reply-To: <{mid}>\r\n\
             References: <{mid}>\r\nDate: Mon, 23 Nov 2026 15:00:00 +0000\r\n\r\nSounds good, thanks! ({mid})\r\n"
        );
        mail.send_raw(from, TEAM, &raw);
    }
    sync_once(&h.state, &mailbox).await.unwrap();
    for e in email_entries.iter().take(2) {
        let mid = e["email_message_id"].as_str().unwrap();
        let landed = h
            .query(
                "SELECT VALUE record::id(thread) FROM message WHERE direction = 'inbound' AND string::contains(text, $mid);",
                json!({ "mid": mid }),
            )
            .await;
        assert_eq!(
            landed,
            vec![e["thread"].clone()],
            "the reply to {mid} threads back"
        );
    }
    // An SMS recipient texts back: it lands in the thread the bulk SMS went to.
    if let Some(e) = sms_entries.first() {
        let from = e["to_address"].as_str().unwrap().to_string();
        let params = BTreeMap::from([
            ("AccountSid", account_sid()),
            ("From", from),
            ("To", NUMBER.to_string()),
            ("Body", "Got it, thanks!".to_string()),
            ("MessageSid", format!("SM{}", "7b".repeat(16))),
            ("NumMedia", "0".to_string()),
        ]);
        let sig = twilio::signature(&settings.webhook_url, &params);
        let (status, body) = post_signed(&h, "/hooks/twilio/sms", &params, &sig).await;
        assert_eq!(status, 200, "{body}");
        let landed = h
            .query(
                "SELECT VALUE record::id(thread) FROM message WHERE external_id = $sid;",
                json!({ "sid": format!("SM{}", "7b".repeat(16)) }),
            )
            .await;
        assert_eq!(landed, vec![e["thread"].clone()]);
    }
}

#[tokio::test]
async fn scheduled_bulk_waits_for_its_time_and_cancel_stops_the_rest() {
    let provider = Provider::start().await;
    // One SMS a second.
    let h = Harness::with_config(
        80,
        4,
        &[
            ("INBOX_TWILIO_API_URL", &provider.base_url),
            ("INBOX_BULK_SMS_PER_MINUTE", "60"),
        ],
    )
    .await;
    h.clock.advance(60_000);
    twilio::connect(&h, false).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    // Gifting threads whose creators can get SMS (no mailbox is connected: SMS is the way).
    let threads: Vec<String> = one_thread_per_creator(&h)
        .await
        .into_iter()
        .filter(|t| {
            t["kind"] == "gifting"
                && !["completed", "declined"].contains(&t["stage"].as_str().unwrap())
                && t["identities"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|i| i["channel"] == "sms" && i["consent"] == "granted")
        })
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert!(threads.len() >= 8, "{} SMS threads", threads.len());
    let compose =
        json!({ "subject": "", "body": "Hi {{first_name}}, your {{brand}} kit is on its way." });

    // Another workspace's threads are not a selection.
    let foreign: Result<String, AppError> =
        create(&h, &owner, &h.b.thread_ids, &compose, None).await;
    assert!(matches!(foreign, Err(AppError::Invalid(_))), "{foreign:?}");
    let unknown: Result<String, AppError> = create(
        &h,
        &owner,
        &threads,
        &json!({ "subject": "", "body": "Hi {{nickname}}" }),
        None,
    )
    .await;
    assert!(
        matches!(unknown, Err(AppError::Invalid(ref m)) if m.contains("nickname")),
        "{unknown:?}"
    );

    let at = common::NOW + 60_000 + 3_600_000;
    let id: String = create(&h, &owner, &threads, &compose, Some(at))
        .await
        .unwrap();
    let scheduled = view(&h, &owner, &id).await;
    assert_eq!(scheduled.state, BulkState::Scheduled);
    assert_eq!(
        server::bulk_sends::run_due(&h.state).await.unwrap(),
        0,
        "not yet"
    );
    h.clock.advance(3_600_000);
    assert_eq!(server::bulk_sends::run_due(&h.state).await.unwrap(), 1);
    assert_eq!(
        server::bulk_sends::run_due(&h.state).await.unwrap(),
        0,
        "written once"
    );
    let written = view(&h, &owner, &id).await.counts;
    // Creators who last wrote in their portal get it there at once; the rest wait for SMS.
    let (n, portal) = (written.queued, written.sent);
    assert_eq!(
        n + portal + written.skipped,
        threads.len() as u32,
        "{written:?}"
    );
    assert!(n >= 6, "{written:?}");

    // The rate limit spaces the sends a second apart: at the start only the first is due.
    assert_eq!(drain(&h).await, 1);
    h.clock.advance(3_000);
    assert_eq!(drain(&h).await, 3);
    let canceled: BulkView = h
        .call("cancel_bulk", Some(&owner), json!({ "id": id }))
        .await
        .unwrap();
    assert_eq!(canceled.state, BulkState::Canceled);
    assert_eq!(canceled.counts.sent, 4 + portal);
    assert_eq!(canceled.counts.canceled, n - 4);
    assert_eq!(canceled.counts.queued, 0);
    h.clock.advance(120_000);
    assert_eq!(drain(&h).await, 0, "nothing more goes out");
    assert_eq!(provider.sms().len(), 4);
    // Retrying failures never resends what was canceled.
    let retried: BulkView = h
        .call("retry_bulk", Some(&owner), json!({ "id": id }))
        .await
        .unwrap();
    assert_eq!(retried.counts.canceled, n - 4);
    assert_eq!(drain(&h).await, 0);
    let again: Result<BulkView, AppError> = h
        .call("cancel_bulk", Some(&owner), json!({ "id": id }))
        .await;
    assert!(matches!(again, Err(AppError::Invalid(_))), "{again:?}");
    let audit = h
        .query(
            "SELECT VALUE action FROM audit_event WHERE subject = $s ORDER BY at, seq;",
            json!({ "s": format!("bulk_send:{id}") }),
        )
        .await;
    assert_eq!(
        audit,
        vec![
            json!("bulk.created"),
            json!("bulk.enqueued"),
            json!("bulk.canceled"),
            json!("bulk.retried")
        ]
    );
    // The canceled messages say so in their threads.
    let stopped = h
        .query(
            "SELECT VALUE failure_reason FROM message WHERE bulk = type::record('bulk_send', $id) AND status = 'failed';",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(stopped.len() as u32, n - 4);
    assert!(stopped
        .iter()
        .all(|r| r == "Canceled with its bulk message"));
}

#[tokio::test]
async fn an_interrupted_write_resumes_with_the_recipients_not_yet_written() {
    let provider = Provider::start().await;
    let h = Harness::with_config(30, 2, &[("INBOX_TWILIO_API_URL", &provider.base_url)]).await;
    h.clock.advance(60_000);
    twilio::connect(&h, false).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let threads: Vec<String> = one_thread_per_creator(&h)
        .await
        .into_iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    let compose = json!({ "subject": "", "body": "Hi {{first_name}}, a quick update." });
    let id: String = create(&h, &owner, &threads, &compose, None).await.unwrap();
    let written = view(&h, &owner, &id).await.counts;
    let entries = written.queued + written.sent;
    assert!(entries >= 10, "{written:?}");
    // As if the server died mid-way: half the entries never made it, the lease ran out.
    h.query(
        "LET $gone = (SELECT VALUE id FROM message WHERE bulk = type::record('bulk_send', $id) LIMIT 5);
         DELETE outbound_job WHERE message IN $gone;
         DELETE $gone;
         UPDATE type::record('bulk_send', $id) SET state = 'enqueuing', lease_until = $past;",
        json!({ "id": id, "past": h.clock.now_ms() - 1 }),
    )
    .await;
    assert_eq!(view(&h, &owner, &id).await.counts.waiting, 5);
    assert_eq!(server::bulk_sends::run_due(&h.state).await.unwrap(), 1);
    let resumed = view(&h, &owner, &id).await;
    assert_eq!(resumed.state, BulkState::Sending);
    assert_eq!(resumed.counts.queued + resumed.counts.sent, entries);
    assert_eq!(resumed.counts.waiting, 0);
    // One entry per thread, never two.
    let per_thread = h
        .query(
            "SELECT thread, count() AS n FROM message WHERE bulk = type::record('bulk_send', $id) GROUP BY thread;",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(per_thread.len() as u32, entries);
    assert!(per_thread.iter().all(|r| r["n"] == 1));
}
