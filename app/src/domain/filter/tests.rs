use super::*;
use crate::domain::reply_clock::REPLY_GOAL_MS;

#[test]
fn query_round_trip_table() {
    let cases = [
        InboxFilter::default(),
        InboxFilter {
            campaign: Some("c1".into()),
            ..Default::default()
        },
        InboxFilter {
            client: Some("k9".into()),
            creator: Some("Maya Ló".into()),
            stage: Some(Stage::InfoCollected),
            channel: Some(Channel::Sms),
            assignee: Some(AssigneeFilter::Me),
            needs_reply: true,
            overdue: true,
            stale: true,
            declined_for: vec![DeclineReason::Rate, DeclineReason::Timing],
            topics: vec![Intent::UsageRights, Intent::Rate],
            blocked: vec![Blocked::Compliance, Blocked::Shipping],
            past_deadline: true,
            ..Default::default()
        },
        InboxFilter {
            assignee: Some(AssigneeFilter::Nobody),
            ..Default::default()
        },
        InboxFilter {
            assignee: Some(AssigneeFilter::User("u42".into())),
            ..Default::default()
        },
        InboxFilter {
            threads: vec!["t1".into(), "t22".into()],
            ..Default::default()
        },
    ];
    for f in cases {
        let q = f.to_query();
        let back = InboxFilter::from_query(q.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!(back, f);
        assert!(f.validate().is_ok());
    }
}

#[test]
fn malformed_query_values_are_dropped() {
    let f = InboxFilter::from_query([
        ("campaign", "DROP TABLE"),
        ("client", "c:1"),
        ("stage", "promoted"),
        ("channel", "fax"),
        ("assignee", "x y"),
        ("needs_reply", "yes"),
        ("utm_source", "newsletter"),
        ("q", "   "),
        ("threads", "t1,T2"),
        ("topic", "question,hello"),
        ("blocked", "everything"),
        ("past_deadline", "true"),
    ]);
    assert_eq!(f, InboxFilter::default());
}

#[test]
fn validate_rejects_bad_arguments() {
    let bad = [
        InboxFilter {
            campaign: Some("a;b".into()),
            ..Default::default()
        },
        InboxFilter {
            client: Some(String::new()),
            ..Default::default()
        },
        InboxFilter {
            creator: Some("x".repeat(81)),
            ..Default::default()
        },
        InboxFilter {
            creator: Some("  ".into()),
            ..Default::default()
        },
        InboxFilter {
            assignee: Some(AssigneeFilter::User("U1".into())),
            ..Default::default()
        },
        InboxFilter {
            threads: vec!["t1".into(), "x')".into()],
            ..Default::default()
        },
        InboxFilter {
            threads: vec!["t".into(); MAX_PICKED_THREADS + 1],
            ..Default::default()
        },
        InboxFilter {
            declined_for: vec![DeclineReason::Rate; 2],
            ..Default::default()
        },
        InboxFilter {
            topics: vec![Intent::Question],
            ..Default::default()
        },
        InboxFilter {
            blocked: vec![Blocked::Shipping, Blocked::Shipping],
            ..Default::default()
        },
    ];
    for f in bad {
        assert!(f.validate().is_err(), "{f:?}");
    }
}

#[test]
fn query_string_is_encoded() {
    let f = InboxFilter {
        creator: Some("a b&c".into()),
        needs_reply: true,
        ..Default::default()
    };
    assert_eq!(f.to_query_string(), "?q=a%20b%26c&needs_reply=1");
    assert_eq!(InboxFilter::default().to_query_string(), "");
    assert_eq!(
        f.search_needle(),
        Some(vec!["a".to_string(), "b".into(), "c".into()])
    );
    let punctuation = InboxFilter {
        creator: Some(" & ".into()),
        ..Default::default()
    };
    assert_eq!(punctuation.search_needle(), None);
}

#[test]
fn live_rows_match_like_the_server_query() {
    use crate::model::{SenderKind, ThreadSummary};
    let now = 10 * REPLY_GOAL_MS;
    let t = ThreadSummary {
        id: "t1".into(),
        creator_id: "cr1".into(),
        creator_name: "Maya".into(),
        creator_handle: "@maya".into(),
        creator_avatar: None,
        campaign_id: "c1".into(),
        campaign_name: "Spring".into(),
        client_id: "k1".into(),
        client_name: "Acme".into(),
        stage: Stage::Negotiating,
        assignee_id: Some("u1".into()),
        assignee_name: Some("Dana".into()),
        last_at: now,
        last_channel: Channel::Sms,
        last_sender_kind: SenderKind::Creator,
        last_sender_name: "Maya".into(),
        last_snippet: "hi".into(),
        awaiting_since: Some(now - 2 * REPLY_GOAL_MS),
        unread: true,
        channels: vec![Channel::Email, Channel::Sms],
        snoozed_until: None,
        snooze_until_reply: None,
        stale: None,
        decline_reason: Some(DeclineReason::Timing),
        open_topics: vec![Intent::UsageRights],
        post_by: Some(now - 1),
        version: 1,
    };
    let f = |q: &str| InboxFilter::from_query(q.split('&').filter_map(|kv| kv.split_once('=')));
    let cases = [
        ("", true),
        ("campaign=c1", true),
        ("campaign=c2", false),
        ("client=k1&stage=negotiating", true),
        ("stage=accepted", false),
        ("channel=sms", true),
        ("channel=instagram", false),
        ("assignee=me", true),
        ("assignee=none", false),
        ("assignee=u2", false),
        ("needs_reply=1&overdue=1", true),
        ("q=MAYA@X", true),
        ("q=zoe", false),
        ("threads=t9,t1", true),
        ("threads=t9", false),
        ("stale=1", false),
        ("decline=rate", false),
        ("decline=rate,timing", true),
        ("topic=rate", false),
        ("topic=rate,usage_rights", true),
        ("blocked=negotiation", true),
        ("blocked=shipping,compliance", false),
        // Negotiating has not agreed yet: the post-by date does not bind it.
        ("past_deadline=1", false),
    ];
    let late = |t: &ThreadSummary, q: &str| f(q).matches(t, "", "u1", 0, now);
    let accepted = ThreadSummary {
        stage: Stage::Accepted,
        ..t.clone()
    };
    assert!(late(&accepted, "past_deadline=1&blocked=shipping"));
    assert!(!late(
        &ThreadSummary {
            post_by: Some(now),
            ..accepted
        },
        "past_deadline=1"
    ));
    for (q, want) in cases {
        assert_eq!(
            f(q).matches(
                &t,
                "maya @maya maya@x.example",
                "u1",
                now - REPLY_GOAL_MS,
                now
            ),
            want,
            "{q}"
        );
    }
    let answered = ThreadSummary {
        awaiting_since: None,
        ..t.clone()
    };
    let fresh = ThreadSummary {
        awaiting_since: Some(now - 1000),
        ..t
    };
    assert!(!f("needs_reply=1").matches(&answered, "", "u1", now - REPLY_GOAL_MS, now));
    assert!(f("needs_reply=1").matches(&fresh, "", "u1", now - REPLY_GOAL_MS, now));
    assert!(!f("overdue=1").matches(&fresh, "", "u1", now - REPLY_GOAL_MS, now));
}
