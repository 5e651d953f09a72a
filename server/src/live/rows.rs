//! Raw SurrealDB records (as live notifications carry them) into routed live events. Record links
//! arrive as `table:key` strings; the shared model uses bare keys.

pub use crate::db::key_of;
use app::live::LiveEvent;
use app::model::{MessageView, ThreadSummary};
use serde_json::{Map, Value};

/// An event and where it may go.
#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    pub workspace: String,
    /// The client (brand) the change belongs to, for client-scoped sockets.
    pub client: Option<String>,
    /// Its campaign, for sockets of a frame that shows some campaigns.
    pub campaign: Option<String>,
    /// Its thread, for sockets of a one-thread frame.
    pub thread: Option<String>,
    pub event: LiveEvent,
}

fn link(obj: &Map<String, Value>, field: &str) -> Option<String> {
    obj.get(field).and_then(key_of)
}

/// A created or updated thread record.
pub fn thread_changed(record: &Value) -> Result<Routed, String> {
    let obj = record.as_object().ok_or("thread record is not an object")?;
    let workspace = link(obj, "workspace").ok_or("thread without workspace")?;
    let mut row = obj.clone();
    for (from, to) in [
        ("id", "id"),
        ("creator", "creator_id"),
        ("campaign", "campaign_id"),
        ("client", "client_id"),
        ("assignee", "assignee_id"),
    ] {
        let v = link(obj, from).map_or(Value::Null, Value::String);
        row.insert(to.into(), v);
    }
    row.insert(
        "version".into(),
        obj.get("changed_at").cloned().unwrap_or(Value::from(0)),
    );
    let search = obj
        .get("creator_search")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let thread: ThreadSummary =
        serde_json::from_value(Value::Object(row)).map_err(|e| format!("thread record: {e}"))?;
    Ok(Routed {
        workspace,
        client: Some(thread.client_id.clone()),
        campaign: Some(thread.campaign_id.clone()),
        thread: Some(thread.id.clone()),
        event: LiveEvent::Thread {
            thread: Box::new(thread),
            search,
        },
    })
}

/// A deleted thread record (the notification carries the record as it was).
pub fn thread_removed(record: &Value) -> Result<Routed, String> {
    let obj = record
        .as_object()
        .ok_or("deleted thread is not an object")?;
    let id = link(obj, "id").ok_or("deleted thread without id")?;
    Ok(Routed {
        workspace: link(obj, "workspace").ok_or("deleted thread without workspace")?,
        client: link(obj, "client"),
        campaign: link(obj, "campaign"),
        thread: Some(id.clone()),
        event: LiveEvent::ThreadRemoved { id },
    })
}

/// An unmatched-queue record was created or deleted. Workspace-wide: an unknown sender belongs
/// to no client yet, so client-scoped sockets never receive it.
pub fn unmatched_changed(record: &Value) -> Result<Routed, String> {
    let obj = record
        .as_object()
        .ok_or("unmatched record is not an object")?;
    Ok(Routed {
        workspace: link(obj, "workspace").ok_or("unmatched record without workspace")?,
        client: None,
        campaign: None,
        thread: None,
        event: LiveEvent::UnmatchedChanged,
    })
}

/// A created or updated message record.
pub fn message_changed(record: &Value) -> Result<Routed, String> {
    let obj = record
        .as_object()
        .ok_or("message record is not an object")?;
    let workspace = link(obj, "workspace").ok_or("message without workspace")?;
    let thread_id = link(obj, "thread").ok_or("message without thread")?;
    // The classification is for the team: the portal's socket takes it out
    // (`portal_socket::for_the_creator`).
    let mut row = obj.clone();
    row.insert(
        "id".into(),
        link(obj, "id").map_or(Value::Null, Value::String),
    );
    row.insert(
        "version".into(),
        obj.get("changed_at").cloned().unwrap_or(Value::from(0)),
    );
    let message: MessageView =
        serde_json::from_value(Value::Object(row)).map_err(|e| format!("message record: {e}"))?;
    Ok(Routed {
        workspace,
        client: link(obj, "client"),
        campaign: link(obj, "campaign"),
        thread: Some(thread_id.clone()),
        event: LiveEvent::Message {
            thread_id,
            message: Box::new(message),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_table() {
        let cases = [
            (json!("thread:abc"), Some("abc")),
            (json!("abc"), Some("abc")),
            (json!("thread:⟨a-b⟩"), Some("a-b")),
            (json!("thread:"), None),
            (json!(null), None),
            (json!(7), None),
        ];
        for (v, want) in cases {
            assert_eq!(key_of(&v).as_deref(), want, "{v}");
        }
    }

    fn thread_record() -> Value {
        json!({
            "id": "thread:t1", "workspace": "workspace:w1", "enrollment": "enrollment:e1",
            "creator": "creator:c1", "campaign": "campaign:p1", "client": "client:k1",
            "creator_name": "Maya", "creator_handle": "@maya", "creator_search": "maya @maya maya@x.example",
            "campaign_name": "Spring", "client_name": "Acme", "stage": "replied",
            "assignee": "user:u1", "assignee_name": "Dana", "channels": ["email"],
            "last_at": 10, "last_channel": "email", "last_sender_kind": "creator",
            "last_sender_name": "Maya", "last_snippet": "hi", "awaiting_since": 10, "unread": true,
            "inbox_rank": 5, "waiting": true, "changed_at": 99
        })
    }

    #[test]
    fn thread_record_becomes_a_routed_summary() {
        let r = thread_changed(&thread_record()).unwrap();
        assert_eq!(r.workspace, "w1");
        assert_eq!(r.client.as_deref(), Some("k1"));
        let LiveEvent::Thread { thread, search } = r.event else {
            panic!("not a thread event")
        };
        assert_eq!(
            (
                thread.id.as_str(),
                thread.creator_id.as_str(),
                thread.campaign_id.as_str()
            ),
            ("t1", "c1", "p1")
        );
        assert_eq!(thread.assignee_id.as_deref(), Some("u1"));
        assert_eq!((thread.version, thread.awaiting_since), (99, Some(10)));
        assert_eq!(search, "maya @maya maya@x.example");
    }

    #[test]
    fn bad_records_are_refused() {
        let mut no_ws = thread_record();
        no_ws.as_object_mut().unwrap().remove("workspace");
        let mut bad_stage = thread_record();
        bad_stage["stage"] = json!("bogus");
        for bad in [json!("thread:t1"), no_ws, bad_stage] {
            assert!(thread_changed(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn message_record_becomes_a_routed_message() {
        let rec = json!({
            "id": "message:m1", "workspace": "workspace:w1", "thread": "thread:t1", "client": "client:k1",
            "direction": "inbound", "channel": "sms", "sender_kind": "creator", "sender_name": "Maya",
            "text": "yes!", "at": 5, "status": "received", "changed_at": 7
        });
        let r = message_changed(&rec).unwrap();
        assert_eq!(
            (r.workspace.as_str(), r.client.as_deref()),
            ("w1", Some("k1"))
        );
        let LiveEvent::Message { thread_id, message } = r.event else {
            panic!("not a message event")
        };
        assert_eq!(
            (thread_id.as_str(), message.id.as_str(), message.version),
            ("t1", "m1", 7)
        );
        assert_eq!(message.subject, None);
    }

    #[test]
    fn unmatched_record_is_workspace_wide() {
        let r = unmatched_changed(
            &json!({ "id": "unmatched:u1", "workspace": "workspace:w1", "channel": "sms" }),
        )
        .unwrap();
        assert_eq!(
            r,
            Routed {
                workspace: "w1".into(),
                client: None,
                campaign: None,
                thread: None,
                event: LiveEvent::UnmatchedChanged
            }
        );
        assert!(unmatched_changed(&json!({ "id": "unmatched:u1" })).is_err());
    }
}
