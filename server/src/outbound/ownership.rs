//! Proof of ownership when a channel is connected: the provider itself is asked about the
//! credentials entered, so no workspace can claim an Instagram account, a number or a Messaging
//! Service it cannot use. Twilio: the account resource, each number among the account's incoming
//! numbers, the Messaging Service read with the account's credentials. Instagram: the token's
//! own account (`/me`). The verdicts are `app::domain::sending`'s.

use super::SendError;
use app::domain::instagram::InstagramConnection;
use app::domain::sending::{check_instagram_owner, check_twilio_owner, TwilioAnswers};
use app::domain::twilio::TwilioConnection;
use serde::Deserialize;

fn unreachable(provider: &str, e: &reqwest::Error) -> String {
    SendError::transport(provider, e).reason
}

/// Asks Twilio whether the account behind the entered SID and token owns every number and the
/// Messaging Service the connection claims.
pub async fn twilio(
    http: &reqwest::Client,
    api_url: &str,
    messaging_url: &str,
    c: &TwilioConnection,
) -> Result<(), String> {
    let auth = |r: reqwest::RequestBuilder| r.basic_auth(&c.account_sid, Some(&c.auth_token));
    let account = auth(http.get(format!(
        "{api_url}/2010-04-01/Accounts/{}.json",
        c.account_sid
    )))
    .send()
    .await
    .map_err(|e| unreachable("Twilio", &e))?;
    let accepted = account.status().is_success();
    #[derive(Deserialize)]
    struct Number {
        phone_number: String,
    }
    #[derive(Deserialize)]
    struct Numbers {
        incoming_phone_numbers: Vec<Number>,
    }
    let mut owned = Vec::new();
    if accepted {
        for n in &c.numbers {
            let resp = auth(http.get(format!(
                "{api_url}/2010-04-01/Accounts/{}/IncomingPhoneNumbers.json",
                c.account_sid
            )))
            .query(&[("PhoneNumber", n.as_str())])
            .send()
            .await
            .map_err(|e| unreachable("Twilio", &e))?;
            if resp.status().is_success() {
                let found: Numbers = resp
                    .json()
                    .await
                    .map_err(|_| "Twilio's answer could not be read".to_string())?;
                owned.extend(
                    found
                        .incoming_phone_numbers
                        .into_iter()
                        .map(|p| p.phone_number)
                        .filter(|p| p == n),
                );
            }
        }
    }
    #[derive(Deserialize)]
    struct Service {
        account_sid: String,
    }
    let mut service_account = None;
    if let (true, Some(ms)) = (accepted, &c.messaging_service_sid) {
        let resp = auth(http.get(format!("{messaging_url}/v1/Services/{ms}")))
            .send()
            .await
            .map_err(|e| unreachable("Twilio", &e))?;
        if resp.status().is_success() {
            service_account = resp.json::<Service>().await.ok().map(|s| s.account_sid);
        }
    }
    check_twilio_owner(
        &c.account_sid,
        &c.numbers,
        c.messaging_service_sid.as_deref(),
        &TwilioAnswers {
            accepted,
            owned_numbers: &owned,
            service_account: service_account.as_deref(),
        },
    )
}

/// Asks the Graph API whose token was entered (`/me`); returns the account's username.
pub async fn instagram(
    http: &reqwest::Client,
    graph_url: &str,
    c: &InstagramConnection,
) -> Result<Option<String>, String> {
    #[derive(Deserialize)]
    struct Me {
        id: Option<String>,
        user_id: Option<String>,
        username: Option<String>,
    }
    let resp = http
        .get(format!("{graph_url}/me"))
        .query(&[("fields", "id,user_id,username")])
        .bearer_auth(&c.access_token)
        .send()
        .await
        .map_err(|e| unreachable("Instagram", &e))?;
    if !resp.status().is_success() {
        return Err("Instagram refused the access token".into());
    }
    let me: Me = resp
        .json()
        .await
        .map_err(|_| "Instagram's answer could not be read".to_string())?;
    check_instagram_owner(&c.account_id, me.user_id.as_deref(), me.id.as_deref())?;
    Ok(me.username)
}
