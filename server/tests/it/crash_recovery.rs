//! A `kill -9` of the server in the middle of a burst of signed webhooks, with senders that retry
//! like the providers do (any connection error or 5xx is retried with backoff until the webhook
//! is acknowledged): after a restart on the same SurrealKV files every message is stored exactly
//! once — nothing acknowledged is lost, nothing retried is doubled.

use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const SECRET: &str = "crash-test-server-secret-0123456789abcdef";
const BURST: usize = 240;

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(dir: &std::path::Path, port: u16) -> Proc {
    Proc(
        Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("serve")
            .env(
                "INBOX_DATABASE",
                format!("surrealkv://{}", dir.join("inbox.db").display()),
            )
            .env("INBOX_BIND", format!("127.0.0.1:{port}"))
            .env("INBOX_SECRET", SECRET)
            .env("INBOX_SEED_DEMO", "1")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .expect("server process"),
    )
}

/// Up to three minutes: a debug build seeding the demo workspace took 43 s to answer on a quiet
/// 2-core machine, and here the whole test suite runs beside it.
async fn wait_healthy(http: &reqwest::Client, base: &str) {
    for _ in 0..1800 {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not start");
}

async fn sign_in(http: &reqwest::Client, base: &str) -> String {
    let r = http
        .post(format!("{base}/api/sign_in"))
        .header("accept", "application/json")
        .form(&[
            ("email", "dana@northstar.example"),
            ("password", "creator-inbox-demo"),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    crate::common::session_cookie(r.headers()).expect("session cookie")
}

/// Calls a server function: JSON-encoded arguments where the function takes JSON, else a form.
async fn call(http: &reqwest::Client, base: &str, cookie: &str, name: &str, body: Value) -> Value {
    let req = http
        .post(format!("{base}/api/{name}"))
        .header("cookie", cookie)
        .header("accept", "application/json");
    let req = if name == "list_threads" {
        req.json(&body)
    } else {
        let pairs: Vec<(String, String)> = body
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect();
        req.form(&pairs)
    };
    let r = req.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    assert!(status.is_success(), "{name}: {status} {text}");
    serde_json::from_str(&text).unwrap()
}

/// Posts one webhook until it is acknowledged, retrying like a provider: connection errors and
/// 5xx answers are tried again with backoff; the event id stays the same.
async fn deliver(http: &reqwest::Client, url: &str, key: &str, body: String) -> u16 {
    let mut delay = Duration::from_millis(50);
    loop {
        let ts = (std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs())
        .to_string();
        let sig = server::channels::signature::sign(key, &ts, body.as_bytes());
        let sent = http
            .post(url)
            .header("content-type", "application/json")
            .header("x-inbox-timestamp", &ts)
            .header("x-inbox-signature", sig)
            .body(body.clone())
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => return r.status().as_u16(),
            Ok(r) if r.status().is_server_error() => {}
            Ok(r) => panic!(
                "refused: {} {}",
                r.status(),
                r.text().await.unwrap_or_default()
            ),
            Err(_) => {}
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_millis(800));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kill_9_during_a_webhook_burst_loses_and_doubles_nothing() {
    let dir: PathBuf = std::env::temp_dir().join(format!("inbox-crash-{}", server::ids::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut server = start(&dir, port);
    wait_healthy(&http, &base).await;
    let cookie = sign_in(&http, &base).await;
    let settings = call(&http, &base, &cookie, "api_channel_settings", json!({})).await;
    let (endpoint, key) = (
        settings["endpoint"].as_str().unwrap().to_string(),
        settings["secret"].as_str().unwrap().to_string(),
    );
    // Senders: the demo creators' email addresses.
    let page = call(
        &http,
        &base,
        &cookie,
        "list_threads",
        json!({ "filter": {}, "after": null }),
    )
    .await;
    let mut emails = Vec::new();
    for t in page["threads"].as_array().unwrap().iter().take(12) {
        let d = call(
            &http,
            &base,
            &cookie,
            "get_thread",
            json!({ "thread_id": t["id"] }),
        )
        .await;
        if let Some(e) = d["creator"]["identities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["channel"] == "email")
        {
            emails.push(e["address"].as_str().unwrap().to_string());
        }
    }
    assert!(!emails.is_empty());
    let run = format!("crash-{}", server::ids::new_id());

    let acked = Arc::new(AtomicUsize::new(0));
    let mut senders = Vec::new();
    for w in 0..8 {
        let (http, endpoint, key, emails, run, acked) = (
            http.clone(),
            endpoint.clone(),
            key.clone(),
            emails.clone(),
            run.clone(),
            acked.clone(),
        );
        senders.push(tokio::spawn(async move {
            for i in (w..BURST).step_by(8) {
                let body = json!({
                    "event_id": format!("{run}-{i}"),
                    "creator": { "email": emails[i % emails.len()] },
                    "text": format!("{run} message {i}"),
                })
                .to_string();
                deliver(&http, &endpoint, &key, body).await;
                acked.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    // Mid-burst: SIGKILL (no graceful shutdown), then start again on the same files.
    while acked.load(Ordering::SeqCst) < BURST / 3 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.0.kill().expect("kill -9");
    server.0.wait().unwrap();
    let at_kill = acked.load(Ordering::SeqCst);
    assert!(at_kill < BURST, "the kill came mid-burst");
    drop(server);
    let restarted = start(&dir, port);
    for s in senders {
        s.await.unwrap();
    }
    assert_eq!(acked.load(Ordering::SeqCst), BURST);
    // Every retry after the restart was answered; now read the files directly.
    drop(restarted);
    let vars = std::collections::HashMap::from([
        (
            "INBOX_DATABASE".to_string(),
            format!("surrealkv://{}", dir.join("inbox.db").display()),
        ),
        ("INBOX_SECRET".to_string(), SECRET.to_string()),
    ]);
    let config = server::config::Config::from_vars(&vars).unwrap();
    let db = server::db::connect(&config).await.unwrap();
    let mut resp = server::db::exec(
        &db,
        "SELECT external_id, count() AS n FROM message WHERE string::starts_with(text, $run) GROUP BY external_id;",
        json!({ "run": run }),
    )
    .await
    .unwrap();
    let rows: Vec<Value> = resp.take(0).unwrap();
    assert_eq!(rows.len(), BURST, "every message stored");
    let doubled: Vec<&Value> = rows.iter().filter(|r| r["n"] != json!(1)).collect();
    assert!(doubled.is_empty(), "stored more than once: {doubled:?}");
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
}
