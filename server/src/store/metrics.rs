//! The kept figures (schema v19): metric events read from the change feed, each thread's kept
//! contribution, and the sums per scope (workspace, client, campaign) and local day. Written only
//! by the roll-up (`crate::rollup`), in one transaction that checks no other roll-up moved first.

use super::reports::Place;
use crate::db::{exec, rows, unless_thrown, Db, DbError};
use app::domain::metrics::{Contribution, DayTally, Frozen, NowTally, OpenHour, Tally};
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;

/// A scope figures add up in: ("workspace" | "client" | "campaign", its id).
pub type ScopeKey = (&'static str, String);

/// The scopes a thread's figures add up in.
pub fn scopes_of(p: &Place) -> Vec<ScopeKey> {
    let mut out = vec![
        ("workspace", p.workspace.clone()),
        ("campaign", p.campaign.clone()),
    ];
    out.extend(p.client.clone().map(|c| ("client", c)));
    out
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    /// Metric events up to this change-feed versionstamp are rolled up.
    pub versionstamp: i64,
    /// Moved by every roll-up write; a write that finds another version lost a race.
    pub version: i64,
}

/// One metric event from the change feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub versionstamp: i64,
    pub workspace: String,
    pub thread: String,
}

/// A thread's kept contribution and where it was added.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Kept {
    pub place: Option<Place>,
    pub contribution: Contribution,
    pub frozen: Frozen,
}

fn id_part(v: &Value) -> Option<String> {
    let s = v.as_str()?;
    let id = s.split_once(':').map_or(s, |(_, id)| id);
    Some(
        id.trim_matches(|c| c == '⟨' || c == '⟩' || c == '`')
            .to_string(),
    )
}

pub async fn cursor(db: &Db) -> Result<Cursor, DbError> {
    let mut resp = exec(
        db,
        "SELECT versionstamp, version FROM metric_cursor:roll;",
        json!({}),
    )
    .await?;
    #[derive(Deserialize)]
    struct Row {
        versionstamp: i64,
        version: i64,
    }
    Ok(rows::<Row>(&mut resp, 0)?
        .pop()
        .map(|r| Cursor {
            versionstamp: r.versionstamp,
            version: r.version,
        })
        .unwrap_or_default())
}

/// What the change feed holds after a versionstamp: the metric events, oldest first, and the last
/// versionstamp read (a commit may hold no metric event: the table's definition).
#[derive(Debug, Default)]
pub struct Feed {
    pub changes: Vec<Change>,
    pub last: Option<i64>,
}

/// Metric events appended after `after` (a versionstamp), at most `limit` commits.
pub async fn changes_since(db: &Db, after: i64, limit: usize) -> Result<Feed, DbError> {
    // SHOW CHANGES takes its bounds as literals; both are numbers of ours.
    let sql = format!(
        "SHOW CHANGES FOR TABLE metric_event SINCE {} LIMIT {};",
        after.saturating_add(1),
        limit.max(1)
    );
    let mut resp = exec(db, &sql, json!({})).await?;
    let commits: Vec<Value> = rows(&mut resp, 0)?;
    let mut out = Vec::new();
    let mut last = None;
    for commit in commits {
        let Some(vs) = commit.get("versionstamp").and_then(Value::as_i64) else {
            continue;
        };
        last = Some(vs);
        let changes = commit.get("changes").and_then(Value::as_array);
        for c in changes.into_iter().flatten() {
            let Some(row) = c.get("update").or_else(|| c.get("create")) else {
                continue;
            };
            if let (Some(workspace), Some(thread)) = (
                row.get("workspace").and_then(id_part),
                row.get("thread").and_then(id_part),
            ) {
                out.push(Change {
                    versionstamp: vs,
                    workspace,
                    thread,
                });
            }
        }
    }
    Ok(Feed { changes: out, last })
}

/// Tallies are kept as JSON text (schema v24): SurrealDB hands a string back as one value, where
/// an object is decoded entry by entry, and a busy day holds a bin per distinct duration (B8: the
/// page's cost grew with the threads behind a day).
fn text<T: Serialize>(t: &T) -> Value {
    serde_json::to_string(t).map_or(Value::Null, Value::String)
}

/// A sum as kept: none when empty (its row is removed).
fn packed<T: Serialize + Tally>(t: &T) -> Value {
    if t.is_empty() {
        Value::Null
    } else {
        text(t)
    }
}

fn unpacked<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<T, D::Error> {
    let text = String::deserialize(d)?;
    serde_json::from_str(&text).map_err(D::Error::custom)
}

#[derive(Deserialize)]
struct KeptRow {
    id: String,
    workspace: String,
    client: Option<String>,
    campaign: Option<String>,
    #[serde(deserialize_with = "unpacked")]
    contribution: Contribution,
    #[serde(default)]
    frozen: Frozen,
}

/// The kept contributions of these threads, by thread id.
pub async fn kept(db: &Db, threads: &[String]) -> Result<HashMap<String, Kept>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, record::id(workspace) AS workspace, client, campaign,
                contribution, frozen
         FROM array::map($tids, |$i| type::record('metric_thread', $i)) WHERE workspace != NONE;",
        json!({ "tids": threads }),
    )
    .await?;
    Ok(kept_rows(rows(&mut resp, 0)?))
}

fn kept_rows(found: Vec<KeptRow>) -> HashMap<String, Kept> {
    found
        .into_iter()
        .map(|r| {
            let place = r.campaign.map(|campaign| Place {
                workspace: r.workspace,
                client: r.client,
                campaign,
            });
            let kept = Kept {
                place,
                contribution: r.contribution,
                frozen: r.frozen,
            };
            (r.id, kept)
        })
        .collect()
}

/// Kept sums by key: per (scope, local day), per scope now, per (scope, hour) open instants.
#[derive(Default)]
pub struct Sums {
    pub days: HashMap<(ScopeKey, i64), DayTally>,
    pub nows: HashMap<ScopeKey, NowTally>,
    pub opens: HashMap<(ScopeKey, i64), OpenHour>,
}

fn scope_key(kind: &str, id: String) -> Option<ScopeKey> {
    ["workspace", "client", "campaign"]
        .into_iter()
        .find(|s| *s == kind)
        .map(|s| (s, id))
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "K: Deserialize<'de>, T: DeserializeOwned"))]
struct SumRow<K, T> {
    key: K,
    #[serde(deserialize_with = "unpacked")]
    tally: T,
}

fn keyed<T>(found: Vec<SumRow<(String, String, i64), T>>) -> HashMap<(ScopeKey, i64), T> {
    found
        .into_iter()
        .filter_map(|r| Some(((scope_key(&r.key.0, r.key.1)?, r.key.2), r.tally)))
        .collect()
}

/// The sums kept under these keys (`metric_day`, `metric_now`, `metric_open`).
pub async fn sums(
    db: &Db,
    days: &[(ScopeKey, i64)],
    nows: &[ScopeKey],
    opens: &[(ScopeKey, i64)],
) -> Result<Sums, DbError> {
    let ids = |keys: &[(ScopeKey, i64)]| -> Vec<Value> {
        keys.iter().map(|((k, id), n)| json!([k, id, n])).collect()
    };
    let now_ids: Vec<Value> = nows.iter().map(|(k, id)| json!([k, id])).collect();
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS key, tally FROM array::map($days, |$k| type::record('metric_day', $k))
            WHERE tally != NONE;
         SELECT record::id(id) AS key, tally FROM array::map($nows, |$k| type::record('metric_now', $k))
            WHERE tally != NONE;
         SELECT record::id(id) AS key, tally FROM array::map($opens, |$k| type::record('metric_open', $k))
            WHERE tally != NONE;",
        json!({ "days": ids(days), "nows": now_ids, "opens": ids(opens) }),
    )
    .await?;
    let now_rows = rows::<SumRow<(String, String), NowTally>>(&mut resp, 1)?;
    Ok(Sums {
        days: keyed(rows(&mut resp, 0)?),
        nows: now_rows
            .into_iter()
            .filter_map(|r| Some((scope_key(&r.key.0, r.key.1)?, r.tally)))
            .collect(),
        opens: keyed(rows(&mut resp, 2)?),
    })
}

/// What one roll-up writes: kept contributions (None: the thread is gone), sums (empty ones are
/// removed), and where the cursor moves.
pub struct Write {
    pub expected: Cursor,
    pub versionstamp: i64,
    pub threads: Vec<(String, Option<Kept>)>,
    pub days: Vec<((ScopeKey, i64), String, DayTally)>,
    pub nows: Vec<(ScopeKey, String, NowTally)>,
    pub opens: Vec<((ScopeKey, i64), String, OpenHour)>,
}

const WRITE: &str = "
BEGIN TRANSACTION;
LET $at = (SELECT VALUE version FROM metric_cursor:roll)[0] ?? 0;
IF $at != $expected { THROW 'metric roll-up moved on' };
FOR $r IN $threads {
    IF $r.contribution = NONE {
        DELETE type::record('metric_thread', $r.id);
    } ELSE {
        UPSERT type::record('metric_thread', $r.id) CONTENT {
            workspace: type::record('workspace', $r.ws), client: $r.client, campaign: $r.campaign,
            contribution: $r.contribution, frozen: $r.frozen };
    };
};
FOR $r IN $days {
    IF $r.tally = NONE { DELETE type::record('metric_day', $r.key); }
    ELSE { UPSERT type::record('metric_day', $r.key) CONTENT { workspace: type::record('workspace', $r.ws), tally: $r.tally }; };
};
FOR $r IN $nows {
    IF $r.tally = NONE { DELETE type::record('metric_now', $r.key); }
    ELSE { UPSERT type::record('metric_now', $r.key) CONTENT { workspace: type::record('workspace', $r.ws), tally: $r.tally }; };
};
FOR $r IN $opens {
    IF $r.tally = NONE { DELETE type::record('metric_open', $r.key); }
    ELSE { UPSERT type::record('metric_open', $r.key) CONTENT { workspace: type::record('workspace', $r.ws), tally: $r.tally }; };
};
UPSERT metric_cursor:roll CONTENT { versionstamp: $vs, version: $expected + 1 };
COMMIT TRANSACTION;
";

/// Sums keyed by (scope, day or hour), as the write takes them.
fn hourly_or_daily<T: Serialize + Tally>(sums: &[((ScopeKey, i64), String, T)]) -> Vec<Value> {
    sums.iter()
        .map(|(((k, id), n), ws, t)| json!({ "key": [k, id, n], "ws": ws, "tally": packed(t) }))
        .map(crate::db::without_nulls)
        .collect()
}

/// Writes a roll-up; false when another roll-up wrote first (nothing is written then).
pub async fn write(db: &Db, w: &Write) -> Result<bool, DbError> {
    let threads: Vec<Value> = w
        .threads
        .iter()
        .map(
            |(id, kept)| match kept.as_ref().and_then(|k| Some((k, k.place.as_ref()?))) {
                Some((k, p)) => json!({ "id": id, "ws": p.workspace, "client": p.client,
                "campaign": p.campaign, "contribution": text(&k.contribution), "frozen": k.frozen }),
                None => json!({ "id": id }),
            },
        )
        .map(crate::db::without_nulls)
        .collect();
    let days = hourly_or_daily(&w.days);
    let opens = hourly_or_daily(&w.opens);
    let nows: Vec<Value> = w
        .nows
        .iter()
        .map(|((k, id), ws, t)| json!({ "key": [k, id], "ws": ws, "tally": packed(t) }))
        .map(crate::db::without_nulls)
        .collect();
    let result = exec(
        db,
        WRITE,
        json!({ "expected": w.expected.version, "vs": w.versionstamp, "threads": threads,
            "days": days, "nows": nows, "opens": opens }),
    )
    .await;
    unless_thrown(result, "metric roll-up moved on")
}

/// What the Reports page reads of one scope, from one snapshot: the kept sums of days
/// `[from, to]`, now, and the open instants of the hours named, and the kept contributions of the
/// threads named (the tail the caller recounts).
pub struct PeriodRead {
    pub sum: Contribution,
    pub kept: HashMap<String, Kept>,
}

/// None when the scope's campaign or client is not the workspace's.
pub async fn period(
    db: &Db,
    workspace: &str,
    scope: &ScopeKey,
    (from, to): (i64, i64),
    hours: &[i64],
    tail: &[String],
) -> Result<Option<PeriodRead>, DbError> {
    let mut resp = exec(
        db,
        "LET $w = type::record('workspace', $ws);
         RETURN ($kind = 'workspace' AND $id = $ws)
            OR ($kind IN ['campaign', 'client'] AND (SELECT VALUE workspace FROM type::record($kind, $id))[0] = $w);
         BEGIN TRANSACTION;
         SELECT record::id(id)[2] AS day, tally FROM metric_day:[$kind, $id, $from]..=[$kind, $id, $to];
         SELECT VALUE tally FROM type::record('metric_now', [$kind, $id]) WHERE tally != NONE;
         SELECT record::id(id)[2] AS hour, tally
            FROM array::map($hours, |$h| type::record('metric_open', [$kind, $id, $h])) WHERE tally != NONE;
         SELECT record::id(id) AS id, record::id(workspace) AS workspace, client, campaign, contribution, frozen
            FROM array::map($tids, |$i| type::record('metric_thread', $i)) WHERE workspace = $w;
         COMMIT TRANSACTION;",
        json!({ "ws": workspace, "kind": scope.0, "id": scope.1, "from": from, "to": to,
            "hours": hours, "tids": tail }),
    )
    .await?;
    if rows::<bool>(&mut resp, 1)? != [true] {
        return Ok(None);
    }
    #[derive(Deserialize)]
    struct DayRow {
        day: i64,
        #[serde(deserialize_with = "unpacked")]
        tally: DayTally,
    }
    #[derive(Deserialize)]
    struct HourRow {
        hour: i64,
        #[serde(deserialize_with = "unpacked")]
        tally: OpenHour,
    }
    #[derive(Deserialize)]
    struct NowRow(#[serde(deserialize_with = "unpacked")] NowTally);
    let sum = Contribution {
        days: rows::<DayRow>(&mut resp, 3)?
            .into_iter()
            .map(|r| (r.day, r.tally))
            .collect(),
        now: rows::<NowRow>(&mut resp, 4)?
            .pop()
            .map(|r| r.0)
            .unwrap_or_default(),
        open: rows::<HourRow>(&mut resp, 5)?
            .into_iter()
            .map(|r| (r.hour, r.tally))
            .collect(),
    };
    let kept = kept_rows(rows(&mut resp, 6)?);
    Ok(Some(PeriodRead { sum, kept }))
}

/// Every thread id, a page at a time after `after` (for `server rebuild-metrics`).
pub async fn thread_ids(
    db: &Db,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<String>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(id) FROM thread
            WHERE $after = NONE OR id > type::record('thread', $after) ORDER BY id LIMIT $limit;",
        json!({ "after": after, "limit": limit }),
    )
    .await?;
    rows(&mut resp, 0)
}

/// Removes every kept contribution and sum (for `server rebuild-metrics`; the events stay).
pub async fn clear(db: &Db) -> Result<(), DbError> {
    exec(
        db,
        "BEGIN TRANSACTION; DELETE metric_thread; DELETE metric_day; DELETE metric_now; DELETE metric_open; COMMIT TRANSACTION;",
        json!({}),
    )
    .await
    .map(|_| ())
}
