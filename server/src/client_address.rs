//! The client's address for limits that count per address (sign-in throttling): a trusted proxy's
//! header when one is configured (`INBOX_CLIENT_IP_HEADER`, its last entry: the one the nearest
//! proxy added, which a client cannot forge), else the connection's peer. Put on each request as
//! `app::api::backend::ClientAddress` by one router layer.

use app::api::backend::ClientAddress;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};

/// The address a request comes from, if it can be told.
pub fn of(headers: &HeaderMap, peer: Option<SocketAddr>, header: Option<&str>) -> Option<String> {
    let ip: IpAddr = match header {
        Some(name) => headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| !v.is_empty())?
            .parse()
            .ok()?,
        None => peer?.ip(),
    };
    // An IPv4 address mapped into IPv6 is the IPv4 client.
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    Some(ip.to_string())
}

pub async fn layer(State(header): State<Option<String>>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    if let Some(address) = of(req.headers(), peer, header.as_deref()) {
        req.extensions_mut().insert(ClientAddress(address));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn the_nearest_proxys_entry_or_the_peer() {
        let peer: SocketAddr = "10.0.0.2:5123".parse().unwrap();
        let xff = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9")]);
        let cases = [
            (&xff, Some("x-forwarded-for"), Some("203.0.113.9")),
            // Without a configured header the client's own header is ignored.
            (&xff, None, Some("10.0.0.2")),
            (&headers(&[]), Some("x-forwarded-for"), None),
            (
                &headers(&[("x-forwarded-for", "not an address")]),
                Some("x-forwarded-for"),
                None,
            ),
            (
                &headers(&[("x-real-ip", "::ffff:192.0.2.7")]),
                Some("x-real-ip"),
                Some("192.0.2.7"),
            ),
        ];
        for (h, name, want) in cases {
            assert_eq!(of(h, Some(peer), name).as_deref(), want, "{name:?}");
        }
        assert_eq!(of(&headers(&[]), None, None), None);
    }
}
