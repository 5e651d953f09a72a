//! Benchmark B2: live-update latency and the memory of 1,000 subscribers.
//!
//! Two processes, so the server's memory is measured alone: this program re-runs itself with
//! `--serve` as the server (embedded SurrealKV, the real router and live feed on a loopback port).
//! The server process makes the writes; for each it records when the write started and when a
//! bare `LIVE SELECT` on the same engine saw it (the raw live-query latency). This process holds a
//! browser-protocol websocket client on `/api/live` and records when each change arrived; both
//! use the machine's wall clock, so a write's socket latency is arrival − write start.
//! Then, in a fresh server each time, 1,000 sockets connect in three patterns (all at once, in
//! batches of 100, one by one) and the server's resident memory growth is read from /proc,
//! reported per 1,000 sockets.
//!
//! Usage: bench_b2 [--events N] [--subscribers N]
//! Last line: `BENCH B2 p50_ms=… p99_ms=… raw_p99_ms=… ratio=… mem_1k_mb=<the worst pattern>
//! mem_all_at_once_mb=… mem_batches_mb=… mem_one_by_one_mb=…`

use app::live::LiveEvent;
use futures::StreamExt;
use server::bench_args::{arg, percentile, rss_mb, wall_us};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const PASSWORD: &str = server::bench_rig::PASSWORD;

// ---------------------------------------------------------------- the server process

async fn serve(dir: String) {
    use server::db::exec;
    use server::seed::{seed_workspace, SeedSpec};
    let now = server::clock::Clock::System.now_ms();
    let (db, config) = server::bench_args::fresh_db(&dir, now).await;
    let spec = SeedSpec {
        name: "Bench Agency",
        email_domain: "bench.example",
        password: PASSWORD,
        creators: 30,
        campaigns: 4,
        rng_seed: 7,
    };
    let ws = seed_workspace(&db, &spec, now).await.expect("seed");
    let user = ws.users[0].email.clone();
    let (token, _) = server::auth::sign_in(&db, &user, PASSWORD, None, None, now)
        .await
        .unwrap_or_else(|_| panic!("sign in"));
    let state = server::state::AppState::new(db.clone(), server::clock::Clock::System, config);
    let options = leptos::config::LeptosOptions::builder()
        .output_name("creator-inbox")
        .build();
    let (app, live) = server::http::router_with_live(state, options);
    assert!(live.wait_live(Duration::from_secs(10)).await, "live feed");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });

    // The bare live query the socket path is compared with: same engine, same process.
    let raw_db = db.clone();
    let mut resp = raw_db.query("LIVE SELECT * FROM thread;").await.unwrap();
    let mut raw = resp
        .stream::<surrealdb::Notification<serde_json::Value>>(0)
        .unwrap();

    println!(
        "READY {port} inbox_session={token} {} {}",
        std::process::id(),
        ws.thread_ids[0]
    );
    std::io::stdout().flush().ok();
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = line.unwrap_or_default();
        let mut parts = line.split_whitespace();
        match parts.next() {
            Some("write") => {
                let n: usize = parts.next().and_then(|v| v.parse().ok()).unwrap_or(0);
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    let thread = &ws.thread_ids[i % ws.thread_ids.len()];
                    let start = wall_us();
                    let t0 = std::time::Instant::now();
                    exec(
                        &db,
                        "UPDATE type::record('thread', $t) SET last_snippet = $s;",
                        serde_json::json!({ "t": thread, "s": format!("bench-{i}") }),
                    )
                    .await
                    .expect("write");
                    let raw_ms = loop {
                        let n = raw.next().await.expect("raw stream").expect("raw note");
                        if n.data["last_snippet"] == format!("bench-{i}") {
                            break t0.elapsed().as_secs_f64() * 1000.0;
                        }
                    };
                    out.push(format!("{i}:{start}:{raw_ms:.4}"));
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                println!("WROTE {}", out.join(","));
                std::io::stdout().flush().ok();
            }
            Some("subs") => {
                println!("SUBS {}", live.hub.subscriber_count());
                std::io::stdout().flush().ok();
            }
            _ => break,
        }
    }
}

// ---------------------------------------------------------------- the client process

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(port: u16, cookie: &str, since: Option<i64>) -> (Socket, i64) {
    let q = since.map(|s| format!("?since={s}")).unwrap_or_default();
    let mut req = format!("ws://127.0.0.1:{port}/api/live{q}")
        .into_client_request()
        .unwrap();
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("socket");
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => {
                if let Ok(LiveEvent::Synced { cursor, .. }) = serde_json::from_str(&t) {
                    return (ws, cursor);
                }
            }
            Some(Ok(_)) => {}
            other => panic!("socket ended before synced: {other:?}"),
        }
    }
}

/// The server process this program started, and how to talk to it.
struct Server {
    child: std::process::Child,
    input: std::process::ChildStdin,
    output: BufReader<std::process::ChildStdout>,
    port: u16,
    cookie: String,
    pid: u32,
    dir: std::path::PathBuf,
}

impl Server {
    fn start(name: &str) -> Server {
        let dir = std::env::temp_dir().join(format!("creator-inbox-bench-b2-{name}"));
        let _ = std::fs::remove_dir_all(&dir);
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--serve", &dir.to_string_lossy()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("server process");
        let input = child.stdin.take().unwrap();
        let mut output = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        output.read_line(&mut line).unwrap();
        let ready: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(ready.first(), Some(&"READY"), "server said: {line}");
        Server {
            port: ready[1].parse().unwrap(),
            cookie: ready[2].to_string(),
            pid: ready[3].parse().unwrap(),
            child,
            input,
            output,
            dir,
        }
    }

    /// Sends a command and returns the server's one-line answer.
    fn ask(&mut self, command: &str) -> String {
        writeln!(self.input, "{command}").unwrap();
        let mut line = String::new();
        self.output.read_line(&mut line).unwrap();
        line.trim().to_string()
    }

    fn stop(mut self) {
        writeln!(self.input, "quit").ok();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Write latency: one subscribed socket stamps every arrival with the wall clock.
async fn latency(events: usize) -> (f64, f64, f64) {
    let mut server = Server::start("latency");
    let (mut ws, _) = connect(server.port, &server.cookie, None).await;
    let (arr_tx, mut arr_rx) = tokio::sync::mpsc::unbounded_channel::<(usize, i64)>();
    tokio::spawn(async move {
        while let Some(Ok(frame)) = ws.next().await {
            if let Message::Text(t) = frame {
                let at = wall_us();
                if let Ok(LiveEvent::Thread { thread, .. }) = serde_json::from_str(&t) {
                    if let Some(i) = thread.last_snippet.strip_prefix("bench-") {
                        let _ = arr_tx.send((i.parse().unwrap_or(usize::MAX), at));
                    }
                }
            }
        }
    });
    let answer = server.ask(&format!("write {events}"));
    let body = answer.strip_prefix("WROTE ").expect("write results");
    let mut starts = vec![0i64; events];
    let mut raw = Vec::with_capacity(events);
    for item in body.split(',') {
        let mut f = item.split(':');
        let i: usize = f.next().unwrap().parse().unwrap();
        starts[i] = f.next().unwrap().parse().unwrap();
        raw.push(f.next().unwrap().parse::<f64>().unwrap());
    }
    let mut arrived = vec![None::<i64>; events];
    let mut got = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while got < events {
        match tokio::time::timeout_at(deadline, arr_rx.recv()).await {
            Ok(Some((i, at))) if i < events && arrived[i].is_none() => {
                arrived[i] = Some(at);
                got += 1;
            }
            Ok(Some(_)) => {}
            _ => break,
        }
    }
    assert_eq!(got, events, "every write reached the socket");
    let mut lat: Vec<f64> = arrived
        .iter()
        .zip(&starts)
        .map(|(a, s)| (a.unwrap() - s) as f64 / 1000.0)
        .collect();
    lat.sort_by(|a, b| a.total_cmp(b));
    raw.sort_by(|a, b| a.total_cmp(b));
    let (p50, p99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
    let (raw_p50, raw_p99) = (percentile(&raw, 0.5), percentile(&raw, 0.99));
    println!("events={events} socket p50_ms={p50:.2} p99_ms={p99:.2}; raw live query p50_ms={raw_p50:.2} p99_ms={raw_p99:.2}");
    server.stop();
    (p50, p99, raw_p99)
}

/// How sockets are opened while memory is measured: how many at a time.
const PATTERNS: [(&str, usize); 3] = [
    ("all_at_once", usize::MAX),
    ("batches", 100),
    ("one_by_one", 1),
];

/// A fresh server's resident-memory growth, in MB, for `subscribers` sockets opened `at_a_time`
/// at once. Each socket resumes from a cursor taken before writes, so each connect replays.
async fn memory(name: &str, subscribers: usize, at_a_time: usize) -> f64 {
    let mut server = Server::start(name);
    let (first, cursor) = connect(server.port, &server.cookie, None).await;
    server.ask("write 200");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_mb(server.pid);
    let mapped = server::bench_args::rss_by_mapping(server.pid);
    let mut sockets = Vec::with_capacity(subscribers);
    while sockets.len() < subscribers {
        let n = at_a_time.min(subscribers - sockets.len());
        let (port, cookie) = (server.port, server.cookie.clone());
        let batch =
            futures::future::join_all((0..n).map(|_| connect(port, &cookie, Some(cursor)))).await;
        sockets.extend(batch.into_iter().map(|(ws, _)| ws));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let counted = server.ask("subs");
    let after = rss_mb(server.pid);
    let grown = server::bench_args::grown_mappings(
        &mapped,
        &server::bench_args::rss_by_mapping(server.pid),
        4,
    );
    for (mapping, kb) in grown {
        println!("  pattern={name} grew {kb} kB in {mapping}");
    }
    println!(
        "pattern={name} subscribers={} (server counts: {}) server rss before={before:.1}MB after={after:.1}MB",
        sockets.len(),
        counted.strip_prefix("SUBS ").unwrap_or("?")
    );
    drop((first, sockets));
    server.stop();
    (after - before) * 1000.0 / subscribers as f64
}

async fn run_client(events: usize, subscribers: usize) {
    let (p50, p99, raw_p99) = latency(events).await;
    let mut figures = Vec::new();
    for (name, at_a_time) in PATTERNS {
        figures.push((name, memory(name, subscribers, at_a_time).await));
    }
    let worst = figures.iter().map(|(_, mb)| *mb).fold(0.0, f64::max);
    let each: Vec<String> = figures
        .iter()
        .map(|(name, mb)| format!("mem_{name}_mb={mb:.1}"))
        .collect();
    println!(
        "BENCH B2 p50_ms={p50:.2} p99_ms={p99:.2} raw_p99_ms={raw_p99:.2} ratio={:.2} mem_1k_mb={worst:.1} {}",
        p99 / raw_p99,
        each.join(" ")
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if let Some(i) = args.iter().position(|a| a == "--serve") {
        let dir = args.get(i + 1).cloned().expect("--serve DIR");
        rt.block_on(serve(dir));
    } else {
        rt.block_on(run_client(
            arg("--events", 2000),
            arg("--subscribers", 1000),
        ));
    }
}
