//! Configuration from the environment, optionally from a `KEY=VALUE` file first
//! (`--config FILE` or `INBOX_CONFIG`); the environment wins. Secrets are never printed.

use std::collections::HashMap;
use std::net::SocketAddr;

#[derive(Clone, PartialEq)]
pub enum DbTarget {
    /// Embedded SurrealKV files at this path.
    SurrealKv(String),
    /// Embedded, in memory (tests, throwaway demos).
    Memory,
    /// A remote SurrealDB server (`ws://host:port`).
    Remote {
        url: String,
        user: String,
        password: String,
    },
}

#[derive(Clone)]
pub struct Config {
    pub db: DbTarget,
    pub namespace: String,
    pub database: String,
    pub bind: SocketAddr,
    pub public_url: String,
    pub server_secret: String,
    pub seed_demo: bool,
    /// Twilio's REST API base (`https://api.twilio.com`); tests point it at a local endpoint.
    pub twilio_api_url: String,
    /// Twilio's Messaging Services API base (`https://messaging.twilio.com`), where connecting
    /// checks a Messaging Service belongs to the account; tests point it at a local endpoint.
    pub twilio_messaging_url: String,
    /// The Meta app behind Instagram messaging: its secret signs webhooks; the verify token
    /// answers the subscription handshake. Instagram is off without both.
    pub meta_app_secret: Option<String>,
    pub meta_verify_token: Option<String>,
    /// The Graph API base for sending DMs (`https://graph.instagram.com/v21.0`).
    pub graph_api_url: String,
    /// An OpenAI-compatible chat-completions endpoint that classifies and drafts in addition to
    /// the built-in rules. Off when absent.
    pub model: Option<ModelProvider>,
    /// Bulk messages go out at most this many per minute per channel (0: no limit).
    pub bulk_rates: BulkRates,
    /// How often a live socket pings its browser and re-checks its session (a signed-out or
    /// deactivated person's socket ends at the next one).
    pub live_ping: std::time::Duration,
    /// How long a send to a provider (Twilio, Graph, an SMTP server) may take before it counts as
    /// unanswered (`INBOX_PROVIDER_TIMEOUT_SECS`, default 20).
    pub provider_timeout: std::time::Duration,
    /// A server-wide SMTP relay for account emails (invitations, password resets) in workspaces
    /// without a connected mailbox.
    pub smtp_relay: Option<SmtpRelay>,
    /// `INBOX_SIGNUP=open`: anyone may create a workspace at `/signup` (off by default).
    pub signup_open: bool,
    /// `INBOX_CLIENT_IP_HEADER`: the header a trusted proxy in front names the client's address in
    /// (its last entry, the one the nearest proxy added); without it, the connection's peer.
    pub client_ip_header: Option<String>,
    /// Where the server may connect for a team (webhooks, IMAP, SMTP): public addresses, and the
    /// hosts `INBOX_OUTBOUND_ALLOW_HOSTS` names (tests, on-premise mail).
    pub outbound: crate::outbound::address_policy::AddressPolicy,
}

/// The longest `INBOX_PROVIDER_TIMEOUT_SECS`: ten seconds inside a send job's lease.
pub const PROVIDER_TIMEOUT_MAX_SECS: u64 = (crate::store::jobs::LEASE_MS / 1000) as u64 - 10;

/// `INBOX_SMTP_URL` (`smtp://`, `smtp://…?tls=required`, `smtps://`, with `user:password@`) and
/// the address it sends as (`INBOX_MAIL_FROM`).
#[derive(Clone)]
pub struct SmtpRelay {
    pub url: String,
    pub from: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BulkRates {
    /// SMTP servers throttle senders; 120 a minute suits most hosted mailboxes.
    pub email_per_minute: u32,
    /// A Twilio long code sends one segment a second.
    pub sms_per_minute: u32,
    pub api_per_minute: u32,
}

impl BulkRates {
    pub fn per_minute(&self, channel: app::model::Channel) -> u32 {
        match channel {
            app::model::Channel::Email => self.email_per_minute,
            app::model::Channel::Sms => self.sms_per_minute,
            app::model::Channel::Api => self.api_per_minute,
            _ => 0,
        }
    }
}

#[derive(Clone, PartialEq)]
pub struct ModelProvider {
    /// The API base; requests go to `{url}/chat/completions`.
    pub url: String,
    pub model: String,
    pub key: Option<String>,
}

/// Where the database is, never its password.
impl std::fmt::Debug for DbTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbTarget::SurrealKv(p) => write!(f, "surrealkv://{p}"),
            DbTarget::Memory => f.write_str("mem://"),
            DbTarget::Remote { url, user, .. } => {
                write!(f, "{url} (user {user}, password hidden)")
            }
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("db", &self.db)
            .field("namespace", &self.namespace)
            .field("database", &self.database)
            .field("bind", &self.bind)
            .field("public_url", &self.public_url)
            .field("server_secret", &"<hidden>")
            .field("seed_demo", &self.seed_demo)
            .field("twilio_api_url", &self.twilio_api_url)
            .field("twilio_messaging_url", &self.twilio_messaging_url)
            .field(
                "smtp_relay",
                &self
                    .smtp_relay
                    .as_ref()
                    .map(|r| format!("<hidden>, from {}", r.from)),
            )
            .field(
                "meta_app_secret",
                &self.meta_app_secret.as_ref().map(|_| "<hidden>"),
            )
            .field(
                "meta_verify_token",
                &self.meta_verify_token.as_ref().map(|_| "<hidden>"),
            )
            .field("graph_api_url", &self.graph_api_url)
            .field("bulk_rates", &self.bulk_rates)
            .field(
                "model",
                &self
                    .model
                    .as_ref()
                    .map(|m| format!("{} at {} (key hidden)", m.model, m.url)),
            )
            .finish()
    }
}

pub const HELP_VARS: &str = "\
Configuration (environment variables, or KEY=VALUE lines in --config FILE / INBOX_CONFIG):
  INBOX_DATABASE     surrealkv://PATH (default surrealkv://data/inbox.db), mem://, or ws://HOST:PORT
  INBOX_DB_USER      user for a ws:// server (default root)
  INBOX_DB_PASS      password for a ws:// server (default root)
  INBOX_NAMESPACE    SurrealDB namespace (default inbox)
  INBOX_DB_NAME      SurrealDB database (default main)
  INBOX_BIND         address to listen on (default 127.0.0.1:3000)
  INBOX_PUBLIC_URL   the URL people and webhooks reach (default http://BIND); https makes cookies Secure
  INBOX_SECRET       server secret (at least 32 random characters; required unless INBOX_DEV=1)
  INBOX_DEV          1 allows a generated development secret
  INBOX_SEED_DEMO    1 seeds the demo workspace on first start when the database is empty
  INBOX_TWILIO_API_URL  Twilio's REST API base for outbound SMS (default https://api.twilio.com)
  INBOX_META_APP_SECRET   the Meta app's secret (Instagram webhooks are signed with it)
  INBOX_META_VERIFY_TOKEN the verify token entered in the Meta app's webhook settings
  INBOX_GRAPH_API_URL     Graph API base for Instagram DMs (default https://graph.instagram.com/v21.0)
  INBOX_MODEL_URL    an OpenAI-compatible API base (…/v1) that classifies and drafts besides the rules
  INBOX_MODEL_NAME   the model to ask (required with INBOX_MODEL_URL)
  INBOX_MODEL_KEY    its API key (sent as a bearer token; never logged)
  INBOX_INTENT_MODEL weights for the learned intent model (from `server train-classifier`) instead of
                     the built-in app/data/intent_model.txt
  INBOX_LIVE_PING_SECS  how often live sockets ping and re-check their session (default 20)
  INBOX_PROVIDER_TIMEOUT_SECS  how long a provider (Twilio, Graph, SMTP) may take to answer a
                     send (default 20, at most 50: a send ends inside its job's lease)
  INBOX_SMTP_URL     a mail relay for invitations and password resets where no mailbox is connected
                     (smtp://user:password@host:port, add ?tls=required for STARTTLS, or smtps://)
  INBOX_MAIL_FROM    the address those emails come from (required with INBOX_SMTP_URL)
  INBOX_SIGNUP       open: anyone may create a workspace at /signup (default closed)
  INBOX_CLIENT_IP_HEADER  behind a proxy, the header it names the client's address in (for example
                     x-forwarded-for; its last entry is used); default: the connection's peer";

/// The least a server secret must carry by `secret_bits`.
pub const MIN_SECRET_BITS: f64 = 100.0;

/// A smell test for a secret, not a measure of its randomness: the length of its shortest
/// repeating unit (the whole secret unless it repeats itself, like `abcabcabc…`) times the
/// Shannon entropy of that unit's characters, in bits. A repeated character, word or pattern
/// scores low; 32 random bytes as hex or base64 score 150 and more.
pub fn secret_bits(secret: &str) -> f64 {
    let chars: Vec<char> = secret.chars().collect();
    let period = (1..=chars.len() / 2)
        .find(|&p| chars[p..] == chars[..chars.len() - p])
        .unwrap_or(chars.len());
    let unit = &chars[..period];
    let mut counts: HashMap<char, usize> = HashMap::new();
    for c in unit {
        *counts.entry(*c).or_default() += 1;
    }
    let n = unit.len() as f64;
    let per_char: f64 = counts
        .values()
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum();
    per_char * n
}

fn parse_file(text: &str) -> Result<HashMap<String, String>, String> {
    let mut map = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (k, v) = line
            .split_once('=')
            .ok_or_else(|| format!("config line {} is not KEY=VALUE", n + 1))?;
        map.insert(k.trim().to_string(), v.trim().trim_matches('"').to_string());
    }
    Ok(map)
}

/// A provider base URL from the configuration: http(s), no trailing slash.
fn base_url(key: &str, value: Option<&str>) -> Result<Option<String>, String> {
    match value {
        None => Ok(None),
        Some(v) if v.starts_with("https://") || v.starts_with("http://") => {
            Ok(Some(v.trim_end_matches('/').to_string()))
        }
        Some(_) => Err(format!("{key} must start with http:// or https://")),
    }
}

impl Config {
    /// Reads the configuration: file values first, then the environment over them.
    pub fn load(file: Option<&str>) -> Result<Config, String> {
        let mut vars = match file
            .map(str::to_string)
            .or_else(|| std::env::var("INBOX_CONFIG").ok())
        {
            Some(path) => parse_file(
                &std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?,
            )?,
            None => HashMap::new(),
        };
        for (k, v) in std::env::vars() {
            if k.starts_with("INBOX_") {
                vars.insert(k, v);
            }
        }
        Config::from_vars(&vars)
    }

    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Config, String> {
        let get = |k: &str| vars.get(k).map(String::as_str).filter(|v| !v.is_empty());
        let db_url = get("INBOX_DATABASE").unwrap_or("surrealkv://data/inbox.db");
        let db = if db_url == "mem://" || db_url == "memory" {
            DbTarget::Memory
        } else if let Some(path) = db_url.strip_prefix("surrealkv://") {
            if path.is_empty() {
                return Err("INBOX_DATABASE surrealkv:// needs a path".into());
            }
            DbTarget::SurrealKv(path.to_string())
        } else if db_url.starts_with("ws://") || db_url.starts_with("wss://") {
            DbTarget::Remote {
                url: db_url.to_string(),
                user: get("INBOX_DB_USER").unwrap_or("root").to_string(),
                password: get("INBOX_DB_PASS").unwrap_or("root").to_string(),
            }
        } else {
            return Err(format!(
                "INBOX_DATABASE must be surrealkv://PATH, mem:// or ws://HOST:PORT, not {db_url}"
            ));
        };
        let bind: SocketAddr = get("INBOX_BIND")
            .unwrap_or("127.0.0.1:3000")
            .parse()
            .map_err(|e| format!("INBOX_BIND is not an address: {e}"))?;
        let public_url = get("INBOX_PUBLIC_URL")
            .map(str::to_string)
            .unwrap_or_else(|| format!("http://{bind}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err("INBOX_PUBLIC_URL must start with http:// or https://".into());
        }
        let dev = get("INBOX_DEV") == Some("1");
        let server_secret =
            match get("INBOX_SECRET") {
                Some(s) if s.len() >= 32 && secret_bits(s) >= MIN_SECRET_BITS => s.to_string(),
                Some(s) if s.len() >= 32 => {
                    return Err(
                        "INBOX_SECRET is too predictable (repeated or few different characters); \
                     use a random one, e.g. `head -c 32 /dev/urandom | base64`"
                            .into(),
                    )
                }
                Some(_) => return Err("INBOX_SECRET must be at least 32 characters".into()),
                None if dev => crate::ids::new_secret(),
                None => return Err(
                    "INBOX_SECRET is required (or INBOX_DEV=1 for a generated development secret)"
                        .into(),
                ),
            };
        let rate = |k: &str, default: u32| -> Result<u32, String> {
            get(k).map_or(Ok(default), |v| {
                v.parse::<u32>().map_err(|_| {
                    format!("{k} must be a whole number of messages per minute (0: no limit)")
                })
            })
        };
        let bulk_rates = BulkRates {
            email_per_minute: rate("INBOX_BULK_EMAIL_PER_MINUTE", 120)?,
            sms_per_minute: rate("INBOX_BULK_SMS_PER_MINUTE", 60)?,
            api_per_minute: rate("INBOX_BULK_API_PER_MINUTE", 600)?,
        };
        // A whole number of seconds from 1 to `max`, else `default`.
        let seconds = |k: &str, default: u64, max: u64| -> Result<u64, String> {
            get(k).map_or(Ok(default), |v| {
                v.parse::<u64>()
                    .ok()
                    .filter(|s| (1..=max).contains(s))
                    .ok_or_else(|| format!("{k} must be a whole number of seconds from 1 to {max}"))
            })
        };
        let live_ping = seconds("INBOX_LIVE_PING_SECS", 20, 300)?;
        // A send must end inside its job's lease, or another worker takes it as interrupted.
        let provider_timeout =
            seconds("INBOX_PROVIDER_TIMEOUT_SECS", 20, PROVIDER_TIMEOUT_MAX_SECS)?;
        let smtp_relay = match (get("INBOX_SMTP_URL"), get("INBOX_MAIL_FROM")) {
            (None, _) => None,
            (Some(_), None) => {
                return Err(
                    "INBOX_SMTP_URL needs INBOX_MAIL_FROM (the address account emails come from)"
                        .into(),
                )
            }
            (Some(url), Some(from)) => {
                // Checked now, reported without the URL (it may hold a password).
                lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url).map_err(|_| {
                    "INBOX_SMTP_URL must look like smtp://user:password@host:port (?tls=required) or smtps://…".to_string()
                })?;
                if from.parse::<lettre::message::Mailbox>().is_err() {
                    return Err("INBOX_MAIL_FROM must be an email address".into());
                }
                Some(SmtpRelay {
                    url: url.to_string(),
                    from: from.to_string(),
                })
            }
        };
        let signup_open = match get("INBOX_SIGNUP") {
            None | Some("closed") => false,
            Some("open") => true,
            Some(_) => return Err("INBOX_SIGNUP must be open or closed".into()),
        };
        let client_ip_header = get("INBOX_CLIENT_IP_HEADER")
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty());
        if let Some(h) = &client_ip_header {
            if axum::http::HeaderName::from_bytes(h.as_bytes()).is_err() {
                return Err(format!("INBOX_CLIENT_IP_HEADER is not a header name: {h}"));
            }
        }
        let outbound = crate::outbound::address_policy::AddressPolicy::parse(get(
            "INBOX_OUTBOUND_ALLOW_HOSTS",
        ))?;
        Ok(Config {
            outbound,
            client_ip_header,
            signup_open,
            smtp_relay,
            bulk_rates,
            live_ping: std::time::Duration::from_secs(live_ping),
            provider_timeout: std::time::Duration::from_secs(provider_timeout),
            db,
            namespace: get("INBOX_NAMESPACE").unwrap_or("inbox").to_string(),
            database: get("INBOX_DB_NAME").unwrap_or("main").to_string(),
            bind,
            public_url: public_url.trim_end_matches('/').to_string(),
            server_secret,
            seed_demo: get("INBOX_SEED_DEMO") == Some("1"),
            twilio_api_url: base_url("INBOX_TWILIO_API_URL", get("INBOX_TWILIO_API_URL"))?
                .unwrap_or_else(|| "https://api.twilio.com".into()),
            twilio_messaging_url: base_url(
                "INBOX_TWILIO_MESSAGING_URL",
                get("INBOX_TWILIO_MESSAGING_URL"),
            )?
            .unwrap_or_else(|| "https://messaging.twilio.com".into()),
            meta_app_secret: get("INBOX_META_APP_SECRET").map(str::to_string),
            meta_verify_token: get("INBOX_META_VERIFY_TOKEN").map(str::to_string),
            graph_api_url: base_url("INBOX_GRAPH_API_URL", get("INBOX_GRAPH_API_URL"))?
                .unwrap_or_else(|| "https://graph.instagram.com/v21.0".into()),
            model: match base_url("INBOX_MODEL_URL", get("INBOX_MODEL_URL"))? {
                None => None,
                Some(url) => Some(ModelProvider {
                    url,
                    model: get("INBOX_MODEL_NAME")
                        .filter(|m| !m.trim().is_empty())
                        .ok_or("INBOX_MODEL_NAME is required with INBOX_MODEL_URL")?
                        .to_string(),
                    key: get("INBOX_MODEL_KEY").map(str::to_string),
                }),
            },
        })
    }

    /// The domain of our email Message-IDs: the public URL's host.
    pub fn email_domain(&self) -> String {
        let rest = self
            .public_url
            .split_once("://")
            .map_or(self.public_url.as_str(), |(_, r)| r);
        let host = rest.split(['/', ':']).next().unwrap_or("localhost");
        if host.is_empty() {
            "localhost".into()
        } else {
            host.to_lowercase()
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn database_urls() {
        let cases = [
            ("mem://", Ok(DbTarget::Memory)),
            (
                "surrealkv://data/x.db",
                Ok(DbTarget::SurrealKv("data/x.db".into())),
            ),
            (
                "ws://127.0.0.1:8000",
                Ok(DbTarget::Remote {
                    url: "ws://127.0.0.1:8000".into(),
                    user: "root".into(),
                    password: "root".into(),
                }),
            ),
            ("postgres://x", Err(())),
            ("surrealkv://", Err(())),
        ];
        for (url, want) in cases {
            let got = Config::from_vars(&vars(&[("INBOX_DATABASE", url), ("INBOX_DEV", "1")]))
                .map(|c| c.db);
            match want {
                Ok(db) => assert_eq!(got, Ok(db)),
                Err(()) => assert!(got.is_err(), "{url}"),
            }
        }
    }

    #[test]
    fn secret_rules_and_defaults() {
        assert!(Config::from_vars(&vars(&[])).is_err());
        assert!(Config::from_vars(&vars(&[("INBOX_SECRET", "short")])).is_err());
        // Long enough but predictable secrets are refused.
        for weak in [
            "s".repeat(32),
            "password".repeat(4),
            "abcdefgh".repeat(5),
            "01".repeat(40),
            "0123456789abcdef".repeat(4),
        ] {
            let got = Config::from_vars(&vars(&[("INBOX_SECRET", &weak)]));
            assert!(got.is_err_and(|e| e.contains("predictable")), "{weak}");
        }
        let secret = "7f3c9a1e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d";
        let c = Config::from_vars(&vars(&[("INBOX_SECRET", secret)])).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert!(!c.secure_cookies());
        assert!(!format!("{c:?}").contains(secret));
        let c = Config::from_vars(&vars(&[
            ("INBOX_DEV", "1"),
            ("INBOX_PUBLIC_URL", "https://inbox.example/"),
        ]))
        .unwrap();
        assert!(c.secure_cookies());
        assert_eq!(c.public_url, "https://inbox.example");
    }

    #[test]
    fn a_provider_timeout_ends_inside_the_send_lease() {
        let with = |v: &str| {
            Config::from_vars(&vars(&[
                ("INBOX_DEV", "1"),
                ("INBOX_PROVIDER_TIMEOUT_SECS", v),
            ]))
        };
        let max = PROVIDER_TIMEOUT_MAX_SECS;
        assert!(max * 1000 < crate::store::jobs::LEASE_MS as u64);
        assert_eq!(
            with(&max.to_string())
                .map(|c| c.provider_timeout.as_secs())
                .ok(),
            Some(max)
        );
        for bad in ["0", "120", "twenty"] {
            let err = with(bad).err().unwrap_or_default();
            assert!(
                err.contains(
                    "INBOX_PROVIDER_TIMEOUT_SECS must be a whole number of seconds from 1 to 50"
                ),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn config_file_lines() {
        let m = parse_file("# comment\nINBOX_BIND = 0.0.0.0:8080\n\nINBOX_DEV=\"1\"\n").unwrap();
        assert_eq!(m["INBOX_BIND"], "0.0.0.0:8080");
        assert_eq!(m["INBOX_DEV"], "1");
        assert!(parse_file("nonsense").is_err());
    }

    /// The database password never reaches a log line, whichever way the target is printed.
    #[test]
    fn the_database_password_is_never_printed() {
        let target = DbTarget::Remote {
            url: "ws://db.internal:8000".into(),
            user: "inbox".into(),
            password: "correct horse battery staple".into(),
        };
        for printed in [format!("{target:?}"), format!("{target:#?}")] {
            assert!(!printed.contains("correct horse"), "{printed}");
            assert!(printed.contains("ws://db.internal:8000") && printed.contains("inbox"));
        }
    }
}
