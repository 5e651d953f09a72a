//! `POST /hooks/twilio/status`: Twilio's delivery reports for the SMS we send (every message we
//! send names this URL as its `StatusCallback`). The account is found by `AccountSid` and the
//! signature checked against the configured public URL before anything is written. A report moves
//! the message's status forward only; a report that arrives before the send was recorded is kept
//! and applied when it is.

use super::twilio_sms::verified_account;
use crate::db::DbError;
use crate::state::AppState;
use crate::store::delivery_reports as reports;
use crate::store::jobs::apply_report;
use app::domain::delivery::twilio_status;
use app::model::DeliveryStatus;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

pub const PATH: &str = "/hooks/twilio/status";

/// Where Twilio reports on the SMS we send (named on every message sent).
pub fn callback_url(config: &crate::config::Config) -> String {
    format!("{}{PATH}", config.public_url)
}

fn refuse(status: StatusCode, why: &str) -> Response {
    tracing::warn!(
        status = status.as_u16(),
        reason = why,
        "Twilio status callback refused"
    );
    (status, why.to_string()).into_response()
}

/// The text shown for a failed delivery: Twilio's error code, with the common ones in words.
pub fn failure_text(code: Option<&str>) -> String {
    let words = match code {
        Some("30003") => "the phone is unreachable",
        Some("30004") => "the message was blocked",
        Some("30005") => "unknown or inactive number",
        Some("30006") => "the number cannot receive SMS (landline?)",
        Some("30007") => "the carrier filtered it",
        Some("30008") => "unknown delivery error",
        Some("21610") => "the creator has opted out of SMS (replied STOP)",
        _ => "the carrier could not deliver it",
    };
    match code {
        Some(c) if !c.is_empty() => format!("{words} (Twilio error {c})"),
        _ => words.to_string(),
    }
}

pub async fn handler(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let (Some(account_sid), Some(sid), Some(word)) = (
        get("AccountSid"),
        get("MessageSid").or(get("SmsSid")),
        get("MessageStatus").or(get("SmsStatus")),
    ) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "AccountSid, MessageSid and MessageStatus are required",
        );
    };
    let read = crate::store::sms_accounts::by_account_sid(&state.db, account_sid);
    let key = format!("sid\n{account_sid}");
    let request = (&uri, PATH, &headers, params.as_slice());
    let workspace = match verified_account(&state, &key, read, request)
        .await
        .map(|a| a.workspace)
    {
        Ok(ws) => ws,
        Err(refusal) => return refusal.into_response(),
    };
    let Some(status) = twilio_status(word) else {
        // accepted, sending, scheduled…: nothing to show yet.
        return StatusCode::NO_CONTENT.into_response();
    };
    let error = (status == DeliveryStatus::Failed).then(|| failure_text(get("ErrorCode")));
    match record(&state, &workspace, sid, status, error).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => {
            tracing::error!(%workspace, error = %e, "Twilio status callback: storing failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

async fn record(
    state: &AppState,
    workspace: &str,
    sid: &str,
    status: DeliveryStatus,
    error: Option<String>,
) -> Result<(), DbError> {
    let db = &state.db;
    match reports::outbound_by_external_id(db, workspace, sid).await? {
        Some(message) => apply_report(db, workspace, &message, status, error).await,
        None => {
            // The send has not been recorded yet (Twilio can call back before our request
            // returns); keep the report for `mark_sent` to apply.
            let now = state.clock.now_ms();
            reports::keep_early(db, workspace, sid, status, error.as_deref(), now).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::failure_text;

    #[test]
    fn failure_texts() {
        let cases = [
            (
                Some("30003"),
                "the phone is unreachable (Twilio error 30003)",
            ),
            (
                Some("99999"),
                "the carrier could not deliver it (Twilio error 99999)",
            ),
            (Some(""), "the carrier could not deliver it"),
            (None, "the carrier could not deliver it"),
        ];
        for (code, want) in cases {
            assert_eq!(failure_text(code), want);
        }
    }
}
