//! `POST /hooks/twilio/sms`: inbound SMS/MMS from Twilio. The account is found by the
//! Messaging Service SID when it is one we know, else by the `To` number (a validly signed
//! message is never dropped because of a pool number). The signature is checked against the
//! configured public URL before anything is written. Repeats (same MessageSid) are acknowledged
//! without writing; STOP/START keywords update the sender's SMS consent; senders no creator has
//! as an identity are kept in the Unmatched queue.

use super::twilio_signature;
use crate::db::DbError;
use crate::sealed;
use crate::state::AppState;
use crate::store::creators;
use crate::store::inbound::{Arrival, Pick, Received};
use crate::store::sms_accounts::{self, WebhookAccount as Account};
use app::domain::identity::normalize_phone;
use app::model::{Channel, Consent, SendingIdentity};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

pub const PATH: &str = "/hooks/twilio/sms";

/// Where Twilio posts the SMS creators send (shown on the Channels page).
pub fn webhook_url(config: &crate::config::Config) -> String {
    format!("{}{PATH}", config.public_url)
}
const EMPTY_TWIML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";
/// Twilio's default opt-out and opt-in keywords.
const STOP_WORDS: [&str; 8] = [
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "REVOKE",
    "OPTOUT",
];
const START_WORDS: [&str; 3] = ["START", "UNSTOP", "YES"];

/// The consent a message's body asks for, if it is exactly a keyword.
pub fn consent_keyword(body: &str) -> Option<Consent> {
    let word = body.trim().trim_end_matches(['.', '!']).to_uppercase();
    if STOP_WORDS.contains(&word.as_str()) {
        Some(Consent::OptedOut)
    } else if START_WORDS.contains(&word.as_str()) {
        Some(Consent::Granted)
    } else {
        None
    }
}

/// The text kept for an inbound SMS: its body, then a link per media item (MMS media stay at
/// Twilio; we keep the links).
pub fn message_text(params: &[(String, String)]) -> String {
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let mut text = get("Body").unwrap_or_default().trim().to_string();
    let media: usize = get("NumMedia").and_then(|n| n.parse().ok()).unwrap_or(0);
    for i in 0..media.min(10) {
        if let Some(url) = get(&format!("MediaUrl{i}")) {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&format!("[media] {url}"));
        }
    }
    if text.is_empty() {
        text = "(empty message)".into();
    }
    text.chars().take(10_000).collect()
}

fn twiml_ok() -> Response {
    ([(header::CONTENT_TYPE, "text/xml")], EMPTY_TWIML).into_response()
}

fn refuse(status: StatusCode, why: &str) -> Response {
    tracing::warn!(
        status = status.as_u16(),
        reason = why,
        "Twilio webhook refused"
    );
    (status, why.to_string()).into_response()
}

/// The workspace of a Twilio request's account, once the request's `X-Twilio-Signature` is
/// checked against the configured public URL; otherwise the response that refuses it (and it is
/// logged). The account is the one kept under `key` (`state::kept`) if its token signs the
/// request, else the one `read` finds. Shared by the inbound and the delivery-report hooks.
pub(crate) async fn verified_account(
    state: &AppState,
    key: &str,
    read: impl std::future::Future<Output = Result<Option<Account>, DbError>>,
    request: (&Uri, &str, &HeaderMap, &[(String, String)]),
) -> Result<Account, (StatusCode, &'static str)> {
    let kept = &state.webhook_accounts.twilio;
    if let Some(account) = kept.recent(key) {
        if signs(state, &account, request) == Some(true) {
            return Ok(account);
        }
    }
    let found = read.await;
    if let Ok(found) = &found {
        kept.keep(key, found.as_ref());
    }
    let refused = |status: StatusCode, why: &'static str| {
        tracing::warn!(
            status = status.as_u16(),
            reason = why,
            "Twilio webhook refused"
        );
        (status, why)
    };
    let account = match found {
        Ok(Some(a)) => a,
        // The same answer as a wrong signature: which numbers are connected is nobody's business.
        Ok(None) => {
            tracing::warn!("Twilio webhook: no connected SMS account matches this request");
            return Err(refused(
                StatusCode::FORBIDDEN,
                "X-Twilio-Signature does not match",
            ));
        }
        Err(e) => {
            tracing::error!(error = %e, "Twilio webhook: account lookup failed");
            return Err((StatusCode::INTERNAL_SERVER_ERROR, "internal error"));
        }
    };
    match signs(state, &account, request) {
        Some(true) => Ok(account),
        Some(false) => Err(refused(
            StatusCode::FORBIDDEN,
            "X-Twilio-Signature does not match",
        )),
        None => {
            tracing::error!(workspace = %account.workspace, "Twilio auth token cannot be unsealed (server secret changed?)");
            Err((StatusCode::INTERNAL_SERVER_ERROR, "internal error"))
        }
    }
}

/// Whether the account's auth token signs the request (none if the token cannot be unsealed).
fn signs(
    state: &AppState,
    account: &Account,
    (uri, default_path, headers, params): (&Uri, &str, &HeaderMap, &[(String, String)]),
) -> Option<bool> {
    let field = sealed::Field {
        workspace: &account.workspace,
        name: sms_accounts::AUTH_TOKEN,
    };
    let token = sealed::unseal(
        &state.config.server_secret,
        field,
        &account.auth_token_sealed,
    )?;
    let path = uri.path_and_query().map_or(default_path, |p| p.as_str());
    let url = format!("{}{path}", state.config.public_url);
    let signature = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok());
    Some(twilio_signature::is_valid(&token, &url, params, signature))
}

pub async fn handler(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let (Some(to), Some(from), Some(sid)) = (
        get("To").and_then(normalize_phone),
        get("From"),
        get("MessageSid").or(get("SmsSid")),
    ) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "To, From and MessageSid are required",
        );
    };
    let service = get("MessagingServiceSid");
    let key = format!("{}\n{to}", service.unwrap_or_default());
    let read = sms_accounts::for_inbound(&state.db, service, &to);
    let request = (&uri, PATH, &headers, params.as_slice());
    let account = match verified_account(&state, &key, read, request).await {
        Ok(a) => a,
        Err(refusal) => return refusal.into_response(),
    };
    let workspace = account.workspace.clone();
    // The number the creator wrote to is the identity a reply goes out from.
    let via = SendingIdentity {
        channel: Channel::Sms,
        key: to.clone(),
        label: account.label,
        address: to.clone(),
        is_default: false,
    };
    match store(&state, &workspace, via, from, sid, &params).await {
        Ok(()) => twiml_ok(),
        Err(e) => {
            tracing::error!(%workspace, error = %e, "Twilio webhook: storing failed");
            // A 5xx makes Twilio retry; the MessageSid dedupe keeps the retry from doubling.
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

async fn store(
    state: &AppState,
    workspace: &str,
    via: SendingIdentity,
    from_raw: &str,
    sid: &str,
    params: &[(String, String)],
) -> Result<(), DbError> {
    let db = &state.db;
    let text = message_text(params);
    let from = normalize_phone(from_raw).unwrap_or_else(|| from_raw.to_string());
    let received = state
        .ingest
        .receive(Arrival {
            workspace: workspace.to_string(),
            channel: Channel::Sms,
            keys: vec![(Channel::Sms, from.clone())],
            subject: None,
            text: text.clone(),
            external_id: sid.to_string(),
            at: state.clock.now_ms(),
            pick: Pick::Answered,
            via: Some(via),
        })
        .await?;
    if let (Received::Stored { creator, .. }, Some(consent)) = (received, consent_keyword(&text)) {
        // The number's consent mirrors STOP/START, so sends to it are blocked (or allowed).
        creators::set_consent(db, &creator, Channel::Sms, &from, consent).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_table() {
        let cases = [
            ("STOP", Some(Consent::OptedOut)),
            (" stop ", Some(Consent::OptedOut)),
            ("Unsubscribe.", Some(Consent::OptedOut)),
            ("quit!", Some(Consent::OptedOut)),
            ("START", Some(Consent::Granted)),
            ("yes", Some(Consent::Granted)),
            ("Please stop sending me the brief", None),
            ("yes please, send it", None),
            ("", None),
        ];
        for (body, want) in cases {
            assert_eq!(consent_keyword(body), want, "{body:?}");
        }
    }

    #[test]
    fn text_table() {
        let p = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let cases = [
            (p(&[("Body", " Sounds good ")]), "Sounds good"),
            (
                p(&[
                    ("Body", "Here it is"),
                    ("NumMedia", "1"),
                    ("MediaUrl0", "https://api.twilio.com/m/1"),
                ]),
                "Here it is\n[media] https://api.twilio.com/m/1",
            ),
            (
                p(&[
                    ("Body", ""),
                    ("NumMedia", "1"),
                    ("MediaUrl0", "https://x/1"),
                ]),
                "[media] https://x/1",
            ),
            (p(&[("Body", "  ")]), "(empty message)"),
        ];
        for (params, want) in cases {
            assert_eq!(message_text(&params), want);
        }
    }
}
