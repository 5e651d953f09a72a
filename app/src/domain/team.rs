//! A team's rules: when an invitation or reset link may be used, what a new password must be,
//! which role changes keep a workspace with an owner, and when a session has gone idle.

use crate::model::Role;

pub const MINUTE_MS: i64 = 60 * 1000;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// How long an invitation link stays usable.
pub const INVITATION_MS: i64 = 7 * DAY_MS;
/// How long a new workspace's owner-setup link stays usable.
pub const OWNER_SETUP_MS: i64 = DAY_MS;
/// How long a password reset link stays usable.
pub const RESET_MS: i64 = HOUR_MS;
/// A session unused this long has ended.
pub const IDLE_MS: i64 = 14 * DAY_MS;
/// A session's last use is written at most this often.
pub const SEEN_EVERY_MS: i64 = MINUTE_MS;

/// Where a single-use link stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    Usable,
    Used,
    Revoked,
    Expired,
}

impl LinkState {
    /// What the person who opened the link reads when it cannot be used.
    pub fn refusal(self) -> Option<&'static str> {
        match self {
            LinkState::Usable => None,
            LinkState::Used => Some("this link was used already"),
            LinkState::Revoked => Some("this invitation was revoked"),
            LinkState::Expired => Some("this link has expired; ask for a new one"),
        }
    }
}

/// A single-use link's state at `now`: used first, then revoked, then expired.
pub fn link_state(
    expires_at: i64,
    used_at: Option<i64>,
    revoked_at: Option<i64>,
    now: i64,
) -> LinkState {
    if used_at.is_some() {
        LinkState::Used
    } else if revoked_at.is_some() {
        LinkState::Revoked
    } else if now >= expires_at {
        LinkState::Expired
    } else {
        LinkState::Usable
    }
}

/// A new password: 10 to 1,024 characters, not only spaces.
pub fn check_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if password.trim().is_empty() || n < 10 {
        Err("choose a password of at least 10 characters".into())
    } else if n > 1024 {
        Err("that password is too long (1,024 characters at most)".into())
    } else {
        Ok(())
    }
}

/// A person's name as they give it: trimmed, 1 to 120 characters.
pub fn checked_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    match name.chars().count() {
        0 => Err("enter your name".into()),
        n if n > 120 => Err("that name is too long (120 characters at most)".into()),
        _ => Ok(name.to_string()),
    }
}

/// A workspace's name: trimmed, 1 to 120 characters.
pub fn checked_workspace_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    match name.chars().count() {
        0 => Err("give the workspace a name".into()),
        n if n > 120 => Err("that workspace name is too long (120 characters at most)".into()),
        _ => Ok(name.to_string()),
    }
}

/// An email address to invite or sign in with: trimmed and lower-cased, one `@` with text on
/// both sides and a dot in the domain, at most 254 characters.
pub fn checked_email(email: &str) -> Result<String, String> {
    let email = email.trim().to_lowercase();
    let ok = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if ok {
        Ok(email)
    } else {
        Err("enter an email address like name@example.com".into())
    }
}

/// A member as a role change sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub user_id: String,
    pub role: Role,
    pub active: bool,
}

/// A change to one member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberChange {
    Role(Role),
    Deactivate,
    Reactivate,
}

/// Whether `change` to `target` may be made: the workspace always keeps an active owner, and a
/// change that changes nothing is refused with what is already so.
pub fn check_member_change(
    members: &[Member],
    target: &str,
    change: MemberChange,
) -> Result<(), String> {
    let Some(member) = members.iter().find(|m| m.user_id == target) else {
        return Err("that person is not on this team".into());
    };
    let active_owners = members
        .iter()
        .filter(|m| m.active && m.role == Role::Owner)
        .count();
    let last_owner = member.active && member.role == Role::Owner && active_owners <= 1;
    match change {
        MemberChange::Role(role) if role == member.role => {
            Err(format!("they are {} already", role.with_article()))
        }
        MemberChange::Role(_) if last_owner => {
            Err("the workspace needs an owner: make someone else an owner first".into())
        }
        MemberChange::Deactivate if !member.active => Err("they are deactivated already".into()),
        MemberChange::Deactivate if last_owner => {
            Err("the last owner cannot be deactivated: make someone else an owner first".into())
        }
        MemberChange::Reactivate if member.active => Err("they are active already".into()),
        _ => Ok(()),
    }
}

/// Whether a session is still live at `now`: before its hard expiry and used within `IDLE_MS`.
pub fn session_live(expires_at: i64, created_at: i64, last_seen_at: Option<i64>, now: i64) -> bool {
    now < expires_at && now - last_seen_at.unwrap_or(created_at) < IDLE_MS
}

/// Whether a request should stamp the session's last use (at most once per `SEEN_EVERY_MS`).
pub fn should_stamp_seen(created_at: i64, last_seen_at: Option<i64>, now: i64) -> bool {
    now - last_seen_at.unwrap_or(created_at) >= SEEN_EVERY_MS
}

/// A browser's user agent as the Sessions list names it: "Chrome on macOS", "Safari on iPhone"…
pub fn device_label(agent: &str) -> String {
    let a = agent.to_ascii_lowercase();
    let browser = if a.contains("edg/") {
        "Edge"
    } else if a.contains("firefox/") {
        "Firefox"
    } else if a.contains("chrome/") || a.contains("crios/") {
        "Chrome"
    } else if a.contains("safari/") {
        "Safari"
    } else {
        "A browser"
    };
    let system = if a.contains("iphone") {
        "iPhone"
    } else if a.contains("ipad") {
        "iPad"
    } else if a.contains("android") {
        "Android"
    } else if a.contains("mac os") || a.contains("macintosh") {
        "macOS"
    } else if a.contains("windows") {
        "Windows"
    } else if a.contains("linux") {
        "Linux"
    } else {
        "an unknown system"
    };
    format!("{browser} on {system}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_used_once_before_it_expires_unless_revoked() {
        let cases = [
            (100, None, None, 50, LinkState::Usable),
            (100, None, None, 100, LinkState::Expired),
            (100, None, None, 150, LinkState::Expired),
            (100, Some(10), None, 50, LinkState::Used),
            (100, Some(10), None, 150, LinkState::Used),
            (100, None, Some(10), 50, LinkState::Revoked),
            (100, None, Some(10), 150, LinkState::Revoked),
        ];
        for (expires, used, revoked, now, want) in cases {
            assert_eq!(
                link_state(expires, used, revoked, now),
                want,
                "{expires} {used:?} {revoked:?} {now}"
            );
        }
        assert_eq!(LinkState::Usable.refusal(), None);
        assert!(LinkState::Expired.refusal().unwrap().contains("expired"));
    }

    #[test]
    fn passwords_names_and_emails_are_checked() {
        for (p, ok) in [
            ("", false),
            ("short", false),
            ("          ", false),
            ("ten chars!", true),
            (&"x".repeat(1025)[..], false),
        ] {
            assert_eq!(check_password(p).is_ok(), ok, "{p:?}");
        }
        assert_eq!(checked_name("  Dana Reyes ").unwrap(), "Dana Reyes");
        assert_eq!(checked_workspace_name(" Northwind ").unwrap(), "Northwind");
        assert!(checked_workspace_name(" ").is_err());
        assert!(checked_workspace_name(&"w".repeat(121)).is_err());
        assert!(checked_name("   ").is_err());
        assert!(checked_name(&"n".repeat(121)).is_err());
        for (e, want) in [
            (" Dana@Agency.Example ", Some("dana@agency.example")),
            ("dana@agency", None),
            ("@agency.example", None),
            ("dana@@agency.example", None),
            ("da na@agency.example", None),
            ("dana@.example", None),
            ("dana@example.", None),
            ("", None),
        ] {
            assert_eq!(checked_email(e).ok().as_deref(), want, "{e:?}");
        }
    }

    fn team() -> Vec<Member> {
        let m = |id: &str, role, active| Member {
            user_id: id.into(),
            role,
            active,
        };
        vec![
            m("olive", Role::Owner, true),
            m("mia", Role::Manager, true),
            m("ola", Role::Owner, false),
            m("vic", Role::Viewer, true),
        ]
    }

    #[test]
    fn the_workspace_always_keeps_an_active_owner() {
        let t = team();
        let cases: [(&str, MemberChange, Result<(), &str>); 10] = [
            (
                "olive",
                MemberChange::Role(Role::Manager),
                Err("needs an owner"),
            ),
            ("olive", MemberChange::Deactivate, Err("last owner")),
            (
                "olive",
                MemberChange::Role(Role::Owner),
                Err("an owner already"),
            ),
            ("mia", MemberChange::Role(Role::Owner), Ok(())),
            ("mia", MemberChange::Deactivate, Ok(())),
            ("mia", MemberChange::Reactivate, Err("active already")),
            ("ola", MemberChange::Reactivate, Ok(())),
            ("ola", MemberChange::Deactivate, Err("deactivated already")),
            ("vic", MemberChange::Role(Role::Member), Ok(())),
            ("nobody", MemberChange::Deactivate, Err("not on this team")),
        ];
        for (who, change, want) in cases {
            let got = check_member_change(&t, who, change);
            match want {
                Ok(()) => assert_eq!(got, Ok(()), "{who} {change:?}"),
                Err(part) => assert!(
                    got.as_ref().is_err_and(|e| e.contains(part)),
                    "{who} {change:?}: {got:?}"
                ),
            }
        }
        // With a second active owner, the first may step down.
        let mut two = t.clone();
        two[1].role = Role::Owner;
        assert_eq!(
            check_member_change(&two, "olive", MemberChange::Role(Role::Manager)),
            Ok(())
        );
        assert_eq!(
            check_member_change(&two, "olive", MemberChange::Deactivate),
            Ok(())
        );
    }

    #[test]
    fn sessions_end_when_idle_or_expired_and_are_stamped_once_a_minute() {
        let cases = [
            (1_000 * DAY_MS, 0, None, DAY_MS, true),
            (1_000 * DAY_MS, 0, None, IDLE_MS, false),
            (1_000 * DAY_MS, 0, Some(10 * DAY_MS), 20 * DAY_MS, true),
            (1_000 * DAY_MS, 0, Some(10 * DAY_MS), 24 * DAY_MS, false),
            (5 * DAY_MS, 0, Some(4 * DAY_MS), 5 * DAY_MS, false),
        ];
        for (expires, created, seen, now, want) in cases {
            assert_eq!(
                session_live(expires, created, seen, now),
                want,
                "{expires} {created} {seen:?} {now}"
            );
        }
        assert!(!should_stamp_seen(0, None, MINUTE_MS - 1));
        assert!(should_stamp_seen(0, None, MINUTE_MS));
        assert!(!should_stamp_seen(
            0,
            Some(5 * MINUTE_MS),
            5 * MINUTE_MS + 10
        ));
    }

    #[test]
    fn devices_are_named_by_browser_and_system() {
        let cases = [
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36", "Chrome on macOS"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0", "Edge on Windows"),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux"),
            ("curl/8.0", "A browser on an unknown system"),
        ];
        for (agent, want) in cases {
            assert_eq!(device_label(agent), want);
        }
    }
}
