//! A live-socket client speaking the browser's protocol (JSON text frames over a websocket).

use app::live::LiveEvent;
use futures::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub struct LiveClient {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// The cursor from the last `synced`.
    pub cursor: i64,
    /// What the replay before `synced` carried.
    pub replayed: Vec<LiveEvent>,
    /// The last frame's text as it came over the wire.
    pub last_frame: String,
}

/// Opens `/api/live` with a session cookie; returns the HTTP status when the server refuses.
pub async fn try_connect(
    addr: SocketAddr,
    cookie: Option<&str>,
    origin: Option<&str>,
    since: Option<i64>,
) -> Result<LiveClient, u16> {
    let query = since.map(|s| format!("?since={s}")).unwrap_or_default();
    try_connect_at(
        addr,
        &format!("{}{query}", app::live::LIVE_PATH),
        cookie,
        origin,
    )
    .await
}

/// Opens a live socket at `path` (with its query): the inbox's or a portal's.
pub async fn try_connect_at(
    addr: SocketAddr,
    path: &str,
    cookie: Option<&str>,
    origin: Option<&str>,
) -> Result<LiveClient, u16> {
    let mut req = format!("ws://{addr}{path}")
        .into_client_request()
        .expect("request");
    if let Some(c) = cookie {
        req.headers_mut().insert("cookie", c.parse().unwrap());
    }
    if let Some(o) = origin {
        req.headers_mut().insert("origin", o.parse().unwrap());
    }
    let (ws, _) = upgrade(req).await?;
    Ok(until_synced(ws).await)
}

/// Opens `/api/live` as an embedded frame does: its bearer offered as a subprotocol beside
/// `inbox-live`, no cookie; returns the HTTP status when the server refuses.
pub async fn try_connect_bearer(addr: SocketAddr, bearer: &str) -> Result<LiveClient, u16> {
    let mut req = format!("ws://{addr}{}", app::live::LIVE_PATH)
        .into_client_request()
        .expect("request");
    let offered = format!("{}, bearer.{bearer}", app::live::LIVE_PROTOCOL);
    req.headers_mut()
        .insert("sec-websocket-protocol", offered.parse().unwrap());
    let (ws, resp) = upgrade(req).await?;
    assert_eq!(
        resp.headers().get("sec-websocket-protocol").unwrap(),
        app::live::LIVE_PROTOCOL
    );
    Ok(until_synced(ws).await)
}

/// Sends the upgrade request: the socket and the server's answer, or the HTTP status it refused
/// the socket with.
async fn upgrade(
    req: tokio_tungstenite::tungstenite::handshake::client::Request,
) -> Result<
    (
        WebSocketStream<MaybeTlsStream<TcpStream>>,
        tokio_tungstenite::tungstenite::handshake::client::Response,
    ),
    u16,
> {
    match tokio_tungstenite::connect_async(req).await {
        Ok(opened) => Ok(opened),
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
        Err(e) => panic!("connect: {e}"),
    }
}

/// Reads the replay up to `synced`: the client, at the cursor it names.
async fn until_synced(ws: WebSocketStream<MaybeTlsStream<TcpStream>>) -> LiveClient {
    let mut client = LiveClient {
        ws,
        cursor: 0,
        replayed: Vec::new(),
        last_frame: String::new(),
    };
    loop {
        match client.next(Duration::from_secs(10)).await {
            Some(LiveEvent::Synced { cursor, .. }) => {
                client.cursor = cursor;
                return client;
            }
            Some(other) => client.replayed.push(other),
            None => panic!("socket closed before synced"),
        }
    }
}

pub async fn connect(addr: SocketAddr, cookie: &str, since: Option<i64>) -> LiveClient {
    try_connect(addr, Some(cookie), None, since)
        .await
        .expect("live socket")
}

impl LiveClient {
    /// The next event, or `None` on timeout or close.
    pub async fn next(&mut self, within: Duration) -> Option<LiveEvent> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .ok()??;
            match frame.ok()? {
                Message::Text(t) => {
                    self.last_frame = t.to_string();
                    return Some(serde_json::from_str(&t).expect("a live event"));
                }
                Message::Close(_) => return None,
                _ => {}
            }
        }
    }

    /// Every event that arrives within `window`.
    pub async fn drain(&mut self, window: Duration) -> Vec<LiveEvent> {
        let deadline = tokio::time::Instant::now() + window;
        let mut out = Vec::new();
        while let Some(e) = self
            .next(deadline.saturating_duration_since(tokio::time::Instant::now()))
            .await
        {
            out.push(e);
        }
        out
    }

    /// The close code the server ends the socket with, waiting up to `within` (events before it
    /// are skipped); `None` when it stays open or ends without a code.
    pub async fn close_code(&mut self, within: Duration) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .ok()??;
            if let Message::Close(close) = frame.ok()? {
                return close.map(|c| u16::from(c.code));
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.ws.send(Message::Close(None)).await;
    }
}
