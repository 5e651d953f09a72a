//! Sending an Instagram DM through the Graph Send API
//! (`POST {graph}/{account id}/messages`, bearer access token). The platform's window is checked
//! again right before sending: inside 24 hours of the creator's last message no tag is used; up to
//! 7 days a person's reply carries the `HUMAN_AGENT` tag; later, nothing is sent.

use super::SendError;
use app::domain::reply_channel::{instagram_rule, InstagramTag, SenderKind};
use serde::Deserialize;
use serde_json::{json, Value};

/// The tag a send needs now, or why it may not be sent (automation is never queued here: a
/// job's sender is the person who wrote the reply).
pub fn tag_now(last_inbound_at: Option<i64>, now: i64) -> Result<InstagramTag, SendError> {
    instagram_rule(last_inbound_at, SenderKind::Human, now).map_err(SendError::permanent)
}

#[derive(Deserialize)]
struct Accepted {
    message_id: String,
}

/// Sends `text` to the creator's Instagram-scoped id. Returns Meta's message id.
pub async fn send(
    http: &reqwest::Client,
    graph_url: &str,
    account_id: &str,
    access_token: &str,
    recipient: &str,
    text: &str,
    tag: InstagramTag,
) -> Result<String, SendError> {
    let mut body = json!({ "recipient": { "id": recipient }, "message": { "text": text } });
    if tag == InstagramTag::HumanAgent {
        body["messaging_type"] = json!("MESSAGE_TAG");
        body["tag"] = json!("HUMAN_AGENT");
    }
    let resp = http
        .post(format!("{graph_url}/{account_id}/messages"))
        .bearer_auth(access_token)
        .json(&body)
        .send()
        .await
        .map_err(|e| SendError::transport("Instagram", &e))?;
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    if (200..300).contains(&status) {
        return serde_json::from_str::<Accepted>(&text)
            .map(|a| a.message_id)
            .map_err(|_| SendError::retryable("Instagram's answer could not be read"));
    }
    let err: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let code = err["error"]["code"].as_i64();
    let message = err["error"]["message"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| format!("HTTP {status}"));
    // 4, 17, 32, 613: rate limits; 1, 2: temporary errors on Meta's side.
    let retry = app::domain::delivery::http_retryable(status)
        || matches!(code, Some(1 | 2 | 4 | 17 | 32 | 613));
    let reason = match code {
        Some(10) | Some(551) => {
            format!("Instagram refused it: outside the allowed reply window ({message})")
        }
        Some(190) => "the Instagram access token has expired; connect Instagram again".to_string(),
        Some(c) => format!("Instagram refused it: {message} (code {c})"),
        None => format!("Instagram refused it: {message}"),
    };
    Err(if retry {
        SendError::retryable(reason)
    } else {
        SendError::permanent(reason)
    })
}

/// Whether Meta accepts the access token for the account (settings check).
pub async fn test_account(
    http: &reqwest::Client,
    graph_url: &str,
    account_id: &str,
    access_token: &str,
) -> Result<String, String> {
    let resp = http
        .get(format!("{graph_url}/{account_id}?fields=username"))
        .bearer_auth(access_token)
        .send()
        .await
        .map_err(|e| SendError::transport("Instagram", &e).reason)?;
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    if status == 200 {
        Ok(format!(
            "Instagram accepts the token (@{}).",
            body["username"].as_str().unwrap_or("unknown")
        ))
    } else {
        Err(format!(
            "Instagram refused the token: {}",
            body["error"]["message"]
                .as_str()
                .unwrap_or("no reason given")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::reply_channel::HOUR_MS;

    #[test]
    fn the_window_is_checked_at_send_time() {
        let now = 1_800_000_000_000;
        let cases = [
            (Some(now - HOUR_MS), Ok(InstagramTag::None)),
            (Some(now - 30 * HOUR_MS), Ok(InstagramTag::HumanAgent)),
            (Some(now - 8 * 24 * HOUR_MS), Err(())),
            (None, Err(())),
        ];
        for (at, want) in cases {
            match (tag_now(at, now), want) {
                (Ok(t), Ok(w)) => assert_eq!(t, w),
                (Err(e), Err(())) => assert!(!e.retryable, "{e:?}"),
                (got, want) => panic!("{at:?}: {got:?} vs {want:?}"),
            }
        }
    }
}
