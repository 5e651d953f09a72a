//! Where the server may connect on a team's behalf — an outbound webhook, a mailbox's IMAP and
//! SMTP servers — is a public address only. The server resolves the host and refuses it when any
//! address it resolves to is not public (`is_public`): loopback, private, link-local, unique-local,
//! shared (carrier-grade NAT), multicast, unspecified, reserved, documentation or benchmarking
//! ranges, or an IPv6 address carrying an IPv4 one (mapped, compatible, NAT64, 6to4) that is one
//! of those. A server setting may name hosts that are exempt (tests, on-premise mail):
//! `server::outbound::address_policy`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

/// The IPv4 address an IPv6 one carries (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64
/// `64:ff9b::a.b.c.d`, 6to4 `2002:aabb:ccdd::`).
fn carried_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let v4 = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    match s {
        [0, 0, 0, 0, 0, 0 | 0xffff, hi, lo] => Some(v4(hi, lo)),
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(v4(hi, lo)),
        [0x2002, hi, lo, ..] => Some(v4(hi, lo)),
        _ => None,
    }
}

/// Whether the server may connect to `ip` for a team (see the module's comment).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = carried_v4(v6) {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            !(v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] & 0xffc0) == 0xfec0 // site-local (retired)
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x2001 && s[1] == 0) // Teredo: a tunnel to anywhere
                || (s[0] == 0x64 && s[1] == 0xff9b) // local-use NAT64
                || (s[0] == 0x100 && s[1] == 0 && s[2] == 0 && s[3] == 0)) // discard-only
        }
    }
}

/// An outbound webhook URL as entered in settings, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookUrl {
    /// The URL as it will be called (normalized by the URL parser).
    pub url: String,
    /// The host to resolve: a domain name, or an IP address without brackets.
    pub host: String,
    pub port: u16,
    pub https: bool,
}

/// An outbound webhook URL as entered: `Ok(None)` for empty (turned off). An http or https URL
/// with a host, no user name or password, no fragment. Whether plain http is allowed, and where
/// the host resolves, is the server's address policy.
pub fn webhook_url(input: &str) -> Result<Option<WebhookUrl>, String> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    if input.len() > 2000 || input.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the URL is too long or contains spaces".into());
    }
    let url = url::Url::parse(input).map_err(|_| "the URL is not a web address".to_string())?;
    let https = match url.scheme() {
        "https" => true,
        "http" => false,
        _ => return Err("the URL must start with https://".into()),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the URL must not carry a user name or password".into());
    }
    if url.fragment().is_some() {
        return Err("the URL must not have a #fragment".into());
    }
    let host = match url.host() {
        Some(url::Host::Domain(d)) if !d.is_empty() => d.to_string(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        _ => return Err("the URL needs a host name".into()),
    };
    let port = url.port_or_known_default().ok_or("the URL needs a port")?;
    Ok(Some(WebhookUrl {
        url: url.to_string(),
        host,
        port,
        https,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        let cases: &[(&str, bool)] = &[
            ("93.184.215.14", true),
            ("8.8.8.8", true),
            ("2606:4700:4700::1111", true),
            ("2002:5db8:d70e::1", true), // 6to4 of 93.184.215.14
            ("127.0.0.1", false),
            ("127.8.9.1", false),
            ("0.0.0.0", false),
            ("0.1.2.3", false),
            ("10.1.2.3", false),
            ("172.16.0.1", false),
            ("172.31.255.254", false),
            ("192.168.1.1", false),
            ("169.254.169.254", false),
            ("100.64.0.1", false),
            ("100.127.255.1", false),
            ("192.0.0.170", false),
            ("192.0.2.1", false),
            ("198.18.0.1", false),
            ("224.0.0.1", false),
            ("240.0.0.1", false),
            ("255.255.255.255", false),
            ("::", false),
            ("::1", false),
            ("::ffff:127.0.0.1", false),
            ("::ffff:169.254.169.254", false),
            ("::ffff:10.0.0.1", false),
            ("::127.0.0.1", false),
            ("64:ff9b::a9fe:a9fe", false), // NAT64 of 169.254.169.254
            ("64:ff9b::5db8:d70e", true),  // NAT64 of a public address
            ("64:ff9b:1::1", false),
            ("2002:7f00:1::", false), // 6to4 of 127.0.0.1
            ("2002:c0a8:101::", false),
            ("fc00::1", false),
            ("fd12:3456::1", false),
            ("fe80::1", false),
            ("fec0::1", false),
            ("ff02::1", false),
            ("2001:db8::1", false),
            ("2001:0:4136:e378::1", false),
            ("100::1", false),
        ];
        for (ip, public) in cases {
            let parsed: IpAddr = ip.parse().unwrap();
            assert_eq!(is_public(parsed), *public, "{ip}");
        }
    }

    #[test]
    fn webhook_url_table() {
        // (input, Ok((host, port, https)) or Err)
        let cases: &[(&str, Result<Option<(&str, u16, bool)>, ()>)] = &[
            ("", Ok(None)),
            ("   ", Ok(None)),
            (
                " https://market.example/hooks/inbox ",
                Ok(Some(("market.example", 443, true))),
            ),
            (
                "https://Market.Example:8443/x",
                Ok(Some(("market.example", 8443, true))),
            ),
            (
                "http://127.0.0.1:9000/in",
                Ok(Some(("127.0.0.1", 9000, false))),
            ),
            ("http://localhost/x", Ok(Some(("localhost", 80, false)))),
            // Other spellings of an address come out as the address the server will check.
            ("http://2130706433/", Ok(Some(("127.0.0.1", 80, false)))),
            ("http://0x7f.1/", Ok(Some(("127.0.0.1", 80, false)))),
            (
                "http://[::ffff:169.254.169.254]/",
                Ok(Some(("::ffff:169.254.169.254", 80, false))),
            ),
            ("ftp://market.example", Err(())),
            ("https://", Err(())),
            ("https://user@evil.example", Err(())),
            ("https://user:pw@evil.example", Err(())),
            ("https://a.example/with space", Err(())),
            ("https://a.example/#x", Err(())),
            ("market.example/hooks", Err(())),
            ("file:///etc/passwd", Err(())),
        ];
        for (input, want) in cases {
            let got = webhook_url(input);
            match want {
                Ok(v) => {
                    let got = got.unwrap_or_else(|e| panic!("{input:?}: {e}"));
                    let got = got.as_ref().map(|u| (u.host.as_str(), u.port, u.https));
                    assert_eq!(got, *v, "{input:?}");
                }
                Err(()) => assert!(got.is_err(), "{input:?} should be refused"),
            }
        }
    }
}
