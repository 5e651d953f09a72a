//! Email against real mail servers started by the test (Debian's Dovecot for IMAP, an aiosmtpd
//! SMTP server delivering into Dovecot): our replies reach the creator's mailbox with our
//! Message-ID, In-Reply-To and References; creators' replies sent by a real client (Python's
//! smtplib) land in the right thread — by reply headers (Gmail-like) or, when a client drops
//! them, by subject (Outlook-like) — with quoted history trimmed; reading resumes after a
//! restart without duplicates; IDLE picks new mail up; HTML is sanitized; attachments download
//! only for the workspace.

use crate::common;

use app::api::AppError;
use app::model::{Channel, Direction, MailboxSettings, MessageView, Role, ThreadDetail};
use common::mail::MailServers;
use common::Harness;
use serde_json::json;
use server::channels::email_imap::sync_once;
use server::outbound::dispatcher::Dispatcher;
use std::collections::BTreeMap;

const TEAM: &str = "team@northstar.test";

struct Setup {
    h: Harness,
    mail: MailServers,
    member: String,
    /// Replies are an owner's: a member's reply on a thread whose creator raised a sensitive
    /// topic is submitted for review (`governed_replies.rs`), not sent.
    owner: String,
    /// The connected mailbox's id.
    mailbox: String,
    creator_email: String,
    /// Two of the creator's threads (two campaigns).
    threads: Vec<String>,
}

async fn setup() -> Setup {
    let h = Harness::with_sizes(24, 2).await;
    // New mail arrives after everything seeded.
    h.clock.advance(60_000);
    // A creator enrolled in at least two campaigns.
    let (creator, threads) = h.creator_in(|n| n >= 2).await;
    let email = h
        .value(
            "SELECT VALUE identities[WHERE channel = 'email'][0].address FROM ONLY type::record('creator', $c);",
            json!({ "c": creator }),
        )
        .await
        .as_str()
        .unwrap()
        .to_string();
    let users = BTreeMap::from([
        (TEAM.to_string(), "team-pass-1".to_string()),
        (email.clone(), "creator-pass-1".to_string()),
        (
            "stranger@elsewhere.test".to_string(),
            "stranger-pass".to_string(),
        ),
    ]);
    let mail = MailServers::start(&users);
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let server =
        |port: u16| json!({ "host": "127.0.0.1", "port": port, "tls": "none", "user": TEAM });
    let args = json!({
        "address": TEAM, "display_name": "Northstar Team", "imap": server(mail.imap_port),
        "smtp": server(mail.smtp_port), "secret": "team-pass-1",
    });
    let refused: Result<MailboxSettings, AppError> =
        h.call("connect_mailbox", Some(&member), args.clone()).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let (status, _, raw) = h
        .raw("connect_mailbox", Some(&owner), args.to_string(), true)
        .await;
    assert!(status.is_success(), "{raw}");
    assert!(
        !raw.contains("team-pass-1"),
        "the password never comes back"
    );
    let tested: Result<String, AppError> = h.call("test_mailbox", Some(&owner), json!({})).await;
    assert!(tested.is_ok(), "{tested:?}");
    let settings: MailboxSettings = serde_json::from_str(&raw).unwrap();
    assert_eq!(settings.mailboxes.len(), 1);
    assert_eq!(
        settings.mailboxes[0].label, TEAM,
        "the label falls back to the address"
    );
    Setup {
        h,
        mail,
        member,
        owner,
        mailbox: settings.mailboxes[0].id.clone(),
        creator_email: email,
        threads,
    }
}

async fn thread(s: &Setup, id: &str) -> ThreadDetail {
    s.h.call("get_thread", Some(&s.member), json!({ "thread_id": id }))
        .await
        .unwrap()
}

async fn reply_by_email(s: &Setup, thread_id: &str, text: &str) -> MessageView {
    let m: MessageView =
        s.h.call(
            "post_message",
            Some(&s.owner),
            json!({ "thread_id": thread_id, "kind": "reply", "text": text, "channel": "email" }),
        )
        .await
        .unwrap();
    assert_eq!(
        Dispatcher::new(s.h.state.clone())
            .run_once()
            .await
            .unwrap()
            .sent,
        1
    );
    // What happens next happens later (the test's clock stands still otherwise).
    s.h.clock.advance(1_000);
    m
}

/// A header of a raw email, decoded (RFC 2047 words, folded lines).
fn header(raw: &str, name: &str) -> Option<String> {
    let msg = mail_parser::MessageParser::default().parse(raw.as_bytes())?;
    let v = msg.header(name)?;
    match v {
        mail_parser::HeaderValue::Text(t) => Some(t.to_string()),
        mail_parser::HeaderValue::TextList(l) => Some(
            l.iter()
                .map(|t| format!("<{t}>"))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        mail_parser::HeaderValue::Address(a) => {
            a.first().and_then(|a| a.address()).map(str::to_string)
        }
        _ => None,
    }
}

#[tokio::test]
async fn our_reply_threads_in_the_creators_mailbox_and_their_gmail_reply_lands_in_the_thread() {
    let s = setup().await;
    let h = &s.h;
    let target = &s.threads[0];
    let before = thread(&s, target).await;
    assert!(before.reply.allows(Channel::Email), "{:?}", before.reply);
    let ours = reply_by_email(&s, target, "Hi! Here is the brief for the launch.").await;
    let got = s.mail.inbox(&s.creator_email);
    assert_eq!(got.len(), 1, "exactly one email reached the creator");
    let raw = &got[0];
    let our_id = format!("inbox.{}@127.0.0.1", ours.id);
    assert_eq!(header(raw, "Message-ID"), Some(our_id.clone()), "{raw}");
    assert!(header(raw, "From").unwrap().contains(TEAM));
    let subject = header(raw, "Subject").unwrap().to_string();
    match before
        .messages
        .iter()
        .rev()
        .find_map(|m| m.subject.clone().filter(|_| m.channel == Channel::Email))
    {
        // It continues the subject of the thread's latest email (seeded ones have no Message-ID,
        // so there is nothing to answer yet)…
        Some(last) => assert_eq!(subject, format!("Re: {last}")),
        // …or, for a first email, names the campaign.
        None => assert_eq!(subject, before.summary.campaign_name),
    }
    let row = h
        .query(
            "SELECT status, external_id FROM message WHERE id = type::record('message', $m);",
            json!({ "m": ours.id }),
        )
        .await;
    assert_eq!(row[0]["status"], "sent");

    // The creator answers from a Gmail-like client: In-Reply-To/References name our Message-ID,
    // the quote follows "On … wrote:".
    let reply = format!(
        "From: Creator <{c}>\r\nTo: Northstar Team <{TEAM}>\r\nSubject: Re: {subject}\r\n\
         Message-ID: <CAGmail-{n}@mail.gmail.com>\r\nIn-Reply-To: <{our_id}>\r\nReferences: <{our_id}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\n\r\n\
         Sounds great, I'm in! \u{1F389}\r\n\r\nOn Tue, Nov 24, 2026 at 10:02 AM Northstar Team <{TEAM}> wrote:\r\n\
         > Hi! Here is the brief for the launch.\r\n",
        c = s.creator_email,
        n = ours.id,
    );
    s.mail.send_raw(&s.creator_email, TEAM, &reply);
    let report = sync_once(&h.state, &s.mailbox).await.unwrap();
    assert_eq!((report.fetched, report.stored), (1, 1), "{report:?}");
    let after = thread(&s, target).await;
    let last = after.messages.last().unwrap();
    assert_eq!(
        (last.direction, last.channel),
        (Direction::Inbound, Channel::Email)
    );
    assert_eq!(last.text, "Sounds great, I'm in! 🎉");
    assert_eq!(last.quoted_trimmed, Some(true));
    assert_eq!(last.check_campaign, None);
    // The other campaign's thread did not get it.
    let other = thread(&s, &s.threads[1]).await;
    assert!(!other
        .messages
        .iter()
        .any(|m| m.text.contains("Sounds great")));
    // Reading again finds nothing new; a redelivered copy (same Message-ID) is not stored twice.
    assert_eq!(sync_once(&h.state, &s.mailbox).await.unwrap().fetched, 0);
    s.mail.send_raw(&s.creator_email, TEAM, &reply);
    let again = sync_once(&h.state, &s.mailbox).await.unwrap();
    assert_eq!((again.fetched, again.stored, again.duplicates), (1, 0, 1));

    // Our next reply answers theirs.
    let second = reply_by_email(&s, target, "Wonderful — shipping today.").await;
    let got = s.mail.inbox(&s.creator_email);
    let raw = got.last().unwrap();
    assert_eq!(
        header(raw, "In-Reply-To"),
        Some(format!("CAGmail-{}@mail.gmail.com", ours.id))
    );
    assert!(
        header(raw, "References").unwrap().contains(&our_id),
        "{raw}"
    );
    assert!(header(raw, "Subject").unwrap().starts_with("Re: "));
    assert_ne!(second.id, ours.id);
}

#[tokio::test]
async fn an_outlook_reply_without_references_is_threaded_by_subject_never_across_creators() {
    let s = setup().await;
    let h = &s.h;
    // We email the creator in one campaign, then write in the other (which becomes the most
    // recent): the subject, not recency, must decide.
    let target = &s.threads[1];
    reply_by_email(&s, target, "Where should we ship your kit?").await;
    let subject = thread(&s, target)
        .await
        .messages
        .iter()
        .rev()
        .find_map(|m| m.subject.clone())
        .expect("our email's subject");
    let _: MessageView = h
        .call(
            "post_message",
            Some(&s.owner),
            json!({ "thread_id": s.threads[0], "kind": "reply", "text": "Portal update", "channel": "in_app" }),
        )
        .await
        .unwrap();
    h.clock.advance(1_000);
    let outlook = format!(
        "From: {c}\r\nTo: {TEAM}\r\nSubject: RE: {subject}\r\nMessage-ID: <DM6PR-outlook-1@namprd.prod.outlook.com>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n\r\n\
         Yes please, ship to 12 Main St, Austin TX 78701.\r\n\r\n________________________________\r\n\
         From: Northstar Team <{TEAM}>\r\nSent: Tuesday, November 24, 2026 10:02 AM\r\nTo: Creator\r\nSubject: {subject}\r\n\r\nOld text\r\n",
        c = s.creator_email
    );
    s.mail.send_raw(&s.creator_email, TEAM, &outlook);
    assert_eq!(sync_once(&h.state, &s.mailbox).await.unwrap().stored, 1);
    let t = thread(&s, target).await;
    let last = t.messages.last().unwrap();
    assert_eq!(
        last.text,
        "Yes please, ship to 12 Main St, Austin TX 78701."
    );
    assert_eq!(
        last.subject.as_deref(),
        Some(format!("RE: {subject}").as_str())
    );

    // A stranger's email waits in Unmatched.
    let stranger = format!(
        "From: stranger@elsewhere.test\r\nTo: {TEAM}\r\nSubject: {subject}\r\nMessage-ID: <s-1@elsewhere.test>\r\n\r\nHello?\r\n"
    );
    s.mail.send_raw("stranger@elsewhere.test", TEAM, &stranger);
    assert_eq!(sync_once(&h.state, &s.mailbox).await.unwrap().unmatched, 1);
    let parked = h
        .query(
            "SELECT channel, address FROM unmatched WHERE external_id = 's-1@elsewhere.test';",
            json!({}),
        )
        .await;
    assert_eq!(parked[0]["address"], "stranger@elsewhere.test");
}

#[tokio::test]
async fn a_restart_resumes_from_the_stored_uid_without_duplicates() {
    let s = setup().await;
    let h = &s.h;
    let mail = |n: u32| {
        format!(
            "From: {c}\r\nTo: {TEAM}\r\nSubject: Update {n}\r\nMessage-ID: <update-{n}@creator.test>\r\n\r\nUpdate number {n}\r\n",
            c = s.creator_email
        )
    };
    s.mail.send_raw(&s.creator_email, TEAM, &mail(1));
    s.mail.send_raw(&s.creator_email, TEAM, &mail(2));
    assert_eq!(sync_once(&h.state, &s.mailbox).await.unwrap().stored, 2);
    s.mail.send_raw(&s.creator_email, TEAM, &mail(3));
    // A new server process: same database, fresh state.
    let restarted =
        server::state::AppState::new(h.db.clone(), h.clock.clone(), (*h.state.config).clone());
    let r = sync_once(&restarted, &s.mailbox).await.unwrap();
    assert_eq!((r.fetched, r.stored), (1, 1), "only the new one: {r:?}");
    // Even a lost position (or a changed UIDVALIDITY) re-reads without storing anything twice.
    h.query("UPDATE mailbox SET last_uid = 0;", json!({})).await;
    let r = sync_once(&restarted, &s.mailbox).await.unwrap();
    assert_eq!((r.fetched, r.stored, r.duplicates), (3, 0, 3));
    let n = h
        .query("SELECT VALUE id FROM message WHERE email_message_id IN ['update-1@creator.test', 'update-2@creator.test', 'update-3@creator.test'];", json!({}))
        .await;
    assert_eq!(n.len(), 3);
}

#[tokio::test]
async fn idle_picks_up_new_mail_without_polling() {
    let s = setup().await;
    let h = &s.h;
    let watcher = server::channels::email_imap::watch(h.state.clone());
    // Let the watcher connect and start IDLE on the (empty) inbox.
    for _ in 0..100 {
        if !h
            .query(
                "SELECT VALUE last_sync_at FROM mailbox WHERE last_sync_at != NONE;",
                json!({}),
            )
            .await
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let raw = format!(
        "From: {c}\r\nTo: {TEAM}\r\nSubject: Posted!\r\nMessage-ID: <idle-1@creator.test>\r\n\r\nThe reel is live.\r\n",
        c = s.creator_email
    );
    s.mail.send_raw(&s.creator_email, TEAM, &raw);
    let mut found = false;
    for _ in 0..150 {
        if !h
            .query(
                "SELECT VALUE id FROM message WHERE email_message_id = 'idle-1@creator.test';",
                json!({}),
            )
            .await
            .is_empty()
        {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    watcher.abort();
    assert!(found, "IDLE delivered the new email");
}

#[tokio::test]
async fn html_is_sanitized_and_attachments_download_only_inside_the_workspace() {
    let s = setup().await;
    let h = &s.h;
    let pdf = "%PDF-1.4 fake invoice bytes";
    let raw = format!(
        "From: {c}\r\nTo: {TEAM}\r\nSubject: Invoice\r\nMessage-ID: <inv-1@creator.test>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"B1\"\r\n\r\n\
         --B1\r\nContent-Type: multipart/alternative; boundary=\"B2\"\r\n\r\n\
         --B2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nInvoice attached.\r\n\
         --B2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p onclick=\"x()\">Invoice <b>attached</b>.<script>alert(1)</script><img src=\"https://track.example/p.gif\"></p>\r\n\
         --B2--\r\n--B1\r\nContent-Type: application/pdf; name=\"invoice.pdf\"\r\nContent-Disposition: attachment; filename=\"invoice.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--B1--\r\n",
        c = s.creator_email,
        b64 = base64_encode(pdf.as_bytes()),
    );
    s.mail.send_raw(&s.creator_email, TEAM, &raw);
    assert_eq!(sync_once(&h.state, &s.mailbox).await.unwrap().stored, 1);
    let row = h
        .query("SELECT record::id(thread) AS thread, record::id(id) AS id FROM message WHERE email_message_id = 'inv-1@creator.test';", json!({}))
        .await;
    let t = thread(&s, row[0]["thread"].as_str().unwrap()).await;
    let m = t
        .messages
        .iter()
        .find(|m| m.id == row[0]["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(m.text, "Invoice attached.");
    let html = m.html.clone().unwrap();
    assert!(html.contains("<b>attached</b>"), "{html}");
    assert!(
        !html.contains("script") && !html.contains("onclick"),
        "{html}"
    );
    let att = &m.attachments.as_ref().unwrap()[0];
    assert_eq!(
        (att.filename.as_str(), att.content_type.as_str(), att.size),
        ("invoice.pdf", "application/pdf", pdf.len() as i64)
    );
    let url = format!("/attachments/{}", att.id);
    let (status, body) = h
        .request("GET", &url, &[("cookie", &s.member)], vec![])
        .await;
    assert_eq!((status.as_u16(), body.as_str()), (200, pdf));
    let (status, _) = h.request("GET", &url, &[], vec![]).await;
    assert_eq!(status.as_u16(), 401);
    let other = h.sign_in_as(&h.b, Role::Owner).await;
    let (status, _) = h.request("GET", &url, &[("cookie", &other)], vec![]).await;
    assert_eq!(status.as_u16(), 404);
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

#[tokio::test]
async fn a_forged_sender_is_kept_unverified_and_automation_leaves_it_to_a_person() {
    let s = setup().await;
    let h = &s.h;
    let target = &s.threads[0];
    // A gifting campaign waiting for the creator's address: an address would be saved, the stage
    // moved and a confirmation sent automatically.
    let eid = h
        .value(
            "SELECT VALUE record::id(enrollment) FROM ONLY type::record('thread', $t);",
            json!({ "t": target }),
        )
        .await;
    h.query(
        "UPDATE type::record('enrollment', $e) SET stage = 'accepted', decline_reason = NONE, shipping_info = NONE;
         UPDATE type::record('thread', $t) SET stage = 'accepted';
         UPDATE type::record('thread', $t).campaign SET kind = 'gifting', policy = NONE;",
        json!({ "e": eid, "t": target }),
    )
    .await;
    reply_by_email(&s, target, "Where should we ship your kit?").await;
    let subject = thread(&s, target)
        .await
        .messages
        .iter()
        .rev()
        .find_map(|m| m.subject.clone())
        .expect("our email's subject");
    let domain = s.creator_email.split('@').nth(1).unwrap().to_string();
    let mail = |n: u32, dmarc: &str| {
        format!(
            "Authentication-Results: mx.northstar.test; spf={spf} smtp.mailfrom={c}; dkim=none; dmarc={dmarc} header.from={domain}\r\n\
             From: {c}\r\nTo: {TEAM}\r\nSubject: RE: {subject}\r\nMessage-ID: <address-{n}@mail.test>\r\n\
             MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n\r\n\
             yes! ship it to 12 Main St, Austin TX 78701\r\n",
            c = s.creator_email,
            spf = if dmarc == "pass" { "pass" } else { "fail" },
        )
    };
    let automation = server::automation::Automation::new(h.state.clone());
    let shipping = || async {
        h.value(
            "SELECT VALUE shipping_info FROM ONLY type::record('enrollment', $e);",
            json!({ "e": eid }),
        )
        .await
    };

    // Forged: stored and shown, nothing done automatically.
    s.mail.send_raw(&s.creator_email, TEAM, &mail(1, "fail"));
    assert_eq!(sync_once(&h.state, &s.mailbox).await.unwrap().stored, 1);
    automation.run_once().await.unwrap();
    let t = thread(&s, target).await;
    let forged = t.messages.last().unwrap();
    assert_eq!(
        forged.unverified_sender.as_deref(),
        Some(format!("DMARC failed for {domain}").as_str())
    );
    let decision = forged.decision.as_ref().expect("automation decided");
    assert!(
        decision.reason.starts_with("unverified sender"),
        "{}",
        decision.reason
    );
    assert_eq!(
        t.summary.stage,
        app::model::Stage::Accepted,
        "no stage move"
    );
    assert_eq!(
        shipping().await,
        serde_json::Value::Null,
        "no address saved"
    );
    assert!(
        t.messages
            .iter()
            .all(|m| m.sender_kind != app::model::SenderKind::Automation),
        "no automatic reply"
    );
    assert!(t
        .drafts
        .iter()
        .all(|d| d.state == app::domain::draft::DraftState::PendingReview));

    // The same words from the creator's verified address are acted on.
    h.clock.advance(60_000);
    s.mail.send_raw(&s.creator_email, TEAM, &mail(2, "pass"));
    assert_eq!(sync_once(&h.state, &s.mailbox).await.unwrap().stored, 1);
    automation.run_once().await.unwrap();
    let t = thread(&s, target).await;
    assert_eq!(t.messages.last().unwrap().unverified_sender, None);
    assert_eq!(t.summary.stage, app::model::Stage::InfoCollected);
    assert_eq!(shipping().await, json!("12 Main St, Austin TX 78701"));
}
