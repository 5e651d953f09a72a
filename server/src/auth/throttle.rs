//! Failed sign-in throttling, per account and per client address: too many attempts inside the
//! window lock the key for a while. The rule is pure (`after_attempt`); its state lives in
//! SurrealDB so every server instance agrees, and an attempt is counted **before** the password is
//! checked, by a compare-and-set on the key's version (`reserve`), so parallel guesses each count.
//! A successful sign-in gives its attempt back (`settle`).

use crate::db::{Db, DbError};
use crate::store::sessions;

/// How many attempts a key may make inside a window before it is locked, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max_failures: i64,
    pub window_ms: i64,
    pub lock_ms: i64,
}

const MINUTES_15: i64 = 15 * 60 * 1000;

/// One account: 5 failures in 15 minutes lock it for 15 minutes.
pub const ACCOUNT: Limit = Limit {
    max_failures: 5,
    window_ms: MINUTES_15,
    lock_ms: MINUTES_15,
};

/// One client address, across accounts (guessing many accounts' passwords): 30 in 15 minutes.
pub const ADDRESS: Limit = Limit {
    max_failures: 30,
    window_ms: MINUTES_15,
    lock_ms: MINUTES_15,
};

/// One portal link's replies: 30 in 10 minutes, then 10 minutes' pause (a creator writes a few;
/// a script with a leaked link would write thousands).
pub const PORTAL_REPLIES: Limit = Limit {
    max_failures: 30,
    window_ms: 10 * 60 * 1000,
    lock_ms: 10 * 60 * 1000,
};

/// One client address's embed exchanges (`api::start_embed`): 300 in 10 minutes, then 10
/// minutes' pause (every frame a dashboard opens is one; an office behind one address opens
/// many, a script guessing tokens far more).
pub const EMBED_EXCHANGES: Limit = Limit {
    max_failures: 300,
    window_ms: 10 * 60 * 1000,
    lock_ms: 10 * 60 * 1000,
};

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ThrottleState {
    pub failures: i64,
    pub window_start: i64,
    pub locked_until: i64,
}

/// `Err(seconds)` while the key is locked.
pub fn check(state: &ThrottleState, now: i64) -> Result<(), u64> {
    if state.locked_until > now {
        Err(((state.locked_until - now + 999) / 1000) as u64)
    } else {
        Ok(())
    }
}

/// The state once one more attempt is counted.
pub fn after_attempt(state: &ThrottleState, now: i64, limit: Limit) -> ThrottleState {
    let in_window = now - state.window_start < limit.window_ms && state.locked_until <= now;
    let (failures, window_start) = if in_window && state.failures > 0 {
        (state.failures + 1, state.window_start)
    } else {
        (1, now)
    };
    let locked_until = if failures >= limit.max_failures {
        now + limit.lock_ms
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

/// The state once a counted attempt turned out right: the account starts over; an address gets
/// the attempt back (people behind one office address sign in all day).
pub fn after_success(state: &ThrottleState, whole: bool) -> ThrottleState {
    if whole {
        return ThrottleState::default();
    }
    ThrottleState {
        failures: (state.failures - 1).max(0),
        ..state.clone()
    }
}

/// The record id of a key: the hash of the key, so it is always a safe id.
fn id_of(key: &str) -> String {
    super::token_hash(key)
}

/// Counts an attempt on `key` before it is made; `Ok(Err(seconds))` when the key is locked (the
/// attempt is not made and not counted). Concurrent attempts each count: a write that finds the
/// key moved since it was read reads it again.
pub async fn reserve(
    db: &Db,
    key: &str,
    limit: Limit,
    now: i64,
) -> Result<Result<(), u64>, DbError> {
    loop {
        let (state, version) = sessions::throttle_state::<ThrottleState>(db, key).await?;
        if let Err(secs) = check(&state, now) {
            return Ok(Err(secs));
        }
        let next = after_attempt(&state, now, limit);
        if sessions::swap_throttle_state(db, &id_of(key), key, &next, version).await? {
            return Ok(Ok(()));
        }
    }
}

/// Settles a counted attempt that succeeded (`after_success`).
pub async fn settle(db: &Db, key: &str, whole: bool) -> Result<(), DbError> {
    loop {
        let (state, version) = sessions::throttle_state::<ThrottleState>(db, key).await?;
        let next = after_success(&state, whole);
        if next == state
            || sessions::swap_throttle_state(db, &id_of(key), key, &next, version).await?
        {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_attempts_lock_then_expire() {
        let mut s = ThrottleState::default();
        let t0 = 1_000_000;
        for i in 0..4 {
            s = after_attempt(&s, t0 + i * 1000, ACCOUNT);
            assert!(check(&s, t0 + i * 1000).is_ok(), "after {} attempts", i + 1);
        }
        s = after_attempt(&s, t0 + 4000, ACCOUNT);
        assert_eq!(check(&s, t0 + 4000), Err(900));
        assert!(check(&s, t0 + 4000 + ACCOUNT.lock_ms - 1).is_err());
        assert!(check(&s, t0 + 4000 + ACCOUNT.lock_ms).is_ok());
        // After the lock, counting starts over.
        s = after_attempt(&s, t0 + 4000 + ACCOUNT.lock_ms, ACCOUNT);
        assert_eq!(s.failures, 1);
    }

    #[test]
    fn attempts_outside_the_window_start_over() {
        let s = after_attempt(&ThrottleState::default(), 0, ACCOUNT);
        let s = after_attempt(&s, 1, ACCOUNT);
        assert_eq!(s.failures, 2);
        let s = after_attempt(&s, ACCOUNT.window_ms + 10, ACCOUNT);
        assert_eq!(s.failures, 1);
        assert_eq!(s.window_start, ACCOUNT.window_ms + 10);
    }

    #[test]
    fn a_success_resets_the_account_and_gives_the_address_its_attempt_back() {
        let s = (0..3).fold(ThrottleState::default(), |s, i| {
            after_attempt(&s, i, ADDRESS)
        });
        assert_eq!(after_success(&s, true), ThrottleState::default());
        let back = after_success(&s, false);
        assert_eq!((back.failures, back.window_start), (2, 0));
        assert_eq!(after_success(&ThrottleState::default(), false).failures, 0);
    }
}
