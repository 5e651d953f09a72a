//! Outbound delivery rules: how a message's status may move as providers report on it, when a
//! failed attempt is tried again, and how Twilio's status words map onto ours.

use crate::model::DeliveryStatus;

/// How far a status is along the way to the creator's eyes.
fn rank(s: DeliveryStatus) -> u8 {
    match s {
        DeliveryStatus::Received => 0,
        DeliveryStatus::Queued => 1,
        DeliveryStatus::Sent => 2,
        DeliveryStatus::Delivered => 3,
        DeliveryStatus::Read => 4,
        DeliveryStatus::Failed => 5,
    }
}

/// The status after a provider reports `reported`, or `None` when the report changes nothing.
/// Reports arrive out of order and repeated: a status only moves forward (queued → sent →
/// delivered → read); a failure counts until the message is known delivered; a delivered or read
/// message is never marked failed by a late report.
pub fn advance(current: DeliveryStatus, reported: DeliveryStatus) -> Option<DeliveryStatus> {
    use DeliveryStatus::*;
    match (current, reported) {
        (Received, _) | (_, Received) => None,
        (Failed, Delivered | Read) => Some(reported),
        (Failed, _) => None,
        (Delivered | Read, Failed) => None,
        (_, Failed) => Some(Failed),
        (c, r) if rank(r) > rank(c) => Some(r),
        _ => None,
    }
}

/// What a Twilio status callback's `MessageStatus` means for us (`None`: a transitional status
/// we do not show, such as `accepted` or `sending`).
pub fn twilio_status(word: &str) -> Option<DeliveryStatus> {
    match word {
        "queued" => Some(DeliveryStatus::Queued),
        "sent" => Some(DeliveryStatus::Sent),
        "delivered" => Some(DeliveryStatus::Delivered),
        "read" => Some(DeliveryStatus::Read),
        "undelivered" | "failed" => Some(DeliveryStatus::Failed),
        _ => None,
    }
}

/// Attempts a send job gets before its message is marked failed.
pub const MAX_ATTEMPTS: u32 = 6;

/// After attempt `attempt` (1-based) failed with a retryable error: wait this long before the
/// next one, or `None` to give up. 30 s, 2 min, 10 min, 30 min, 1 h.
pub fn retry_delay_ms(attempt: u32) -> Option<i64> {
    const DELAYS_S: [i64; 5] = [30, 120, 600, 1800, 3600];
    if attempt == 0 || attempt >= MAX_ATTEMPTS {
        return None;
    }
    DELAYS_S.get(attempt as usize - 1).map(|s| s * 1000)
}

/// A send a worker started and never finished (it stopped mid-send; its lease ran out) may or may
/// not have reached the provider. It is sent again only where the receiver treats a repeat as
/// one message (the API channel's `event_id`); on SMS, Instagram and email a repeat would reach
/// the creator twice, so the message is marked failed with `INTERRUPTED` and a person decides.
pub fn resend_interrupted(channel: crate::model::Channel) -> bool {
    channel == crate::model::Channel::Api
}

/// Why an interrupted send is not sent again (see `resend_interrupted`).
pub const INTERRUPTED: &str =
    "the server stopped while sending this: it may have gone out; check before retrying";

/// Whether an HTTP answer from a provider is worth trying again (rate limits and server errors
/// are; a refusal of the request itself is not).
pub fn http_retryable(status: u16) -> bool {
    status == 408 || status == 425 || status == 429 || status >= 500
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeliveryStatus::*;

    #[test]
    fn only_a_deduplicating_receiver_gets_an_interrupted_send_again() {
        use crate::model::Channel::*;
        for (channel, again) in [
            (Api, true),
            (Sms, false),
            (Email, false),
            (Instagram, false),
            (InApp, false),
        ] {
            assert_eq!(resend_interrupted(channel), again, "{channel:?}");
        }
    }

    #[test]
    fn advance_table() {
        let cases = [
            (Queued, Sent, Some(Sent)),
            (Queued, Delivered, Some(Delivered)),
            (Sent, Delivered, Some(Delivered)),
            (Delivered, Read, Some(Read)),
            (Sent, Sent, None),
            (Delivered, Sent, None),
            (Read, Delivered, None),
            (Queued, Queued, None),
            (Sent, Failed, Some(Failed)),
            (Queued, Failed, Some(Failed)),
            (Delivered, Failed, None),
            (Read, Failed, None),
            (Failed, Sent, None),
            (Failed, Queued, None),
            (Failed, Delivered, Some(Delivered)),
            (Failed, Failed, None),
            (Received, Sent, None),
            (Sent, Received, None),
        ];
        for (current, reported, want) in cases {
            assert_eq!(
                advance(current, reported),
                want,
                "{current:?} + {reported:?}"
            );
        }
    }

    #[test]
    fn twilio_words() {
        let cases = [
            ("queued", Some(Queued)),
            ("accepted", None),
            ("sending", None),
            ("sent", Some(Sent)),
            ("delivered", Some(Delivered)),
            ("read", Some(Read)),
            ("undelivered", Some(Failed)),
            ("failed", Some(Failed)),
            ("canceled", None),
        ];
        for (word, want) in cases {
            assert_eq!(twilio_status(word), want, "{word}");
        }
    }

    #[test]
    fn retry_schedule() {
        let cases = [
            (0, None),
            (1, Some(30_000)),
            (2, Some(120_000)),
            (3, Some(600_000)),
            (4, Some(1_800_000)),
            (5, Some(3_600_000)),
            (6, None),
            (7, None),
        ];
        for (attempt, want) in cases {
            assert_eq!(retry_delay_ms(attempt), want, "attempt {attempt}");
        }
    }

    #[test]
    fn retryable_statuses() {
        for (status, want) in [
            (400, false),
            (401, false),
            (404, false),
            (408, true),
            (429, true),
            (500, true),
            (503, true),
        ] {
            assert_eq!(http_retryable(status), want, "{status}");
        }
    }
}
