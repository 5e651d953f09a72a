//! Benchmark B4: a bulk message to 10,000 creators picked by an inbox filter (one campaign).
//! First the time to resolve the recipients, route each (consent, channels, the campaign's
//! policy) and store the bulk message with its recipients — from then on it is durable and
//! resumes after a restart (`enqueue_10k_s`); then the time to write every recipient's thread
//! entry and send job (`entries_written_s`, done in the background by the server), on embedded
//! SurrealKV. Then the dispatcher's throughput sending them by SMS to a
//! Twilio Messages API on loopback with the rate limits lifted (`dispatch_per_s`), beside what
//! that endpoint answers when called directly with the same concurrency (`endpoint_per_s`).
//! The dispatch is measured twice: against an endpoint that answers at once (our own ceiling),
//! and against one that answers in 50 ms like a real provider (`dispatch_50ms_per_s` beside
//! `endpoint_50ms_per_s`: whether the endpoint is the limit).
//! Last line: `BENCH B4 enqueue_10k_s=<x> dispatch_per_s=<y> …`.
//!
//! Usage: bench_b4 [--creators N] [--dispatch N]

use app::api::backend::{Caller, Scope};
use app::domain::filter::InboxFilter;
use app::domain::twilio::TwilioConnection;
use app::model::bulk::{BulkCompose, BulkSelection};
use app::model::Role;
use axum::routing::post;
use serde_json::json;
use server::bench_args::arg;
use server::clock::Clock;
use server::config::Config;
use server::db::{self, exec};
use server::outbound::dispatcher::Dispatcher;
use server::state::AppState;
use server::store::bulk;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

const BATCH: usize = 500;
const TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// A Twilio Messages API on loopback: accepts every message (201), after `latency` ms (0: at
/// once; a real provider answers in tens to hundreds of ms).
async fn endpoint(latency: Arc<AtomicU64>) -> (String, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let app = axum::Router::new().route(
        "/2010-04-01/Accounts/{sid}/Messages.json",
        post(move || {
            let (c, latency) = (c.clone(), latency.clone());
            async move {
                let ms = latency.load(Ordering::Relaxed);
                if ms > 0 {
                    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                }
                let n = c.fetch_add(1, Ordering::Relaxed);
                (
                    axum::http::StatusCode::CREATED,
                    axum::Json(json!({ "sid": format!("SM{n:032x}"), "status": "queued" })),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), count)
}

async fn seed(db: &db::Db, creators: usize, now: i64) {
    exec(
        db,
        "CREATE workspace:bench SET name = 'Bench', created_at = $now;
         CREATE user:owner SET email = 'owner@bench.example', name = 'Olive Owner', password_hash = 'x', created_at = $now;
         CREATE membership SET workspace = workspace:bench, user = user:owner, role = 'owner', created_at = $now;
         CREATE client:brand SET workspace = workspace:bench, name = 'Brand', created_at = $now;
         CREATE campaign:launch SET workspace = workspace:bench, client = client:brand, name = 'Launch', platform = 'instagram',
             kind = 'gifting', brief = 'b', creator_guidance = 'g', negotiation_language = 'n', compensation = 'Product',
             deliverables = ['1 Reel'], status = 'active', created_at = $now;
         CREATE campaign:other SET workspace = workspace:bench, client = client:brand, name = 'Other', platform = 'instagram',
             kind = 'gifting', brief = 'b', creator_guidance = 'g', negotiation_language = 'n', compensation = 'Product',
             deliverables = ['1 Reel'], status = 'active', created_at = $now;",
        json!({ "now": now }),
    )
    .await
    .unwrap();
    let mut i = 0;
    while i < creators {
        let n = BATCH.min(creators - i);
        // Every 20th creator has opted out of SMS and has no email: skipped.
        let rows: Vec<serde_json::Value> = (i..i + n)
            .map(|k| json!({ "id": format!("c{k:06}"), "phone": format!("+1512{k:07}"), "out": k % 20 == 0 }))
            .collect();
        exec(
            db,
            "BEGIN TRANSACTION;
             FOR $r IN $rows {
                CREATE type::record('creator', $r.id) SET workspace = workspace:bench, name = 'Creator ' + $r.id,
                    handle = '@' + $r.id, notes = '', search = $r.id, created_at = $now,
                    identities = [{ channel: 'sms', address: $r.phone, consent: IF $r.out THEN 'opted_out' ELSE 'granted' END }];
                CREATE type::record('enrollment', $r.id) SET workspace = workspace:bench, creator = type::record('creator', $r.id),
                    campaign = campaign:launch, stage = 'accepted', agreed_terms = '', next_action = '', created_at = $now, updated_at = $now;
                CREATE type::record('thread', $r.id) SET workspace = workspace:bench, enrollment = type::record('enrollment', $r.id),
                    creator = type::record('creator', $r.id), campaign = campaign:launch, client = client:brand,
                    creator_name = 'Creator ' + $r.id, creator_handle = '@' + $r.id, creator_search = $r.id,
                    campaign_name = 'Launch', client_name = 'Brand', stage = 'accepted', channels = ['sms'], last_at = $now,
                    last_channel = 'sms', last_sender_kind = 'creator', last_sender_name = 'Creator', last_snippet = 'Hi',
                    unread = false, last_inbound_channel = 'sms', last_inbound_at = $now;
             };
             COMMIT TRANSACTION;",
            json!({ "rows": rows, "now": now }),
        )
        .await
        .unwrap();
        i += n;
    }
}

/// The dispatcher's sends in flight (`server::outbound::dispatcher`), used for the probe too.
const SENDS_IN_FLIGHT: usize = 32;

/// What the endpoint answers alone: `n` requests, `SENDS_IN_FLIGHT` at a time.
async fn probe_endpoint(base: &str, n: usize) -> f64 {
    use futures::StreamExt;
    let http = reqwest::Client::new();
    let url = format!(
        "{base}/2010-04-01/Accounts/AC{}/Messages.json",
        "a1".repeat(16)
    );
    let t = Instant::now();
    futures::stream::iter(0..n)
        .map(|_| {
            let (http, url) = (http.clone(), url.clone());
            async move {
                http.post(url)
                    .basic_auth("x", Some("y"))
                    .form(&[("To", "+15125550100"), ("Body", "hello")])
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap()
            }
        })
        .buffer_unordered(SENDS_IN_FLIGHT)
        .collect::<Vec<_>>()
        .await;
    n as f64 / t.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let creators = arg("--creators", 10_000);
    let dispatch = arg("--dispatch", 3_000);
    let dir = std::env::temp_dir().join(format!("bench-b4-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let latency = Arc::new(AtomicU64::new(0));
    let (base, accepted) = endpoint(latency.clone()).await;
    let vars: HashMap<String, String> = [
        (
            "INBOX_DATABASE",
            format!("surrealkv://{}", dir.join("db").display()),
        ),
        ("INBOX_DEV", "1".into()),
        ("INBOX_TWILIO_API_URL", base.clone()),
        ("INBOX_BULK_SMS_PER_MINUTE", "0".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let config = Config::from_vars(&vars).unwrap();
    let db = db::connect(&config).await.unwrap();
    let now = 1_795_442_700_000;
    db::migrations::migrate(&db, now).await.unwrap();
    let started = Instant::now();
    seed(&db, creators, now).await;
    eprintln!(
        "seeded {creators} creators and threads in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    server::store::sms_accounts::connect(
        &db,
        "bench",
        &config.server_secret,
        &server::store::Target {
            id: None,
            label: "Bench SMS".into(),
            actor: "bench-owner".into(),
        },
        &TwilioConnection {
            account_sid: format!("AC{}", "a1".repeat(16)),
            auth_token: TOKEN.into(),
            numbers: vec!["+14155550100".into()],
            messaging_service_sid: None,
        },
        now,
    )
    .await
    .map_err(|_| "connect")
    .unwrap();
    let clock = Clock::manual(now + 60_000);
    let state = AppState::new(db.clone(), clock.clone(), config);
    let caller = Caller {
        user_id: "owner".into(),
        workspace_id: "bench".into(),
        role: Role::Owner,
        scope: Scope::Workspace,
    };
    let selection = BulkSelection::Filter(InboxFilter {
        campaign: Some("launch".into()),
        ..Default::default()
    });
    let compose = BulkCompose {
        subject: String::new(),
        body: "Hi {{first_name}}, your {{brand}} package for {{campaign}} ships this week.".into(),
    };

    // 1. Resolve, route, apply the policy, write every entry and send job.
    let t0 = Instant::now();
    let req = bulk::BulkRequest {
        selection: &selection,
        compose: &compose,
        schedule_at: None,
    };
    let created = bulk::create(&db, &caller, req, clock.now_ms())
        .await
        .map_err(|_| "create")
        .unwrap();
    let enqueue_s = t0.elapsed().as_secs_f64();
    assert!(created.due);
    let t_write = Instant::now();
    let written = server::bulk_sends::enqueue_bulk(&state, &created.id)
        .await
        .unwrap()
        .expect("written");
    let write_s = t_write.elapsed().as_secs_f64();
    println!(
        "enqueue: {creators} selected, resolved, routed and checked against the policy; the bulk message stored with its {} recipients in {enqueue_s:.2}s",
        created.recipients
    );
    println!(
        "entries: {} thread entries and send jobs written in {write_s:.2}s ({:.0}/s), {} skipped",
        written.messages,
        written.messages as f64 / write_s,
        written.skipped
    );

    // 2. Dispatch against an endpoint that answers at once (the stress case), then against one
    // that answers in 50 ms like a real provider; each beside the endpoint alone.
    let phase = |n: usize| {
        let (state, accepted, base) = (state.clone(), accepted.clone(), base.clone());
        async move {
            let endpoint_per_s = probe_endpoint(&base, n.min(2_000)).await;
            let before = accepted.load(Ordering::Relaxed);
            let d = Dispatcher::new(state);
            let t = Instant::now();
            let mut sent = 0;
            while sent < n {
                let pass = d.run_once().await.unwrap();
                if pass.total() == 0 {
                    break;
                }
                sent += pass.sent;
            }
            let secs = t.elapsed().as_secs_f64();
            assert_eq!(accepted.load(Ordering::Relaxed) - before, sent);
            (sent, secs, sent as f64 / secs, endpoint_per_s)
        }
    };
    let (sent, secs, dispatch_per_s, endpoint_per_s) = phase(dispatch).await;
    println!(
        "dispatch, endpoint answering at once: {sent} SMS in {secs:.2}s ({dispatch_per_s:.0}/s); the endpoint alone answers {endpoint_per_s:.0}/s at the same concurrency ({SENDS_IN_FLIGHT})"
    );
    latency.store(50, Ordering::Relaxed);
    let (sent, secs, slow_per_s, slow_endpoint_per_s) = phase(dispatch / 2).await;
    println!(
        "dispatch, endpoint answering in 50 ms: {sent} SMS in {secs:.2}s ({slow_per_s:.0}/s); the endpoint alone answers {slow_endpoint_per_s:.0}/s at the same concurrency ({:.0}%)",
        100.0 * slow_per_s / slow_endpoint_per_s
    );
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "BENCH B4 enqueue_10k_s={enqueue_s:.2} dispatch_per_s={dispatch_per_s:.0} endpoint_per_s={endpoint_per_s:.0} dispatch_50ms_per_s={slow_per_s:.0} endpoint_50ms_per_s={slow_endpoint_per_s:.0} entries_written_s={write_s:.2}"
    );
}
