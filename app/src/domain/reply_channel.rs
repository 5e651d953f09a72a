//! Which channel a reply to a creator goes out on, and why the others cannot be used.
//!
//! The default is the channel of the creator's last inbound message when it is still allowed;
//! otherwise the first allowed channel in a fixed preference order. A channel is allowed when the
//! workspace has it connected, the creator has an address on it, that address has not opted out,
//! and the platform's rules allow a message now (Instagram: the 24-hour window after the
//! creator's last message, or 7 days with the human-agent tag for a person's reply; automated
//! Instagram DMs are never sent).

use crate::model::{Channel, ChannelOption, Consent, Identity, ReplyOptions};

pub const HOUR_MS: i64 = 60 * 60 * 1000;
/// Instagram's standard messaging window after the creator's last message.
pub const INSTAGRAM_WINDOW_MS: i64 = 24 * HOUR_MS;
/// The human-agent tag extends a person's reply window to 7 days.
pub const HUMAN_AGENT_WINDOW_MS: i64 = 7 * 24 * HOUR_MS;

/// Who is sending: a person in the composer, or automation (follow-ups, bulk, auto-replies).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SenderKind {
    Human,
    Automation,
}

/// Which outbound channels the workspace has set up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Connected {
    pub email: bool,
    pub sms: bool,
    pub instagram: bool,
    /// An outbound webhook URL for replies on the signed API channel.
    pub api: bool,
}

/// What the rule needs to know about the creator and the conversation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChannelFacts {
    pub identities: Vec<Identity>,
    /// The channel of the creator's most recent inbound message in this thread.
    pub last_inbound: Option<Channel>,
    /// When the creator last messaged the business on Instagram (a DM or a story mention),
    /// in any thread: the platform's window is per conversation, not per campaign.
    pub last_instagram_inbound_at: Option<i64>,
    /// Whether the creator ever wrote in this thread through the API channel.
    pub api_inbound: bool,
    pub connected: Connected,
}

/// How an allowed Instagram message must be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstagramTag {
    /// Inside the 24-hour window: no tag.
    None,
    /// 24 h – 7 days after the creator's last message, a person's reply: `HUMAN_AGENT`.
    HumanAgent,
}

/// Whether an Instagram message may be sent now, and with which tag; `Err` says why not.
pub fn instagram_rule(
    last_inbound_at: Option<i64>,
    sender: SenderKind,
    now: i64,
) -> Result<InstagramTag, String> {
    if sender == SenderKind::Automation {
        return Err("automated Instagram DMs are not allowed".into());
    }
    let Some(at) = last_inbound_at else {
        return Err("the creator has not messaged you on Instagram".into());
    };
    let age = now - at;
    if age <= INSTAGRAM_WINDOW_MS {
        Ok(InstagramTag::None)
    } else if age <= HUMAN_AGENT_WINDOW_MS {
        Ok(InstagramTag::HumanAgent)
    } else {
        Err("Instagram's 7-day reply window has closed".into())
    }
}

/// The address a message on `channel` goes to: the creator's first one that has not opted out.
pub fn reachable_address(identities: &[Identity], channel: Channel) -> Option<&str> {
    identities
        .iter()
        .find(|i| i.channel == channel && i.consent != Consent::OptedOut)
        .map(|i| i.address.as_str())
}

/// The first address on `channel` that may be messaged, or why none may.
fn address(facts: &ChannelFacts, channel: Channel) -> Result<&str, String> {
    let on: Vec<&Identity> = facts
        .identities
        .iter()
        .filter(|i| i.channel == channel)
        .collect();
    if on.is_empty() {
        return Err(match channel {
            Channel::Email => "no email address for this creator".into(),
            Channel::Sms => "no phone number for this creator".into(),
            _ => "no Instagram account for this creator".into(),
        });
    }
    reachable_address(&facts.identities, channel).ok_or_else(|| "the creator opted out".into())
}

fn option(channel: Channel, r: Result<String, String>) -> ChannelOption {
    match r {
        Ok(detail) => ChannelOption {
            channel,
            available: true,
            detail,
        },
        Err(detail) => ChannelOption {
            channel,
            available: false,
            detail,
        },
    }
}

fn hours_left(until: i64, now: i64) -> String {
    let h = ((until - now) as f64 / HOUR_MS as f64).ceil().max(1.0) as i64;
    if h >= 48 {
        format!("{} days", h / 24)
    } else {
        format!("{h} h")
    }
}

/// Every channel's state for a reply sent by `sender` now, and the default choice.
pub fn reply_options(facts: &ChannelFacts, sender: SenderKind, now: i64) -> ReplyOptions {
    let email = if facts.connected.email {
        address(facts, Channel::Email).map(|a| format!("to {a}"))
    } else {
        Err("no mailbox is connected".into())
    };
    let sms = if facts.connected.sms {
        address(facts, Channel::Sms).map(|a| format!("to {a}"))
    } else {
        Err("SMS is not connected".into())
    };
    let instagram = if facts.connected.instagram {
        address(facts, Channel::Instagram).and_then(|_| {
            let at = facts.last_instagram_inbound_at;
            instagram_rule(at, sender, now).map(|tag| {
                let at = at.unwrap_or(now);
                match tag {
                    InstagramTag::None => format!(
                        "window open for {}",
                        hours_left(at + INSTAGRAM_WINDOW_MS, now)
                    ),
                    InstagramTag::HumanAgent => format!(
                        "human-agent reply, {} left",
                        hours_left(at + HUMAN_AGENT_WINDOW_MS, now)
                    ),
                }
            })
        })
    } else {
        Err("Instagram is not connected".into())
    };
    let api = match (facts.connected.api, facts.api_inbound) {
        (_, false) => Err("the creator has not written through a platform".into()),
        (false, true) => Err("no outbound webhook is set for the API channel".into()),
        (true, true) => Ok("to the platform's webhook".into()),
    };
    let portal: Result<String, String> = Ok("the creator sees it in their portal".into());
    let options = vec![
        option(Channel::Email, email),
        option(Channel::Sms, sms),
        option(Channel::Instagram, instagram),
        option(Channel::Api, api),
        option(Channel::InApp, portal),
    ];
    let allowed = |c: Channel| options.iter().any(|o| o.channel == c && o.available);
    let default = facts.last_inbound.filter(|c| allowed(*c)).or_else(|| {
        [Channel::Email, Channel::Sms, Channel::InApp]
            .into_iter()
            .find(|c| allowed(*c))
    });
    ReplyOptions { default, options }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    fn id(channel: Channel, address: &str, consent: Consent) -> Identity {
        Identity {
            channel,
            address: address.into(),
            consent,
        }
    }

    fn all_connected() -> Connected {
        Connected {
            email: true,
            sms: true,
            instagram: true,
            api: true,
        }
    }

    fn facts(identities: Vec<Identity>, last: Option<Channel>) -> ChannelFacts {
        ChannelFacts {
            identities,
            last_inbound: last,
            last_instagram_inbound_at: None,
            api_inbound: false,
            connected: all_connected(),
        }
    }

    #[test]
    fn instagram_window_table() {
        use SenderKind::*;
        let h = HOUR_MS;
        let cases: [(Option<i64>, SenderKind, Result<InstagramTag, &str>); 8] = [
            (Some(NOW - h), Human, Ok(InstagramTag::None)),
            (Some(NOW - 24 * h), Human, Ok(InstagramTag::None)),
            (Some(NOW - 25 * h), Human, Ok(InstagramTag::HumanAgent)),
            (Some(NOW - 7 * 24 * h), Human, Ok(InstagramTag::HumanAgent)),
            (Some(NOW - 7 * 24 * h - 1), Human, Err("7-day")),
            (None, Human, Err("not messaged")),
            (Some(NOW - h), Automation, Err("automated")),
            (Some(NOW - 30 * h), Automation, Err("automated")),
        ];
        for (at, sender, want) in cases {
            let got = instagram_rule(at, sender, NOW);
            match (got, want) {
                (Ok(g), Ok(w)) => assert_eq!(g, w, "{at:?} {sender:?}"),
                (Err(g), Err(w)) => assert!(g.contains(w), "{g} should mention {w}"),
                (g, w) => panic!("{at:?} {sender:?}: got {g:?}, want {w:?}"),
            }
        }
    }

    #[test]
    fn default_channel_table() {
        use Channel::*;
        let email = id(Email, "maya@example.com", Consent::Granted);
        let phone = id(Sms, "+14155550100", Consent::Granted);
        let stopped = id(Sms, "+14155550100", Consent::OptedOut);
        let ig = id(Instagram, "1789", Consent::Unknown);
        let mut ig_recent = facts(vec![ig.clone(), email.clone()], Some(Instagram));
        ig_recent.last_instagram_inbound_at = Some(NOW - HOUR_MS);
        let mut ig_stale = ig_recent.clone();
        ig_stale.last_instagram_inbound_at = Some(NOW - 8 * 24 * HOUR_MS);
        let mut api = facts(vec![email.clone()], Some(Api));
        api.api_inbound = true;
        let mut api_unset = api.clone();
        api_unset.connected.api = false;
        let mut sms_off = facts(vec![phone.clone(), email.clone()], Some(Sms));
        sms_off.connected.sms = false;
        let cases: Vec<(&str, ChannelFacts, Option<Channel>)> = vec![
            (
                "last inbound SMS wins",
                facts(vec![email.clone(), phone.clone()], Some(Sms)),
                Some(Sms),
            ),
            (
                "last inbound email",
                facts(vec![email.clone(), phone.clone()], Some(Email)),
                Some(Email),
            ),
            (
                "opted out of SMS falls back to email",
                facts(vec![email.clone(), stopped.clone()], Some(Sms)),
                Some(Email),
            ),
            (
                "only a stopped phone: portal",
                facts(vec![stopped], Some(Sms)),
                Some(InApp),
            ),
            (
                "no contact at all: portal",
                facts(vec![], None),
                Some(InApp),
            ),
            ("instagram inside the window", ig_recent, Some(Instagram)),
            ("instagram window closed: email", ig_stale, Some(Email)),
            ("api with a webhook", api, Some(Api)),
            ("api without a webhook: email", api_unset, Some(Email)),
            ("sms not connected: email", sms_off, Some(Email)),
            (
                "no inbound yet prefers email",
                facts(vec![phone.clone(), email.clone()], None),
                Some(Email),
            ),
        ];
        for (name, f, want) in cases {
            let got = reply_options(&f, SenderKind::Human, NOW);
            assert_eq!(got.default, want, "{name}");
            if let Some(c) = got.default {
                assert!(got.allows(c), "{name}: default must be allowed");
            }
            assert_eq!(got.options.len(), 5, "{name}: every channel is listed");
        }
    }

    #[test]
    fn unavailable_channels_say_why() {
        use Channel::*;
        let mut f = facts(
            vec![
                id(Sms, "+14155550100", Consent::OptedOut),
                id(Instagram, "1789", Consent::Granted),
            ],
            Some(Instagram),
        );
        f.connected.email = false;
        f.last_instagram_inbound_at = Some(NOW - HOUR_MS);
        let human = reply_options(&f, SenderKind::Human, NOW);
        let auto = reply_options(&f, SenderKind::Automation, NOW);
        let detail = |o: &ReplyOptions, c: Channel| {
            let opt = o.options.iter().find(|x| x.channel == c).unwrap();
            (opt.available, opt.detail.clone())
        };
        assert_eq!(
            detail(&human, Email),
            (false, "no mailbox is connected".into())
        );
        assert_eq!(detail(&human, Sms), (false, "the creator opted out".into()));
        assert_eq!(
            detail(&human, Instagram),
            (true, "window open for 23 h".into())
        );
        assert_eq!(
            detail(&auto, Instagram),
            (false, "automated Instagram DMs are not allowed".into())
        );
        assert_eq!(
            detail(&human, Api),
            (
                false,
                "the creator has not written through a platform".into()
            )
        );
        assert_eq!(human.default, Some(Instagram));
        assert_eq!(auto.default, Some(InApp));
    }
}
