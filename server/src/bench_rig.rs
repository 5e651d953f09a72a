//! What the load benchmarks (B1, R5) share: a seeded workspace whose creators are reachable on
//! every channel, with its Twilio number, Instagram account and API-channel key connected, and
//! inbound webhooks signed the way each provider signs them (signing is the provider's cost, so
//! a benchmark signs ahead of time).

use crate::config::Config;
use crate::db::{exec, Db};
use crate::seed::SeededWorkspace;
use serde_json::json;
use std::collections::HashMap;

pub const TWILIO_TOKEN: &str = "0123456789abcdef0123456789abcdef";
pub const NUMBER: &str = "+14155550100";
pub const META_SECRET: &str = "bench-meta-app-secret";
pub const IG_ACCOUNT: &str = "17841400000000001";
pub const API_KEY: &str = "bench-api-key-0123456789";
pub const PASSWORD: &str = "bench-password-123";

pub fn account_sid() -> String {
    format!("AC{}", "a1".repeat(16))
}

/// The configuration of a benchmark server: embedded SurrealKV in `dir`, reachable at `base`,
/// Instagram webhooks signed with `META_SECRET`; `extra` adds or overrides.
pub fn config(dir: &std::path::Path, base: &str, extra: &[(&str, &str)]) -> Config {
    let mut vars: HashMap<String, String> = [
        (
            "INBOX_DATABASE",
            format!("surrealkv://{}", dir.join("db").display()),
        ),
        ("INBOX_DEV", "1".into()),
        ("INBOX_PUBLIC_URL", base.to_string()),
        ("INBOX_META_APP_SECRET", META_SECRET.into()),
        ("INBOX_META_VERIFY_TOKEN", "bench".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Config::from_vars(&vars).expect("benchmark configuration")
}

/// Where one creator writes from on each channel.
#[derive(Clone, Debug)]
pub struct Sender {
    pub email: String,
    pub phone: String,
    pub instagram: String,
}

/// Where the `i`th creator of a workspace `connect` prepared writes from.
pub fn sender(i: usize) -> Sender {
    Sender {
        email: format!("creator{i}@bench.example"),
        phone: format!("+1415666{i:04}"),
        instagram: format!("90{i:06}"),
    }
}

/// Makes every creator of `ws` reachable by email, SMS and Instagram, sets the workspace's API
/// key (`API_KEY`, sealed), and with `providers` connects the Twilio number and the Instagram
/// account (one workspace per server may: they are matched by number and account).
pub async fn connect(
    db: &Db,
    config: &Config,
    ws: &SeededWorkspace,
    providers: bool,
    now: i64,
) -> Vec<Sender> {
    let mut senders = Vec::new();
    for (i, c) in ws.creator_ids.iter().enumerate() {
        let s = sender(i);
        exec(
            db,
            "UPDATE type::record('creator', $c) SET identities = [
                 { channel: 'email', address: $email, consent: 'granted' },
                 { channel: 'sms', address: $phone, consent: 'granted' },
                 { channel: 'instagram', address: $ig, consent: 'unknown' }];",
            json!({ "c": c, "email": s.email, "phone": s.phone, "ig": s.instagram }),
        )
        .await
        .expect("creator identities");
        senders.push(s);
    }
    exec(
        db,
        "UPDATE type::record('workspace', $ws) SET api_secret = $k;",
        json!({ "ws": ws.workspace_id, "k": API_KEY }),
    )
    .await
    .expect("api key");
    crate::store::api_channel::seal_plain_keys(db, &config.server_secret)
        .await
        .expect("seal the api key");
    if providers {
        let target = |label: &str| crate::store::Target {
            id: None,
            label: label.to_string(),
            actor: ws.users[0].id.clone(),
        };
        let sms = app::domain::twilio::validate_connection(
            &account_sid(),
            TWILIO_TOKEN,
            &[NUMBER.to_string()],
            None,
        )
        .expect("twilio connection");
        crate::store::sms_accounts::connect(
            db,
            &ws.workspace_id,
            &config.server_secret,
            &target("Bench SMS"),
            &sms,
            now,
        )
        .await
        .expect("connect sms");
        let ig = app::domain::instagram::validate_connection(
            IG_ACCOUNT,
            None,
            &"IGQVJ-bench-token-".repeat(2),
        )
        .expect("instagram connection");
        crate::store::instagram_accounts::connect(
            db,
            &ws.workspace_id,
            &config.server_secret,
            &target("Bench Instagram"),
            &ig,
            now,
        )
        .await
        .expect("connect instagram");
    }
    senders
}

/// A signed webhook request, ready to post to the server at `path`.
#[derive(Clone, Debug)]
pub struct Request {
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// Which provider an inbound message comes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Sms,
    Instagram,
    Api,
}

fn meta_sign(body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(META_SECRET.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The webhook `from` sends through `via` with `text` (`id`: the provider's message id, unique
/// per message), signed for the server at `base`; `workspace` is the API channel's.
pub fn inbound(
    base: &str,
    workspace: &str,
    via: Via,
    from: &Sender,
    id: &str,
    text: &str,
    now: i64,
) -> Request {
    match via {
        Via::Sms => {
            let params: Vec<(String, String)> = [
                ("AccountSid", account_sid()),
                ("Body", text.to_string()),
                ("From", from.phone.clone()),
                ("MessageSid", format!("SM{id:0>32}")),
                ("NumMedia", "0".into()),
                ("To", NUMBER.into()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            let path = crate::channels::twilio_sms::PATH;
            let sig = crate::channels::twilio_signature::sign(
                TWILIO_TOKEN,
                &format!("{base}{path}"),
                &params,
            );
            let body = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params.iter())
                .finish();
            Request {
                path: path.into(),
                headers: vec![
                    ("content-type", "application/x-www-form-urlencoded".into()),
                    ("x-twilio-signature", sig),
                ],
                body: body.into_bytes(),
            }
        }
        Via::Instagram => {
            let body = json!({ "object": "instagram", "entry": [{ "id": IG_ACCOUNT, "time": now / 1000, "messaging": [{
                "sender": { "id": from.instagram }, "recipient": { "id": IG_ACCOUNT }, "timestamp": now,
                "message": { "mid": format!("mid.{id}"), "text": text } }] }] })
            .to_string()
            .into_bytes();
            Request {
                path: crate::channels::instagram::PATH.into(),
                headers: vec![
                    ("content-type", "application/json".into()),
                    ("x-hub-signature-256", meta_sign(&body)),
                ],
                body,
            }
        }
        Via::Api => {
            let ts = (now / 1000).to_string();
            let body = json!({ "event_id": id, "creator": { "email": from.email }, "text": text })
                .to_string()
                .into_bytes();
            Request {
                path: format!("/hooks/api/{workspace}"),
                headers: vec![
                    ("content-type", "application/json".into()),
                    (
                        "x-inbox-signature",
                        crate::channels::signature::sign(API_KEY, &ts, &body),
                    ),
                    ("x-inbox-timestamp", ts),
                ],
                body,
            }
        }
    }
}

/// Signs in `email` over HTTP; the session cookie (`name=value`).
pub async fn sign_in(http: &reqwest::Client, base: &str, email: &str) -> Result<String, String> {
    let r = http
        .post(format!("{base}/api/sign_in"))
        .header("accept", "application/json")
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !r.status().is_success() {
        return Err(format!("sign in: {}", r.status()));
    }
    r.headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .map(str::to_string)
        .ok_or_else(|| "sign in: no cookie".into())
}
