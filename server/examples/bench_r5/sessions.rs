//! The live sessions of R5: each holds a socket as a browser does and records when each of our
//! messages first reached it.

use app::live::LiveEvent;
use futures::StreamExt;
use server::bench_args::wall_us;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use super::load::Shared;

/// One live session: when each message of its workspace first arrived.
#[derive(Default)]
pub struct SocketLog {
    pub synced: bool,
    /// Times the server closed the socket (it fell behind) and it connected again.
    pub reconnects: usize,
    /// Replays too long to carry: the browser would read its views again.
    pub resyncs: usize,
    /// By message index: the push latency in ms (first arrival), NaN while not arrived.
    pub first: Vec<f32>,
}

/// A live session as a browser holds one: connects, records when each message tagged `tag`
/// first arrives (live or replayed), keeps its cursor from the events it sees, and when the
/// server closes it (it fell behind) reconnects a second later from that cursor.
pub async fn session(
    port: u16,
    cookie: String,
    tag: String,
    log: Arc<Mutex<SocketLog>>,
    shared: Arc<Shared>,
) {
    let marker = format!("{tag} ");
    let mut since: Option<i64> = None;
    while !shared.stopping.load(Ordering::Relaxed) {
        let q = since.map(|s| format!("?since={s}")).unwrap_or_default();
        let mut req = format!("ws://127.0.0.1:{port}/api/live{q}")
            .into_client_request()
            .unwrap();
        req.headers_mut().insert("cookie", cookie.parse().unwrap());
        match tokio_tungstenite::connect_async(req).await {
            Ok((mut ws, _)) => {
                while let Some(Ok(frame)) = ws.next().await {
                    if let Message::Text(t) = frame {
                        let at = wall_us();
                        since = arrived(&t, at, &marker, &log).max(since);
                    }
                }
            }
            Err(_) => shared.error("socket connect"),
        }
        if shared.stopping.load(Ordering::Relaxed) {
            break;
        }
        log.lock().unwrap().reconnects += 1;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Records one frame: a message of ours (its first arrival), or the replay's end. Returns the
/// cursor the frame moves the session to.
fn arrived(frame: &str, at: i64, marker: &str, log: &Mutex<SocketLog>) -> Option<i64> {
    let Ok(event) = serde_json::from_str::<LiveEvent>(frame) else {
        return None;
    };
    match &event {
        LiveEvent::Synced { .. } => log.lock().unwrap().synced = true,
        LiveEvent::Resync { .. } => log.lock().unwrap().resyncs += 1,
        LiveEvent::Message { message, .. } => {
            // The text is "<tag> <index> <sent µs> …".
            let mut words = message
                .text
                .strip_prefix(marker)
                .unwrap_or_default()
                .split(' ');
            if let (Some(Ok(i)), Some(Ok(sent))) = (
                words.next().map(str::parse::<usize>),
                words.next().map(str::parse::<i64>),
            ) {
                let mut log = log.lock().unwrap();
                if log.first.len() <= i {
                    log.first.resize(i + 1, f32::NAN);
                }
                if log.first[i].is_nan() {
                    log.first[i] = (at - sent) as f32 / 1000.0;
                }
            }
        }
        _ => {}
    }
    event.version()
}
