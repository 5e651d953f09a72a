//! The append-only audit trail. Writes are statements embedded in the same transaction as the
//! change they record, so a change and its audit event land together or not at all.

/// A `CREATE audit_event` statement reading `$ws`, `$now`, `$actor_kind`, `$actor_id`,
/// `$audit_action`, `$audit_subject` and `$audit_detail`.
pub const AUDIT_STATEMENT: &str = "CREATE audit_event SET workspace = type::record('workspace', $ws), at = $now, \
actor_kind = $actor_kind, actor_id = $actor_id, action = $audit_action, subject = $audit_subject, detail = $audit_detail;";

#[derive(Clone)]
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

/// Writes every entry of `$audits` (see `audits_var`), reading `$ws` and `$now`.
pub const AUDITS_STATEMENT: &str = "FOR $a IN $audits { CREATE audit_event SET workspace = type::record('workspace', $ws), \
at = $now, seq = $a.seq, actor_kind = $a.actor_kind, actor_id = $a.actor_id, action = $a.action, subject = $a.subject, detail = $a.detail; };";

/// The `$audits` variable for `AUDITS_STATEMENT`: in order (`seq` orders the events of one
/// transaction, which share their time).
pub fn audits_var(entries: &[AuditEntry<'_>]) -> serde_json::Value {
    entries
        .iter()
        .enumerate()
        .map(|(seq, e)| {
            crate::db::without_nulls(serde_json::json!({
                "seq": seq,
                "actor_kind": e.actor_kind,
                "actor_id": e.actor_id,
                "action": e.action,
                "subject": e.subject,
                "detail": e.detail,
            }))
        })
        .collect()
}
