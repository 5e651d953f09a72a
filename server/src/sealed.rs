//! Secrets at rest (channel credentials, API-channel keys): sealed with AES-256-GCM, so a
//! database dump alone does not reveal them. Unsealed values are used in memory only and never
//! logged or sent to the browser (the API-channel key is shown to owners, by design).
//!
//! Format v2 (`v2.` + base64(nonce ‖ ciphertext)): the key is HKDF-SHA256 of the server secret,
//! and each value is bound to its workspace and field as associated data, so a sealed value
//! copied into another workspace's row, or into another field, does not open. Values sealed by
//! v1 (no prefix; a SHA-256 key, no associated data) still open, and `server rotate-secret`
//! reseals every value under a new secret as v2 (`crate::secret_rotation`).

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use hkdf::Hkdf;
use sha2::{Digest, Sha256};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
const V2: &str = "v2.";

/// How long a rotated-out key (the API channel's, an embed partner's) still verifies: time for
/// the other side to switch to the new one.
pub const ROTATION_OVERLAP_MS: i64 = 24 * 3_600_000;

/// The keys that verify at `now`, opened by `open` (which logs one that does not open): the
/// current one (`None`: valid until rotated) and, while its overlap lasts, the previous one with
/// the instant the overlap ends.
pub fn verifying_keys(
    current: &str,
    previous: Option<(&str, i64)>,
    now: i64,
    open: impl Fn(&str) -> Option<String>,
) -> Vec<(String, Option<i64>)> {
    let mut keys: Vec<(String, Option<i64>)> =
        open(current).map(|k| (k, None)).into_iter().collect();
    if let Some((sealed_key, until)) = previous.filter(|(_, until)| *until > now) {
        keys.extend(open(sealed_key).map(|k| (k, Some(until))));
    }
    keys
}

/// Where a sealed value belongs: its workspace and field (`table.field`).
#[derive(Clone, Copy, Debug)]
pub struct Field<'a> {
    pub workspace: &'a str,
    pub name: &'static str,
}

impl Field<'_> {
    fn associated_data(&self) -> Vec<u8> {
        format!("creator-inbox\0{}\0{}", self.name, self.workspace).into_bytes()
    }
}

fn cipher_v2(server_secret: &str) -> Aes256Gcm {
    let hk = Hkdf::<Sha256>::new(
        Some(b"creator-inbox sealed values"),
        server_secret.as_bytes(),
    );
    let mut key = [0u8; 32];
    hk.expand(b"aes-256-gcm v2", &mut key)
        .expect("32 bytes is a valid HKDF-SHA256 length");
    Aes256Gcm::new(&key.into())
}

fn cipher_v1(server_secret: &str) -> Aes256Gcm {
    let key = Sha256::new()
        .chain_update(b"creator-inbox channel credentials v1\0")
        .chain_update(server_secret.as_bytes())
        .finalize();
    Aes256Gcm::new(&key)
}

pub fn seal(server_secret: &str, field: Field, plain: &str) -> String {
    let nonce: [u8; 12] = rand::random();
    let aad = field.associated_data();
    let ct = cipher_v2(server_secret)
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plain.as_bytes(),
                aad: &aad,
            },
        )
        .expect("AES-GCM encryption of a short value");
    let mut out = nonce.to_vec();
    out.extend(ct);
    format!("{V2}{}", B64.encode(out))
}

/// Whether a sealed value is in the current format.
pub fn is_current(sealed: &str) -> bool {
    sealed.starts_with(V2)
}

/// `None` if the value was not sealed with this server secret for this field (or was altered).
pub fn unseal(server_secret: &str, field: Field, sealed: &str) -> Option<String> {
    let (v2, b64) = match sealed.strip_prefix(V2) {
        Some(rest) => (true, rest),
        None => (false, sealed),
    };
    let raw = B64.decode(b64).ok()?;
    if raw.len() < 12 + 16 {
        return None;
    }
    let (nonce, ct) = raw.split_at(12);
    let nonce = Nonce::from_slice(nonce);
    let plain = if v2 {
        let aad = field.associated_data();
        cipher_v2(server_secret)
            .decrypt(nonce, Payload { msg: ct, aad: &aad })
            .ok()?
    } else {
        cipher_v1(server_secret).decrypt(nonce, ct).ok()?
    };
    String::from_utf8(plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Field = Field {
        workspace: "ws_a",
        name: "mailbox.secret",
    };

    fn v1_seal(secret: &str, plain: &str) -> String {
        let nonce: [u8; 12] = rand::random();
        let ct = cipher_v1(secret)
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .unwrap();
        B64.encode([nonce.to_vec(), ct].concat())
    }

    #[test]
    fn round_trip_and_refusals() {
        let secret = "Zq3v8Lr1pX6mT0cW9yB4nK7sD2fH5jG1";
        let sealed = seal(secret, A, "auth-token-123");
        assert!(is_current(&sealed) && !sealed.contains("auth-token-123"));
        assert_ne!(
            sealed,
            seal(secret, A, "auth-token-123"),
            "a fresh nonce each time"
        );
        assert_eq!(
            unseal(secret, A, &sealed).as_deref(),
            Some("auth-token-123")
        );
        let mut tampered = B64.decode(&sealed[3..]).unwrap();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        let tampered = format!("v2.{}", B64.encode(tampered));
        let other_ws = Field {
            workspace: "ws_b",
            ..A
        };
        let other_field = Field {
            name: "sms_account.auth_token",
            ..A
        };
        let cases = [
            (secret, A, tampered.as_str()),
            ("another-server-secret-of-enough-length", A, sealed.as_str()),
            // Copied into another workspace's row or another field: it does not open.
            (secret, other_ws, sealed.as_str()),
            (secret, other_field, sealed.as_str()),
            (secret, A, "not base64!"),
            (secret, A, "c2hvcnQ="),
            (secret, A, "v2.c2hvcnQ="),
            (secret, A, "v2."),
        ];
        for (key, field, value) in cases {
            assert_eq!(unseal(key, field, value), None, "{value} {field:?}");
        }
    }

    #[test]
    fn values_sealed_before_v2_still_open() {
        let secret = "Zq3v8Lr1pX6mT0cW9yB4nK7sD2fH5jG1";
        let old = v1_seal(secret, "imap-password");
        assert!(!is_current(&old));
        assert_eq!(unseal(secret, A, &old).as_deref(), Some("imap-password"));
        assert_eq!(
            unseal("another-server-secret-of-enough-length", A, &old),
            None
        );
    }
}
