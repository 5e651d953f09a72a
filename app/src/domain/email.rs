//! Email rules: Message-IDs and references, subjects, trimming quoted history, which thread a
//! creator's email belongs to, and checking a mailbox connection. Pure functions.

use crate::domain::identity::normalize_email;

/// `" <abc@x.example> "` → `"abc@x.example"`; `None` when it is not an id.
pub fn normalize_message_id(raw: &str) -> Option<String> {
    let t = raw
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    let ok = !t.is_empty()
        && t.len() <= 500
        && t.contains('@')
        && !t.chars().any(|c| c.is_whitespace() || c == '<' || c == '>');
    ok.then(|| t.to_string())
}

/// Every id in a `References` / `In-Reply-To` header, in order, without duplicates.
pub fn parse_references(header: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in header.split(['<', '>', ',', ' ', '\t', '\r', '\n']) {
        if let Some(id) = normalize_message_id(part) {
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

/// The Message-ID we give outbound message `message_id` (our ids are `[a-z0-9]`).
pub fn our_message_id(message_id: &str, domain: &str) -> String {
    format!("inbox.{message_id}@{domain}")
}

/// The message id inside one of our Message-IDs, if it is one of ours.
pub fn ours(message_id: &str, domain: &str) -> Option<String> {
    let (local, d) = message_id.rsplit_once('@')?;
    let id = local.strip_prefix("inbox.")?;
    (d.eq_ignore_ascii_case(domain) && crate::domain::filter::is_valid_id(id))
        .then(|| id.to_string())
}

const REPLY_PREFIXES: [&str; 9] = [
    "re:", "fw:", "fwd:", "aw:", "sv:", "rv:", "wg:", "tr:", "res:",
];

/// A subject without reply/forward prefixes, tags like `[EXT]` and case: what stays the same
/// across a conversation.
pub fn normalize_subject(subject: &str) -> String {
    let mut s = subject.trim().to_lowercase();
    loop {
        let before = s.clone();
        if s.starts_with('[') {
            if let Some(end) = s.find(']') {
                s = s[end + 1..].trim_start().to_string();
            }
        }
        for p in REPLY_PREFIXES {
            if let Some(rest) = s.strip_prefix(p) {
                s = rest.trim_start().to_string();
            }
        }
        if s == before {
            break;
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The subject of a reply to `subject`.
pub fn reply_subject(subject: &str) -> String {
    let t = subject.trim();
    if t.to_lowercase().starts_with("re:") {
        t.to_string()
    } else {
        format!("Re: {t}")
    }
}

/// The part of an email body the reader needs: the new text, without the quoted history that
/// mail clients append (Gmail's "On … wrote:", Outlook's "From: … Sent: …" block and separator
/// lines, "-----Original Message-----", `>` quotes). Returns the text and whether anything was cut.
pub fn trim_quoted(body: &str) -> (String, bool) {
    let lines: Vec<&str> = body.lines().collect();
    let mut cut = lines.len();
    for (i, raw) in lines.iter().enumerate() {
        let l = raw.trim();
        let lower = l.to_lowercase();
        let next = lines
            .get(i + 1)
            .map(|n| n.trim().to_lowercase())
            .unwrap_or_default();
        let header_block = |k: &str| {
            lower.starts_with(k)
                && lines[i + 1..lines.len().min(i + 5)].iter().any(|n| {
                    let n = n.trim().to_lowercase();
                    n.starts_with("sent:") || n.starts_with("date:") || n.starts_with("enviado:")
                })
        };
        let is_marker = (lower.starts_with("on ")
            && (lower.ends_with("wrote:") || next == "wrote:" || next.ends_with(" wrote:")))
            || (lower.starts_with("el ") && lower.ends_with("escribió:"))
            || (lower.starts_with("le ") && lower.ends_with("a écrit :"))
            || lower.starts_with("-----original message-----")
            || lower.starts_with("-----mensaje original-----")
            || (l.starts_with("________") && l.chars().all(|c| c == '_'))
            || header_block("from:")
            || header_block("de:");
        let quote_run = l.starts_with('>')
            && lines[i..]
                .iter()
                .all(|n| n.trim().is_empty() || n.trim().starts_with('>'));
        if is_marker || quote_run {
            cut = i;
            break;
        }
    }
    let kept = lines[..cut].join("\n").trim_end().to_string();
    if kept.is_empty() {
        // Nothing new above the quote (a bare forward): keep it all.
        return (body.trim().to_string(), false);
    }
    let trimmed = cut < lines.len();
    (kept, trimmed)
}

pub use crate::domain::attribution::{
    attribute as attribute_email, Attribution as EmailAttribution, CandidateThread,
};

/// How a mail server connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsMode {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    Tls,
    /// Plain, upgraded with STARTTLS (SMTP 587).
    Starttls,
    /// No encryption: only to this machine (local relays, tests).
    None,
}

/// One server of a mailbox connection.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub user: String,
}

fn check_server(kind: &str, s: &ServerSettings) -> Result<ServerSettings, String> {
    let host = s.host.trim().to_lowercase();
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !host_ok {
        return Err(format!("the {kind} host is not a host name"));
    }
    if s.port == 0 {
        return Err(format!("the {kind} port is missing"));
    }
    if s.tls == TlsMode::None && !(host == "localhost" || host == "127.0.0.1") {
        return Err(format!(
            "the {kind} connection must use TLS or STARTTLS (plain only to this machine)"
        ));
    }
    let user = s.user.trim();
    if user.is_empty() || user.len() > 320 || user.chars().any(char::is_control) {
        return Err(format!("the {kind} user name is missing"));
    }
    Ok(ServerSettings {
        host,
        port: s.port,
        tls: s.tls,
        user: user.to_string(),
    })
}

/// A mailbox connection that passed the checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailboxConnection {
    pub address: String,
    pub display_name: String,
    pub imap: ServerSettings,
    pub smtp: ServerSettings,
    /// An app password, or an OAuth access token when `xoauth2`.
    pub secret: String,
    pub xoauth2: bool,
}

pub fn validate_mailbox(
    address: &str,
    display_name: &str,
    imap: &ServerSettings,
    smtp: &ServerSettings,
    secret: &str,
    xoauth2: bool,
) -> Result<MailboxConnection, String> {
    let address = normalize_email(address).ok_or("the address is not an email address")?;
    let display_name = display_name.trim();
    if display_name.chars().count() > 80 || display_name.chars().any(char::is_control) {
        return Err("the sender name is too long".into());
    }
    if secret.is_empty() || secret.len() > 4096 || secret.chars().any(char::is_control) {
        return Err("the password (or token) is missing".into());
    }
    Ok(MailboxConnection {
        address,
        display_name: display_name.to_string(),
        imap: check_server("IMAP", imap)?,
        smtp: check_server("SMTP", smtp)?,
        secret: secret.to_string(),
        xoauth2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_and_references() {
        assert_eq!(
            normalize_message_id(" <a.1@x.example> ").as_deref(),
            Some("a.1@x.example")
        );
        assert_eq!(normalize_message_id("nonsense"), None);
        assert_eq!(normalize_message_id("<>"), None);
        assert_eq!(
            parse_references("<a@x> <b@y>\r\n\t<a@x>,<c@z>"),
            vec!["a@x", "b@y", "c@z"]
        );
        assert_eq!(parse_references(""), Vec::<String>::new());
        let mid = our_message_id("abc123", "inbox.example");
        assert_eq!(mid, "inbox.abc123@inbox.example");
        assert_eq!(ours(&mid, "inbox.example").as_deref(), Some("abc123"));
        assert_eq!(ours(&mid, "other.example"), None);
        assert_eq!(ours("CAF=abc@mail.gmail.com", "inbox.example"), None);
    }

    #[test]
    fn subjects() {
        let cases = [
            ("Re: Winter Glow × Maya", "winter glow × maya"),
            ("RE: RE: Fwd: Winter Glow × Maya", "winter glow × maya"),
            ("[EXT] Re: Winter  Glow × Maya", "winter glow × maya"),
            ("AW: Angebot", "angebot"),
            ("Winter Glow", "winter glow"),
            ("Re:", ""),
        ];
        for (s, want) in cases {
            assert_eq!(normalize_subject(s), want, "{s}");
        }
        assert_eq!(reply_subject("Winter Glow"), "Re: Winter Glow");
        assert_eq!(reply_subject("RE: Winter Glow"), "RE: Winter Glow");
    }

    #[test]
    fn quoted_history_table() {
        let cases = [
            (
                "Sounds great, I'm in!\n\nOn Tue, Nov 24, 2026 at 10:02 AM Dana Whitfield <dana@northstar.example> wrote:\n> Hi Maya,\n> would you like to join?",
                "Sounds great, I'm in!",
                true,
            ),
            (
                "Count me in.\n\nOn Tue, Nov 24, 2026 at 10:02 AM Dana Whitfield <dana@northstar.example>\nwrote:\n> Hi",
                "Count me in.",
                true,
            ),
            (
                "Yes please.\r\n\r\n________________________________\r\nFrom: Dana Whitfield <dana@northstar.example>\r\nSent: Tuesday, November 24, 2026 10:02 AM\r\nTo: Maya\r\nSubject: Winter Glow",
                "Yes please.",
                true,
            ),
            (
                "Works for me.\n\n-----Original Message-----\nFrom: Dana\nSent: Tuesday\n",
                "Works for me.",
                true,
            ),
            (
                "Thanks!\nFrom: Dana Whitfield <dana@northstar.example>\nSent: Tuesday\nSubject: hi",
                "Thanks!",
                true,
            ),
            ("¡Me encanta!\n\nEl mar, 24 nov 2026 a las 10:02, Dana escribió:\n> Hola", "¡Me encanta!", true),
            ("Great\n> old line\n> more", "Great", true),
            ("> quoted then answer\nmy answer", "> quoted then answer\nmy answer", false),
            ("From: my phone, but this is new text\nno header block follows", "From: my phone, but this is new text\nno header block follows", false),
            ("Just a note, no history.", "Just a note, no history.", false),
        ];
        for (body, want, cut) in cases {
            let (got, was_cut) = trim_quoted(body);
            assert_eq!((got.as_str(), was_cut), (want, cut), "{body:?}");
        }
    }

    #[test]
    fn mailbox_checks() {
        let server = |host: &str, port: u16, tls: TlsMode| ServerSettings {
            host: host.into(),
            port,
            tls,
            user: "brand@northstar.example".into(),
        };
        let imap = server("imap.example.com", 993, TlsMode::Tls);
        let smtp = server("smtp.example.com", 587, TlsMode::Starttls);
        assert!(validate_mailbox(
            "Brand@Northstar.example",
            "Northstar",
            &imap,
            &smtp,
            "app-pass",
            false
        )
        .is_ok());
        assert!(validate_mailbox("nope", "", &imap, &smtp, "p", false).is_err());
        assert!(validate_mailbox("a@b.example", "", &imap, &smtp, "", false).is_err());
        let plain_remote = server("imap.example.com", 143, TlsMode::None);
        assert!(validate_mailbox("a@b.example", "", &plain_remote, &smtp, "p", false).is_err());
        let plain_local = server("127.0.0.1", 31143, TlsMode::None);
        assert!(validate_mailbox("a@b.example", "", &plain_local, &smtp, "p", false).is_ok());
        let bad_host = server("imap example", 993, TlsMode::Tls);
        assert!(validate_mailbox("a@b.example", "", &bad_host, &smtp, "p", false).is_err());
        let no_port = server("imap.example.com", 0, TlsMode::Tls);
        assert!(validate_mailbox("a@b.example", "", &no_port, &smtp, "p", false).is_err());
    }
}
