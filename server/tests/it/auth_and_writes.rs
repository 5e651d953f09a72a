//! Sign-in, sessions and throttling; replies, notes, stage moves and assignment as persisted;
//! the audit trail is append-only; bad input is refused and writes nothing.

use crate::common;

use app::api::AppError;
use app::model::*;
use common::{Harness, PASSWORD};
use serde_json::{json, Value};

#[tokio::test]
async fn sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session() {
    let h = Harness::with_sizes(3, 1).await;
    let email = h.a.user(Role::Manager).email.clone();
    let (status, headers, body) = h
        .raw(
            "sign_in",
            None,
            format!("email={}&password={PASSWORD}", email.to_uppercase()),
            false,
        )
        .await;
    assert!(status.is_success(), "{body}");
    let cookie = headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let info: SessionInfo = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (info.role, info.workspace_name.as_str()),
        (Role::Manager, "Alpha Agency")
    );
    assert!(!body.contains("password_hash") && !body.contains("argon2"));

    let session = cookie.split(';').next().unwrap().to_string();
    let me: Option<SessionInfo> = h
        .call("current_session", Some(&session), json!({}))
        .await
        .unwrap();
    assert_eq!(me.unwrap().email, email);
    let _: () = h.call("sign_out", Some(&session), json!({})).await.unwrap();
    let me: Option<SessionInfo> = h
        .call("current_session", Some(&session), json!({}))
        .await
        .unwrap();
    assert!(
        me.is_none(),
        "the session ended on the server, not just in the browser"
    );
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_account() {
    let h = Harness::with_sizes(3, 1).await;
    let email = h.a.user(Role::Member).email.clone();
    let wrong = |pw: &str| format!("email={email}&password={pw}");
    for _ in 0..5 {
        let (_, _, body) = h.raw("sign_in", None, wrong("nope"), false).await;
        assert_eq!(
            serde_json::from_str::<AppError>(&body).unwrap(),
            AppError::Invalid("that email and password do not match".into())
        );
    }
    // Locked: even the right password waits.
    let (_, _, body) = h.raw("sign_in", None, wrong(PASSWORD), false).await;
    assert_eq!(
        serde_json::from_str::<AppError>(&body).unwrap(),
        AppError::Throttled(900)
    );
    // Another account is not affected.
    h.sign_in(&h.a.user(Role::Owner).email).await;
    h.clock.advance(15 * 60 * 1000);
    h.sign_in(&email).await;
    // An unknown account gets the same answer as a wrong password.
    let (_, _, body) = h
        .raw(
            "sign_in",
            None,
            "email=nobody@alpha.example&password=x".into(),
            false,
        )
        .await;
    assert_eq!(
        serde_json::from_str::<AppError>(&body).unwrap(),
        AppError::Invalid("that email and password do not match".into())
    );
}

/// A sign-in attempt from `address` (named by the proxy header the harness trusts): the status,
/// the `Retry-After` header and the answer.
async fn attempt(
    h: &Harness,
    email: &str,
    password: &str,
    address: &str,
) -> (u16, Option<String>, AppError) {
    let body = format!(
        "email={}&password={}",
        app::domain::filter::encode_component(email),
        app::domain::filter::encode_component(password)
    );
    let headers = [
        ("accept", "application/json"),
        ("content-type", "application/x-www-form-urlencoded"),
        ("x-forwarded-for", address),
    ];
    let (status, headers, text) = h
        .send("POST", "/api/sign_in", &headers, body.into_bytes())
        .await;
    let retry = headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let answer = serde_json::from_str(&text).unwrap_or(AppError::Internal);
    (status.as_u16(), retry, answer)
}

#[tokio::test]
async fn parallel_guesses_each_count_per_account_and_per_address() {
    let h = Harness::with_config(3, 1, &[("INBOX_CLIENT_IP_HEADER", "x-forwarded-for")]).await;
    let email = h.a.user(Role::Member).email.clone();
    // 50 wrong guesses at once, each from its own address: exactly five are checked.
    let addresses: Vec<String> = (0..50).map(|i| format!("198.51.100.{i}")).collect();
    let answers =
        futures::future::join_all(addresses.iter().map(|a| attempt(&h, &email, "nope", a))).await;
    let wrong = AppError::Invalid("that email and password do not match".into());
    assert_eq!(
        answers.iter().filter(|(_, _, e)| *e == wrong).count(),
        5,
        "{answers:?}"
    );
    let locked: Vec<_> = answers
        .iter()
        .filter(|(_, _, e)| *e == AppError::Throttled(900))
        .collect();
    assert_eq!(locked.len(), 45, "{answers:?}");
    assert!(locked
        .iter()
        .all(|(status, retry, _)| *status == 429 && retry.as_deref() == Some("900")));

    // One address guessing many accounts: 30 attempts, then even a right password waits; another
    // address does not.
    let owner = h.a.user(Role::Owner).email.clone();
    for i in 0..30 {
        let (_, _, e) = attempt(
            &h,
            &format!("nobody{i}@alpha.example"),
            "nope",
            "203.0.113.5",
        )
        .await;
        assert_eq!(e, wrong, "attempt {i}");
    }
    let (status, retry, e) = attempt(&h, &owner, PASSWORD, "203.0.113.5").await;
    assert_eq!(
        (status, retry.as_deref(), e),
        (429, Some("900"), AppError::Throttled(900))
    );
    let (status, _, _) = attempt(&h, &owner, PASSWORD, "203.0.113.6").await;
    assert_eq!(status, 200);
    // Right passwords from one address (an office) give their attempts back.
    for _ in 0..40 {
        let (status, _, e) = attempt(&h, &owner, PASSWORD, "192.0.2.44").await;
        assert_eq!(status, 200, "{e:?}");
    }
}

#[tokio::test]
async fn ended_sessions_and_spent_throttle_rows_are_cleaned_up() {
    let h = Harness::with_sizes(3, 1).await;
    let live = h.sign_in(&h.a.user(Role::Owner).email).await;
    let member = h.a.user(Role::Member).email.clone();
    let _ = h.try_sign_in(&member, "nope").await;
    let harness = &h;
    let count = |table: &'static str| async move {
        let rows = harness
            .query(
                &format!("SELECT count() FROM {table} GROUP ALL;"),
                json!({}),
            )
            .await;
        rows.first().and_then(|r| r["count"].as_u64()).unwrap_or(0)
    };
    let sessions = count("session").await;
    assert!(sessions >= 1);
    // Now only spent rows go (the owner's, reset by the right password); the member's failure and
    // the live session stay.
    server::store::sessions::clean_up(&h.state.db, h.clock.now_ms())
        .await
        .unwrap();
    assert_eq!(
        (count("session").await, count("login_throttle").await),
        (sessions, 1)
    );
    // A day later the member's row is spent too; the session used since stays.
    h.clock.advance(24 * 3_600_000);
    let _ = h
        .call::<Value>("current_session", Some(&live), json!({}))
        .await;
    let removed = server::store::sessions::clean_up(&h.state.db, h.clock.now_ms())
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert_eq!(
        (count("session").await, count("login_throttle").await),
        (sessions, 0)
    );
    // Fifteen days without use end the session, and it is removed.
    h.clock.advance(15 * 24 * 3_600_000);
    server::store::sessions::clean_up(&h.state.db, h.clock.now_ms())
        .await
        .unwrap();
    assert_eq!(count("session").await, 0);
    let gone: Result<Value, AppError> = h
        .call(
            "list_threads",
            Some(&live),
            json!({ "filter": {}, "after": null }),
        )
        .await;
    assert_eq!(gone.err(), Some(AppError::Unauthorized));
}

async fn a_waiting_thread(h: &Harness) -> String {
    let rows = h
        .query(
            "SELECT record::id(id) AS id FROM thread WHERE workspace = type::record('workspace', $ws) AND awaiting_since != NONE
             AND stage NOT IN ['completed', 'declined'] LIMIT 1;",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    rows[0]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_reply_is_persisted_and_moves_the_thread() {
    let h = Harness::with_sizes(10, 1).await;
    // An owner: a member's reply on a thread with an open sensitive topic waits for review
    // (`governed_replies.rs`).
    let cookie = h.sign_in_as(&h.a, Role::Owner).await;
    let thread = a_waiting_thread(&h).await;
    h.clock.advance(60_000);

    let msg: MessageView = h
        .call("post_message", Some(&cookie), json!({ "thread_id": thread, "kind": "reply", "text": "  Thanks! Brief attached.\r\n " }))
        .await
        .unwrap();
    assert_eq!(
        (
            msg.direction,
            msg.channel,
            msg.sender_kind,
            msg.text.as_str()
        ),
        (
            Direction::Outbound,
            Channel::InApp,
            SenderKind::Teammate,
            "Thanks! Brief attached."
        )
    );
    assert_eq!(msg.sender_name, h.a.user(Role::Owner).name);

    let detail: ThreadDetail = h
        .call("get_thread", Some(&cookie), json!({ "thread_id": thread }))
        .await
        .unwrap();
    assert_eq!(detail.messages.last().unwrap().id, msg.id);
    assert_eq!(
        detail.summary.awaiting_since, None,
        "answered: nobody waits any more"
    );
    assert_eq!(detail.summary.last_sender_kind, SenderKind::Teammate);
    let page = h.page(&cookie, json!({}), None).await;
    assert_eq!(page.threads[0].id, thread, "the thread moved to the top");

    // A note is internal: it does not answer the creator.
    let thread2 = a_waiting_thread(&h).await;
    let note: MessageView = h
        .call(
            "post_message",
            Some(&cookie),
            json!({ "thread_id": thread2, "kind": "note", "text": "@Marco check rates" }),
        )
        .await
        .unwrap();
    assert_eq!(
        (note.direction, note.channel),
        (Direction::Internal, Channel::Note)
    );
    let detail: ThreadDetail = h
        .call("get_thread", Some(&cookie), json!({ "thread_id": thread2 }))
        .await
        .unwrap();
    assert!(
        detail.summary.awaiting_since.is_some(),
        "a note leaves the creator waiting"
    );

    let audits = h
        .query(
            "SELECT action, actor_id FROM audit_event WHERE subject = $s;",
            json!({ "s": format!("thread:{thread}") }),
        )
        .await;
    assert_eq!(
        audits,
        vec![json!({ "action": "message.replied", "actor_id": h.a.user(Role::Owner).id })]
    );
}

#[tokio::test]
async fn stage_moves_follow_the_funnel_and_are_audited() {
    let h = Harness::with_sizes(10, 1).await;
    let cookie = h.sign_in_as(&h.a, Role::Manager).await;
    let rows = h.query("SELECT record::id(id) AS id, stage FROM thread WHERE workspace = type::record('workspace', $ws) AND stage = 'replied' LIMIT 1;", json!({ "ws": h.a.workspace_id })).await;
    let thread = rows[0]["id"].as_str().unwrap().to_string();

    let e: EnrollmentView = h
        .call(
            "set_stage",
            Some(&cookie),
            json!({ "thread_id": thread, "stage": "accepted" }),
        )
        .await
        .unwrap();
    assert_eq!(e.stage, Stage::Accepted);
    let got: Result<EnrollmentView, AppError> = h
        .call(
            "set_stage",
            Some(&cookie),
            json!({ "thread_id": thread, "stage": "contacted" }),
        )
        .await;
    assert!(
        matches!(got, Err(AppError::Invalid(ref m)) if m.contains("cannot move")),
        "{got:?}"
    );
    let got: Result<EnrollmentView, AppError> = h
        .call(
            "set_stage",
            Some(&cookie),
            json!({ "thread_id": thread, "stage": "declined" }),
        )
        .await;
    assert!(
        matches!(got, Err(AppError::Invalid(ref m)) if m.contains("reason")),
        "{got:?}"
    );
    let e: EnrollmentView = h
        .call(
            "set_stage",
            Some(&cookie),
            json!({ "thread_id": thread, "stage": "declined", "reason": "rate" }),
        )
        .await
        .unwrap();
    assert_eq!(
        (e.stage, e.decline_reason),
        (Stage::Declined, Some(DeclineReason::Rate))
    );
    let detail: ThreadDetail = h
        .call("get_thread", Some(&cookie), json!({ "thread_id": thread }))
        .await
        .unwrap();
    assert_eq!(
        detail.summary.stage,
        Stage::Declined,
        "the inbox row follows the enrollment"
    );

    let member = h.a.user(Role::Member).clone();
    let e: EnrollmentView = h
        .call(
            "set_assignee",
            Some(&cookie),
            json!({ "thread_id": thread, "assignee_id": member.id }),
        )
        .await
        .unwrap();
    assert_eq!(e.assignee_id.as_deref(), Some(member.id.as_str()));
    let detail: ThreadDetail = h
        .call("get_thread", Some(&cookie), json!({ "thread_id": thread }))
        .await
        .unwrap();
    assert_eq!(
        detail.summary.assignee_name.as_deref(),
        Some(member.name.as_str())
    );
    let viewer = h.a.user(Role::Viewer).clone();
    let got: Result<EnrollmentView, AppError> = h
        .call(
            "set_assignee",
            Some(&cookie),
            json!({ "thread_id": thread, "assignee_id": viewer.id }),
        )
        .await;
    assert!(
        matches!(got, Err(AppError::Invalid(_))),
        "viewers cannot be assigned: {got:?}"
    );
    let e: EnrollmentView = h
        .call(
            "set_assignee",
            Some(&cookie),
            json!({ "thread_id": thread, "assignee_id": null }),
        )
        .await
        .unwrap();
    assert_eq!(e.assignee_id, None);

    let actions: Vec<String> = h
        .query("SELECT action, at FROM audit_event WHERE workspace = type::record('workspace', $ws) ORDER BY at;", json!({ "ws": h.a.workspace_id }))
        .await
        .into_iter()
        .map(|v| v["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "enrollment.stage_changed")
            .count(),
        2
    );
    assert_eq!(
        actions.iter().filter(|a| *a == "thread.assigned").count(),
        2
    );
}

#[tokio::test]
async fn audit_events_cannot_be_changed_or_deleted() {
    let h = Harness::with_sizes(3, 1).await;
    let cookie = h.sign_in_as(&h.a, Role::Owner).await;
    let _: MessageView = h
        .call(
            "post_message",
            Some(&cookie),
            json!({ "thread_id": h.a.thread_ids[0], "kind": "note", "text": "audit me" }),
        )
        .await
        .unwrap();
    let update = server::db::exec(
        &h.db,
        "UPDATE audit_event SET action = 'forged';",
        json!({}),
    )
    .await;
    assert!(update.is_err(), "update refused");
    let delete = server::db::exec(&h.db, "DELETE audit_event;", json!({})).await;
    assert!(delete.is_err(), "delete refused");
    let rows = h.query("SELECT action FROM audit_event;", json!({})).await;
    assert_eq!(rows, vec![json!({ "action": "message.noted" })]);
}

#[tokio::test]
async fn bad_input_is_refused_and_writes_nothing() {
    let h = Harness::with_sizes(3, 1).await;
    let cookie = h.sign_in_as(&h.a, Role::Owner).await;
    let thread = h.a.thread_ids[0].clone();
    let count = || async {
        h.value(
            "RETURN (SELECT count() FROM message GROUP ALL)[0].count;",
            json!({}),
        )
        .await
    };
    let before: Value = count().await;
    for (args, want_invalid) in [
        (
            json!({ "thread_id": thread, "kind": "reply", "text": "   " }),
            true,
        ),
        (
            json!({ "thread_id": thread, "kind": "reply", "text": "x".repeat(10_001) }),
            true,
        ),
        (
            json!({ "thread_id": thread, "kind": "reply", "text": "bell \u{7}" }),
            true,
        ),
        (
            json!({ "thread_id": thread, "kind": "shout", "text": "hi" }),
            true,
        ),
        (
            json!({ "thread_id": "../../etc", "kind": "reply", "text": "hi" }),
            false,
        ),
    ] {
        let got: Result<MessageView, AppError> =
            h.call("post_message", Some(&cookie), args.clone()).await;
        match got {
            Err(AppError::Invalid(_)) if want_invalid => {}
            Err(AppError::NotFound) if !want_invalid => {}
            other => panic!("{args}: {other:?}"),
        }
    }
    let (status, _, _) = h
        .raw("post_message", Some(&cookie), "{not json".into(), true)
        .await;
    assert!(!status.is_success());
    assert_eq!(count().await, before);
}
