//! A test harness: the real router over an embedded in-memory SurrealDB holding two seeded
//! workspaces, called over HTTP exactly as the browser calls it.
#![allow(dead_code)]

pub mod live_client;
pub mod mail;
pub mod provider;
pub mod twilio;

use app::api::AppError;
use axum::body::Body;
use axum::Router;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use serde_json::Value;
use server::clock::Clock;
use server::config::Config;
use server::db::{self, Db};
use server::seed::{seed_workspace, SeedSpec, SeededWorkspace};
use server::state::AppState;
use std::collections::HashMap;
use std::sync::Arc;
use tower::ServiceExt;

pub const PASSWORD: &str = "test-password-123";
pub const NOW: i64 = 1_795_442_700_000; // 2026-11-23 14:05 UTC

pub struct Harness {
    pub app: Router,
    pub state: AppState,
    pub live: Arc<server::live::LiveService>,
    pub db: Db,
    pub clock: Clock,
    pub a: SeededWorkspace,
    pub b: SeededWorkspace,
    /// Loopback Twilio and Graph endpoints the server's provider URLs point at (unless a test
    /// passes its own).
    pub providers: provider::Provider,
}

/// The `name=value` of the cookie a response set, if it set one.
pub fn session_cookie(headers: &http::HeaderMap) -> Option<String> {
    let set = headers.get("set-cookie")?.to_str().ok()?;
    set.split(';').next().map(str::to_string)
}

pub fn spec(name: &'static str, domain: &'static str, creators: usize, seed: u64) -> SeedSpec {
    SeedSpec {
        name,
        email_domain: domain,
        password: PASSWORD,
        creators,
        campaigns: 5,
        rng_seed: seed,
    }
}

impl Harness {
    pub async fn new() -> Harness {
        Harness::with_sizes(40, 10).await
    }

    pub async fn with_sizes(a_creators: usize, b_creators: usize) -> Harness {
        Harness::with_config(a_creators, b_creators, &[]).await
    }

    /// A harness whose server reads these extra configuration variables (provider URLs…).
    pub async fn with_config(
        a_creators: usize,
        b_creators: usize,
        extra: &[(&str, &str)],
    ) -> Harness {
        // Server logs go to the failing test's output.
        let _ = tracing_subscriber::fmt()
            .with_env_filter("warn")
            .with_test_writer()
            .try_init();
        let providers = provider::Provider::start().await;
        let base = providers.base_url.as_str();
        let defaults = [
            ("INBOX_DATABASE", "mem://"),
            ("INBOX_DEV", "1"),
            ("INBOX_TWILIO_API_URL", base),
            ("INBOX_TWILIO_MESSAGING_URL", base),
            ("INBOX_GRAPH_API_URL", base),
            // The loopback mail servers and webhook receivers tests run.
            ("INBOX_OUTBOUND_ALLOW_HOSTS", "127.0.0.1,localhost"),
        ];
        // A test's own values come later and win.
        let vars: HashMap<String, String> = defaults
            .iter()
            .chain(extra)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let config = Config::from_vars(&vars).expect("config");
        let db = db::connect(&config).await.expect("connect");
        db::migrations::migrate(&db, NOW).await.expect("migrate");
        let a = seed_workspace(
            &db,
            &spec("Alpha Agency", "alpha.example", a_creators, 1),
            NOW,
        )
        .await
        .expect("seed a");
        let b = seed_workspace(&db, &spec("Beta Brand", "beta.example", b_creators, 2), NOW)
            .await
            .expect("seed b");
        let clock = Clock::manual(NOW);
        let state = AppState::new(db.clone(), clock.clone(), config);
        let options = leptos::config::LeptosOptions::builder()
            .output_name("creator-inbox")
            .build();
        let (app, live) = server::http::router_with_live(state.clone(), options);
        Harness {
            app,
            state,
            live,
            db,
            clock,
            a,
            b,
            providers,
        }
    }

    /// Serves the router on a free local port (for sockets, which need a real connection).
    pub async fn serve(&self) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = self.app.clone();
        tokio::spawn(async move { axum::serve(listener, app).await });
        addr
    }

    /// Any request to the router: `(status, body)`.
    pub async fn request(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> (StatusCode, String) {
        let (status, _, text) = self.send(method, uri, headers, body).await;
        (status, text)
    }

    /// Any request to the router: `(status, response headers, body)`.
    pub async fn send(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> (StatusCode, http::HeaderMap, String) {
        let mut req = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = self
            .app
            .clone()
            .oneshot(req.body(Body::from(body)).expect("request"))
            .await
            .expect("response");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        (status, headers, String::from_utf8_lossy(&bytes).to_string())
    }

    /// Calls a server function. `json` selects the JSON encoding; otherwise the body is form-encoded.
    pub async fn raw(
        &self,
        name: &str,
        cookie: Option<&str>,
        body: String,
        json: bool,
    ) -> (StatusCode, http::HeaderMap, String) {
        let content_type = if json {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        };
        let mut headers = vec![
            ("accept", "application/json"),
            ("content-type", content_type),
        ];
        // An embedded frame's bearer ("Bearer …") rides `Authorization`, anything else is a cookie.
        match cookie {
            Some(b) if b.starts_with("Bearer ") => headers.push(("authorization", b)),
            Some(c) => headers.push(("cookie", c)),
            None => {}
        }
        self.send("POST", &format!("/api/{name}"), &headers, body.into_bytes())
            .await
    }

    pub async fn call<T: DeserializeOwned>(
        &self,
        name: &str,
        cookie: Option<&str>,
        args: Value,
    ) -> Result<T, AppError> {
        let json = matches!(
            name,
            "list_threads"
                | "post_message"
                | "set_stage"
                | "set_assignee"
                | "connect_sms"
                | "connect_instagram"
                | "connect_mailbox"
                | "portal_reply"
                | "test_channel"
                | "test_mailbox"
                | "disconnect_channel"
                | "set_default_channel"
                | "approval_queue"
                | "approve_draft"
                | "approve_drafts"
                | "reject_draft"
                | "escalate_draft"
                | "suggest_reply"
                | "composer_language"
                | "decide_content"
                | "cancel_followup"
                | "correct_intents"
                | "escalate_thread"
                | "edit_draft"
                | "mark_notifications_read"
                | "audit_log"
                | "report"
                | "report_threads"
                | "set_campaign_policy"
                | "set_campaign_followups"
                | "set_reply_timer"
                | "save_language"
                | "snooze_thread"
                | "preview_bulk_message"
                | "count_matching"
                | "create_bulk"
                | "load_bulk"
                | "decide_bulk"
                | "cancel_bulk"
                | "retry_bulk"
                | "campaign_form"
                | "save_campaign"
                | "duplicate_campaign"
                | "set_campaign_status"
                | "save_client"
                | "archive_client"
                | "preview_import"
                | "start_import"
                | "import_status"
                | "list_creators"
                | "enroll_creators"
                | "remove_from_campaign"
                | "creator_profile"
                | "save_creator_profile"
                | "set_creator_consent"
                | "set_enrollment_terms"
                | "invite_member"
                | "revoke_invitation"
                | "set_member_role"
                | "set_member_active"
                | "issue_reset_link"
                | "invitation_info"
                | "accept_invitation"
                | "reset_password"
                | "change_password"
                | "end_sessions"
                | "request_password_reset"
                | "switch_workspace"
                | "sign_up"
                | "create_embed_partner"
                | "rotate_embed_key"
                | "delete_embed_partner"
                | "start_embed"
        );
        let body = if json {
            args.to_string()
        } else {
            let map = args.as_object().cloned().unwrap_or_default();
            map.iter()
                .map(|(k, v)| {
                    format!(
                        "{k}={}",
                        app::domain::filter::encode_component(v.as_str().unwrap_or(&v.to_string()))
                    )
                })
                .collect::<Vec<_>>()
                .join("&")
        };
        let (status, _, text) = self.raw(name, cookie, body, json).await;
        if status.is_success() {
            Ok(serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{name}: cannot read {text}: {e}")))
        } else {
            Err(serde_json::from_str(&text)
                .unwrap_or_else(|_| panic!("{name}: unexpected error body {status} {text}")))
        }
    }

    /// Signs in with the seeded password and returns the `Cookie` header value.
    pub async fn sign_in(&self, email: &str) -> String {
        self.try_sign_in(email, PASSWORD)
            .await
            .unwrap_or_else(|e| panic!("sign in {email}: {e}"))
    }

    /// Signs in with `password`: the `Cookie` header value, or the refusal (status and body).
    pub async fn try_sign_in(&self, email: &str, password: &str) -> Result<String, String> {
        let body = format!(
            "email={}&password={}",
            app::domain::filter::encode_component(email),
            app::domain::filter::encode_component(password)
        );
        let (status, headers, text) = self.raw("sign_in", None, body, false).await;
        if !status.is_success() {
            return Err(format!("{status} {text}"));
        }
        Ok(session_cookie(&headers).expect("session cookie"))
    }

    pub async fn sign_in_as(&self, ws: &SeededWorkspace, role: app::model::Role) -> String {
        self.sign_in(&ws.user(role).email).await
    }

    /// A portal link for `thread` created by a member of workspace `ws`: its token.
    pub async fn portal_token(&self, ws: &SeededWorkspace, thread: &str) -> String {
        let member = self.sign_in_as(ws, app::model::Role::Member).await;
        let link: app::model::PortalLink = self
            .call(
                "create_portal_link",
                Some(&member),
                serde_json::json!({ "thread_id": thread }),
            )
            .await
            .unwrap();
        link.url.rsplit('/').next().unwrap().to_string()
    }

    pub async fn query(&self, sql: &str, vars: Value) -> Vec<Value> {
        let mut resp = db::exec(&self.db, sql, vars).await.expect("query");
        resp.take(0).expect("rows")
    }

    /// A creator of workspace A whose number of campaign threads satisfies `wanted`:
    /// `(creator id, thread ids)`.
    pub async fn creator_in(&self, wanted: impl Fn(usize) -> bool) -> (String, Vec<String>) {
        let rows = self
            .query(
                "SELECT record::id(creator) AS creator, array::group(record::id(id)) AS threads, count() AS n
                 FROM thread WHERE workspace = type::record('workspace', $ws) GROUP BY creator;",
                serde_json::json!({ "ws": self.a.workspace_id }),
            )
            .await;
        let row = rows
            .iter()
            .find(|r| wanted(r["n"].as_u64().unwrap_or(0) as usize))
            .expect("a creator with that many campaigns");
        (
            row["creator"].as_str().unwrap().to_string(),
            serde_json::from_value(row["threads"].clone()).unwrap(),
        )
    }

    pub async fn value(&self, sql: &str, vars: Value) -> Value {
        let mut resp = db::exec(&self.db, sql, vars).await.expect("query");
        resp.take::<Option<Value>>(0)
            .expect("value")
            .unwrap_or(Value::Null)
    }

    /// One page of `list_threads` (the filter as JSON, so tests can also send raw shapes).
    pub async fn page(
        &self,
        cookie: &str,
        filter: Value,
        after: Option<&app::model::Cursor>,
    ) -> app::model::InboxPage {
        self.call(
            "list_threads",
            Some(cookie),
            serde_json::json!({ "filter": filter, "after": after }),
        )
        .await
        .unwrap_or_else(|e| panic!("list_threads {filter}: {e:?}"))
    }

    /// Every page of `list_threads`, following the cursor; each page holds at most 50 threads.
    pub async fn all_pages(&self, cookie: &str, filter: Value) -> Vec<app::model::ThreadSummary> {
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = self.page(cookie, filter.clone(), after.as_ref()).await;
            assert!(page.threads.len() <= 50);
            out.extend(page.threads);
            match page.next {
                Some(c) => after = Some(c),
                None => return out,
            }
        }
    }
}
