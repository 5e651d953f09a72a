//! The API channel's request signature: `X-Inbox-Signature: v1=<hex HMAC-SHA256(key,
//! "<timestamp>.<raw body>")>` with `X-Inbox-Timestamp: <unix seconds>`. The timestamp is inside
//! the signed text and must be within five minutes of the server's clock, so a captured request
//! cannot be replayed later (and a replay inside the window is caught by the event id).

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, PartialEq, Eq)]
pub enum SignatureError {
    MissingHeaders,
    BadTimestamp,
    Stale,
    BadFormat,
    Mismatch,
}

impl std::fmt::Display for SignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SignatureError::MissingHeaders => {
                "X-Inbox-Timestamp and X-Inbox-Signature are required"
            }
            SignatureError::BadTimestamp => "X-Inbox-Timestamp must be Unix seconds",
            SignatureError::Stale => "the request is older (or newer) than five minutes",
            SignatureError::BadFormat => "X-Inbox-Signature must read v1=<hex>",
            SignatureError::Mismatch => "the signature does not match",
        })
    }
}

fn mac(key: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length.
    let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    m.update(timestamp.as_bytes());
    m.update(b".");
    m.update(body);
    m
}

/// The header value a sender puts in `X-Inbox-Signature`.
pub fn sign(key: &str, timestamp: &str, body: &[u8]) -> String {
    format!(
        "v1={}",
        hex::encode(mac(key, timestamp, body).finalize().into_bytes())
    )
}

/// Checks a request's headers against its raw body, in constant time.
pub fn verify(
    key: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_secs: i64,
) -> Result<(), SignatureError> {
    let (Some(ts), Some(sig)) = (timestamp, signature) else {
        return Err(SignatureError::MissingHeaders);
    };
    let at: i64 = ts
        .trim()
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    if (now_secs - at).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let hex_sig = sig
        .trim()
        .strip_prefix("v1=")
        .ok_or(SignatureError::BadFormat)?;
    let bytes = hex::decode(hex_sig).map_err(|_| SignatureError::BadFormat)?;
    mac(key, ts.trim(), body)
        .verify_slice(&bytes)
        .map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_table() {
        let key = "k3y";
        let body = br#"{"text":"hi"}"#;
        let now = 1_795_442_700;
        let ts = now.to_string();
        let good = sign(key, &ts, body);
        let old = (now - TOLERANCE_SECS - 1).to_string();
        let old_sig = sign(key, &old, body);
        let other_key = sign("other", &ts, body);
        // (timestamp header, signature header, body, expected)
        type Case<'a> = (
            Option<&'a str>,
            Option<&'a str>,
            &'a [u8],
            Result<(), SignatureError>,
        );
        let cases: Vec<Case> = vec![
            (Some(&ts), Some(&good), body, Ok(())),
            (None, Some(&good), body, Err(SignatureError::MissingHeaders)),
            (Some(&ts), None, body, Err(SignatureError::MissingHeaders)),
            (
                Some("yesterday"),
                Some(&good),
                body,
                Err(SignatureError::BadTimestamp),
            ),
            (Some(&old), Some(&old_sig), body, Err(SignatureError::Stale)),
            (
                Some(&ts),
                Some("sha256=abc"),
                body,
                Err(SignatureError::BadFormat),
            ),
            (
                Some(&ts),
                Some("v1=zz"),
                body,
                Err(SignatureError::BadFormat),
            ),
            (
                Some(&ts),
                Some(&good),
                br#"{"text":"hi!"}"#,
                Err(SignatureError::Mismatch),
            ),
            (
                Some(&ts),
                Some(&other_key),
                body,
                Err(SignatureError::Mismatch),
            ),
        ];
        for (t, s, b, want) in cases {
            assert_eq!(verify(key, t, s, b, now), want, "{t:?} {s:?}");
        }
    }
}
