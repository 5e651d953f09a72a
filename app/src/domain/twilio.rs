//! Checking a Twilio connection before it is stored: the shapes Twilio gives its ids and keys.

use crate::domain::identity::normalize_phone;

/// A connection that passed the checks; numbers are E.164, deduplicated, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwilioConnection {
    pub account_sid: String,
    pub auth_token: String,
    pub numbers: Vec<String>,
    pub messaging_service_sid: Option<String>,
}

pub const MAX_NUMBERS: usize = 50;

fn is_sid(s: &str, prefix: &str) -> bool {
    s.len() == 34 && s.starts_with(prefix) && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

pub fn validate_connection(
    account_sid: &str,
    auth_token: &str,
    numbers: &[String],
    messaging_service_sid: Option<&str>,
) -> Result<TwilioConnection, String> {
    let account_sid = account_sid.trim();
    if !is_sid(account_sid, "AC") {
        return Err("the Account SID starts with AC followed by 32 hex characters".into());
    }
    let auth_token = auth_token.trim();
    if auth_token.len() != 32 || !auth_token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("the auth token is 32 hex characters".into());
    }
    let service = messaging_service_sid
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(s) = service {
        if !is_sid(s, "MG") {
            return Err(
                "a Messaging Service SID starts with MG followed by 32 hex characters".into(),
            );
        }
    }
    let mut normalized: Vec<String> = Vec::new();
    for n in numbers.iter().filter(|n| !n.trim().is_empty()) {
        let e164 = normalize_phone(n)
            .ok_or_else(|| format!("{} is not an E.164 number like +14155550100", n.trim()))?;
        if !normalized.contains(&e164) {
            normalized.push(e164);
        }
    }
    if normalized.is_empty() {
        return Err("add at least one phone number".into());
    }
    if normalized.len() > MAX_NUMBERS {
        return Err(format!("at most {MAX_NUMBERS} numbers per workspace"));
    }
    Ok(TwilioConnection {
        account_sid: account_sid.to_string(),
        auth_token: auth_token.to_string(),
        numbers: normalized,
        messaging_service_sid: service.map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_table() {
        let ac = format!("AC{}", "a1".repeat(16));
        let mg = format!("MG{}", "0f".repeat(16));
        let token = "0123456789abcdef0123456789abcdef";
        let nums = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let ok = validate_connection(
            &ac,
            token,
            &nums(&["+1 415 555 0100", "+14155550100", "", "+442079460958"]),
            Some(&mg),
        )
        .unwrap();
        assert_eq!(ok.numbers, vec!["+14155550100", "+442079460958"]);
        assert_eq!(ok.messaging_service_sid.as_deref(), Some(mg.as_str()));
        let cases: Vec<(&str, &str, Vec<String>, Option<&str>, &str)> = vec![
            (
                "ACshort",
                token,
                nums(&["+14155550100"]),
                None,
                "Account SID",
            ),
            (&mg, token, nums(&["+14155550100"]), None, "Account SID"),
            (
                &ac,
                "not-hex-not-hex-not-hex-not-hex!",
                nums(&["+14155550100"]),
                None,
                "auth token",
            ),
            (&ac, token, nums(&["4155550100"]), None, "E.164"),
            (&ac, token, nums(&[]), None, "at least one"),
            (
                &ac,
                token,
                nums(&["+14155550100"]),
                Some("MGnope"),
                "Messaging Service",
            ),
        ];
        for (sid, tok, numbers, service, want) in cases {
            let err = validate_connection(sid, tok, &numbers, service).unwrap_err();
            assert!(err.contains(want), "{err} should mention {want}");
        }
        assert_eq!(
            validate_connection(&ac, token, &nums(&["+14155550100"]), Some("  "))
                .unwrap()
                .messaging_service_sid,
            None
        );
    }
}
