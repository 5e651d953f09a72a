//! Webhook credentials kept for a few seconds: a burst of provider webhooks reads its account once
//! instead of once per message. Only what was found is kept (an unknown number or account is read
//! again every time). A signature that does not match a kept credential is checked again against
//! a fresh read, so a changed auth token or key works at once; a connection changed on another
//! instance is seen within `KEEP`, one changed on this instance at once (`WebhookAccounts::clear`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a read credential is used without reading it again.
pub const KEEP: Duration = Duration::from_secs(5);

/// Values by key, each used for `KEEP` after it was read.
pub struct Kept<V> {
    values: Mutex<HashMap<String, (Instant, V)>>,
}

impl<V> Default for Kept<V> {
    fn default() -> Self {
        Kept {
            values: Mutex::new(HashMap::new()),
        }
    }
}

impl<V: Clone> Kept<V> {
    /// `key`'s value if it was read within `KEEP`.
    pub fn recent(&self, key: &str) -> Option<V> {
        let values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        values
            .get(key)
            .filter(|(at, _)| at.elapsed() < KEEP)
            .map(|(_, v)| v.clone())
    }

    /// Keeps what a read found for `key` (or forgets `key` when it found nothing).
    pub fn keep(&self, key: &str, found: Option<&V>) {
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        // Expired entries go when the map grows: it holds one entry per connected account.
        if values.len() > 1024 {
            values.retain(|_, (at, _)| at.elapsed() < KEEP);
        }
        match found {
            Some(v) => values.insert(key.to_string(), (Instant::now(), v.clone())),
            None => values.remove(key),
        };
    }

    pub fn clear(&self) {
        self.values
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// This instance's kept webhook credentials.
#[derive(Default)]
pub struct WebhookAccounts {
    /// Twilio accounts by Messaging Service SID and `To` number, or by Account SID.
    pub(crate) twilio: Kept<crate::store::sms_accounts::WebhookAccount>,
    /// The connection receiving for each Instagram account id.
    pub(crate) instagram: Kept<crate::store::instagram_accounts::Receiving>,
    /// Each workspace's API-channel keys that verify (the current one, and the one before it
    /// while its overlap lasts).
    pub(crate) api: Kept<Vec<crate::store::api_channel::VerifyingKey>>,
}

impl WebhookAccounts {
    /// Forgets everything: a channel connection changed on this instance.
    pub fn clear(&self) {
        self.twilio.clear();
        self.instagram.clear();
        self.api.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_was_found_and_forgets_on_request() {
        let kept: Kept<String> = Kept::default();
        assert_eq!(kept.recent("a"), None);
        kept.keep("a", Some(&"ws1".to_string()));
        assert_eq!(kept.recent("a"), Some("ws1".to_string()));
        kept.keep("a", Some(&"ws2".to_string()));
        assert_eq!(
            kept.recent("a"),
            Some("ws2".to_string()),
            "a fresh read replaces"
        );
        kept.keep("a", None);
        assert_eq!(kept.recent("a"), None, "a read that found nothing forgets");
        kept.keep("b", Some(&"ws3".to_string()));
        kept.clear();
        assert_eq!(kept.recent("b"), None);
    }
}
