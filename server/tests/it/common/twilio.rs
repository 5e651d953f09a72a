//! Twilio test helpers: signatures computed by Twilio's own Python helper library (`twilio` on
//! PyPI), form bodies, and a connected test account.

use super::Harness;
use serde_json::json;
use std::collections::BTreeMap;

pub const TOKEN: &str = "0123456789abcdef0123456789abcdef";
pub const NUMBER: &str = "+14155550100";

pub fn account_sid() -> String {
    format!("AC{}", "a1".repeat(16))
}

pub fn service_sid() -> String {
    format!("MG{}", "0f".repeat(16))
}

/// Another workspace's own Twilio account (the loopback endpoint knows both).
pub const TOKEN_B: &str = "fedcba9876543210fedcba9876543210";
pub const NUMBER_B: &str = "+14155550199";

pub fn account_sid_b() -> String {
    format!("AC{}", "b2".repeat(16))
}

pub fn service_sid_b() -> String {
    format!("MG{}", "1e".repeat(16))
}

/// The `X-Twilio-Signature` Twilio would send for a POST of `params` to `url`, computed by
/// Twilio's own library.
pub fn signature(url: &str, params: &BTreeMap<&str, String>) -> String {
    signature_with(TOKEN, url, params)
}

/// `signature` for an account whose auth token is `token`.
pub fn signature_with(token: &str, url: &str, params: &BTreeMap<&str, String>) -> String {
    let input = json!({ "token": token, "url": url, "params": params }).to_string();
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import json,sys\nfrom twilio.request_validator import RequestValidator\nd=json.load(sys.stdin)\nprint(RequestValidator(d['token']).compute_signature(d['url'], d['params']))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(input.as_bytes())?;
            child.wait_with_output()
        })
        .expect("python3");
    assert!(
        out.status.success(),
        "Twilio's Python library is needed (pip install twilio): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

pub fn form(params: &BTreeMap<&str, String>) -> Vec<u8> {
    params
        .iter()
        .map(|(k, v)| format!("{k}={}", app::domain::filter::encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// Posts a form to one of the Twilio hooks with a signature: `(status, body)`.
pub async fn post_signed(
    h: &Harness,
    path: &str,
    params: &BTreeMap<&str, String>,
    signature: &str,
) -> (u16, String) {
    let (status, body) = h
        .request(
            "POST",
            path,
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("x-twilio-signature", signature),
            ],
            form(params),
        )
        .await;
    (status.as_u16(), body)
}

/// Connects the test account to workspace A (as its owner), optionally with a Messaging Service.
pub async fn connect(h: &Harness, service: bool) -> app::model::SmsSettings {
    let owner = h.sign_in_as(&h.a, app::model::Role::Owner).await;
    let service = service.then(service_sid);
    h.call(
        "connect_sms",
        Some(&owner),
        json!({ "account_sid": account_sid(), "auth_token": TOKEN, "numbers": [NUMBER], "messaging_service_sid": service }),
    )
    .await
    .expect("connect_sms")
}
