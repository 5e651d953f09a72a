//! A few creator replies that arrive as the demo starts, left for the campaign policies: the
//! server's automation worker decides them within a second, so the demo opens with drafts waiting
//! in Approvals, an automatic shipping confirmation, and decisions shown in their threads.

use super::SeededWorkspace;
use crate::db::{exec, rows, Db, DbError};
use crate::store::thread_write::{append_message, NewMessage};
use app::model::{Channel, Stage, ThreadSummary};
use serde_json::json;

const PAID: &[&str] = &[
    "Thanks for the details! My rate for one reel plus three stories is $2,400, and usage rights would be limited to 3 months.",
    "Love the brand. Before I commit: is there an exclusivity period, and how long is it?",
    "Quick one — what are your payment terms? I invoice net 15.",
];
const GIFTING: &str = "Yes please! Ship it to 48 Orchard Lane, Portland OR 97205 🙏";

pub async fn add(db: &Db, ws: &SeededWorkspace, now: i64) -> Result<(), DbError> {
    let fields = crate::store::THREAD_FIELDS;
    let mut resp = exec(
        db,
        &format!(
            "SELECT {fields}, campaign.kind AS kind FROM thread WHERE workspace = type::record('workspace', $ws)
                 AND stage IN ['replied', 'negotiating', 'accepted'] ORDER BY last_at DESC LIMIT 200;"
        ),
        json!({ "ws": ws.workspace_id }),
    )
    .await?;
    #[derive(serde::Deserialize)]
    struct Row {
        #[serde(flatten)]
        summary: ThreadSummary,
        kind: String,
    }
    let found: Vec<Row> = rows(&mut resp, 0)?;
    let paid = found.iter().filter(|r| r.kind == "paid").take(PAID.len());
    let gifting = found
        .iter()
        .filter(|r| r.kind == "gifting" && r.summary.stage == Stage::Accepted)
        .take(1);
    let texts = PAID.iter().copied().chain(std::iter::once(GIFTING));
    for (i, (row, text)) in paid.chain(gifting).zip(texts).enumerate() {
        let mut thread = row.summary.clone();
        let channel = match thread.last_channel {
            Channel::Note | Channel::Api => Channel::Email,
            c => c,
        };
        let msg = NewMessage::from_creator(
            channel,
            thread.creator_id.clone(),
            thread.creator_name.clone(),
            None,
            text.to_string(),
            now - (4 - i as i64) * 60_000,
            format!("demo-fresh-{i}"),
        );
        append_message(db, &ws.workspace_id, &mut thread, msg, None).await?;
    }
    Ok(())
}
