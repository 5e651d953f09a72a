//! Whether an email's sender is who its `From` says, as the receiving mail server judged it in
//! its `Authentication-Results` header (RFC 8601: DMARC, DKIM, SPF). Only the topmost header is
//! read: the receiving server adds its own above everything the message arrived with, so a
//! header a sender forged lies below it. A message whose receiving server adds none is "not
//! checked" — as before; one that fails is "unverified": stored and shown, never acted on by
//! automation (`domain::automation::plan`).

/// The verdict on one email's sender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SenderCheck {
    /// DMARC passed, or DKIM or SPF passed for the `From` domain.
    Verified,
    /// The receiving server's checks failed for the `From` domain: why, in words.
    Unverified(String),
    /// No verdict to read.
    NotChecked,
}

/// One `method=result` with its properties (`header.d`, `smtp.mailfrom`…).
#[derive(Debug, Default, PartialEq)]
struct MethodResult {
    method: String,
    result: String,
    props: Vec<(String, String)>,
}

/// The text without RFC 5322 comments (nested parentheses; quoted strings kept).
fn without_comments(s: &str) -> String {
    let (mut out, mut depth, mut quoted, mut escaped) = (String::new(), 0usize, false, false);
    for c in s.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                if depth == 0 {
                    out.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The results one header reports (the authserv-id, before the first `;`, is skipped).
fn results(header: &str) -> Vec<MethodResult> {
    let clean = without_comments(header);
    let mut out = Vec::new();
    for part in clean.split(';').skip(1) {
        let mut words = part.split_whitespace();
        let Some((method, result)) = words.next().and_then(|w| w.split_once('=')) else {
            continue;
        };
        let method = method.split('/').next().unwrap_or_default();
        let mut r = MethodResult {
            method: method.to_ascii_lowercase(),
            result: result.to_ascii_lowercase(),
            props: Vec::new(),
        };
        for w in words {
            if let Some((k, v)) = w.split_once('=') {
                let v = v.trim_matches('"').to_ascii_lowercase();
                r.props.push((k.to_ascii_lowercase(), v));
            }
        }
        out.push(r);
    }
    out
}

/// The domain of an address or `@domain` identity.
fn domain_of(v: &str) -> &str {
    v.rsplit_once('@')
        .map_or(v, |(_, d)| d)
        .trim_end_matches('.')
}

/// Relaxed alignment: the same domain, or one inside the other (never a single label, which
/// would align with everything under it).
fn aligned(authenticated: &str, from: &str) -> bool {
    let (a, f) = (
        authenticated.to_ascii_lowercase(),
        from.to_ascii_lowercase(),
    );
    if !a.contains('.') || !f.contains('.') {
        return false;
    }
    a == f || f.ends_with(&format!(".{a}")) || a.ends_with(&format!(".{f}"))
}

/// The verdict of the topmost `Authentication-Results` header (`headers` in message order) for
/// a message `From` `from_address`.
pub fn sender_check(headers: &[&str], from_address: &str) -> SenderCheck {
    let Some(top) = headers.first() else {
        return SenderCheck::NotChecked;
    };
    let from = domain_of(from_address);
    let found = results(top);
    let prop = |r: &MethodResult, keys: &[&str]| -> Option<String> {
        r.props
            .iter()
            .find(|(k, _)| keys.contains(&k.as_str()))
            .map(|(_, v)| domain_of(v).to_string())
    };
    let mut failed: Vec<&str> = Vec::new();
    let mut passed = false;
    for r in &found {
        match (r.method.as_str(), r.result.as_str()) {
            ("dmarc", "pass") => return SenderCheck::Verified,
            ("dmarc", "fail") => {
                return SenderCheck::Unverified(format!("DMARC failed for {from}"));
            }
            ("dkim", "pass") => {
                passed |= prop(r, &["header.d", "header.i"]).is_some_and(|d| aligned(&d, from));
            }
            ("spf", "pass") => {
                passed |= prop(r, &["smtp.mailfrom"]).is_some_and(|d| aligned(&d, from));
            }
            ("dkim", "fail" | "permerror" | "policy" | "neutral" | "none") => failed.push("DKIM"),
            ("spf", "fail" | "softfail" | "permerror" | "neutral" | "none") => failed.push("SPF"),
            _ => {}
        }
    }
    if passed {
        SenderCheck::Verified
    } else if failed.is_empty() {
        SenderCheck::NotChecked
    } else {
        failed.dedup();
        SenderCheck::Unverified(format!("{} did not pass for {from}", failed.join(" and ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unverified(s: &SenderCheck) -> bool {
        matches!(s, SenderCheck::Unverified(_))
    }

    #[test]
    fn the_receiving_servers_verdict_decides() {
        let gmail_pass = "mx.google.com;\r\n       dkim=pass header.i=@creator.example header.s=s1 header.b=abc;\r\n       spf=pass (google.com: domain of mia@creator.example designates 1.2.3.4 as permitted sender) smtp.mailfrom=mia@creator.example;\r\n       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=creator.example";
        let dmarc_fail = "mx.example.net; dkim=none; spf=fail smtp.mailfrom=forger.example; dmarc=fail (p=QUARANTINE) header.from=creator.example";
        let outlook = "spf=pass (sender IP is 1.2.3.4) smtp.mailfrom=creator.example; dkim=pass (signature was verified) header.d=creator.example;dmarc=pass action=none header.from=creator.example;compauth=pass reason=100";
        let cases: &[(&[&str], &str, SenderCheck)] = &[
            (&[], "mia@creator.example", SenderCheck::NotChecked),
            (&[gmail_pass], "mia@creator.example", SenderCheck::Verified),
            (
                &[dmarc_fail],
                "mia@creator.example",
                SenderCheck::Unverified("DMARC failed for creator.example".into()),
            ),
            // A header without an authserv-id still reads (the first part is skipped).
            (&[&format!("mx.outlook.com; {outlook}")], "mia@creator.example", SenderCheck::Verified),
            // No DMARC: DKIM for the From domain (or a subdomain) passes.
            (
                &["mx.example.net; dkim=pass header.d=mail.creator.example"],
                "mia@creator.example",
                SenderCheck::Verified,
            ),
            // DKIM passing for another domain proves nothing about From.
            (
                &["mx.example.net; dkim=pass header.d=forger.example; spf=softfail smtp.mailfrom=forger.example"],
                "mia@creator.example",
                SenderCheck::Unverified("SPF did not pass for creator.example".into()),
            ),
            (
                &["mx.example.net; spf=pass smtp.mailfrom=bounce@creator.example"],
                "mia@creator.example",
                SenderCheck::Verified,
            ),
            // A single-label domain aligns with nothing.
            (
                &["mx.example.net; dkim=pass header.d=example; spf=fail smtp.mailfrom=x.example"],
                "mia@creator.example",
                SenderCheck::Unverified("SPF did not pass for creator.example".into()),
            ),
            // Only the topmost header counts: a forged "pass" below the server's fail is ignored.
            (
                &[dmarc_fail, gmail_pass],
                "mia@creator.example",
                SenderCheck::Unverified("DMARC failed for creator.example".into()),
            ),
            // Comments never carry a result.
            (
                &["mx.example.net; (dmarc=pass) dkim=fail (no key (really)) header.d=creator.example"],
                "mia@creator.example",
                SenderCheck::Unverified("DKIM did not pass for creator.example".into()),
            ),
            (&["mx.example.net; none"], "mia@creator.example", SenderCheck::NotChecked),
            (&["mx.example.net; iprev=pass policy.iprev=1.2.3.4"], "mia@creator.example", SenderCheck::NotChecked),
            (&["mx.example.net; dmarc=temperror"], "mia@creator.example", SenderCheck::NotChecked),
        ];
        for (headers, from, want) in cases {
            assert_eq!(&sender_check(headers, from), want, "{headers:?}");
        }
        // A failed SPF beside a failed DKIM names both, once each.
        let both = sender_check(
            &["mx; spf=fail smtp.mailfrom=a.example; dkim=fail header.d=a.example"],
            "x@creator.example",
        );
        assert!(unverified(&both));
        assert_eq!(
            both,
            SenderCheck::Unverified("SPF and DKIM did not pass for creator.example".into())
        );
    }

    #[test]
    fn any_header_text_is_read_without_panicking() {
        let odd = [
            "",
            ";",
            ";;;",
            "=",
            "a;=",
            "a; =pass",
            "a; dkim=",
            "a; (unclosed",
            "a; )))",
            "a; \"q;uoted\"",
            "a; dkim=pass header.d=",
            "a; spf=pass smtp.mailfrom=@",
            "a;\\",
            "ü; dmarc=pass",
        ];
        for h in odd {
            let _ = sender_check(&[h], "x@creator.example");
            let _ = sender_check(&[h], "");
        }
    }
}
