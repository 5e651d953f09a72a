//! Sending identities: the mailboxes, numbers and Instagram accounts a workspace sends from, which
//! one a message goes out from, and the checks that prove a connection belongs to whoever connects
//! it (the provider's own answer about the credentials they entered).

use crate::model::{Channel, SendingIdentity};
use serde::{Deserialize, Serialize};

/// The identity a campaign sends from on each channel (`None`: the workspace's default). Keys are
/// `SendingIdentity::key`s.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignSenders {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instagram: Option<String>,
}

impl CampaignSenders {
    pub fn get(&self, channel: Channel) -> Option<&str> {
        match channel {
            Channel::Email => self.email.as_deref(),
            Channel::Sms => self.sms.as_deref(),
            Channel::Instagram => self.instagram.as_deref(),
            _ => None,
        }
    }

    /// Chooses `key` (none: the default) for `channel`; other channels have no sender.
    pub fn set(&mut self, channel: Channel, key: Option<String>) {
        match channel {
            Channel::Email => self.email = key,
            Channel::Sms => self.sms = key,
            Channel::Instagram => self.instagram = key,
            _ => {}
        }
    }

    /// Each choice names a connected identity of its own channel, or the first that does not.
    pub fn check(&self, connected: &[SendingIdentity]) -> Result<(), String> {
        for channel in [Channel::Email, Channel::Sms, Channel::Instagram] {
            if let Some(key) = self.get(channel) {
                if !connected
                    .iter()
                    .any(|i| i.channel == channel && i.key == key)
                {
                    return Err(format!(
                        "the campaign's {} sender is not connected in this workspace",
                        channel.label()
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Why a message goes out from the identity it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Because {
    /// The creator last wrote to it on this channel in the thread.
    CreatorWroteTo,
    /// The campaign names it.
    Campaign,
    /// The workspace's default for the channel.
    WorkspaceDefault,
}

/// The identity a message on `channel` goes out from: the one the creator last wrote to in the
/// thread (`last_inbound`), else the campaign's, else the workspace's default for the channel,
/// else its oldest. Only identities still connected count; `None` when the channel has none.
pub fn choose<'a>(
    channel: Channel,
    last_inbound: Option<&str>,
    campaign: &CampaignSenders,
    connected: &'a [SendingIdentity],
) -> Option<(&'a SendingIdentity, Because)> {
    let on_channel = || connected.iter().filter(|i| i.channel == channel);
    let find = |key: Option<&str>| key.and_then(|k| on_channel().find(|i| i.key == k));
    if let Some(i) = find(last_inbound) {
        return Some((i, Because::CreatorWroteTo));
    }
    if let Some(i) = find(campaign.get(channel)) {
        return Some((i, Because::Campaign));
    }
    on_channel()
        .find(|i| i.is_default)
        .or_else(|| on_channel().next())
        .map(|i| (i, Because::WorkspaceDefault))
}

/// What a message shows about the identity it came in on or went out from.
pub fn via_label(label: &str, address: &str) -> String {
    if label.trim().is_empty() || label == address {
        address.to_string()
    } else {
        format!("{label} ({address})")
    }
}

/// A label as entered for a connected account: trimmed, at most 60 characters; empty falls back
/// to `fallback` (its address or number).
pub fn checked_label(label: &str, fallback: &str) -> Result<String, String> {
    let label = label.trim();
    if label.chars().count() > 60 {
        return Err("a label is at most 60 characters".into());
    }
    if label.chars().any(char::is_control) {
        return Err("a label cannot contain control characters".into());
    }
    Ok(if label.is_empty() {
        fallback.to_string()
    } else {
        label.to_string()
    })
}

/// What Twilio answered about the credentials an owner entered: whether it accepted them, the
/// numbers of theirs it found among those entered, and which account the Messaging Service
/// belongs to (`None`: not found with these credentials).
pub struct TwilioAnswers<'a> {
    pub accepted: bool,
    pub owned_numbers: &'a [String],
    pub service_account: Option<&'a str>,
}

/// Whether the Twilio account behind the entered credentials owns everything the connection
/// claims: the account, every number, the Messaging Service.
pub fn check_twilio_owner(
    account_sid: &str,
    numbers: &[String],
    service: Option<&str>,
    answers: &TwilioAnswers<'_>,
) -> Result<(), String> {
    if !answers.accepted {
        return Err("Twilio refused the Account SID and auth token".into());
    }
    if let Some(n) = numbers.iter().find(|n| !answers.owned_numbers.contains(n)) {
        return Err(format!("{n} is not a number of this Twilio account"));
    }
    if let Some(s) = service {
        if answers.service_account != Some(account_sid) {
            return Err(format!(
                "the Messaging Service {s} does not belong to this Twilio account"
            ));
        }
    }
    Ok(())
}

/// Whether Meta's `/me` answer for the entered token is the account being connected: the
/// professional account id (`user_id`) or the node id must be it.
pub fn check_instagram_owner(
    account_id: &str,
    me_user_id: Option<&str>,
    me_id: Option<&str>,
) -> Result<(), String> {
    if me_user_id == Some(account_id) || me_id == Some(account_id) {
        Ok(())
    } else {
        Err("the access token belongs to another Instagram account".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(channel: Channel, key: &str, default: bool) -> SendingIdentity {
        SendingIdentity {
            channel,
            key: key.into(),
            label: key.to_uppercase(),
            address: format!("{key}@x.test"),
            is_default: default,
        }
    }

    #[test]
    fn the_sender_follows_the_creator_then_the_campaign_then_the_default() {
        let connected = [
            id(Channel::Email, "a", true),
            id(Channel::Email, "b", false),
            id(Channel::Email, "c", false),
            id(Channel::Sms, "+14155550100", false),
        ];
        let campaign = CampaignSenders {
            email: Some("c".into()),
            ..Default::default()
        };
        let none = CampaignSenders::default();
        let gone = CampaignSenders {
            email: Some("disconnected".into()),
            ..Default::default()
        };
        use Because::*;
        let cases: [(
            Channel,
            Option<&str>,
            &CampaignSenders,
            Option<(&str, Because)>,
        ); 8] = [
            (
                Channel::Email,
                Some("b"),
                &campaign,
                Some(("b", CreatorWroteTo)),
            ),
            (Channel::Email, None, &campaign, Some(("c", Campaign))),
            (Channel::Email, None, &none, Some(("a", WorkspaceDefault))),
            // A mailbox since disconnected is passed over.
            (
                Channel::Email,
                Some("gone"),
                &campaign,
                Some(("c", Campaign)),
            ),
            (Channel::Email, None, &gone, Some(("a", WorkspaceDefault))),
            // Another channel's key never counts.
            (
                Channel::Sms,
                Some("b"),
                &campaign,
                Some(("+14155550100", WorkspaceDefault)),
            ),
            (Channel::Instagram, None, &campaign, None),
            (Channel::InApp, None, &none, None),
        ];
        for (channel, last, senders, want) in cases {
            let got = choose(channel, last, senders, &connected).map(|(i, b)| (i.key.as_str(), b));
            assert_eq!(got, want, "{channel:?} {last:?}");
        }
        // With no default flagged, the oldest (first listed) is the default.
        let plain = [
            id(Channel::Email, "x", false),
            id(Channel::Email, "y", false),
        ];
        assert_eq!(
            choose(Channel::Email, None, &none, &plain).unwrap().0.key,
            "x"
        );
    }

    #[test]
    fn a_campaign_names_only_connected_senders_of_each_channel() {
        let connected = [id(Channel::Email, "a", true), id(Channel::Sms, "+1", true)];
        let ok = CampaignSenders {
            email: Some("a".into()),
            sms: Some("+1".into()),
            instagram: None,
        };
        assert_eq!(ok.check(&connected), Ok(()));
        let crossed = CampaignSenders {
            sms: Some("a".into()),
            ..Default::default()
        };
        assert!(crossed.check(&connected).unwrap_err().contains("SMS"));
        assert!(CampaignSenders {
            instagram: Some("ig".into()),
            ..Default::default()
        }
        .check(&connected)
        .is_err());
    }

    #[test]
    fn labels() {
        assert_eq!(checked_label("  Acme  ", "a@b.c"), Ok("Acme".into()));
        assert_eq!(checked_label("", "a@b.c"), Ok("a@b.c".into()));
        assert!(checked_label(&"x".repeat(61), "a").is_err());
        assert!(checked_label("a\nb", "a").is_err());
        assert_eq!(via_label("Acme", "a@b.c"), "Acme (a@b.c)");
        assert_eq!(via_label("a@b.c", "a@b.c"), "a@b.c");
        assert_eq!(via_label(" ", "+1"), "+1");
    }

    #[test]
    fn twilio_ownership_needs_every_claim_confirmed() {
        let ac = "AC1";
        let nums = vec!["+1".to_string(), "+2".to_string()];
        let both = nums.clone();
        let one = vec!["+1".to_string()];
        fn ok<'a>(owned: &'a [String], service: Option<&'a str>) -> TwilioAnswers<'a> {
            TwilioAnswers {
                accepted: true,
                owned_numbers: owned,
                service_account: service,
            }
        }
        let cases: [(TwilioAnswers, Option<&str>, Result<(), &str>); 6] = [
            (ok(&both, None), None, Ok(())),
            (ok(&both, Some("AC1")), Some("MG1"), Ok(())),
            (ok(&one, None), None, Err("+2 is not a number")),
            (ok(&both, Some("AC2")), Some("MG1"), Err("does not belong")),
            (ok(&both, None), Some("MG1"), Err("does not belong")),
            (
                TwilioAnswers {
                    accepted: false,
                    owned_numbers: &both,
                    service_account: Some("AC1"),
                },
                None,
                Err("refused"),
            ),
        ];
        for (answers, service, want) in cases {
            let got = check_twilio_owner(ac, &nums, service, &answers);
            match want {
                Ok(()) => assert_eq!(got, Ok(())),
                Err(part) => assert!(got.as_ref().unwrap_err().contains(part), "{got:?}"),
            }
        }
    }

    #[test]
    fn instagram_ownership_is_the_token_s_own_account() {
        assert!(check_instagram_owner("178", Some("178"), Some("999")).is_ok());
        assert!(check_instagram_owner("178", None, Some("178")).is_ok());
        assert!(check_instagram_owner("178", Some("179"), Some("999")).is_err());
        assert!(check_instagram_owner("178", None, None).is_err());
    }
}
