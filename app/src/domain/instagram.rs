//! Checking an Instagram connection before it is stored.

/// A connection that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstagramConnection {
    /// The Instagram professional account's id (what Meta sends as `entry.id` / `recipient.id`).
    pub account_id: String,
    pub username: Option<String>,
    pub access_token: String,
}

pub fn validate_connection(
    account_id: &str,
    username: Option<&str>,
    access_token: &str,
) -> Result<InstagramConnection, String> {
    let account_id = account_id.trim();
    if account_id.is_empty()
        || account_id.len() > 32
        || !account_id.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("the Instagram account id is the number Meta shows for the account".into());
    }
    let token = access_token.trim();
    if token.len() < 20 || token.len() > 1024 || token.chars().any(|c| !c.is_ascii_graphic()) {
        return Err("the access token is a long string without spaces, as Meta issues it".into());
    }
    let username = username
        .map(|u| u.trim().trim_start_matches('@').to_string())
        .filter(|u| !u.is_empty());
    if let Some(u) = &username {
        if u.len() > 30
            || !u
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
        {
            return Err("an Instagram username has letters, digits, dots and underscores".into());
        }
    }
    Ok(InstagramConnection {
        account_id: account_id.to_string(),
        username,
        access_token: token.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_table() {
        let token = "IGQVJ".to_string() + &"x".repeat(40);
        let cases: Vec<(&str, Option<&str>, &str, Result<(&str, Option<&str>), ()>)> = vec![
            (
                "17841400000000001",
                Some("@glow.labs"),
                &token,
                Ok(("17841400000000001", Some("glow.labs"))),
            ),
            (
                " 17841400000000001 ",
                None,
                &token,
                Ok(("17841400000000001", None)),
            ),
            (
                "17841400000000001",
                Some(""),
                &token,
                Ok(("17841400000000001", None)),
            ),
            ("glowlabs", None, &token, Err(())),
            ("", None, &token, Err(())),
            ("17841400000000001", None, "short", Err(())),
            (
                "17841400000000001",
                None,
                "has a space in it that is long enough",
                Err(()),
            ),
            ("17841400000000001", Some("bad name!"), &token, Err(())),
        ];
        for (id, user, tok, want) in cases {
            let got = validate_connection(id, user, tok);
            match want {
                Ok((a, u)) => {
                    let c = got.unwrap_or_else(|e| panic!("{id:?}: {e}"));
                    assert_eq!((c.account_id.as_str(), c.username.as_deref()), (a, u));
                }
                Err(()) => assert!(got.is_err(), "{id:?} {user:?} {tok:?}"),
            }
        }
    }
}
