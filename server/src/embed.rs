//! A partner's embed token in, a frame session out. The token is a JWT signed with HS256 and the
//! partner's key (`kid` names the partner); `jsonwebtoken` verifies the signature against the
//! partner's current key and, within the rotation overlap, its previous one; any other algorithm
//! (`none` included) is refused before a key is tried. The claims are then checked by
//! `app::domain::embed::check_claims`, the `jti` is used once, and a short session opens whose
//! bearer the frame keeps in memory (no cookie).

use crate::db::DbError;
use crate::state::AppState;
use crate::store::embed as store;
use app::domain::embed::{check_claims, EmbedClaims, TokenRefusal, MAX_TOKEN_LEN};
use app::model::EmbedSession;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};

/// Why an exchange was refused: what the frame may show, never which key or check was near.
#[derive(Debug, PartialEq, Eq)]
pub enum ExchangeError {
    /// Malformed, unsigned, signed with another algorithm or key, or naming no partner we know.
    Invalid,
    Refused(TokenRefusal),
    Replayed,
}

impl ExchangeError {
    pub fn message(&self) -> &'static str {
        match self {
            ExchangeError::Invalid => "the embed token is not valid",
            ExchangeError::Refused(r) => r.message(),
            ExchangeError::Replayed => {
                "this embed token was used already; ask the dashboard for a new one"
            }
        }
    }
}

/// The partner a token names in its header's `kid`, if the token is a JWT signed with HS256
/// (anything else, `none` included, is refused before a key is looked up).
pub fn named_partner(token: &str) -> Result<String, ExchangeError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(ExchangeError::Invalid);
    }
    let header = decode_header(token).map_err(|_| ExchangeError::Invalid)?;
    if header.alg != Algorithm::HS256 {
        return Err(ExchangeError::Invalid);
    }
    header
        .kid
        .filter(|k| app::domain::filter::is_valid_id(k))
        .ok_or(ExchangeError::Invalid)
}

/// The token's claims, if its signature verifies with one of the partner's keys (current first,
/// then the previous one within its overlap).
pub fn verify(token: &str, keys: &[String]) -> Result<EmbedClaims, ExchangeError> {
    // The claims' times and audience are checked by the domain rule, with its own messages.
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    keys.iter()
        .find_map(|key| {
            decode::<EmbedClaims>(
                token,
                &DecodingKey::from_secret(key.as_bytes()),
                &validation,
            )
            .ok()
        })
        .map(|data| data.claims)
        .ok_or(ExchangeError::Invalid)
}

/// Exchanges a partner's token for a frame session. `Ok(Err(_))` is a refusal the frame shows.
pub async fn exchange(
    state: &AppState,
    token: &str,
) -> Result<Result<EmbedSession, ExchangeError>, DbError> {
    let now = state.clock.now_ms();
    let secret = &state.config.server_secret;
    let kid = match named_partner(token) {
        Ok(k) => k,
        Err(e) => {
            tracing::warn!("embed token that is not an HS256 JWT naming a partner refused");
            return Ok(Err(e));
        }
    };
    let Some(partner) = store::partner_keys(&state.db, secret, &kid, now).await? else {
        tracing::warn!("embed token for an unknown partner refused");
        return Ok(Err(ExchangeError::Invalid));
    };
    let claims = match verify(token, &partner.keys) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(partner = %kid, "embed token with a bad signature or algorithm refused");
            return Ok(Err(e));
        }
    };
    let audience = state.config.public_url.trim_end_matches('/');
    let grant = match check_claims(&claims, &partner.grant, audience, now / 1000) {
        Ok(g) => g,
        Err(r) => {
            tracing::warn!(partner = %kid, reason = r.message(), "embed token refused");
            return Ok(Err(ExchangeError::Refused(r)));
        }
    };
    let bearer = crate::ids::new_secret();
    let hash = crate::auth::token_hash(&bearer);
    let opening = store::FrameOpening {
        workspace: &partner.workspace,
        partner: &kid,
        partner_name: &partner.name,
        grant: &grant,
        bearer_hash: &hash,
    };
    if !store::open_session(&state.db, &opening, now).await? {
        tracing::warn!(partner = %kid, "replayed embed token refused");
        return Ok(Err(ExchangeError::Replayed));
    }
    Ok(Ok(EmbedSession {
        bearer,
        expires_in_secs: store::SESSION_MS / 1000,
        view: grant.view,
        thread: grant.thread,
        role: grant.role,
        campaigns: grant.campaign_ids,
        client_name: partner.client_name,
        partner_name: partner.name,
        origins: partner.origins,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{encode, EncodingKey, Header};

    const P1: &str = "p1000000000000000000";

    fn claims() -> serde_json::Value {
        serde_json::json!({ "aud": "http://127.0.0.1:3000", "iat": 1, "exp": 2, "jti": "j1", "view": "inbox" })
    }

    fn signed(alg: Algorithm, kid: Option<&str>, key: &str) -> String {
        let mut header = Header::new(alg);
        header.kid = kid.map(String::from);
        encode(
            &header,
            &claims(),
            &EncodingKey::from_secret(key.as_bytes()),
        )
        .unwrap()
    }

    /// What `exchange` does before the database: the partner named, then its keys tried.
    fn check(token: &str) -> Result<(String, EmbedClaims), ExchangeError> {
        let partner = named_partner(token)?;
        if partner != "p1000000000000000000" {
            return Err(ExchangeError::Invalid);
        }
        let keys = vec!["new-key".to_string(), "old-key".to_string()];
        Ok((partner, verify(token, &keys)?))
    }

    #[test]
    fn signature_algorithm_and_partner_table() {
        let unsigned = {
            use base64::Engine;
            let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
            format!(
                "{}.{}.",
                b64.encode(br#"{"alg":"none","typ":"JWT","kid":"p1000000000000000000"}"#),
                b64.encode(claims().to_string())
            )
        };
        let cases: Vec<(&str, String, bool)> = vec![
            (
                "current key",
                signed(Algorithm::HS256, Some(P1), "new-key"),
                true,
            ),
            (
                "previous key in its overlap",
                signed(Algorithm::HS256, Some(P1), "old-key"),
                true,
            ),
            (
                "wrong key",
                signed(Algorithm::HS256, Some(P1), "guess"),
                false,
            ),
            (
                "HS512 with the right key",
                signed(Algorithm::HS512, Some(P1), "new-key"),
                false,
            ),
            ("alg none", unsigned, false),
            ("no kid", signed(Algorithm::HS256, None, "new-key"), false),
            (
                "unknown partner",
                signed(Algorithm::HS256, Some("p2000000000000000000"), "new-key"),
                false,
            ),
            (
                "odd kid",
                signed(Algorithm::HS256, Some("p1/../x"), "new-key"),
                false,
            ),
            ("not a JWT", "hello".into(), false),
            ("too long", "a".repeat(MAX_TOKEN_LEN + 1), false),
        ];
        for (name, token, ok) in cases {
            let got = check(&token);
            assert_eq!(got.is_ok(), ok, "{name}: {got:?}");
            if let Ok((partner, c)) = got {
                assert_eq!(partner, P1);
                assert_eq!(c.jti, "j1");
            }
        }
    }
}
