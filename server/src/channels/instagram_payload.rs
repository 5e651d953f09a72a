//! Meta's Instagram messaging webhooks: the signature check over the raw body and the payload
//! read into events. Pure functions; the handler in `instagram` does the I/O.
//!
//! Meta signs the body exactly as sent, with non-ASCII characters escaped (`\u00e9`), so the
//! signature is checked over the raw bytes, never over re-encoded JSON.

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

/// Whether `X-Hub-Signature-256` (`sha256=<hex>`) is the app secret's HMAC-SHA256 of `body`;
/// compared in constant time.
pub fn signature_ok(app_secret: &str, header: Option<&str>, body: &[u8]) -> bool {
    let Some(hex_sig) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_sig) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// One thing that happened in an Instagram conversation.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The creator sent a message (or mentioned the business in a story: that opens the window too).
    Message {
        account: String,
        sender: String,
        mid: String,
        text: String,
    },
    /// The creator has seen our messages up to `mid`.
    Seen {
        account: String,
        sender: String,
        mid: String,
    },
    /// The creator reacted to message `mid` (`None`: took the reaction back).
    Reaction {
        account: String,
        sender: String,
        mid: String,
        emoji: Option<String>,
    },
}

fn s(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    match cur {
        Value::String(x) if !x.is_empty() => Some(x.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The text kept for a message: its text, then a line per attachment (media stay at Meta).
fn message_text(message: &Value) -> String {
    let mut text = message
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string();
    for a in message
        .get("attachments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let kind = a.get("type").and_then(Value::as_str).unwrap_or("file");
        let label = match kind {
            "story_mention" => "story mention",
            "share" => "shared post",
            "ig_reel" | "reel" => "reel",
            other => other,
        };
        let url = s(a, &["payload", "url"]).unwrap_or_default();
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(format!("[{label}] {url}").trim_end());
    }
    if text.is_empty() {
        text = "(empty message)".into();
    }
    text.chars().take(10_000).collect()
}

/// The events in a webhook body. Echoes of the business's own messages, deletions and kinds we
/// do not handle are skipped; a body that is not an Instagram webhook is an error.
pub fn parse(body: &[u8]) -> Result<Vec<Event>, String> {
    let v: Value = serde_json::from_slice(body).map_err(|_| "the body is not JSON".to_string())?;
    if v.get("object").and_then(Value::as_str) != Some("instagram") {
        return Err("object must be \"instagram\"".into());
    }
    let entries = v
        .get("entry")
        .and_then(Value::as_array)
        .ok_or("entry must be a list")?;
    let mut out = Vec::new();
    for entry in entries {
        let Some(entry_account) = s(entry, &["id"]) else {
            return Err("an entry has no id".into());
        };
        for m in entry
            .get("messaging")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(sender) = s(m, &["sender", "id"]) else {
                continue;
            };
            let account = s(m, &["recipient", "id"]).unwrap_or_else(|| entry_account.clone());
            if let Some(message) = m.get("message") {
                let skip = message.get("is_echo").and_then(Value::as_bool) == Some(true)
                    || message.get("is_deleted").and_then(Value::as_bool) == Some(true);
                if let (false, Some(mid)) = (skip, s(message, &["mid"])) {
                    out.push(Event::Message {
                        account,
                        sender,
                        mid,
                        text: message_text(message),
                    });
                }
            } else if let Some(mid) = s(m, &["read", "mid"]) {
                out.push(Event::Seen {
                    account,
                    sender,
                    mid,
                });
            } else if let Some(r) = m.get("reaction") {
                let Some(mid) = s(r, &["mid"]) else { continue };
                let emoji = match r.get("action").and_then(Value::as_str) {
                    Some("unreact") => None,
                    _ => Some(
                        s(r, &["emoji"])
                            .or_else(|| s(r, &["reaction"]))
                            .unwrap_or_else(|| "❤️".into()),
                    ),
                };
                out.push(Event::Reaction {
                    account,
                    sender,
                    mid,
                    emoji,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body);
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn signature_over_the_raw_bytes() {
        let raw = br#"{"object":"instagram","entry":[{"id":"1","messaging":[{"message":{"text":"caf\u00e9"}}]}]}"#;
        let reencoded = serde_json::to_vec(&serde_json::from_slice::<Value>(raw).unwrap()).unwrap();
        assert_ne!(raw.to_vec(), reencoded, "re-encoding changes the bytes");
        let good = sign("app-secret", raw);
        let of_reencoded = sign("app-secret", &reencoded);
        let cases = [
            (Some(good.as_str()), raw.to_vec(), true),
            (Some(good.as_str()), reencoded.clone(), false),
            (Some(of_reencoded.as_str()), raw.to_vec(), false),
            (Some("sha256=00"), raw.to_vec(), false),
            (
                Some(good.trim_start_matches("sha256=")),
                raw.to_vec(),
                false,
            ),
            (Some("sha256=zz"), raw.to_vec(), false),
            (None, raw.to_vec(), false),
        ];
        for (header, body, want) in cases {
            assert_eq!(
                signature_ok("app-secret", header, &body),
                want,
                "{header:?}"
            );
        }
        assert!(!signature_ok("another-secret", Some(&good), raw));
    }

    #[test]
    fn payload_table() {
        let body = |messaging: &str| {
            format!(
                r#"{{"object":"instagram","entry":[{{"id":"17841400000000001","time":1,"messaging":[{messaging}]}}]}}"#
            )
        };
        let who = r#""sender":{"id":"901"},"recipient":{"id":"17841400000000001"},"timestamp":1795442700000"#;
        let msg = |account: &str, mid: &str, text: &str| Event::Message {
            account: account.into(),
            sender: "901".into(),
            mid: mid.into(),
            text: text.into(),
        };
        let acct = "17841400000000001";
        let cases: Vec<(String, Result<Vec<Event>, ()>)> = vec![
            (
                body(&format!(
                    r#"{{{who},"message":{{"mid":"m1","text":"Ol\u00e1! \ud83c\udf89 count me in"}}}}"#
                )),
                Ok(vec![msg(acct, "m1", "Olá! 🎉 count me in")]),
            ),
            (
                body(&format!(
                    r#"{{{who},"message":{{"mid":"m2","attachments":[{{"type":"story_mention","payload":{{"url":"https://lookaside.example/s/1"}}}}]}}}}"#
                )),
                Ok(vec![msg(
                    acct,
                    "m2",
                    "[story mention] https://lookaside.example/s/1",
                )]),
            ),
            (
                body(&format!(
                    r#"{{{who},"message":{{"mid":"m3","text":"look","attachments":[{{"type":"image","payload":{{"url":"https://cdn.example/i.jpg"}}}}]}}}}"#
                )),
                Ok(vec![msg(
                    acct,
                    "m3",
                    "look\n[image] https://cdn.example/i.jpg",
                )]),
            ),
            (
                body(&format!(
                    r#"{{{who},"message":{{"mid":"m4","text":"sent by us","is_echo":true}}}}"#
                )),
                Ok(vec![]),
            ),
            (
                body(&format!(r#"{{{who},"read":{{"mid":"m9"}}}}"#)),
                Ok(vec![Event::Seen {
                    account: acct.into(),
                    sender: "901".into(),
                    mid: "m9".into(),
                }]),
            ),
            (
                body(&format!(
                    r#"{{{who},"reaction":{{"mid":"m9","action":"react","reaction":"love","emoji":"\u2764\ufe0f"}}}}"#
                )),
                Ok(vec![Event::Reaction {
                    account: acct.into(),
                    sender: "901".into(),
                    mid: "m9".into(),
                    emoji: Some("❤️".into()),
                }]),
            ),
            (
                body(&format!(
                    r#"{{{who},"reaction":{{"mid":"m9","action":"unreact"}}}}"#
                )),
                Ok(vec![Event::Reaction {
                    account: acct.into(),
                    sender: "901".into(),
                    mid: "m9".into(),
                    emoji: None,
                }]),
            ),
            (
                body(&format!(
                    r#"{{{who},"message":{{"mid":"m5","text":"x","unknown_new_field":1}}}},{{{who},"postback":{{}}}}"#
                )),
                Ok(vec![msg(acct, "m5", "x")]),
            ),
            (r#"{"object":"page","entry":[]}"#.to_string(), Err(())),
            ("not json".to_string(), Err(())),
            (
                r#"{"object":"instagram","entry":[{"messaging":[]}]}"#.to_string(),
                Err(()),
            ),
        ];
        for (raw, want) in cases {
            let got = parse(raw.as_bytes());
            match want {
                Ok(events) => assert_eq!(got, Ok(events), "{raw}"),
                Err(()) => assert!(got.is_err(), "{raw} should be refused"),
            }
        }
    }
}
