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
    /// The request went out and no answer came back: the provider may have sent it. Sent again
    /// only where the receiver deduplicates (`domain::delivery::resend_interrupted`).
    pub maybe_sent: bool,
}

impl SendError {
    pub fn permanent(reason: impl Into<String>) -> SendError {
        SendError {
            reason: reason.into(),
            retryable: false,
            maybe_sent: false,
        }
    }
    pub fn retryable(reason: impl Into<String>) -> SendError {
        SendError {
            reason: reason.into(),
            retryable: true,
            maybe_sent: false,
        }
    }
    /// A transport failure (no answer, timeout): worth another attempt. A request that was sent
    /// and timed out waiting for its answer may have gone out (`maybe_sent`).
    pub fn transport(provider: &str, e: &reqwest::Error) -> SendError {
        let (what, maybe_sent) = if e.is_connect() {
            ("could not be reached", false)
        } else if e.is_timeout() {
            ("did not answer in time", true)
        } else {
            ("connection failed", false)
        };
        SendError {
            maybe_sent,
            ..SendError::retryable(format!("{provider} {what}"))
        }
    }

    /// A send that may have gone out: retried where a repeat is one message, else held for a
    /// person with the reason saying so.
    pub fn settle_maybe_sent(self, channel: app::model::Channel) -> SendError {
        if !self.maybe_sent || app::domain::delivery::resend_interrupted(channel) {
            return self;
        }
        SendError::permanent(format!(
            "{}: it may have gone out; check before retrying",
            self.reason
        ))
    }
}

/// The HTTP client the provider senders share (Twilio, Graph: addresses from the server's own
/// configuration): bounded time per call (`INBOX_PROVIDER_TIMEOUT_SECS`) so a lease always
/// outlives it; no redirects.
pub fn http_client(timeout: std::time::Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(std::time::Duration::from_secs(5))
        .user_agent("creator-inbox")
        .build()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::SendError;
    use app::model::Channel;

    #[test]
    fn an_unanswered_send_is_retried_only_where_a_repeat_is_one_message() {
        let unanswered = || SendError {
            maybe_sent: true,
            ..SendError::retryable("Twilio did not answer in time")
        };
        for (channel, retried) in [
            (Channel::Api, true),
            (Channel::Sms, false),
            (Channel::Instagram, false),
            (Channel::Email, false),
        ] {
            let settled = unanswered().settle_maybe_sent(channel);
            assert_eq!(settled.retryable, retried, "{channel:?}");
            assert_eq!(
                settled.reason.contains("may have gone out"),
                !retried,
                "{channel:?}"
            );
        }
        // A refused connection never reached the provider: always worth another attempt.
        let unreached = SendError::retryable("Twilio could not be reached");
        assert_eq!(unreached.clone().settle_maybe_sent(Channel::Sms), unreached);
    }
}
