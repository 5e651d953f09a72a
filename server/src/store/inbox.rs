//! Reading the inbox: pages of threads, view counts and filter options.

use super::inbox_query::{conditions, page_query, InboxClock, PAGE_SIZE};
use crate::db::{exec, rows, Db, DbError};
use app::api::backend::{Caller, Scope};
use app::domain::filter::{AssigneeFilter, InboxFilter};
use app::domain::live_merge::cursor_after;
use app::domain::reply_clock::{overdue_before, BusinessHours};
use app::model::{Cursor, FilterOptions, InboxCounts, InboxPage, NamedRef, ThreadSummary};
use serde_json::Value;

/// The workspace's working hours (`app::domain::reply_clock::BusinessHours`), if it set any,
/// with their time zone's offsets around `now` (`crate::time_zones`).
pub async fn business_hours(db: &Db, ws: &str, now: i64) -> Result<Option<BusinessHours>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE business_hours FROM ONLY type::record('workspace', $ws);",
        serde_json::json!({ "ws": ws }),
    )
    .await?;
    let v: Option<Value> = resp.take(0)?;
    Ok(v.and_then(|v| serde_json::from_value(v).ok())
        .map(|h| crate::time_zones::with_offsets(h, now)))
}

/// Waits that began before this are overdue now, in the workspace's working hours.
pub async fn overdue_cutoff(db: &Db, ws: &str, now: i64) -> Result<i64, DbError> {
    let hours = business_hours(db, ws, now).await?;
    Ok(overdue_before(now, hours.as_ref()))
}

/// The instants inbox filters compare against, in the workspace's working hours.
pub async fn inbox_clock(db: &Db, ws: &str, now: i64) -> Result<InboxClock, DbError> {
    Ok(InboxClock {
        now,
        overdue_before: overdue_cutoff(db, ws, now).await?,
    })
}

pub async fn list_threads(
    db: &Db,
    caller: &Caller,
    filter: &InboxFilter,
    after: Option<Cursor>,
    now: i64,
) -> Result<InboxPage, DbError> {
    let clock = inbox_clock(db, &caller.workspace_id, now).await?;
    let q = page_query(caller, filter, after.as_ref(), clock, PAGE_SIZE);
    let mut resp = exec(db, &q.sql, Value::Object(q.vars)).await?;
    let mut threads: Vec<ThreadSummary> = rows(&mut resp, 0)?;
    let next = if threads.len() > PAGE_SIZE {
        threads.truncate(PAGE_SIZE);
        threads.last().map(|t| cursor_after(filter, t))
    } else {
        None
    };
    Ok(InboxPage { threads, next, now })
}

#[derive(serde::Deserialize)]
struct Count {
    count: u64,
}

pub async fn counts(db: &Db, caller: &Caller, now: i64) -> Result<InboxCounts, DbError> {
    let views = [
        InboxFilter::default(),
        InboxFilter {
            assignee: Some(AssigneeFilter::Me),
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
    ];
    let clock = inbox_clock(db, &caller.workspace_id, now).await?;
    let mut vars = serde_json::Map::new();
    let mut sql = String::new();
    for view in &views {
        let c = conditions(caller, view, clock, &mut vars);
        sql.push_str(&format!(
            "SELECT count() FROM thread WHERE {} GROUP ALL;\n",
            c.join(" AND ")
        ));
    }
    let c = conditions(caller, &InboxFilter::default(), clock, &mut vars);
    sql.push_str(&format!(
        "SELECT count() FROM thread WHERE {} AND unread = true GROUP ALL;\n",
        c.join(" AND ")
    ));
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    let mut n = [0u64; 5];
    for (i, slot) in n.iter_mut().enumerate() {
        *slot = rows::<Count>(&mut resp, i)?.first().map_or(0, |c| c.count);
    }
    Ok(InboxCounts {
        all: n[0],
        mine: n[1],
        needs_reply: n[2],
        overdue: n[3],
        unread: n[4],
        // Counted by the Unmatched queue's store (`store::unmatched::count`) and the drafts'
        // (`store::drafts::counts`).
        unmatched: 0,
        approvals: 0,
        notifications: 0,
    })
}

/// How many threads match `filter` (confined like every list read).
pub async fn count_matching(
    db: &Db,
    caller: &Caller,
    filter: &InboxFilter,
    now: i64,
) -> Result<u64, DbError> {
    let clock = inbox_clock(db, &caller.workspace_id, now).await?;
    let mut vars = serde_json::Map::new();
    let c = conditions(caller, filter, clock, &mut vars);
    let sql = format!(
        "SELECT count() FROM thread{} WHERE {} GROUP ALL;",
        super::inbox_query::index_hint(filter),
        c.join(" AND ")
    );
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    Ok(rows::<Count>(&mut resp, 0)?.first().map_or(0, |c| c.count))
}

pub async fn filter_options(db: &Db, caller: &Caller) -> Result<FilterOptions, DbError> {
    let mut vars = serde_json::Map::new();
    // A frame's campaigns and its client only; a teammate's, every one.
    let campaigns = super::scope_clause(
        caller,
        &mut vars,
        super::ScopePaths {
            client: "client",
            campaign: Some("id"),
            thread: None,
        },
    );
    let clients = super::scope_clause(
        caller,
        &mut vars,
        super::ScopePaths {
            client: "id",
            campaign: None,
            thread: None,
        },
    );
    let sql = format!(
        "SELECT record::id(id) AS id, name FROM campaign WHERE {campaigns} ORDER BY name;
         SELECT record::id(id) AS id, name FROM client WHERE {clients} ORDER BY name;"
    );
    let mut resp = exec(db, &sql, Value::Object(vars)).await?;
    let campaigns: Vec<NamedRef> = rows(&mut resp, 0)?;
    let clients: Vec<NamedRef> = rows(&mut resp, 1)?;
    let teammates = if caller.scope == Scope::Workspace {
        teammates(db, &caller.workspace_id).await?
    } else {
        Vec::new()
    };
    Ok(FilterOptions {
        campaigns,
        clients,
        teammates,
    })
}

/// The active teammates who can be assigned threads and mentioned (viewers and deactivated
/// members are not).
pub async fn teammates(db: &Db, workspace_id: &str) -> Result<Vec<NamedRef>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(user) AS id, user.name AS name FROM membership
         WHERE workspace = type::record('workspace', $ws) AND role != 'viewer' AND deactivated_at = NONE ORDER BY name;",
        serde_json::json!({ "ws": workspace_id }),
    )
    .await?;
    rows(&mut resp, 0)
}
