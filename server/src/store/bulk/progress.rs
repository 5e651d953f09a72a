//! Where a bulk message stands: its state, its counts per outcome (from its entries' statuses,
//! indexed by bulk message and status), and who was skipped or failed and why.

use super::{CANCELED, LIST_ROWS};
use crate::db::{exec, first, rows, Db, DbError};
use app::api::backend::Caller;
use app::domain::draft::rank;
use app::model::bulk::*;
use app::model::Role;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
struct SendRow {
    id: String,
    state: BulkState,
    selection: String,
    subject: Option<String>,
    body: String,
    created_by_name: String,
    created_at: i64,
    scheduled_at: i64,
    total: u32,
    skipped: Vec<SkippedRow>,
    approval_role: Option<Role>,
    approval_reason: Option<String>,
    decided_by_name: Option<String>,
    canceled_by_name: Option<String>,
}

#[derive(Deserialize)]
struct SkippedRow {
    thread: String,
    creator: String,
    campaign: String,
    reason: String,
}

#[derive(Deserialize)]
struct StatusCount {
    status: String,
    n: u32,
}

const SEND_FIELDS: &str =
    "record::id(id) AS id, state, selection, subject, body, created_by_name, created_at, \
    scheduled_at, total, skipped, approval_role, approval_reason, decided_by_name, \
    canceled_by_name";

/// One bulk message with its counts and its skipped and failed recipients.
pub async fn view(
    db: &Db,
    caller: &Caller,
    id: &str,
    now: i64,
) -> Result<Option<BulkView>, DbError> {
    let mut resp = exec(
        db,
        &format!(
            "SELECT {SEND_FIELDS} FROM ONLY type::record('bulk_send', $id) WHERE workspace = type::record('workspace', $ws);
             SELECT status, count() AS n FROM message WHERE bulk = type::record('bulk_send', $id) GROUP BY status;
             SELECT VALUE count() FROM message WHERE bulk = type::record('bulk_send', $id) AND status = 'failed'
                 AND failure_reason = $canceled GROUP ALL;
             SELECT record::id(thread) AS thread_id, thread.creator_name AS creator_name,
                 thread.campaign_name AS campaign_name, channel, failure_reason FROM message
                 WHERE bulk = type::record('bulk_send', $id) AND status = 'failed' LIMIT $rows;"
        ),
        json!({ "id": id, "ws": caller.workspace_id, "canceled": CANCELED, "rows": LIST_ROWS }),
    )
    .await?;
    let Some(row): Option<SendRow> = first(&mut resp, 0)? else {
        return Ok(None);
    };
    let statuses: Vec<StatusCount> = rows(&mut resp, 1)?;
    let canceled: Option<u32> = resp.take(2)?;
    let failed_rows: Vec<Value> = resp.take(3)?;
    let counts = counts(&row, &statuses, canceled.unwrap_or(0));
    let mut problems: Vec<BulkRecipient> = row
        .skipped
        .iter()
        .take(LIST_ROWS)
        .map(|s| BulkRecipient {
            thread_id: s.thread.clone(),
            creator_name: s.creator.clone(),
            campaign_name: s.campaign.clone(),
            channel: None,
            skip: Some(s.reason.clone()),
        })
        .collect();
    for f in failed_rows
        .into_iter()
        .take(LIST_ROWS.saturating_sub(problems.len()))
    {
        problems.push(BulkRecipient {
            thread_id: f["thread_id"].as_str().unwrap_or_default().into(),
            creator_name: f["creator_name"].as_str().unwrap_or_default().into(),
            campaign_name: f["campaign_name"].as_str().unwrap_or_default().into(),
            channel: serde_json::from_value(f["channel"].clone()).ok(),
            skip: f["failure_reason"].as_str().map(str::to_string),
        });
    }
    let can_approve = row.state == BulkState::PendingApproval
        && caller.role.can_write()
        && row
            .approval_role
            .is_some_and(|r| rank(caller.role) >= rank(r));
    Ok(Some(BulkView {
        id: row.id,
        state: row.state,
        selection: row.selection,
        subject: row.subject.unwrap_or_default(),
        body: row.body,
        created_by_name: row.created_by_name,
        created_at: row.created_at,
        scheduled_at: row.scheduled_at,
        counts,
        approval: row.approval_reason,
        decided_by_name: row.decided_by_name,
        canceled_by_name: row.canceled_by_name,
        problems,
        can_approve,
        now,
    }))
}

fn counts(row: &SendRow, statuses: &[StatusCount], canceled: u32) -> BulkCounts {
    let n = |s: &str| {
        statuses
            .iter()
            .filter(|c| c.status == s)
            .map(|c| c.n)
            .sum::<u32>()
    };
    let written: u32 = statuses.iter().map(|c| c.n).sum();
    let skipped = row.skipped.len() as u32;
    let selected = row.total;
    let unwritten = selected.saturating_sub(skipped + written);
    let stopped = matches!(row.state, BulkState::Canceled | BulkState::Rejected);
    BulkCounts {
        total: selected,
        waiting: if stopped { 0 } else { unwritten },
        queued: n("queued"),
        sent: n("sent") + n("delivered") + n("read"),
        failed: n("failed").saturating_sub(canceled),
        skipped,
        canceled: canceled + if stopped { unwritten } else { 0 },
    }
}
