//! Provider endpoints bound on loopback: a Twilio Messages API that checks each request's shape
//! (path, basic auth, form fields) the way Twilio would, and a platform webhook receiver. Both
//! record what they received and answer from a script (then success).

use super::twilio::{account_sid, TOKEN};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use base64::Engine;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct SentSms {
    pub sid: String,
    pub to: String,
    pub body: String,
    pub from: Option<String>,
    pub service: Option<String>,
    pub status_callback: String,
}

#[derive(Debug, Clone)]
pub struct Posted {
    pub timestamp: String,
    pub signature: String,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct SentDm {
    pub mid: String,
    pub account: String,
    pub recipient: String,
    pub text: String,
    /// `Some("HUMAN_AGENT")` when sent with the human-agent tag.
    pub tag: Option<String>,
}

/// The access token the Graph endpoint accepts, and the Instagram account it belongs to.
pub const GRAPH_TOKEN: &str = "IGQVJtest-access-token-0123456789";
pub const GRAPH_ACCOUNT: &str = "17841400000000001";
/// Another Instagram account's token (a second workspace's own).
pub const GRAPH_TOKEN_B: &str = "IGQVJother-access-token-987654321";
pub const GRAPH_ACCOUNT_B: &str = "17841400000000999";

/// The Twilio accounts the endpoint knows: SID, auth token, its numbers, its Messaging Service.
pub fn twilio_accounts() -> Vec<(String, &'static str, Vec<&'static str>, String)> {
    vec![
        (
            account_sid(),
            TOKEN,
            vec![super::twilio::NUMBER, "+14155550101", "+14155550102"],
            super::twilio::service_sid(),
        ),
        (
            super::twilio::account_sid_b(),
            super::twilio::TOKEN_B,
            vec![super::twilio::NUMBER_B],
            super::twilio::service_sid_b(),
        ),
    ]
}

/// The known Twilio account whose basic auth this request carries.
fn twilio_caller(headers: &HeaderMap) -> Option<(String, Vec<&'static str>, String)> {
    let auth = headers.get("authorization")?.to_str().ok()?;
    twilio_accounts()
        .into_iter()
        .find(|(sid, token, _, _)| {
            auth == format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{sid}:{token}"))
            )
        })
        .map(|(sid, _, numbers, service)| (sid, numbers, service))
}

#[derive(Default)]
pub struct Recorded {
    pub sms: Vec<SentSms>,
    pub dms: Vec<SentDm>,
    pub posts: Vec<Posted>,
    /// Requests that did not look like what the real provider accepts.
    pub malformed: Vec<String>,
    /// Answers to give (status, JSON body) before answering with success.
    pub script: VecDeque<(u16, String)>,
    /// Fail every other request with a 503 (a provider failing half the time).
    pub fail_half: bool,
    /// Requests seen while failing half the time.
    pub seen: u64,
    /// Accept each SMS, then never answer (a provider that hangs after taking the request).
    pub stall: bool,
}

#[derive(Clone)]
pub struct Provider {
    pub base_url: String,
    pub state: Arc<Mutex<Recorded>>,
    addr: std::net::SocketAddr,
    server: Arc<Mutex<Option<tokio::task::JoinHandle<()>>>>,
}

fn app(state: Arc<Mutex<Recorded>>) -> Router {
    Router::new()
        .route(
            "/2010-04-01/Accounts/{account}/Messages.json",
            post(twilio_messages),
        )
        .route("/webhook", post(webhook))
        .route(
            "/2010-04-01/Accounts/{account}",
            axum::routing::get(twilio_account),
        )
        .route(
            "/2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json",
            axum::routing::get(twilio_numbers),
        )
        .route("/v1/Services/{service}", axum::routing::get(twilio_service))
        .route("/{account}", axum::routing::get(graph_account))
        .route("/{account}/messages", post(graph_messages))
        .with_state(state)
}

impl Provider {
    pub async fn start() -> Provider {
        let state = Arc::new(Mutex::new(Recorded::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = app(state.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Provider {
            base_url: format!("http://{addr}"),
            state,
            addr,
            server: Arc::new(Mutex::new(Some(server))),
        }
    }

    /// The provider goes down: connections are refused until `up`.
    pub async fn down(&self) {
        if let Some(server) = self.server.lock().unwrap().take() {
            server.abort();
        }
        // The listener closes once the aborted task is dropped.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    /// The provider comes back at the same address, with what it recorded.
    pub async fn up(&self) {
        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .expect("bind again");
        let app = app(self.state.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        *self.server.lock().unwrap() = Some(server);
    }

    /// Fail every other request with 503 (`on`), or answer normally again.
    pub fn fail_half(&self, on: bool) {
        let mut s = self.state.lock().unwrap();
        s.fail_half = on;
        s.seen = 0;
    }

    /// Take each SMS and never answer (`on`), or answer again.
    pub fn stall(&self, on: bool) {
        self.state.lock().unwrap().stall = on;
    }

    pub fn script(&self, status: u16, body: &str) {
        self.state
            .lock()
            .unwrap()
            .script
            .push_back((status, body.to_string()));
    }

    pub fn sms(&self) -> Vec<SentSms> {
        let s = self.state.lock().unwrap();
        assert!(
            s.malformed.is_empty(),
            "malformed requests: {:?}",
            s.malformed
        );
        s.sms.clone()
    }

    pub fn dms(&self) -> Vec<SentDm> {
        let s = self.state.lock().unwrap();
        assert!(
            s.malformed.is_empty(),
            "malformed requests: {:?}",
            s.malformed
        );
        s.dms.clone()
    }

    pub fn posts(&self) -> Vec<Posted> {
        self.state.lock().unwrap().posts.clone()
    }
}

fn next_scripted(state: &Mutex<Recorded>) -> Option<(u16, String)> {
    let mut s = state.lock().unwrap();
    if s.fail_half {
        s.seen += 1;
        if s.seen % 2 == 1 {
            return Some((
                503,
                r#"{"code":20500,"message":"Service Unavailable","status":503}"#.into(),
            ));
        }
    }
    s.script.pop_front()
}

async fn twilio_messages(
    State(state): State<Arc<Mutex<Recorded>>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    let params: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let expected_auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{TOKEN}", account_sid()))
    );
    let mut problems = Vec::new();
    if account != account_sid() {
        problems.push(format!("wrong account in path: {account}"));
    }
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&expected_auth) {
        problems.push("missing or wrong basic auth".into());
    }
    if headers.get("content-type").and_then(|v| v.to_str().ok())
        != Some("application/x-www-form-urlencoded")
    {
        problems.push("not form-encoded".into());
    }
    let to = get("To").unwrap_or_default();
    if !(to.starts_with('+') && to.len() > 8 && to[1..].chars().all(|c| c.is_ascii_digit())) {
        problems.push(format!("To is not E.164: {to:?}"));
    }
    let text = get("Body").unwrap_or_default();
    if text.is_empty() || text.chars().count() > 1600 {
        problems.push("Body empty or over 1,600 characters".into());
    }
    let (from, service) = (get("From"), get("MessagingServiceSid"));
    if from.is_some() == service.is_some() {
        problems.push("exactly one of From and MessagingServiceSid is required".into());
    }
    let callback = get("StatusCallback").unwrap_or_default();
    if !callback.starts_with("http") {
        problems.push("StatusCallback missing".into());
    }
    if !problems.is_empty() {
        state.lock().unwrap().malformed.extend(problems);
        return (
            StatusCode::BAD_REQUEST,
            r#"{"code":21604,"message":"malformed request","status":400}"#.into(),
        );
    }
    if let Some((status, body)) = next_scripted(&state) {
        return (StatusCode::from_u16(status).unwrap(), body);
    }
    let (sid, stall) = {
        let mut s = state.lock().unwrap();
        let sid = format!("SM{:032x}", s.sms.len() + 1);
        s.sms.push(SentSms {
            sid: sid.clone(),
            to: to.clone(),
            body: text,
            from,
            service,
            status_callback: callback,
        });
        (sid, s.stall)
    };
    if stall {
        tokio::time::sleep(std::time::Duration::from_secs(3_600)).await;
    }
    (
        StatusCode::CREATED,
        serde_json::json!({ "sid": sid, "status": "queued", "to": to }).to_string(),
    )
}

async fn webhook(
    State(state): State<Arc<Mutex<Recorded>>>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let h = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    if let Some((status, _)) = next_scripted(&state) {
        return StatusCode::from_u16(status).unwrap();
    }
    state.lock().unwrap().posts.push(Posted {
        timestamp: h("x-inbox-timestamp"),
        signature: h("x-inbox-signature"),
        body,
    });
    StatusCode::NO_CONTENT
}

/// The Graph Send API: bearer token, JSON `recipient.id` + `message.text`, and when tagged,
/// `messaging_type: MESSAGE_TAG` with `tag: HUMAN_AGENT`.
async fn graph_messages(
    State(state): State<Arc<Mutex<Recorded>>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    let mut problems = Vec::new();
    if headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(&format!("Bearer {GRAPH_TOKEN}"))
    {
        problems.push("missing or wrong bearer token".to_string());
    }
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    let recipient = v["recipient"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let text = v["message"]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if recipient.is_empty() || text.is_empty() {
        problems.push(format!(
            "recipient.id and message.text are required: {body}"
        ));
    }
    let tag = v["tag"].as_str().map(str::to_string);
    if tag.is_some() && v["messaging_type"] != "MESSAGE_TAG" {
        problems.push("a tag needs messaging_type MESSAGE_TAG".into());
    }
    if !account.bytes().all(|b| b.is_ascii_digit()) {
        problems.push(format!("account id in path: {account}"));
    }
    if !problems.is_empty() {
        state.lock().unwrap().malformed.extend(problems);
        return (
            StatusCode::BAD_REQUEST,
            r#"{"error":{"message":"Invalid parameter","type":"OAuthException","code":100}}"#
                .into(),
        );
    }
    if let Some((status, body)) = next_scripted(&state) {
        return (StatusCode::from_u16(status).unwrap(), body);
    }
    let mut s = state.lock().unwrap();
    let mid = format!("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlE{}", s.dms.len() + 1);
    s.dms.push(SentDm {
        mid: mid.clone(),
        account,
        recipient: recipient.clone(),
        text,
        tag,
    });
    (
        StatusCode::OK,
        serde_json::json!({ "recipient_id": recipient, "message_id": mid }).to_string(),
    )
}

/// Twilio's account resource (`GET /2010-04-01/Accounts/{sid}.json`), for the connection check.
async fn twilio_account(Path(account): Path<String>, headers: HeaderMap) -> (StatusCode, String) {
    match twilio_caller(&headers) {
        Some((sid, _, _)) if account == format!("{sid}.json") => (
            StatusCode::OK,
            r#"{"friendly_name":"Northstar","status":"active"}"#.into(),
        ),
        _ => (
            StatusCode::UNAUTHORIZED,
            r#"{"code":20003,"message":"Authenticate"}"#.into(),
        ),
    }
}

/// The account's incoming numbers filtered by `PhoneNumber`, as Twilio lists them.
async fn twilio_numbers(
    Path(account): Path<String>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
) -> (StatusCode, String) {
    let Some((sid, numbers, _)) = twilio_caller(&headers).filter(|(sid, _, _)| *sid == account)
    else {
        return (
            StatusCode::UNAUTHORIZED,
            r#"{"code":20003,"message":"Authenticate"}"#.into(),
        );
    };
    let wanted = q.get("PhoneNumber").cloned().unwrap_or_default();
    let found: Vec<serde_json::Value> = numbers
        .iter()
        .filter(|n| wanted.is_empty() || **n == wanted)
        .map(|n| serde_json::json!({ "phone_number": n, "account_sid": sid, "sid": format!("PN{:032}", 1) }))
        .collect();
    (
        StatusCode::OK,
        serde_json::json!({ "incoming_phone_numbers": found }).to_string(),
    )
}

/// A Messaging Service (`GET /v1/Services/{sid}`): only its own account may read it.
async fn twilio_service(Path(service): Path<String>, headers: HeaderMap) -> (StatusCode, String) {
    match twilio_caller(&headers) {
        Some((sid, _, own)) if own == service => (
            StatusCode::OK,
            serde_json::json!({ "sid": service, "account_sid": sid, "friendly_name": "Pool" })
                .to_string(),
        ),
        Some(_) => (
            StatusCode::NOT_FOUND,
            r#"{"code":20404,"message":"The requested resource was not found"}"#.into(),
        ),
        None => (
            StatusCode::UNAUTHORIZED,
            r#"{"code":20003,"message":"Authenticate"}"#.into(),
        ),
    }
}

/// The Graph API's account node (`GET /{id}?fields=username`) and the token's own account
/// (`GET /me`), for the connection checks.
async fn graph_account(Path(node): Path<String>, headers: HeaderMap) -> (StatusCode, String) {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (account, username) = if auth == format!("Bearer {GRAPH_TOKEN}") {
        (GRAPH_ACCOUNT, "northstar")
    } else if auth == format!("Bearer {GRAPH_TOKEN_B}") {
        (GRAPH_ACCOUNT_B, "otherbrand")
    } else {
        return (
            StatusCode::BAD_REQUEST,
            r#"{"error":{"message":"Invalid OAuth access token.","code":190}}"#.into(),
        );
    };
    let body = if node == "me" {
        serde_json::json!({ "id": format!("app-scoped-{account}"), "user_id": account, "username": username })
    } else {
        serde_json::json!({ "id": node, "username": username })
    };
    (StatusCode::OK, body.to_string())
}
