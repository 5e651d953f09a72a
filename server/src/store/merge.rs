//! Merging a duplicate creator into the kept one, and undoing it. The plan is the pure
//! `app::domain::merge::plan_merge`; each direction is one transaction with its audit event, and
//! the merge record holds full copies of what was removed so undo puts everything back: the
//! identities, the threads that changed owner, the folded threads and enrollments, and the
//! messages that moved.

use super::audit::{AuditEntry, AUDIT_STATEMENT};
use super::moves::{tail_statement, tails_after_move};
use super::thread_write::WriteError;
use crate::db::{exec, exec_transaction, first, rows, Db, DbError};
use app::api::backend::Caller;
use app::domain::merge::{check_merge, plan_merge, OwnedThread};
use app::model::{Identity, MergeInfo};
use serde::Deserialize;
use serde_json::{json, Map, Value};

#[derive(Deserialize)]
struct CreatorRow {
    name: String,
    identities: Vec<Identity>,
    merged: bool,
}

async fn creator(db: &Db, ws: &str, id: &str) -> Result<Option<CreatorRow>, DbError> {
    let mut resp = exec(
        db,
        "SELECT name, identities, merged_into != NONE AS merged FROM creator
             WHERE id = type::record('creator', $c) AND workspace = type::record('workspace', $ws);",
        json!({ "c": id, "ws": ws }),
    )
    .await?;
    first(&mut resp, 0)
}

async fn threads_of(db: &Db, ws: &str, creator: &str) -> Result<Vec<OwnedThread>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS thread, record::id(enrollment) AS enrollment, record::id(campaign) AS campaign
             FROM thread WHERE workspace = type::record('workspace', $ws) AND creator = type::record('creator', $c);",
        json!({ "ws": ws, "c": creator }),
    )
    .await?;
    let raw: Vec<Value> = rows(&mut resp, 0)?;
    Ok(raw
        .into_iter()
        .map(|v| OwnedThread {
            thread: v["thread"].as_str().unwrap_or_default().into(),
            enrollment: v["enrollment"].as_str().unwrap_or_default().into(),
            campaign: v["campaign"].as_str().unwrap_or_default().into(),
        })
        .collect())
}

async fn message_ids(db: &Db, thread: &str) -> Result<Vec<String>, DbError> {
    let mut resp = exec(
        db,
        "SELECT VALUE record::id(id) FROM message WHERE thread = type::record('thread', $t);",
        json!({ "t": thread }),
    )
    .await?;
    Ok(resp.take(0)?)
}

/// The union of two identity lists (the kept creator's first; consent of the kept one wins).
fn union(keep: &[Identity], dup: &[Identity]) -> Vec<Identity> {
    let mut out = keep.to_vec();
    for i in dup {
        if !out
            .iter()
            .any(|o| o.channel == i.channel && o.address == i.address)
        {
            out.push(i.clone());
        }
    }
    out
}

/// Merges `duplicate` into `keep`. Returns the merge's id (for undo).
pub async fn merge(
    db: &Db,
    caller: &Caller,
    keep: &str,
    duplicate: &str,
    now: i64,
) -> Result<String, WriteError> {
    let ws = caller.workspace_id.as_str();
    let k = creator(db, ws, keep).await?.ok_or(WriteError::NotFound)?;
    let d = creator(db, ws, duplicate)
        .await?
        .ok_or(WriteError::NotFound)?;
    check_merge(keep, duplicate, d.merged).map_err(WriteError::Invalid)?;
    let plan = plan_merge(
        &threads_of(db, ws, keep).await?,
        &threads_of(db, ws, duplicate).await?,
    );
    let merge_id = crate::ids::new_id();
    let mut sql = String::new();
    let mut vars = Map::new();
    let mut folded = Vec::new();
    for (n, (dup_thread, into)) in plan.fold.iter().enumerate() {
        let moved = message_ids(db, &dup_thread.thread).await?;
        let (_, into_tail) = tails_after_move(db, &dup_thread.thread, into, &moved).await?;
        vars.insert(format!("f{n}_id"), json!(into));
        vars.insert(format!("f{n}"), into_tail);
        vars.insert(format!("f{n}_src"), json!(dup_thread.thread));
        vars.insert(format!("f{n}_enr"), json!(dup_thread.enrollment));
        vars.insert(format!("f{n}_msgs"), json!(moved));
        // Copies first (native record values stay native inside the database), then the move.
        sql.push_str(&format!(
            "LET $c{n} = {{ thread: (SELECT * FROM ONLY type::record('thread', $f{n}_src)),
                 enrollment: (SELECT * FROM ONLY type::record('enrollment', $f{n}_enr)),
                 into: $f{n}_id, messages: $f{n}_msgs }};
             UPDATE message SET thread = type::record('thread', $f{n}_id) WHERE thread = type::record('thread', $f{n}_src);
             {}
             DELETE type::record('thread', $f{n}_src);
             DELETE type::record('enrollment', $f{n}_enr);\n",
            tail_statement(&format!("f{n}"))
        ));
        folded.push(format!("$c{n}"));
    }
    for (n, t) in plan.repoint.iter().enumerate() {
        vars.insert(format!("r{n}_t"), json!(t.thread));
        vars.insert(format!("r{n}_e"), json!(t.enrollment));
        sql.push_str(&format!(
            "UPDATE type::record('enrollment', $r{n}_e) SET creator = type::record('creator', $keep), updated_at = $now;
             UPDATE type::record('thread', $r{n}_t) SET creator = type::record('creator', $keep),
                 creator_name = $k.name, creator_handle = $k.handle, creator_avatar = $k.avatar, creator_search = $k.search;
             UPDATE message SET creator = type::record('creator', $keep) WHERE thread = type::record('thread', $r{n}_t);\n"
        ));
    }
    let repointed: Vec<Value> = plan
        .repoint
        .iter()
        .map(|t| json!({ "thread": t.thread, "enrollment": t.enrollment }))
        .collect();
    for (k2, v) in [
        ("ws", json!(ws)),
        ("keep", json!(keep)),
        ("dup", json!(duplicate)),
        ("mid", json!(merge_id)),
        ("ids", json!(union(&k.identities, &d.identities))),
        ("keep_ids", json!(k.identities)),
        ("dup_ids", json!(d.identities)),
        ("repointed", json!(repointed)),
        ("now", json!(now)),
        ("user", json!(caller.user_id)),
    ] {
        vars.insert(k2.into(), v);
    }
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "creator.merged",
        subject: format!("creator:{keep}"),
        detail: json!({ "duplicate": duplicate, "duplicate_name": d.name, "merge": merge_id,
            "threads_moved": plan.repoint.len(), "threads_folded": plan.fold.len() }),
    }
    .bind(&mut vars);
    let full = format!(
        "BEGIN TRANSACTION;
         LET $k = SELECT name, handle, avatar, search FROM ONLY type::record('creator', $keep);
         {sql}
         CREATE type::record('creator_merge', $mid) SET workspace = type::record('workspace', $ws),
             keep = type::record('creator', $keep), duplicate = type::record('creator', $dup),
             keep_identities = $keep_ids, duplicate_identities = $dup_ids, repointed = $repointed,
             folded = [{}], by = $user, at = $now;
         UPDATE type::record('creator', $keep) SET identities = $ids;
         UPDATE type::record('creator', $dup) SET identities = [], merged_into = type::record('creator', $keep);
         {AUDIT_STATEMENT}
         COMMIT TRANSACTION;",
        folded.join(", ")
    );
    exec_transaction(db, &full, Value::Object(vars)).await?;
    Ok(merge_id)
}

#[derive(Deserialize)]
struct MergeRow {
    keep: String,
    duplicate: String,
    repointed: Vec<Value>,
    #[serde(default)]
    folded_threads: Vec<Value>,
    #[serde(default)]
    folded_into: Vec<String>,
    #[serde(default)]
    folded_messages: Vec<Vec<String>>,
    undone: bool,
}

/// Undoes merge `merge_id`: the duplicate gets back its identities, its threads and its messages.
/// Messages that arrived after the merge stay with the kept creator.
pub async fn undo(db: &Db, caller: &Caller, merge_id: &str, now: i64) -> Result<(), WriteError> {
    let ws = caller.workspace_id.as_str();
    let mut resp = exec(
        db,
        "SELECT record::id(keep) AS keep, record::id(duplicate) AS duplicate, repointed,
                folded.*.thread.id AS folded_threads, folded.*.into AS folded_into, folded.*.messages AS folded_messages,
                undone_at != NONE AS undone
             FROM creator_merge WHERE id = type::record('creator_merge', $m) AND workspace = type::record('workspace', $ws);",
        json!({ "m": merge_id, "ws": ws }),
    )
    .await?;
    let m: MergeRow = first(&mut resp, 0)?.ok_or(WriteError::NotFound)?;
    if m.undone {
        return Err(WriteError::Invalid("this merge was already undone".into()));
    }
    let mut vars = Map::new();
    let mut sql = String::new();
    for (n, src) in m.folded_threads.iter().enumerate() {
        let src = crate::db::key_of(src).unwrap_or_default();
        let into = m.folded_into.get(n).cloned().unwrap_or_default();
        let moved = m.folded_messages.get(n).cloned().unwrap_or_default();
        let (into_tail, back_tail) = tails_after_move(db, &into, &src, &moved).await?;
        vars.insert(format!("u{n}_id"), json!(into));
        vars.insert(format!("u{n}"), into_tail);
        vars.insert(format!("b{n}_id"), json!(src));
        vars.insert(format!("b{n}"), back_tail);
        vars.insert(format!("u{n}_msgs"), json!(moved));
        sql.push_str(&format!(
            "CREATE type::record('enrollment', record::id($mg.folded[{n}].enrollment.id)) CONTENT $mg.folded[{n}].enrollment;
             CREATE type::record('thread', $b{n}_id) CONTENT $mg.folded[{n}].thread;
             FOR $x IN $u{n}_msgs {{ UPDATE type::record('message', $x) SET thread = type::record('thread', $b{n}_id); }};
             {}
             {}\n",
            tail_statement(&format!("u{n}")),
            tail_statement(&format!("b{n}")),
        ));
    }
    for (n, r) in m.repointed.iter().enumerate() {
        vars.insert(format!("r{n}_t"), r["thread"].clone());
        vars.insert(format!("r{n}_e"), r["enrollment"].clone());
        sql.push_str(&format!(
            "UPDATE type::record('enrollment', $r{n}_e) SET creator = type::record('creator', $dup), updated_at = $now;
             UPDATE type::record('thread', $r{n}_t) SET creator = type::record('creator', $dup),
                 creator_name = $d.name, creator_handle = $d.handle, creator_avatar = $d.avatar, creator_search = $d.search;
             UPDATE message SET creator = type::record('creator', $dup) WHERE thread = type::record('thread', $r{n}_t);\n"
        ));
    }
    for (k, v) in [
        ("ws", json!(ws)),
        ("m", json!(merge_id)),
        ("keep", json!(m.keep)),
        ("dup", json!(m.duplicate)),
        ("now", json!(now)),
    ] {
        vars.insert(k.into(), v);
    }
    AuditEntry {
        actor_kind: "user",
        actor_id: Some(&caller.user_id),
        action: "creator.merge_undone",
        subject: format!("creator:{}", m.keep),
        detail: json!({ "duplicate": m.duplicate, "merge": merge_id }),
    }
    .bind(&mut vars);
    let full = format!(
        "BEGIN TRANSACTION;
         LET $mg = SELECT * FROM ONLY type::record('creator_merge', $m);
         LET $d = SELECT name, handle, avatar, search FROM ONLY type::record('creator', $dup);
         {sql}
         UPDATE type::record('creator', $keep) SET identities = $mg.keep_identities;
         UPDATE type::record('creator', $dup) SET identities = $mg.duplicate_identities, merged_into = NONE;
         UPDATE type::record('creator_merge', $m) SET undone_at = $now;
         {AUDIT_STATEMENT}
         COMMIT TRANSACTION;"
    );
    exec_transaction(db, &full, Value::Object(vars)).await?;
    Ok(())
}

/// Merges into `keep` that can still be undone, newest first.
pub async fn merges_into(db: &Db, ws: &str, keep: &str) -> Result<Vec<MergeInfo>, DbError> {
    let mut resp = exec(
        db,
        "SELECT record::id(id) AS id, duplicate.name AS duplicate_name, at FROM creator_merge
             WHERE keep = type::record('creator', $c) AND workspace = type::record('workspace', $ws) AND undone_at = NONE
             ORDER BY at DESC;",
        json!({ "c": keep, "ws": ws }),
    )
    .await?;
    rows(&mut resp, 0)
}
