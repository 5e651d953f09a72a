//! Argon2id password hashes (PHC strings). Hashing runs off the async threads.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

pub fn hash(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// `hash` off the async threads (argon2 is slow on purpose).
pub async fn hash_off_thread(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| e.to_string())?
}

/// A fixed hash to verify against when the account does not exist, so a wrong email costs as much
/// time as a wrong password and does not reveal which accounts exist.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy-password-never-matches").unwrap_or_default())
}

fn verify_sync(password: &str, stored: Option<&str>) -> bool {
    let target = stored.unwrap_or_else(|| decoy_hash());
    let ok = PasswordHash::new(target)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    ok && stored.is_some()
}

pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || verify_sync(&password, stored.as_deref()))
        .await
        .unwrap_or(false)
}

/// Too many password checks are running: try again in a moment.
#[derive(Debug, PartialEq, Eq)]
pub struct Busy;

/// How long a refused sign-in is told to wait when the server is busy hashing.
pub const BUSY_RETRY_SECS: u64 = 5;

/// A cap on password checks running at once: each takes a core and Argon2's memory for tens of
/// milliseconds, so unauthenticated requests must not be able to start them without limit. A
/// check waits up to `wait` for its turn, then is refused (`Busy`).
pub struct Hashing {
    permits: tokio::sync::Semaphore,
    wait: std::time::Duration,
}

impl Hashing {
    pub fn new(permits: usize, wait: std::time::Duration) -> Hashing {
        Hashing {
            permits: tokio::sync::Semaphore::new(permits.max(1)),
            wait,
        }
    }

    /// `verify` in turn with the other checks.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, Busy> {
        let permit = tokio::time::timeout(self.wait, self.permits.acquire())
            .await
            .map_err(|_| Busy)?
            .map_err(|_| Busy)?;
        let ok = verify(password, stored).await;
        drop(permit);
        Ok(ok)
    }
}

/// The server's cap: as many checks at once as there are cores (at least two), each waiting up
/// to `BUSY_RETRY_SECS` for its turn.
pub fn hashing() -> &'static Hashing {
    static HASHING: std::sync::OnceLock<Hashing> = std::sync::OnceLock::new();
    HASHING.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Hashing::new(
            cores.max(2),
            std::time::Duration::from_secs(BUSY_RETRY_SECS),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn checks_past_the_cap_wait_their_turn_then_are_refused() {
        let h = std::sync::Arc::new(Hashing::new(1, std::time::Duration::from_millis(50)));
        let stored = Some(hash("right").unwrap());
        // The only permit is taken: the next check waits, then is refused.
        let held = h.permits.acquire().await.unwrap();
        assert_eq!(h.verify("right".into(), stored.clone()).await, Err(Busy));
        drop(held);
        assert_eq!(h.verify("right".into(), stored.clone()).await, Ok(true));
        assert_eq!(h.verify("wrong".into(), stored).await, Ok(false));
    }

    #[test]
    fn hash_and_verify() {
        let h = hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_sync("correct horse", Some(&h)));
        assert!(!verify_sync("wrong horse", Some(&h)));
        assert!(!verify_sync("correct horse", None));
        assert!(!verify_sync("x", Some("not a phc string")));
    }
}
