//! Contact identities as channels deliver them, normalized so one creator is found whichever way
//! an address is written: emails trimmed and lowercased, phones in E.164.

/// `" Maya@Example.COM "` → `"maya@example.com"`; `None` if it is not an address.
pub fn normalize_email(raw: &str) -> Option<String> {
    let e = raw.trim().to_lowercase();
    let (local, domain) = e.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == '<' || c == '>')
        && e.matches('@').count() == 1
        && e.len() <= 254;
    ok.then_some(e)
}

/// `"+1 (415) 555-0100"` → `"+14155550100"`: a leading `+`, then 8 to 15 digits; spaces, dots,
/// dashes and parentheses are dropped. `None` for anything else (no country code, letters…).
pub fn normalize_phone(raw: &str) -> Option<String> {
    let t = raw.trim();
    let rest = t.strip_prefix('+')?;
    let mut digits = String::with_capacity(16);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    let ok = (8..=15).contains(&digits.len()) && !digits.starts_with('0');
    ok.then(|| format!("+{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_table() {
        let cases = [
            (" Maya@Example.COM ", Some("maya@example.com")),
            (
                "maya.lopez+brand@mail.example",
                Some("maya.lopez+brand@mail.example"),
            ),
            ("maya@localhost", None),
            ("@example.com", None),
            ("maya@@example.com", None),
            ("maya@example.com, zoe@example.com", None),
            ("Maya <maya@example.com>", None),
            ("", None),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_email(raw).as_deref(), want, "{raw:?}");
        }
    }

    #[test]
    fn phone_table() {
        let cases = [
            ("+1 (415) 555-0100", Some("+14155550100")),
            ("+44 20 7946 0958", Some("+442079460958")),
            ("+4915112345678", Some("+4915112345678")),
            ("4155550100", None),
            ("+1 415 CALL NOW", None),
            ("+0123456789", None),
            ("+123", None),
            ("+1234567890123456", None),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_phone(raw).as_deref(), want, "{raw:?}");
        }
    }
}
