//! CSV as RFC 4180 writes it (the audit export): fields quoted when they hold a comma, quote or
//! line break; quotes doubled; CRLF between records. A field starting with `=`, `+`, `-`, `@`, a
//! tab or a carriage return is prefixed with `'` so a spreadsheet never runs it as a formula.

use crate::domain::time_fmt::rfc3339;
use crate::model::AuditView;

pub fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

pub fn record(fields: &[&str]) -> String {
    let mut line = fields
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

pub const AUDIT_HEADER: &[&str] = &[
    "time",
    "actor",
    "actor_kind",
    "action",
    "subject",
    "thread",
    "detail",
];

/// The audit events as a CSV document with a header row.
pub fn audit(events: &[AuditView]) -> String {
    let mut out = record(AUDIT_HEADER);
    for e in events {
        out.push_str(&record(&[
            &rfc3339(e.at),
            e.actor_name.as_deref().unwrap_or(""),
            &e.actor_kind,
            &e.action,
            &e.subject,
            e.thread_id.as_deref().unwrap_or(""),
            &e.detail,
        ]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let cases = [
            ("plain", "plain"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("=SUM(A1)", "'=SUM(A1)"),
            ("-5", "'-5"),
            ("@dana, hi", "\"'@dana, hi\""),
            ("\t=1+2", "'\t=1+2"),
            ("\r=1+2", "\"'\r=1+2\""),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(field(input), want, "{input}");
        }
    }

    #[test]
    fn audit_export_has_a_header_and_one_line_per_event() {
        let e = AuditView {
            id: "a1".into(),
            at: 1_795_442_709_120,
            actor_kind: "user".into(),
            actor_name: Some("Dana Reyes".into()),
            action: "draft.approved".into(),
            subject: "draft:d1".into(),
            thread_id: Some("t1".into()),
            detail: r#"{"role":"owner"}"#.into(),
        };
        let csv = audit(&[e]);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "time,actor,actor_kind,action,subject,thread,detail"
        );
        assert_eq!(
            lines[1],
            r#"2026-11-23T14:05:09.120Z,Dana Reyes,user,draft.approved,draft:d1,t1,"{""role"":""owner""}""#
        );
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[2], "");
    }
}
