//! The load process of R5: starts the server process, signs teammates in, opens the live
//! sessions, sends inbound webhooks open loop with inbox pages, replies and sign-ins mixed in,
//! and counts what arrived.

use super::sessions::{session, SocketLog};
use server::bench_args::{rss_mb, wall_us};
use server::bench_rig::{self, Request, Sender, Via};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Plan {
    pub run: Duration,
    pub rate: usize,
    pub sessions: usize,
    pub workspaces: usize,
}

#[derive(Default)]
pub struct Results {
    pub sent: usize,
    pub redelivered: usize,
    pub acked: usize,
    pub unique: usize,
    pub stored: usize,
    pub lost: usize,
    pub doubled: usize,
    pub errors: usize,
    pub error_kinds: BTreeMap<String, usize>,
    pub ack_ms: Vec<f64>,
    pub push_ms: Vec<f64>,
    pub live_sessions: usize,
    pub missed_deliveries: usize,
    pub reconnects: usize,
    pub resyncs: usize,
    pub pages: usize,
    pub replies: usize,
    pub provider_posts: usize,
    pub sign_ins: usize,
    pub turned_away: usize,
    pub rss_warm_mb: f64,
    pub rss_end_mb: f64,
    pub rss_max_mb: f64,
}

#[derive(serde::Deserialize)]
struct Workspace {
    id: String,
    owner: String,
    users: Vec<String>,
    creators: usize,
    providers: bool,
}

#[derive(serde::Deserialize)]
struct Ready {
    port: u16,
    pid: u32,
    workspaces: Vec<Workspace>,
}

/// What every task records into.
#[derive(Default)]
pub struct Shared {
    errors: Mutex<BTreeMap<String, usize>>,
    ack_ms: Mutex<Vec<f64>>,
    /// Per message index: acknowledged (a 2xx) as a new message.
    acked: Mutex<Vec<bool>>,
    pages: AtomicUsize,
    replies: AtomicUsize,
    /// 503 answers (the server turning webhooks away while busy), each sent again later.
    turned_away: AtomicUsize,
    sign_ins: AtomicUsize,
    pub stopping: AtomicBool,
}

impl Shared {
    pub fn error(&self, kind: impl Into<String>) {
        *self.errors.lock().unwrap().entry(kind.into()).or_default() += 1;
    }
}

/// The providers our sends go to (Twilio, Graph, the platform's webhook for API-channel
/// replies): answers every request as accepted, and counts them. Its base URL.
async fn provider_sink(posted: Arc<AtomicUsize>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(move || {
        posted.fetch_add(1, Ordering::Relaxed);
        async {
            (
                axum::http::StatusCode::CREATED,
                r#"{"sid":"SM00000000000000000000000000000000","status":"queued","message_id":"mid.r5"}"#,
            )
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// Posts `r` and records its acknowledgement (as new message `index`, unless a redelivery). A
/// 503 with `Retry-After` is sent again after that long, as providers do (up to five times); the
/// acknowledgement time runs from the first attempt.
async fn deliver(
    http: reqwest::Client,
    base: String,
    r: Request,
    index: Option<usize>,
    shared: Arc<Shared>,
) {
    let started = Instant::now();
    for _ in 0..6 {
        let mut b = http.post(format!("{base}{}", r.path)).body(r.body.clone());
        for (k, v) in &r.headers {
            b = b.header(*k, v);
        }
        match b.send().await {
            Ok(resp) if resp.status().is_success() => {
                shared
                    .ack_ms
                    .lock()
                    .unwrap()
                    .push(started.elapsed().as_secs_f64() * 1000.0);
                if let Some(i) = index {
                    shared.acked.lock().unwrap()[i] = true;
                }
                return;
            }
            Ok(resp) if resp.status().as_u16() == 503 => {
                shared.turned_away.fetch_add(1, Ordering::Relaxed);
                let wait = resp
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
                    .unwrap_or(5);
                tokio::time::sleep(Duration::from_secs(wait)).await;
            }
            Ok(resp) => return shared.error(format!("webhook {}", resp.status().as_u16())),
            Err(e) if e.is_timeout() => return shared.error("webhook timeout"),
            Err(_) => return shared.error("webhook connection"),
        }
    }
    shared.error("webhook turned away six times");
}

/// Sends `rate` inbound messages a second for `run`, open loop; 1% are redeliveries.
async fn inbound(plan: &Plan, ctx: &Context, shared: Arc<Shared>) -> (usize, usize) {
    let now = server::clock::Clock::System.now_ms();
    let senders: Vec<Sender> = (0..ctx.workspaces.iter().map(|w| w.creators).max().unwrap_or(1))
        .map(bench_rig::sender)
        .collect();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / plan.rate as f64));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let total = (plan.run.as_secs_f64() * plan.rate as f64) as usize;
    shared.acked.lock().unwrap().resize(total, false);
    let mut recent: Vec<Request> = Vec::new();
    let (mut sent, mut redelivered) = (0, 0);
    let mut tasks = Vec::with_capacity(total);
    let mut i = 0;
    while sent + redelivered < total {
        tick.tick().await;
        let (request, index) = if (sent + redelivered) % 100 == 99 && !recent.is_empty() {
            redelivered += 1;
            (recent[redelivered % recent.len()].clone(), None)
        } else {
            let w = &ctx.workspaces[i % ctx.workspaces.len()];
            let via = match (w.providers, (i / ctx.workspaces.len()) % 3) {
                (true, 0) => Via::Sms,
                (true, 1) => Via::Instagram,
                _ => Via::Api,
            };
            let from = &senders[(i * 7919) % w.creators];
            let text = format!(
                "{} {i} {} loving the product, posting Friday",
                ctx.tag,
                wall_us()
            );
            let id = format!("{}{i:08}", ctx.tag.to_lowercase());
            let r = bench_rig::inbound(&ctx.base, &w.id, via, from, &id, &text, now);
            if recent.len() < 64 {
                recent.push(r.clone());
            } else {
                recent[i % 64] = r.clone();
            }
            sent += 1;
            i += 1;
            (r, Some(i - 1))
        };
        tasks.push(tokio::spawn(deliver(
            ctx.http.clone(),
            ctx.base.clone(),
            request,
            index,
            shared.clone(),
        )));
    }
    for t in tasks {
        let _ = t.await;
    }
    shared.acked.lock().unwrap().truncate(sent);
    (sent, redelivered)
}

struct Context {
    http: reqwest::Client,
    base: String,
    tag: String,
    workspaces: Vec<Workspace>,
    /// Signed-in session cookies, by workspace; each workspace's owner's last (replies are
    /// theirs: a viewer may not write).
    cookies: Vec<Vec<String>>,
}

/// Every 100 ms one of: an inbox page (8 in 10), a reply (1 in 10), a sign-in (1 in 10).
async fn mixed(ctx: Arc<Context>, shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let mut n = 0usize;
    let filter = serde_json::to_value(app::domain::filter::InboxFilter::default()).unwrap();
    while !shared.stopping.load(Ordering::Relaxed) {
        tick.tick().await;
        n += 1;
        // Replies only where every creator writes on the API channel (its webhook is ours).
        let w = n % ctx.workspaces.len();
        let cookie = &ctx.cookies[w][n % ctx.cookies[w].len()];
        let owner = ctx.cookies[w].last().unwrap_or(cookie);
        let call = |name: &str, cookie: &str, body: serde_json::Value| {
            ctx.http
                .post(format!("{}/api/{name}", ctx.base))
                .header("cookie", cookie)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
        };
        match n % 10 {
            9 => match bench_rig::sign_in(
                &ctx.http,
                &ctx.base,
                &ctx.workspaces[w].users[n % ctx.workspaces[w].users.len()],
            )
            .await
            {
                Ok(_) => {
                    shared.sign_ins.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => shared.error(e),
            },
            k => {
                let page = call(
                    "list_threads",
                    cookie,
                    serde_json::json!({ "filter": filter, "after": null }),
                )
                .await;
                let page: serde_json::Value = match page {
                    Ok(r) if r.status().is_success() => r.json().await.unwrap_or_default(),
                    Ok(r) => {
                        shared.error(format!("inbox page {}", r.status().as_u16()));
                        continue;
                    }
                    Err(_) => {
                        shared.error("inbox page connection");
                        continue;
                    }
                };
                shared.pages.fetch_add(1, Ordering::Relaxed);
                if k != 8 || ctx.workspaces[w].providers {
                    continue;
                }
                let Some(thread) = page["threads"][n % 20]["id"].as_str() else {
                    continue;
                };
                let body = serde_json::json!({ "thread_id": thread, "kind": "reply",
                    "text": "Thanks! Sending the brief today.", "channel": null });
                match call("post_message", owner, body).await {
                    Ok(r) if r.status().is_success() => {
                        shared.replies.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let said = r.text().await.unwrap_or_default();
                        shared.error(format!(
                            "reply {status}: {}",
                            said.chars().take(120).collect::<String>()
                        ));
                    }
                    Err(_) => shared.error("reply connection"),
                }
            }
        }
    }
}

pub async fn run(plan: &Plan) -> Results {
    let posted = Arc::new(AtomicUsize::new(0));
    let sink = provider_sink(posted.clone()).await;
    let dir = std::env::temp_dir().join("creator-inbox-bench-r5");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--serve",
            &dir.to_string_lossy(),
            &plan.workspaces.to_string(),
            &sink,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("server process");
    let mut child_in = child.stdin.take().unwrap();
    let mut child_out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    child_out.read_line(&mut line).unwrap();
    let ready: Ready =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("server said {line}: {e}"));
    let base = format!("http://127.0.0.1:{}", ready.port);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let shared = Arc::new(Shared::default());
    let mut cookies = Vec::new();
    for w in &ready.workspaces {
        let mut mine = Vec::new();
        for u in w.users.iter().chain([&w.owner]) {
            mine.push(bench_rig::sign_in(&http, &base, u).await.expect("sign in"));
            shared.sign_ins.fetch_add(1, Ordering::Relaxed);
        }
        cookies.push(mine);
    }
    let ctx = Arc::new(Context {
        http,
        base,
        tag: format!("R5x{}", std::process::id()),
        workspaces: ready.workspaces,
        cookies,
    });
    let w_count = ctx.workspaces.len();
    let logs: Vec<(usize, Arc<Mutex<SocketLog>>)> = (0..plan.sessions)
        .map(|s| (s % w_count, Arc::new(Mutex::new(SocketLog::default()))))
        .collect();
    for (s, (w, log)) in logs.iter().enumerate() {
        let cookie = ctx.cookies[*w][(s / w_count) % ctx.cookies[*w].len()].clone();
        tokio::spawn(session(
            ready.port,
            cookie,
            ctx.tag.clone(),
            log.clone(),
            shared.clone(),
        ));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while logs.iter().any(|(_, l)| !l.lock().unwrap().synced) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let pid = ready.pid;
    let rss = Arc::new(Mutex::new(Vec::<(Duration, f64)>::new()));
    let started = Instant::now();
    let sampler = {
        let (rss, shared) = (rss.clone(), shared.clone());
        tokio::spawn(async move {
            while !shared.stopping.load(Ordering::Relaxed) {
                rss.lock().unwrap().push((started.elapsed(), rss_mb(pid)));
                tokio::time::sleep(Duration::from_secs(10)).await;
            }
        })
    };
    let mixer = tokio::spawn(mixed(ctx.clone(), shared.clone()));
    let (sent, redelivered) = inbound(plan, &ctx, shared.clone()).await;
    // Pushes still on their way.
    tokio::time::sleep(Duration::from_secs(5)).await;
    shared.stopping.store(true, Ordering::Relaxed);
    let _ = mixer.await;
    let _ = sampler.await;
    let rss_end = rss_mb(pid);

    writeln!(child_in, "count {}", ctx.tag).unwrap();
    line.clear();
    child_out.read_line(&mut line).unwrap();
    let counted: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
    writeln!(child_in, "quit").ok();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    tally(
        plan,
        &ctx,
        &shared,
        &logs,
        &rss,
        counted,
        (sent, redelivered),
        rss_end,
        &posted,
    )
}

#[allow(clippy::too_many_arguments)]
fn tally(
    plan: &Plan,
    ctx: &Context,
    shared: &Shared,
    logs: &[(usize, Arc<Mutex<SocketLog>>)],
    rss: &Mutex<Vec<(Duration, f64)>>,
    counted: serde_json::Value,
    (sent, redelivered): (usize, usize),
    rss_end: f64,
    posted: &AtomicUsize,
) -> Results {
    let acked = shared.acked.lock().unwrap().clone();
    let unique = acked.iter().filter(|a| **a).count();
    let stored = counted["n"].as_u64().unwrap_or(0) as usize;
    let ids = counted["ids"].as_u64().unwrap_or(0) as usize;
    let mut r = Results {
        sent,
        redelivered,
        acked: unique,
        unique,
        stored,
        lost: unique.saturating_sub(ids),
        doubled: stored.saturating_sub(ids),
        ack_ms: shared.ack_ms.lock().unwrap().clone(),
        pages: shared.pages.load(Ordering::Relaxed),
        replies: shared.replies.load(Ordering::Relaxed),
        provider_posts: posted.load(Ordering::Relaxed),
        sign_ins: shared.sign_ins.load(Ordering::Relaxed),
        turned_away: shared.turned_away.load(Ordering::Relaxed),
        error_kinds: shared.errors.lock().unwrap().clone(),
        ..Results::default()
    };
    let w_count = ctx.workspaces.len();
    for (w, log) in logs {
        let log = log.lock().unwrap();
        r.live_sessions += usize::from(log.synced && log.reconnects == 0);
        r.reconnects += log.reconnects;
        r.resyncs += log.resyncs;
        for (i, was_acked) in acked.iter().enumerate() {
            if !*was_acked || i % w_count != *w {
                continue;
            }
            match log.first.get(i).filter(|v| !v.is_nan()) {
                Some(ms) => r.push_ms.push(f64::from(*ms)),
                None => r.missed_deliveries += 1,
            }
        }
    }
    r.errors = r.error_kinds.values().sum::<usize>() + r.lost + r.doubled;
    let samples = rss.lock().unwrap();
    let warm_at = plan.run / 4;
    r.rss_warm_mb = samples
        .iter()
        .find(|(t, _)| *t >= warm_at)
        .map_or(rss_end, |(_, mb)| *mb);
    r.rss_end_mb = rss_end;
    r.rss_max_mb = samples.iter().map(|(_, mb)| *mb).fold(rss_end, f64::max);
    r
}
