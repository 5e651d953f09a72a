//! Channel credentials at rest: sealed with AES-256-GCM under a key derived from the server
//! secret, so a database dump alone does not reveal them. Stored as base64(nonce ‖ ciphertext).
//! Unsealed values are used in memory only and never logged or sent to the browser.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use sha2::{Digest, Sha256};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn cipher(server_secret: &str) -> Aes256Gcm {
    let key = Sha256::new()
        .chain_update(b"creator-inbox channel credentials v1\0")
        .chain_update(server_secret.as_bytes())
        .finalize();
    Aes256Gcm::new(&key)
}

pub fn seal(server_secret: &str, plain: &str) -> String {
    let nonce: [u8; 12] = rand::random();
    let ct = cipher(server_secret)
        .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
        .expect("AES-GCM encryption of a short value");
    let mut out = nonce.to_vec();
    out.extend(ct);
    B64.encode(out)
}

/// `None` if the value was not sealed with this server secret (or was altered).
pub fn unseal(server_secret: &str, sealed: &str) -> Option<String> {
    let raw = B64.decode(sealed).ok()?;
    if raw.len() < 12 + 16 {
        return None;
    }
    let (nonce, ct) = raw.split_at(12);
    let plain = cipher(server_secret)
        .decrypt(Nonce::from_slice(nonce), ct)
        .ok()?;
    String::from_utf8(plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let secret = "s".repeat(40);
        let sealed = seal(&secret, "auth-token-123");
        assert!(!sealed.contains("auth-token-123"));
        assert_ne!(
            sealed,
            seal(&secret, "auth-token-123"),
            "a fresh nonce each time"
        );
        assert_eq!(unseal(&secret, &sealed).as_deref(), Some("auth-token-123"));
        let mut tampered = base64::engine::general_purpose::STANDARD
            .decode(&sealed)
            .unwrap();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        let tampered = base64::engine::general_purpose::STANDARD.encode(tampered);
        let cases = [
            (secret.as_str(), tampered.as_str()),
            ("another-server-secret-of-enough-length", sealed.as_str()),
            (secret.as_str(), "not base64!"),
            (secret.as_str(), "c2hvcnQ="),
        ];
        for (key, value) in cases {
            assert_eq!(unseal(key, value), None, "{value}");
        }
    }
}
