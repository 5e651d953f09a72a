//! Small text rules: message validation, snippets, initials.

pub const MAX_MESSAGE_CHARS: usize = 10_000;

/// A composed message body as it will be stored, or why it cannot be sent.
pub fn clean_body(text: &str) -> Result<String, String> {
    let t = text.trim().replace("\r\n", "\n");
    if t.is_empty() {
        return Err("the message is empty".into());
    }
    if t.chars().count() > MAX_MESSAGE_CHARS {
        return Err(format!(
            "the message is longer than {MAX_MESSAGE_CHARS} characters"
        ));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err("the message contains control characters".into());
    }
    Ok(t)
}

/// `50000` → `"50,000"`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One line of a message for the inbox list.
pub fn snippet(text: &str, max_chars: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max_chars {
        flat
    } else {
        let cut: String = flat.chars().take(max_chars.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Up to two initials for an avatar.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_body_table() {
        let cases: &[(&str, Result<&str, ()>)] = &[
            ("  hi there \r\n", Ok("hi there")),
            ("line1\r\nline2", Ok("line1\nline2")),
            ("", Err(())),
            ("   \n ", Err(())),
            ("bell\u{7}", Err(())),
            ("tab\tok", Ok("tab\tok")),
        ];
        for (input, want) in cases {
            let got = clean_body(input);
            match want {
                Ok(s) => assert_eq!(got.as_deref(), Ok(*s), "{input:?}"),
                Err(()) => assert!(got.is_err(), "{input:?}"),
            }
        }
        assert!(clean_body(&"a".repeat(MAX_MESSAGE_CHARS + 1)).is_err());
        assert!(clean_body(&"a".repeat(MAX_MESSAGE_CHARS)).is_ok());
    }

    #[test]
    fn snippet_table() {
        let cases = [
            ("short", 10, "short"),
            ("a  b\n\nc", 10, "a b c"),
            ("hello wonderful world", 10, "hello won…"),
            ("hello wonderful world", 7, "hello…"),
            ("ñandú ñandú", 6, "ñandú…"),
        ];
        for (input, max, want) in cases {
            assert_eq!(snippet(input, max), want);
        }
    }

    #[test]
    fn initials_table() {
        let cases = [
            ("Maya Lopez", "ML"),
            ("ava", "A"),
            ("  jo  de la cruz", "JD"),
            ("@kai", "K"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(initials(input), want);
        }
    }
}
