//! Two `server` processes sharing one real SurrealDB server (the `surreal` binary from
//! tools/surreal): a change made through instance 1 reaches a live socket of instance 2. Slower
//! than the other tests and needs that binary, so `.ci/test-all.sh` builds it and runs this with
//! `--ignored`.

use crate::common;

use app::live::LiveEvent;
use common::live_client::connect;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A child process that is killed when the test ends, however it ends.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn surreal_bin() -> PathBuf {
    if let Ok(p) = std::env::var("SURREAL_BIN") {
        return PathBuf::from(p);
    }
    let target = std::env::var("CARGO_TARGET_DIR").map_or_else(
        |_| PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../target"),
        PathBuf::from,
    );
    let bin = target.join("debug/surreal");
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build -p surreal-server` or set SURREAL_BIN",
        bin.display()
    );
    bin
}

/// A minimal HTTP/1.1 exchange (the test needs no more than this).
async fn http(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<(&str, String)>,
) -> (u16, String, String) {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nAccept: application/json\r\n");
    if let Some(c) = cookie {
        req.push_str(&format!("Cookie: {c}\r\n"));
    }
    let (ctype, payload) = body.unwrap_or(("text/plain", String::new()));
    req.push_str(&format!(
        "Content-Type: {ctype}\r\nContent-Length: {}\r\n\r\n{payload}",
        payload.len()
    ));
    stream.write_all(req.as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, head.to_string(), body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// Up to three minutes: a debug build seeding the demo workspace took 43 s on a quiet 2-core
/// machine, and here it seeds through a debug SurrealDB server while the suite runs beside it.
async fn wait_healthy(port: u16, path: &str) {
    for _ in 0..720 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
            && http(port, "GET", path, None, None).await.0 == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("nothing healthy on port {port}{path}");
}

fn instance(db_port: u16, port: u16, seed: bool) -> Proc {
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env("INBOX_DATABASE", format!("ws://127.0.0.1:{db_port}"))
        .env("INBOX_DB_USER", "root")
        .env("INBOX_DB_PASS", "root")
        .env("INBOX_BIND", format!("127.0.0.1:{port}"))
        .env("INBOX_DEV", "1")
        .env("INBOX_SEED_DEMO", if seed { "1" } else { "0" })
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("server process");
    Proc(child)
}

#[tokio::test]
#[ignore = "needs the surreal binary; .ci/test-all.sh runs it"]
async fn a_change_through_one_instance_reaches_a_socket_of_the_other() {
    let db_port = free_port();
    let _db = Proc(
        Command::new(surreal_bin())
            .args(["start", "--bind", &format!("127.0.0.1:{db_port}")])
            .args([
                "--user", "root", "--pass", "root", "--log", "warn", "memory",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("surreal server"),
    );
    wait_healthy(db_port, "/health").await;

    let (p1, p2) = (free_port(), free_port());
    let _one = instance(db_port, p1, true);
    wait_healthy(p1, "/healthz").await;
    let _two = instance(db_port, p2, false);
    wait_healthy(p2, "/healthz").await;

    // A session made on instance 2 is valid on instance 1 too: both read the same database.
    let form = (
        "application/x-www-form-urlencoded",
        "email=dana%40northstar.example&password=creator-inbox-demo".to_string(),
    );
    let (status, head, body) = http(p2, "POST", "/api/sign_in", None, Some(form)).await;
    assert_eq!(status, 200, "sign in: {body}");
    let cookie = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_string();

    let addr2: SocketAddr = format!("127.0.0.1:{p2}").parse().unwrap();
    let mut socket = connect(addr2, &cookie, None).await;

    let json = |v: serde_json::Value| ("application/json", v.to_string());
    let (status, _, body) = http(
        p1,
        "POST",
        "/api/list_threads",
        Some(&cookie),
        Some(json(serde_json::json!({ "filter": {}, "after": null }))),
    )
    .await;
    assert_eq!(status, 200, "list_threads: {body}");
    let page: app::model::InboxPage = serde_json::from_str(&body).expect("a page");
    let thread = page.threads[3].id.clone();
    let text = format!("Written through instance one ({})", std::process::id());
    let (status, _, body) = http(
        p1,
        "POST",
        "/api/post_message",
        Some(&cookie),
        Some(json(
            serde_json::json!({ "thread_id": thread, "kind": "note", "text": text }),
        )),
    )
    .await;
    assert_eq!(status, 200, "post_message: {body}");

    let mut saw_message = false;
    let mut saw_thread = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !(saw_message && saw_thread) {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match socket.next(left).await {
            // Other messages of the thread may change meanwhile (automation deciding the
            // demo's fresh replies after the start): only ours is awaited.
            Some(LiveEvent::Message { thread_id, message })
                if thread_id == thread && message.text == text =>
            {
                saw_message = true;
            }
            Some(LiveEvent::Thread { thread: t, .. }) if t.id == thread => saw_thread = true,
            Some(_) => {}
            None => {
                panic!("instance 2 pushed nothing (message {saw_message}, thread {saw_thread})")
            }
        }
    }
}
