//! Record keys: 20 lowercase alphanumerics from the OS RNG. Short, URL-safe, and printed by
//! SurrealDB without escaping, which `app::domain::filter::is_valid_id` relies on.

use rand::Rng;

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

pub fn new_id() -> String {
    let mut rng = rand::rngs::OsRng;
    // A letter first, so a key never parses as a number.
    let mut s = String::with_capacity(20);
    s.push(ALPHABET[rng.gen_range(0..26)] as char);
    for _ in 1..20 {
        s.push(ALPHABET[rng.gen_range(0..ALPHABET.len())] as char);
    }
    s
}

/// A 256-bit secret for session tokens, hex-encoded.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_valid_keys_and_distinct() {
        let ids: std::collections::HashSet<String> = (0..1000).map(|_| new_id()).collect();
        assert_eq!(ids.len(), 1000);
        for id in ids {
            assert!(app::domain::filter::is_valid_id(&id), "{id}");
            assert!(id.as_bytes()[0].is_ascii_lowercase());
        }
        assert_eq!(new_secret().len(), 64);
    }
}
