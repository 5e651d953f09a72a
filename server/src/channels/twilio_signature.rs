//! Twilio's request signature: `X-Twilio-Signature` = Base64(HMAC-SHA1(auth token, the full
//! public URL followed by every POST parameter sorted by name, each as name then value)). The URL
//! is the configured public one, never the Host header, so a proxy in front cannot break it.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

fn mac(auth_token: &str, url: &str, params: &[(String, String)]) -> Hmac<Sha1> {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut m = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).expect("any key length");
    m.update(url.as_bytes());
    for (k, v) in sorted {
        m.update(k.as_bytes());
        m.update(v.as_bytes());
    }
    m
}

/// The signature Twilio sends for this request.
pub fn sign(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(mac(auth_token, url, params).finalize().into_bytes())
}

/// Checks a request's signature in constant time.
pub fn is_valid(
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
    header: Option<&str>,
) -> bool {
    let Some(sig) = header else { return false };
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(sig.trim()) else {
        return false;
    };
    mac(auth_token, url, params).verify_slice(&bytes).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn verification_table() {
        // Agreement with Twilio's own library is checked in tests/twilio_sms.rs.
        let params = p(&[
            ("To", "+18005551212"),
            ("From", "+12349013030"),
            ("Body", "hi"),
        ]);
        let url = "https://inbox.example.com/hooks/twilio/sms";
        let good = sign("12345", url, &params);
        let reordered = p(&[
            ("Body", "hi"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]);
        let tampered = p(&[
            ("To", "+18005551212"),
            ("From", "+12349013030"),
            ("Body", "hi!"),
        ]);
        // (auth token, URL, parameters, signature header, valid?)
        type Case<'a> = (
            &'a str,
            &'a str,
            &'a [(String, String)],
            Option<&'a str>,
            bool,
        );
        let cases: [Case; 6] = [
            ("12345", url, &params, Some(&good), true),
            ("12345", url, &reordered, Some(&good), true),
            ("54321", url, &params, Some(&good), false),
            (
                "12345",
                "http://inbox.example.com/hooks/twilio/sms",
                &params,
                Some(&good),
                false,
            ),
            ("12345", url, &tampered, Some(&good), false),
            ("12345", url, &params, Some("not base64"), false),
        ];
        for (token, u, ps, header, want) in cases {
            assert_eq!(
                is_valid(token, u, ps, header),
                want,
                "{token} {u} {header:?}"
            );
        }
        assert!(!is_valid("12345", url, &params, None));
    }
}
