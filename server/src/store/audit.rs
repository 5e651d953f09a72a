//! The append-only audit trail. Writes are statements embedded in the same transaction as the
//! change they record, so a change and its audit event land together or not at all.

/// A `CREATE audit_event` statement reading `$ws`, `$now`, `$actor_kind`, `$actor_id`,
/// `$audit_action`, `$audit_subject` and `$audit_detail`.
pub const AUDIT_STATEMENT: &str = "CREATE audit_event SET workspace = type::record('workspace', $ws), at = $now, \
actor_kind = $actor_kind, actor_id = $actor_id, action = $audit_action, subject = $audit_subject, detail = $audit_detail;";

pub struct AuditEntry<'a> {
    pub actor_kind: &'a str,
    pub actor_id: Option<&'a str>,
    pub action: &'a str,
    pub subject: String,
    pub detail: serde_json::Value,
}

impl AuditEntry<'_> {
    pub fn bind(&self, vars: &mut serde_json::Map<String, serde_json::Value>) {
        vars.insert("actor_kind".into(), self.actor_kind.into());
        vars.insert("actor_id".into(), self.actor_id.map(str::to_string).into());
        vars.insert("audit_action".into(), self.action.into());
        vars.insert("audit_subject".into(), self.subject.clone().into());
        vars.insert("audit_detail".into(), self.detail.clone());
    }
}
