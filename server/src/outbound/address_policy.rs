//! The one outbound-address policy for every address a team enters: the API channel's webhook,
//! a mailbox's IMAP and SMTP servers. A host is resolved here and refused when any address it
//! resolves to is not public (`app::domain::outbound_address::is_public`); the caller then
//! connects to exactly the addresses checked, so a name that resolves differently a moment later
//! (DNS rebinding) is never reached. Webhooks need https and never follow a redirect. Hosts named
//! in `INBOX_OUTBOUND_ALLOW_HOSTS` (tests, on-premise mail) are exempt. Errors are generic: the
//! browser learns that an address was refused, not what it resolved to.

use app::domain::outbound_address::{is_public, WebhookUrl};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// How long resolving a host may take.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The host resolves to an address that is not public.
    NotPublic,
    /// Plain http to a host not named in the setting.
    NotHttps,
    /// The host does not resolve (or not in time).
    Unresolved,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refused::NotPublic => "the address is not a public internet host",
            Refused::NotHttps => "the URL must start with https://",
            Refused::Unresolved => "the host name could not be found",
        })
    }
}

/// Which hosts are exempt from the public-address rule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    named: Vec<String>,
}

impl AddressPolicy {
    /// From `INBOX_OUTBOUND_ALLOW_HOSTS`: host names or IP addresses, separated by commas.
    pub fn parse(list: Option<&str>) -> Result<AddressPolicy, String> {
        let mut named = Vec::new();
        for entry in list.unwrap_or_default().split(',') {
            let host = entry.trim().trim_matches(['[', ']']).to_ascii_lowercase();
            if host.is_empty() {
                continue;
            }
            let ok = host.parse::<IpAddr>().is_ok()
                || host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
            if !ok {
                return Err(format!(
                    "INBOX_OUTBOUND_ALLOW_HOSTS: {host} is not a host name or address"
                ));
            }
            named.push(host);
        }
        Ok(AddressPolicy { named })
    }

    fn names(&self, host: &str) -> bool {
        let host = host.trim_matches(['[', ']']);
        self.named.iter().any(|n| n.eq_ignore_ascii_case(host))
    }

    /// The addresses to connect to for `host:port`: every one public, unless the host is named.
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, Refused> {
        let bare = host.trim_matches(['[', ']']);
        let found: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((bare, port)))
                .await
                .map_err(|_| Refused::Unresolved)?
                .map_err(|_| Refused::Unresolved)?
                .collect(),
        };
        if found.is_empty() {
            return Err(Refused::Unresolved);
        }
        if !self.names(bare) && found.iter().any(|a| !is_public(a.ip())) {
            tracing::warn!(port, "outbound address refused: not a public host");
            return Err(Refused::NotPublic);
        }
        Ok(found)
    }

    /// A webhook's addresses, after its scheme: https unless the host is named.
    pub async fn webhook(&self, url: &WebhookUrl) -> Result<Vec<SocketAddr>, Refused> {
        if !url.https && !self.names(&url.host) {
            return Err(Refused::NotHttps);
        }
        self.resolve(&url.host, url.port).await
    }

    /// An HTTP client that reaches `url`'s host only at the addresses checked, follows no
    /// redirect, and gives up in bounded time.
    pub async fn webhook_client(&self, url: &WebhookUrl) -> Result<reqwest::Client, Refused> {
        let addrs = self.webhook(url).await?;
        let mut b = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .user_agent("creator-inbox");
        if url.host.parse::<IpAddr>().is_err() {
            b = b.resolve_to_addrs(&url.host, &addrs);
        }
        b.build().map_err(|_| Refused::Unresolved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> WebhookUrl {
        app::domain::outbound_address::webhook_url(s)
            .unwrap()
            .unwrap()
    }

    #[tokio::test]
    async fn internal_addresses_are_refused_unless_named() {
        let none = AddressPolicy::default();
        for u in [
            "https://127.0.0.1/x",
            "https://[::ffff:169.254.169.254]/",
            "https://[::1]:8443/",
            "https://10.0.0.7/",
            "https://2130706433/",
            "https://localhost/",
        ] {
            assert_eq!(none.webhook(&url(u)).await, Err(Refused::NotPublic), "{u}");
        }
        assert_eq!(
            none.webhook(&url("http://93.184.215.14/")).await,
            Err(Refused::NotHttps)
        );
        assert_eq!(
            none.webhook(&url("https://93.184.215.14/")).await,
            Ok(vec!["93.184.215.14:443".parse().unwrap()])
        );
        let tests = AddressPolicy::parse(Some(" 127.0.0.1, Localhost ,")).unwrap();
        assert_eq!(
            tests.webhook(&url("http://127.0.0.1:9000/in")).await,
            Ok(vec!["127.0.0.1:9000".parse().unwrap()])
        );
        assert!(tests.resolve("localhost", 25).await.is_ok());
        // Naming one host exempts that host only.
        assert_eq!(
            tests.webhook(&url("https://10.0.0.7/")).await,
            Err(Refused::NotPublic)
        );
        assert!(AddressPolicy::parse(Some("a b")).is_err());
    }
}
