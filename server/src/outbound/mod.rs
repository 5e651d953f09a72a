//! Outbound delivery: every reply on a provider channel is a durable send job (`store::jobs`), claimed
//! with a lease and sent by the `dispatcher` through the channel's sender (`twilio_send`,
//! `api_send`, `instagram_send`). Delivery reports from providers move the message's status forward.
//! Account emails (invitations, password resets) go out at once through `account_mail`. Each
//! message goes out from the identity it was written with (`domain::sending`); `ownership` asks
//! Twilio and Meta whether a connection's credentials own what it claims.

pub mod account_mail;
pub mod address_policy;
pub mod api_send;
pub mod dispatcher;
pub mod email_send;
pub mod instagram_send;
pub mod ownership;
pub mod twilio_send;

/// Why an attempt failed, in words a teammate can act on, and whether trying again may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub reason: String,
    pub retryable: bool,
}

impl SendError {
    pub fn permanent(reason: impl Into<String>) -> SendError {
        SendError {
            reason: reason.into(),
            retryable: false,
        }
    }
    pub fn retryable(reason: impl Into<String>) -> SendError {
        SendError {
            reason: reason.into(),
            retryable: true,
        }
    }
    /// A transport failure (no answer, timeout): worth another attempt.
    pub fn transport(provider: &str, e: &reqwest::Error) -> SendError {
        let what = if e.is_timeout() {
            "did not answer in time"
        } else if e.is_connect() {
            "could not be reached"
        } else {
            "connection failed"
        };
        SendError::retryable(format!("{provider} {what}"))
    }
}

/// The HTTP client the provider senders share (Twilio, Graph: addresses from the server's own
/// configuration): bounded time per call so a lease always outlives it; no redirects.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(20))
        .connect_timeout(std::time::Duration::from_secs(5))
        .user_agent("creator-inbox")
        .build()
        .unwrap_or_default()
}
