//! Reading a stored email attachment for a teammate who may see its thread.

use crate::db::{exec, first, Db, DbError};
use app::api::backend::Caller;
use base64::Engine;
use serde_json::json;

pub struct Attachment {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// The attachment, if it is in the caller's workspace and its thread is one the caller may see
/// (client-scoped callers see their client's only).
pub async fn for_caller(db: &Db, caller: &Caller, id: &str) -> Result<Option<Attachment>, DbError> {
    #[derive(serde::Deserialize)]
    struct Row {
        thread: String,
        filename: String,
        b64: String,
    }
    let mut resp = exec(
        db,
        "SELECT record::id(message.thread) AS thread, filename, encoding::base64::encode(data) AS b64
             FROM attachment WHERE id = type::record('attachment', $id) AND workspace = type::record('workspace', $ws);",
        json!({ "id": id, "ws": caller.workspace_id }),
    )
    .await?;
    let Some(row) = first::<Row>(&mut resp, 0)? else {
        return Ok(None);
    };
    if super::threads::find(db, caller, &row.thread)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(row.b64.as_bytes())
        .map_err(|e| DbError::Other(format!("attachment {id} is not base64: {e}")))?;
    Ok(Some(Attachment {
        filename: row.filename,
        bytes,
    }))
}
