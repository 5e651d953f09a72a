//! Changing a thread: new entries (`append`), a teammate's reply or note routed to its channel
//! (`reply`), stage moves and assignment (`enrollment`), read and snooze state (`read_state`).
//! Each change is one transaction that also updates the thread's denormalized inbox fields and
//! writes its audit event.

mod append;
mod enrollment;
mod read_state;
mod reply;

pub use append::*;
pub use enrollment::*;
pub use read_state::*;
pub use reply::*;

use crate::db::DbError;
use crate::store::audit::{AuditEntry, AUDIT_STATEMENT};
use serde_json::{Map, Value};

pub const SNIPPET_CHARS: usize = 140;

pub(super) fn enum_str<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Statements run in an entry's transaction besides its own (`before` it, and `after` it), with
/// the variables they read. `$ws`, `$tid`, `$mid` and `$now` are bound for them.
#[derive(Default)]
pub struct Extra {
    pub before: String,
    pub after: String,
    pub vars: Map<String, Value>,
}

impl Extra {
    /// An extra holding the audit entries given (in order; `None`s skipped).
    pub fn audits(entries: &[Option<AuditEntry<'_>>]) -> Extra {
        let entries: Vec<AuditEntry<'_>> = entries.iter().flatten().cloned().collect();
        let mut extra = Extra {
            after: crate::store::audit::AUDITS_STATEMENT.into(),
            ..Default::default()
        };
        extra
            .vars
            .insert("audits".into(), crate::store::audit::audits_var(&entries));
        extra
    }

    /// An extra holding one audit entry.
    pub fn audit(entry: &AuditEntry<'_>) -> Extra {
        let mut extra = Extra {
            after: AUDIT_STATEMENT.into(),
            ..Default::default()
        };
        entry.bind(&mut extra.vars);
        extra
    }
}

pub enum WriteError {
    NotFound,
    /// The caller's role may not do this.
    Forbidden(String),
    Invalid(String),
    Db(DbError),
}

impl From<DbError> for WriteError {
    fn from(e: DbError) -> Self {
        WriteError::Db(e)
    }
}
