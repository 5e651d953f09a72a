//! Failed sign-in throttling per account: 5 failures inside 15 minutes lock the account for
//! 15 minutes. The rule is pure; its state lives in SurrealDB so every server instance agrees.

use crate::db::{Db, DbError};
use crate::store::sessions;

pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
pub const LOCK_MS: i64 = 15 * 60 * 1000;

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ThrottleState {
    pub failures: i64,
    pub window_start: i64,
    pub locked_until: i64,
}

/// `Err(seconds)` while the account is locked.
pub fn check(state: &ThrottleState, now: i64) -> Result<(), u64> {
    if state.locked_until > now {
        Err(((state.locked_until - now + 999) / 1000) as u64)
    } else {
        Ok(())
    }
}

pub fn after_failure(state: &ThrottleState, now: i64) -> ThrottleState {
    let in_window = now - state.window_start < WINDOW_MS && state.locked_until <= now;
    let (failures, window_start) = if in_window && state.failures > 0 {
        (state.failures + 1, state.window_start)
    } else {
        (1, now)
    };
    let locked_until = if failures >= MAX_FAILURES {
        now + LOCK_MS
    } else {
        0
    };
    let failures = if locked_until > 0 { 0 } else { failures };
    ThrottleState {
        failures,
        window_start,
        locked_until,
    }
}

pub async fn load(db: &Db, key: &str) -> Result<ThrottleState, DbError> {
    sessions::throttle_state(db, key).await
}

pub async fn store(db: &Db, key: &str, state: &ThrottleState) -> Result<(), DbError> {
    // One record per account, keyed by the hash of the email so the key is always a safe id.
    sessions::set_throttle_state(db, &super::token_hash(key), key, state).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_then_expire() {
        let mut s = ThrottleState::default();
        let t0 = 1_000_000;
        for i in 0..4 {
            s = after_failure(&s, t0 + i * 1000);
            assert!(check(&s, t0 + i * 1000).is_ok(), "after {} failures", i + 1);
        }
        s = after_failure(&s, t0 + 4000);
        assert_eq!(check(&s, t0 + 4000), Err(900));
        assert!(check(&s, t0 + 4000 + LOCK_MS - 1).is_err());
        assert!(check(&s, t0 + 4000 + LOCK_MS).is_ok());
        // After the lock, counting starts over.
        s = after_failure(&s, t0 + 4000 + LOCK_MS);
        assert_eq!(s.failures, 1);
    }

    #[test]
    fn failures_outside_the_window_start_over() {
        let s = after_failure(&ThrottleState::default(), 0);
        let s = after_failure(&s, 1);
        assert_eq!(s.failures, 2);
        let s = after_failure(&s, WINDOW_MS + 10);
        assert_eq!(s.failures, 1);
        assert_eq!(s.window_start, WINDOW_MS + 10);
    }
}
