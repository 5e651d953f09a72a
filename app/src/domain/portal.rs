//! The creator portal's magic links: how long they live, what a token looks like, and whether a
//! link still opens. Pure functions.

/// A new link works for 30 days unless revoked.
pub const LINK_DAYS: i64 = 30;
pub const LINK_TTL_MS: i64 = LINK_DAYS * 24 * 60 * 60 * 1000;

/// The path a portal link opens.
pub fn link_path(token: &str) -> String {
    format!("/p/{token}")
}

/// Whether `token` has the shape we issue (64 lowercase hex characters: a portal link, an embed
/// frame's bearer); anything else is refused before any lookup.
pub fn is_token(token: &str) -> bool {
    token.len() == 64
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    Open,
    Expired,
    Revoked,
}

pub fn link_state(expires_at: i64, revoked_at: Option<i64>, now: i64) -> LinkState {
    match revoked_at {
        Some(r) if r <= now => LinkState::Revoked,
        _ if now >= expires_at => LinkState::Expired,
        _ => LinkState::Open,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert!(is_token(&"ab12".repeat(16)));
        assert!(!is_token(&"AB12".repeat(16)), "uppercase");
        assert!(!is_token(&"ab12".repeat(15)), "short");
        assert!(!is_token(&format!("{}zz", "a".repeat(62))), "not hex");
        assert!(!is_token("../../etc/passwd"));
        assert_eq!(link_path("abc"), "/p/abc");
    }

    #[test]
    fn states() {
        let cases = [
            (1_000, None, 999, LinkState::Open),
            (1_000, None, 1_000, LinkState::Expired),
            (1_000, Some(500), 600, LinkState::Revoked),
            (1_000, Some(500), 400, LinkState::Open),
            (1_000, Some(500), 2_000, LinkState::Revoked),
        ];
        for (exp, rev, now, want) in cases {
            assert_eq!(link_state(exp, rev, now), want, "{exp} {rev:?} {now}");
        }
    }
}
