//! Translates an inbox filter into one SurrealQL SELECT with bound parameters. Pure: the values
//! never enter the query text, only `$names` do. Newest activity first, read forward over
//! `inbox_rank` (see schema_v2.surql); keyset pagination on (inbox_rank, id), never OFFSET.

use super::{thread_scope, THREAD_FIELDS};
use app::api::backend::Caller;
use app::domain::blocked::{Blocked, CLOSED};
use app::domain::filter::{AssigneeFilter, InboxFilter};
use app::domain::stage::AWAITING_POST;
use app::model::Cursor;
use serde_json::{Map, Value};

pub const PAGE_SIZE: usize = 50;

/// `thread.inbox_rank = INBOX_RANK_BASE - last_at` (computed by the schema, schema_v2.surql).
pub const INBOX_RANK_BASE: i64 = app::model::RANK_BASE;

#[derive(Debug)]
pub struct BuiltQuery {
    pub sql: String,
    pub vars: Map<String, Value>,
}

/// The instants a filter compares against.
#[derive(Clone, Copy, Debug)]
pub struct InboxClock {
    pub now: i64,
    /// Waits that began before this are overdue (`app::domain::reply_clock::overdue_before`).
    pub overdue_before: i64,
}

fn names<T: Copy>(items: &[T], name: fn(T) -> &'static str) -> Value {
    items.iter().map(|i| name(*i)).collect::<Vec<_>>().into()
}

/// `app::domain::blocked::blocked` as a condition: the chosen categories' rules (their stages
/// and topics bound as parameters), never a closed thread.
fn blocked_condition(chosen: &[Blocked], vars: &mut Map<String, Value>) -> String {
    vars.insert("closed".into(), names(&CLOSED, |s| s.as_str()));
    let mut any = Vec::new();
    for b in chosen {
        let rule = b.rule();
        let key = b.as_str();
        if !rule.stages.is_empty() {
            vars.insert(
                format!("blocked_{key}_stages"),
                names(rule.stages, |s| s.as_str()),
            );
            any.push(format!("stage IN $blocked_{key}_stages"));
        }
        if !rule.topics.is_empty() {
            vars.insert(
                format!("blocked_{key}_topics"),
                names(rule.topics, |t| t.as_str()),
            );
            any.push(format!("open_topics CONTAINSANY $blocked_{key}_topics"));
        }
    }
    format!("stage NOT IN $closed AND ({})", any.join(" OR "))
}

/// What a read of `thread` with this filter's conditions says after `FROM thread`: a search names
/// its index, because the planner would otherwise walk the view's order (`thread_ws_rank`) and
/// test every thread; the few threads a search finds are then sorted.
pub fn index_hint(filter: &InboxFilter) -> &'static str {
    if filter.search_needle().is_some() {
        " WITH INDEX thread_ws_terms"
    } else {
        ""
    }
}

/// The WHERE conditions for a filter (without the cursor).
pub fn conditions(
    caller: &Caller,
    filter: &InboxFilter,
    clock: InboxClock,
    vars: &mut Map<String, Value>,
) -> Vec<String> {
    // Threads of creators removed from their campaign are kept for the audit trail, not listed.
    let mut c = vec![thread_scope(caller, vars), "archived_at = NONE".into()];
    if let Some(id) = &filter.campaign {
        vars.insert("campaign".into(), id.clone().into());
        c.push("campaign = type::record('campaign', $campaign)".into());
    }
    if let Some(id) = &filter.client {
        vars.insert("client".into(), id.clone().into());
        c.push("client = type::record('client', $client)".into());
    }
    if let Some(words) = filter.search_needle() {
        // `app::domain::search::matches`: the longest word reads one range of `thread_ws_terms`
        // (schema v26), the others narrow what it found.
        vars.insert("q".into(), words[0].clone().into());
        c.push("creator_terms CONTAINS $q".into());
        if words.len() > 1 {
            vars.insert("q_all".into(), words.clone().into());
            c.push("creator_terms CONTAINSALL $q_all".into());
        }
    }
    if let Some(stage) = filter.stage {
        vars.insert("stage".into(), stage.as_str().into());
        c.push("stage = $stage".into());
    }
    if let Some(channel) = filter.channel {
        vars.insert("channel".into(), channel.as_str().into());
        c.push("channels CONTAINS $channel".into());
    }
    match &filter.assignee {
        Some(AssigneeFilter::Me) => {
            vars.insert("me".into(), caller.user_id.clone().into());
            c.push("assignee = type::record('user', $me)".into());
        }
        Some(AssigneeFilter::Nobody) => c.push("assignee = NONE".into()),
        Some(AssigneeFilter::User(id)) => {
            vars.insert("assignee".into(), id.clone().into());
            c.push("assignee = type::record('user', $assignee)".into());
        }
        None => {}
    }
    if filter.needs_reply || filter.overdue {
        c.push("waiting = true".into());
    }
    if filter.overdue {
        vars.insert("overdue_before".into(), clock.overdue_before.into());
        c.push("awaiting_since < $overdue_before".into());
    }
    if filter.stale {
        c.push("stale = true".into());
    }
    if !filter.declined_for.is_empty() {
        let reasons: Vec<&str> = filter.declined_for.iter().map(|r| r.as_str()).collect();
        vars.insert("decline".into(), reasons.into());
        c.push("decline_reason IN $decline".into());
    }
    if !filter.threads.is_empty() {
        vars.insert("threads".into(), filter.threads.clone().into());
        c.push("record::id(id) IN $threads".into());
    }
    if !filter.topics.is_empty() {
        vars.insert("topics".into(), names(&filter.topics, |t| t.as_str()));
        c.push("open_topics CONTAINSANY $topics".into());
    }
    if !filter.blocked.is_empty() {
        c.push(blocked_condition(&filter.blocked, vars));
    }
    if filter.past_deadline {
        // `app::domain::stage::past_deadline`.
        vars.insert(
            "awaiting_post".into(),
            names(&AWAITING_POST, |s| s.as_str()),
        );
        vars.insert("now".into(), clock.now.into());
        c.push("stage IN $awaiting_post AND post_by != NONE AND post_by < $now".into());
    }
    c
}

/// One page of threads, `limit + 1` rows so the caller knows whether another page follows.
pub fn page_query(
    caller: &Caller,
    filter: &InboxFilter,
    after: Option<&Cursor>,
    clock: InboxClock,
    limit: usize,
) -> BuiltQuery {
    let mut vars = Map::new();
    let mut c = conditions(caller, filter, clock, &mut vars);
    // The view's order (`app::domain::live_merge::inbox_order`): the Overdue view reads the
    // longest waits first, one range of `thread_ws_waiting_since` (schema v25).
    let (order, key) = if filter.overdue {
        ("awaiting_since", "$c_key")
    } else {
        ("inbox_rank", "$c_rank")
    };
    if let Some(cursor) = after {
        // Cursors are checked (`Cursor::is_valid`); a bad one still cannot overflow here.
        let at = cursor.key.clamp(0, INBOX_RANK_BASE);
        if filter.overdue {
            vars.insert("c_key".into(), at.into());
        } else {
            vars.insert("c_rank".into(), (INBOX_RANK_BASE - at).into());
        }
        vars.insert("c_id".into(), cursor.id.clone().into());
        c.push(format!(
            "({order} > {key} OR ({order} = {key} AND id > type::record('thread', $c_id)))"
        ));
    }
    let sql = format!(
        "SELECT {THREAD_FIELDS} FROM thread{} WHERE {} ORDER BY {order}, id LIMIT {};",
        index_hint(filter),
        c.join(" AND "),
        limit + 1
    );
    BuiltQuery { sql, vars }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::api::backend::Scope;
    use app::domain::classify::Intent;
    use app::domain::reply_clock::REPLY_GOAL_MS;
    use app::model::{Channel, Role, Stage};

    fn caller() -> Caller {
        Caller {
            user_id: "u1".into(),
            workspace_id: "w1".into(),
            role: Role::Member,
            scope: Scope::Workspace,
        }
    }

    fn where_of(q: &BuiltQuery) -> &str {
        let start = q.sql.find(" WHERE ").unwrap() + 7;
        let end = q.sql.find(" ORDER BY").unwrap();
        &q.sql[start..end]
    }

    #[test]
    fn filter_translation_table() {
        let now = 100 * REPLY_GOAL_MS;
        let ws = "workspace = type::record('workspace', $ws) AND archived_at = NONE";
        type Case = (InboxFilter, String, Vec<(&'static str, Value)>);
        let cases: Vec<Case> = vec![
            (
                InboxFilter::default(),
                ws.to_string(),
                vec![("ws", "w1".into())],
            ),
            (
                InboxFilter {
                    campaign: Some("c1".into()),
                    ..Default::default()
                },
                format!("{ws} AND campaign = type::record('campaign', $campaign)"),
                vec![("campaign", "c1".into())],
            ),
            (
                InboxFilter {
                    client: Some("k1".into()),
                    stage: Some(Stage::Negotiating),
                    ..Default::default()
                },
                format!("{ws} AND client = type::record('client', $client) AND stage = $stage"),
                vec![("client", "k1".into()), ("stage", "negotiating".into())],
            ),
            (
                InboxFilter {
                    creator: Some("  MAYA ".into()),
                    ..Default::default()
                },
                format!("{ws} AND creator_terms CONTAINS $q"),
                vec![("q", "maya".into())],
            ),
            (
                InboxFilter {
                    creator: Some("ma López".into()),
                    ..Default::default()
                },
                format!("{ws} AND creator_terms CONTAINS $q AND creator_terms CONTAINSALL $q_all"),
                vec![
                    ("q", "lópez".into()),
                    ("q_all", serde_json::json!(["lópez", "ma"])),
                ],
            ),
            (
                InboxFilter {
                    channel: Some(Channel::Sms),
                    ..Default::default()
                },
                format!("{ws} AND channels CONTAINS $channel"),
                vec![("channel", "sms".into())],
            ),
            (
                InboxFilter {
                    assignee: Some(AssigneeFilter::Me),
                    ..Default::default()
                },
                format!("{ws} AND assignee = type::record('user', $me)"),
                vec![("me", "u1".into())],
            ),
            (
                InboxFilter {
                    assignee: Some(AssigneeFilter::Nobody),
                    ..Default::default()
                },
                format!("{ws} AND assignee = NONE"),
                vec![],
            ),
            (
                InboxFilter {
                    assignee: Some(AssigneeFilter::User("u9".into())),
                    ..Default::default()
                },
                format!("{ws} AND assignee = type::record('user', $assignee)"),
                vec![("assignee", "u9".into())],
            ),
            (
                InboxFilter {
                    needs_reply: true,
                    ..Default::default()
                },
                format!("{ws} AND waiting = true"),
                vec![],
            ),
            (
                InboxFilter {
                    overdue: true,
                    needs_reply: true,
                    ..Default::default()
                },
                format!("{ws} AND waiting = true AND awaiting_since < $overdue_before"),
                vec![("overdue_before", (99 * REPLY_GOAL_MS).into())],
            ),
            (
                InboxFilter {
                    topics: vec![Intent::Rate, Intent::Legal],
                    ..Default::default()
                },
                format!("{ws} AND open_topics CONTAINSANY $topics"),
                vec![("topics", serde_json::json!(["rate", "legal"]))],
            ),
            (
                InboxFilter {
                    blocked: vec![Blocked::Negotiation, Blocked::Shipping],
                    ..Default::default()
                },
                format!(
                    "{ws} AND stage NOT IN $closed AND (stage IN $blocked_negotiation_stages \
                     OR open_topics CONTAINSANY $blocked_negotiation_topics OR stage IN $blocked_shipping_stages)"
                ),
                vec![
                    ("closed", serde_json::json!(["declined", "completed"])),
                    (
                        "blocked_negotiation_topics",
                        serde_json::json!(["rate", "usage_rights", "exclusivity"]),
                    ),
                    ("blocked_shipping_stages", serde_json::json!(["accepted"])),
                ],
            ),
            (
                InboxFilter {
                    past_deadline: true,
                    ..Default::default()
                },
                format!("{ws} AND stage IN $awaiting_post AND post_by != NONE AND post_by < $now"),
                vec![("now", now.into())],
            ),
        ];
        for (filter, want_where, want_vars) in cases {
            let clock = InboxClock {
                now,
                overdue_before: now - REPLY_GOAL_MS,
            };
            let q = page_query(&caller(), &filter, None, clock, PAGE_SIZE);
            assert_eq!(where_of(&q), want_where, "{filter:?}");
            for (k, v) in want_vars {
                assert_eq!(q.vars.get(k), Some(&v), "{k} for {filter:?}");
            }
            let order = if filter.overdue {
                "awaiting_since"
            } else {
                "inbox_rank"
            };
            assert!(
                q.sql.ends_with(&format!("ORDER BY {order}, id LIMIT 51;")),
                "{}",
                q.sql
            );
            assert!(!q.sql.contains("OFFSET") && !q.sql.contains("START"));
        }
    }

    #[test]
    fn cursor_and_scope() {
        let cursor = Cursor {
            key: 42,
            id: "t9".into(),
        };
        let clock = InboxClock {
            now: 0,
            overdue_before: 0,
        };
        let q = page_query(&caller(), &InboxFilter::default(), Some(&cursor), clock, 10);
        assert!(where_of(&q).ends_with(
            "(inbox_rank > $c_rank OR (inbox_rank = $c_rank AND id > type::record('thread', $c_id)))"
        ));
        assert_eq!(q.vars["c_rank"], Value::from(INBOX_RANK_BASE - 42));
        assert_eq!(q.vars["c_id"], Value::from("t9"));
        assert!(q.sql.ends_with("LIMIT 11;"));

        // The Overdue view pages on when each wait began, longest first.
        let overdue = InboxFilter {
            overdue: true,
            ..Default::default()
        };
        let q = page_query(&caller(), &overdue, Some(&cursor), clock, 10);
        assert!(where_of(&q).ends_with(
            "(awaiting_since > $c_key OR (awaiting_since = $c_key AND id > type::record('thread', $c_id)))"
        ));
        assert_eq!(q.vars["c_key"], Value::from(42));
        assert!(q.sql.ends_with("ORDER BY awaiting_since, id LIMIT 11;"));

        let scoped = Caller {
            scope: Scope::Client(app::api::backend::ClientScope::client("k2")),
            ..caller()
        };
        let q = page_query(&scoped, &InboxFilter::default(), None, clock, 10);
        assert!(where_of(&q).contains("client = type::record('client', $scope_client)"));
        assert_eq!(q.vars["scope_client"], Value::from("k2"));
    }

    #[test]
    fn values_never_enter_the_query_text() {
        let evil = "x') OR true; DELETE thread; --";
        let f = InboxFilter {
            creator: Some(evil.into()),
            ..Default::default()
        };
        let clock = InboxClock {
            now: 0,
            overdue_before: 0,
        };
        let q = page_query(&caller(), &f, None, clock, 50);
        assert!(!q.sql.contains("DELETE"));
        assert!(q
            .sql
            .contains(" FROM thread WITH INDEX thread_ws_terms WHERE "));
        let plain = page_query(&caller(), &InboxFilter::default(), None, clock, 50);
        assert!(plain.sql.contains(" FROM thread WHERE "));
        assert_eq!(q.vars["q"], Value::from("delete"));
        assert_eq!(
            q.vars["q_all"],
            serde_json::json!(["delete", "thread", "true", "or", "x"])
        );
    }
}
