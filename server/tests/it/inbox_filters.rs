//! The inbox list: every filter returns exactly the right threads, in activity order, and keyset
//! pages stay stable while new messages arrive.

use crate::common;

use app::domain::filter::{AssigneeFilter, InboxFilter};
use app::domain::reply_clock::REPLY_GOAL_MS;
use app::model::*;
use common::{Harness, NOW};
use serde::Deserialize;
use serde_json::json;
use server::store::thread_write::{append_message, NewMessage};

#[derive(Deserialize, Debug)]
struct Row {
    id: String,
    campaign: String,
    client: String,
    creator_search: String,
    stage: Stage,
    channels: Vec<Channel>,
    assignee: Option<String>,
    awaiting_since: Option<i64>,
    stale: bool,
    decline_reason: Option<DeclineReason>,
}

async fn all_rows(h: &Harness, ws: &str) -> Vec<Row> {
    h.query(
        "SELECT record::id(id) AS id, record::id(campaign) AS campaign, record::id(client) AS client, creator_search, stage,
                channels, (IF assignee != NONE THEN record::id(assignee) ELSE NONE END) AS assignee, awaiting_since,
                (stale ?? false) AS stale, enrollment.decline_reason AS decline_reason
         FROM thread WHERE workspace = type::record('workspace', $ws);",
        json!({ "ws": ws }),
    )
    .await
    .into_iter()
    .map(|v| serde_json::from_value(v).unwrap())
    .collect()
}

/// Search's meaning: every typed word, cut to 12 characters, begins a word (a run of letters
/// and digits) of the creator's search text, ignoring case.
fn found_by(typed: &str, search: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect()
    };
    let have = words(search);
    words(typed).iter().all(|t| {
        let t: String = t.chars().take(12).collect();
        have.iter().any(|w| w.starts_with(&t))
    })
}

/// The filter's meaning, written independently of the query builder.
fn matches(f: &InboxFilter, r: &Row, me: &str, now: i64) -> bool {
    f.campaign.as_ref().is_none_or(|c| &r.campaign == c)
        && f.client.as_ref().is_none_or(|c| &r.client == c)
        && f.creator
            .as_deref()
            .is_none_or(|q| found_by(q, &r.creator_search))
        && f.stage.is_none_or(|s| r.stage == s)
        && f.channel.is_none_or(|c| r.channels.contains(&c))
        && match &f.assignee {
            None => true,
            Some(AssigneeFilter::Me) => r.assignee.as_deref() == Some(me),
            Some(AssigneeFilter::Nobody) => r.assignee.is_none(),
            Some(AssigneeFilter::User(u)) => r.assignee.as_deref() == Some(u.as_str()),
        }
        && (!f.needs_reply || r.awaiting_since.is_some())
        && (!f.overdue || r.awaiting_since.is_some_and(|t| now - t > REPLY_GOAL_MS))
        && (!f.stale || r.stale)
        && (f.declined_for.is_empty()
            || r.decline_reason
                .is_some_and(|d| f.declined_for.contains(&d)))
}

async fn list_all(h: &Harness, cookie: &str, filter: &InboxFilter) -> Vec<ThreadSummary> {
    h.all_pages(cookie, serde_json::to_value(filter).unwrap())
        .await
}

#[tokio::test]
async fn each_filter_returns_exactly_the_right_threads() {
    let h = Harness::with_sizes(48, 6).await;
    let owner = h.a.user(Role::Owner).clone();
    let member = h.a.user(Role::Member).clone();
    let cookie = h.sign_in(&owner.email).await;
    // Some threads went stale (no answer after the last follow-up).
    h.query(
        "UPDATE thread SET stale = true WHERE workspace = type::record('workspace', $ws) AND stage = 'contacted';",
        json!({ "ws": h.a.workspace_id }),
    )
    .await;
    let rows = all_rows(&h, &h.a.workspace_id).await;
    assert!(rows.iter().any(|r| r.stale));
    assert!(
        rows.len() > 50,
        "enough threads for two pages ({})",
        rows.len()
    );

    let first_name = rows[0]
        .creator_search
        .split(' ')
        .next()
        .unwrap()
        .to_uppercase();
    // The start of the second word and of the first, in the other order.
    let two_words = {
        let w: Vec<&str> = rows[1].creator_search.split(' ').collect();
        let start = |s: &str, n: usize| s.chars().take(n).collect::<String>();
        format!("{} {}", start(w[1], 2), start(w[0], 3))
    };
    let filters = vec![
        InboxFilter::default(),
        InboxFilter {
            campaign: Some(h.a.campaign_ids[0].clone()),
            ..Default::default()
        },
        InboxFilter {
            client: Some(h.a.client_ids[1].clone()),
            ..Default::default()
        },
        InboxFilter {
            creator: Some(first_name),
            ..Default::default()
        },
        InboxFilter {
            creator: Some("@".into()),
            ..Default::default()
        },
        InboxFilter {
            creator: Some(two_words),
            ..Default::default()
        },
        InboxFilter {
            creator: Some("ail.example".into()),
            ..Default::default()
        },
        InboxFilter {
            creator: Some("mail.example".into()),
            ..Default::default()
        },
        InboxFilter {
            stage: Some(Stage::Negotiating),
            ..Default::default()
        },
        InboxFilter {
            stage: Some(Stage::Declined),
            ..Default::default()
        },
        InboxFilter {
            channel: Some(Channel::Sms),
            ..Default::default()
        },
        InboxFilter {
            channel: Some(Channel::Instagram),
            ..Default::default()
        },
        InboxFilter {
            assignee: Some(AssigneeFilter::Me),
            ..Default::default()
        },
        InboxFilter {
            assignee: Some(AssigneeFilter::Nobody),
            ..Default::default()
        },
        InboxFilter {
            assignee: Some(AssigneeFilter::User(member.id.clone())),
            ..Default::default()
        },
        InboxFilter {
            needs_reply: true,
            ..Default::default()
        },
        InboxFilter {
            overdue: true,
            ..Default::default()
        },
        InboxFilter {
            stale: true,
            ..Default::default()
        },
        InboxFilter {
            declined_for: vec![DeclineReason::Rate],
            ..Default::default()
        },
        InboxFilter {
            declined_for: vec![
                DeclineReason::Timing,
                DeclineReason::BrandFit,
                DeclineReason::Other,
            ],
            ..Default::default()
        },
        InboxFilter {
            stale: true,
            campaign: Some(h.a.campaign_ids[1].clone()),
            ..Default::default()
        },
        InboxFilter {
            client: Some(h.a.client_ids[0].clone()),
            needs_reply: true,
            channel: Some(Channel::Email),
            ..Default::default()
        },
        InboxFilter {
            campaign: Some(h.a.campaign_ids[2].clone()),
            assignee: Some(AssigneeFilter::Nobody),
            overdue: true,
            ..Default::default()
        },
        InboxFilter {
            overdue: true,
            ..Default::default()
        },
    ];
    let mut non_trivial = 0;
    for f in &filters {
        let got = list_all(&h, &cookie, f).await;
        let mut want: Vec<&str> = rows
            .iter()
            .filter(|r| matches(f, r, &owner.id, NOW))
            .map(|r| r.id.as_str())
            .collect();
        let mut got_ids: Vec<&str> = got.iter().map(|t| t.id.as_str()).collect();
        // The view's order (newest activity first; Overdue: the longest wait first), ties
        // broken by id, never a duplicate.
        for w in got.windows(2) {
            assert_eq!(
                app::domain::live_merge::inbox_order(f, &w[0], &w[1]),
                std::cmp::Ordering::Less,
                "order for {f:?}"
            );
        }
        got_ids.sort();
        want.sort();
        assert_eq!(got_ids, want, "filter {f:?}");
        if !want.is_empty() && want.len() < rows.len() {
            non_trivial += 1;
        }
    }
    assert!(
        non_trivial >= 12,
        "most filters select a proper, non-empty subset ({non_trivial})"
    );
}

/// The database's search terms (`fn::search_terms`, schema v26) are the domain's
/// (`app::domain::search::terms`), so the index finds exactly what a live row matches.
#[tokio::test]
async fn search_terms_in_the_database_are_the_domains() {
    let h = Harness::with_sizes(2, 1).await;
    for text in [
        "maya lópez @maya_lo maya.lo@studio.example +1 555 0100",
        "ZOË NG @zoe.ng",
        "christophersonian abc-def",
        "",
        "— ¡ ! 😀 李小龍 @li",
    ] {
        let got = h
            .query("RETURN [fn::search_terms($t)];", json!({ "t": text }))
            .await;
        let want = app::domain::search::terms(text);
        assert_eq!(got, vec![json!(want)], "{text}");
    }
}

/// A thread's indexed terms follow its search text (schema v29): computed again when the text
/// changes, kept as they are when a write leaves the text alone.
#[tokio::test]
async fn search_terms_follow_the_search_text() {
    let h = Harness::with_sizes(2, 1).await;
    let terms_of = |rows: Vec<serde_json::Value>| rows[0].clone();
    let id = h
        .query(
            "RETURN [(SELECT VALUE record::id(id) FROM thread LIMIT 1)[0]];",
            json!({}),
        )
        .await[0]
        .clone();
    let read = "RETURN [(SELECT VALUE creator_terms FROM type::record('thread', $id))[0]];";
    let text: String = serde_json::from_value(
        h.query(
            "RETURN [(SELECT VALUE creator_search FROM type::record('thread', $id))[0]];",
            json!({ "id": id }),
        )
        .await[0]
            .clone(),
    )
    .unwrap();
    let seeded = terms_of(h.query(read, json!({ "id": id })).await);
    assert_eq!(seeded, json!(app::domain::search::terms(&text)));
    h.query(
        "UPDATE type::record('thread', $id) SET last_snippet = 'a new message', last_at += 1;",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(terms_of(h.query(read, json!({ "id": id })).await), seeded);
    h.query(
        "UPDATE type::record('thread', $id) SET creator_search = 'Zoë Quux @zq';",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        terms_of(h.query(read, json!({ "id": id })).await),
        json!(app::domain::search::terms("Zoë Quux @zq"))
    );
}

#[tokio::test]
async fn pages_stay_stable_while_new_messages_arrive() {
    let h = Harness::with_sizes(48, 2).await;
    let cookie = h.sign_in_as(&h.a, Role::Member).await;
    let before: Vec<ThreadSummary> = list_all(&h, &cookie, &InboxFilter::default()).await;

    let page1 = h.page(&cookie, json!({}), None).await;
    let cursor = page1.next.clone().expect("a second page");
    // New inbound messages land in a thread already shown and in one not yet shown.
    let touched = [page1.threads[3].clone(), before[before.len() - 1].clone()];
    for (i, t) in touched.iter().enumerate() {
        let mut t = t.clone();
        let msg = creator_says(
            &t,
            Channel::Sms,
            format!("new message {i}"),
            NOW + 1000 + i as i64,
        );
        append_message(&h.db, &h.a.workspace_id, &mut t, msg, None)
            .await
            .unwrap();
    }
    let page2 = h.page(&cookie, json!({}), Some(&cursor)).await;

    let p1: Vec<&str> = page1.threads.iter().map(|t| t.id.as_str()).collect();
    let p2: Vec<&str> = page2.threads.iter().map(|t| t.id.as_str()).collect();
    assert!(
        p2.iter().all(|id| !p1.contains(id)),
        "no thread appears on both pages"
    );
    // Every thread that existed is on page 1 or page 2, except the one that moved to the top
    // after page 1 was read (it is shown again when the list is read from the top).
    let moved = touched[1].id.as_str();
    for t in &before {
        if t.id != moved {
            assert!(
                p1.contains(&t.id.as_str()) || p2.contains(&t.id.as_str()),
                "{} went missing",
                t.id
            );
        }
    }
    let fresh = h.page(&cookie, json!({}), None).await;
    assert_eq!(fresh.threads[0].id, moved);
    assert_eq!(fresh.threads[1].id, touched[0].id);
    assert!(fresh.threads[0].awaiting_since.is_some() && fresh.threads[0].unread);
    assert_eq!(fresh.threads[0].last_channel, Channel::Sms);
}

#[tokio::test]
async fn bad_filter_arguments_are_refused() {
    let h = Harness::with_sizes(4, 2).await;
    let cookie = h.sign_in_as(&h.a, Role::Owner).await;
    for (filter, after) in [
        (json!({ "campaign": "x'; DELETE thread; --" }), json!(null)),
        (json!({ "creator": "a".repeat(200) }), json!(null)),
        (json!({ "stage": "promoted" }), json!(null)),
        (json!({}), json!({ "last_at": 1, "id": "NOT VALID" })),
    ] {
        let got: Result<InboxPage, app::api::AppError> = h
            .call(
                "list_threads",
                Some(&cookie),
                json!({ "filter": filter, "after": after }),
            )
            .await;
        assert!(
            matches!(got, Err(app::api::AppError::Invalid(_))),
            "{filter} {after}: {got:?}"
        );
    }
    let rows = all_rows(&h, &h.a.workspace_id).await;
    assert_eq!(rows.len(), h.a.thread_ids.len(), "nothing was deleted");
}

/// A creator's message on `channel`, written without waking the automation.
fn creator_says(t: &ThreadSummary, channel: Channel, text: String, at: i64) -> NewMessage {
    NewMessage {
        automate: false,
        external_id: None,
        ..NewMessage::from_creator(
            channel,
            t.creator_id.clone(),
            t.creator_name.clone(),
            None,
            text,
            at,
            String::new(),
        )
    }
}

async fn ids_for(h: &Harness, cookie: &str, f: InboxFilter) -> Vec<String> {
    let mut ids: Vec<String> = list_all(h, cookie, &f)
        .await
        .into_iter()
        .map(|t| t.id)
        .collect();
    ids.sort();
    ids
}

/// Open topics are the reply gate's rule, kept on the thread as messages arrive; the topic,
/// blocked and past-deadline filters answer exactly what the domain's rules say for every row.
#[tokio::test]
async fn topic_blocked_and_deadline_filters_follow_the_domain_rules() {
    use app::domain::blocked::{blocked, Blocked};
    use app::domain::classify::Intent;
    let h = Harness::with_sizes(12, 2).await;
    let owner = h.a.user(Role::Owner).clone();
    let cookie = h.sign_in(&owner.email).await;
    let threads = list_all(&h, &cookie, &InboxFilter::default()).await;
    let mut t = threads
        .iter()
        .find(|t| t.stage != Stage::Declined && t.stage != Stage::Completed)
        .unwrap()
        .clone();

    // A creator raises rate and usage rights: both are open.
    let ask = "What's your rate for this? And how long would you use the content in paid ads?";
    let msg = creator_says(&t, Channel::Email, ask.into(), NOW + 10);
    append_message(&h.db, &h.a.workspace_id, &mut t, msg, None)
        .await
        .unwrap();
    let open = |id: String| {
        let h = &h;
        let sql = "SELECT open_topics FROM type::record('thread', $t);";
        async move {
            let mut topics: Vec<String> = serde_json::from_value(
                h.query(sql, json!({ "t": id })).await[0]["open_topics"].clone(),
            )
            .unwrap();
            topics.sort();
            json!(topics)
        }
    };
    assert_eq!(open(t.id.clone()).await, json!(["rate", "usage_rights"]));
    let topic = |topics: Vec<Intent>| InboxFilter {
        topics,
        ..Default::default()
    };
    assert!(ids_for(&h, &cookie, topic(vec![Intent::UsageRights]))
        .await
        .contains(&t.id));

    // A teammate's reply closes them; when it fails to send, they are open again.
    let mut reply = creator_says(
        &t,
        Channel::Email,
        "Our rate is 800, usage 30 days organic.".into(),
        NOW + 20,
    );
    reply.direction = Direction::Outbound;
    reply.sender_kind = SenderKind::Teammate;
    reply.sender_id = Some(owner.id.clone());
    reply.status = DeliveryStatus::Sent;
    let reply_id = reply.id.clone();
    append_message(&h.db, &h.a.workspace_id, &mut t, reply, None)
        .await
        .unwrap();
    assert_eq!(open(t.id.clone()).await, json!([]));
    assert!(!ids_for(&h, &cookie, topic(vec![Intent::Rate]))
        .await
        .contains(&t.id));
    h.query(
        "UPDATE type::record('message', $m) SET status = 'failed';",
        json!({ "m": reply_id }),
    )
    .await;
    assert_eq!(open(t.id.clone()).await, json!(["rate", "usage_rights"]));

    // The campaign's post-by date passes: creators who agreed and have not posted are late.
    h.query(
        "UPDATE thread SET stage = 'accepted' WHERE campaign = type::record('campaign', $c) AND stage = 'contacted';",
        json!({ "c": h.a.campaign_ids[0] }),
    )
    .await;
    let mut form: serde_json::Value = h
        .call::<serde_json::Value>(
            "campaign_form",
            Some(&cookie),
            json!({ "campaign_id": h.a.campaign_ids[0] }),
        )
        .await
        .unwrap();
    form["content_due"] = json!(null);
    form["post_by"] = json!(NOW - 1);
    let _: serde_json::Value = h
        .call("save_campaign", Some(&cookie), json!({ "form": form }))
        .await
        .unwrap();

    #[derive(Deserialize)]
    struct Facts {
        id: String,
        stage: Stage,
        open_topics: Vec<Intent>,
        post_by: Option<i64>,
        campaign_post_by: Option<i64>,
    }
    let facts: Vec<Facts> = h
        .query(
            "SELECT record::id(id) AS id, stage, open_topics, post_by, campaign.post_by AS campaign_post_by
             FROM thread WHERE workspace = type::record('workspace', $ws) AND archived_at = NONE;",
            json!({ "ws": h.a.workspace_id }),
        )
        .await
        .into_iter()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect();
    assert!(facts.iter().all(|f| f.post_by == f.campaign_post_by));
    let want = |keep: &dyn Fn(&Facts) -> bool| {
        let mut ids: Vec<String> = facts
            .iter()
            .filter(|f| keep(f))
            .map(|f| f.id.clone())
            .collect();
        ids.sort();
        ids
    };
    let late = want(&|f| app::domain::stage::past_deadline(f.stage, f.post_by, NOW));
    assert!(!late.is_empty() && late.len() < facts.len());
    let got = ids_for(
        &h,
        &cookie,
        InboxFilter {
            past_deadline: true,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(got, late);
    let mut categories: Vec<Vec<Blocked>> = Blocked::ALL.iter().map(|b| vec![*b]).collect();
    categories.push(vec![Blocked::Shipping, Blocked::Compliance]);
    for chosen in categories {
        let expected = want(&|f| {
            blocked(f.stage, &f.open_topics)
                .iter()
                .any(|b| chosen.contains(b))
        });
        let f = InboxFilter {
            blocked: chosen.clone(),
            ..Default::default()
        };
        assert_eq!(ids_for(&h, &cookie, f).await, expected, "{chosen:?}");
    }
    let expected = want(&|f| {
        f.open_topics
            .iter()
            .any(|i| [Intent::Rate, Intent::Legal].contains(i))
    });
    assert!(expected.contains(&t.id) && expected.len() < facts.len());
    assert_eq!(
        ids_for(&h, &cookie, topic(vec![Intent::Rate, Intent::Legal])).await,
        expected
    );
    // A topic the inbox does not keep open is refused, not silently empty.
    let got: Result<InboxPage, app::api::AppError> = h
        .call(
            "list_threads",
            Some(&cookie),
            json!({ "filter": { "topics": ["question"] }, "after": null }),
        )
        .await;
    assert!(
        matches!(got, Err(app::api::AppError::Invalid(_))),
        "{got:?}"
    );
    // A page cursor whose time the inbox rank cannot hold is refused with words.
    for key in [i64::MIN, -1, i64::MAX] {
        let got: Result<InboxPage, app::api::AppError> = h
            .call(
                "list_threads",
                Some(&cookie),
                json!({ "filter": {}, "after": { "key": key, "id": t.id } }),
            )
            .await;
        assert_eq!(
            got.err(),
            Some(app::api::AppError::Invalid("bad page cursor".into())),
            "{key}"
        );
    }
}

/// A thread's newest messages are read forwards over `message_thread_newest` (schema v30), not
/// backwards over `message_thread_at`: the embedded engine's backward scans walk its memtable.
#[tokio::test]
async fn newest_messages_are_read_by_an_ascending_index() {
    let h = Harness::with_sizes(2, 1).await;
    let id = h
        .query(
            "RETURN [(SELECT VALUE record::id(thread) FROM message LIMIT 1)[0]];",
            json!({}),
        )
        .await[0]
        .clone();
    let plan = h
        .query(
            "SELECT at FROM message WHERE thread = type::record('thread', $t) AND direction = 'inbound'
                 ORDER BY newest_first LIMIT 1 EXPLAIN;",
            json!({ "t": id }),
        )
        .await;
    let plan = serde_json::to_string(&plan).unwrap();
    assert!(plan.contains("message_thread_newest"), "{plan}");
    let newest = h
        .query(
            "SELECT VALUE at FROM message WHERE thread = type::record('thread', $t) ORDER BY newest_first LIMIT 1;",
            json!({ "t": id }),
        )
        .await;
    let latest = h
        .query(
            "RETURN [math::max((SELECT VALUE at FROM message WHERE thread = type::record('thread', $t)))];",
            json!({ "t": id }),
        )
        .await;
    assert_eq!(newest, latest);
}
