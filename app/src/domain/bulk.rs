//! Bulk messages: who of the selected creators gets the message and on which channel, who is
//! skipped and why, whether the batch needs one approval, the merge fields, and how sends are
//! spaced to honor a channel's rate limit. Pure; `server::store::bulk` reads and writes.

use super::draft::rank;
use super::language;
use super::policy::ResponsePolicy;
use super::reply_channel::{reachable_address, Connected};
use crate::model::{Channel, Consent, Identity, Role, Stage};

/// The most recipients one bulk message may have.
pub const MAX_RECIPIENTS: usize = 20_000;
pub const MAX_BODY_CHARS: usize = 2_000;
pub const MAX_SUBJECT_CHARS: usize = 200;

/// The merge fields a bulk message may use.
pub const MERGE_FIELDS: &[(&str, &str)] = &[
    ("first_name", "the creator's first name"),
    ("creator", "the creator's full name"),
    ("campaign", "the campaign's name"),
    ("brand", "the client (brand) name"),
    ("portal_link", "a fresh link to the creator's portal"),
    ("brief_link", "the portal link, opened at the brief"),
    ("post_by", "the posting deadline"),
    ("deliverables", "the campaign's deliverables"),
    ("compensation", "the campaign's compensation"),
    ("sender", "your name"),
];

/// Checks the composed message: a body, known merge fields, sane lengths.
pub fn validate(subject: &str, body: &str) -> Result<(), String> {
    if body.trim().is_empty() {
        return Err("write the message first".into());
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(format!(
            "a bulk message is at most {MAX_BODY_CHARS} characters"
        ));
    }
    if subject.chars().count() > MAX_SUBJECT_CHARS || subject.contains(['\r', '\n']) {
        return Err(format!(
            "a subject is one line of at most {MAX_SUBJECT_CHARS} characters"
        ));
    }
    language::check_fields(body, MERGE_FIELDS)
}

/// Whether the message uses a portal link (each recipient then gets a fresh one).
pub fn uses_portal_link(body: &str) -> bool {
    ["portal_link", "brief_link"]
        .iter()
        .any(|f| body.contains(&format!("{{{{{f}}}}}")))
}

/// What the routing rule needs to know about one recipient.
#[derive(Clone, Debug, PartialEq)]
pub struct RecipientFacts<'a> {
    pub identities: &'a [Identity],
    /// The channel of the creator's latest message in this thread.
    pub last_inbound: Option<Channel>,
    pub stage: Stage,
    pub campaign_closed: bool,
    pub connected: Connected,
    /// The channels the campaign's policy lets automation (and bulk) use.
    pub allowed: &'a [Channel],
}

/// Why a recipient is skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    CampaignClosed,
    Completed,
    Declined,
    OptedOut,
    /// Only reachable by Instagram DM, and bulk DMs are automation.
    InstagramOnly,
    /// Reachable, but not on a channel the campaign's policy allows for automatic sends.
    NotAllowed(Channel),
    /// Reachable only on a channel the workspace has not connected.
    NotConnected(Channel),
    NoContact,
}

impl Skip {
    pub fn reason(&self) -> String {
        match self {
            Skip::CampaignClosed => "campaign closed".into(),
            Skip::Completed => "campaign completed for this creator".into(),
            Skip::Declined => "the creator declined".into(),
            Skip::OptedOut => "opted out".into(),
            Skip::InstagramOnly => {
                "only reachable by Instagram DM: bulk DMs are not allowed".into()
            }
            Skip::NotAllowed(c) => format!(
                "the campaign's policy allows no bulk {} messages",
                c.label()
            ),
            Skip::NotConnected(c) => format!("{} is not connected", c.label()),
            Skip::NoContact => "no contact on any allowed channel".into(),
        }
    }
}

fn connected(c: &Connected, channel: Channel) -> bool {
    match channel {
        Channel::Email => c.email,
        Channel::Sms => c.sms,
        Channel::Api => c.api,
        Channel::InApp => true,
        Channel::Instagram | Channel::Note => false,
    }
}

/// The channel a recipient's bulk message goes out on: the channel they last wrote on when it
/// can be used, else email, then SMS. The portal and the API channel are used only when the
/// creator last wrote there (a portal message nobody opens reaches no one). Instagram never:
/// Meta allows no automated DMs.
pub fn route(f: &RecipientFacts<'_>) -> Result<Channel, Skip> {
    if f.campaign_closed {
        return Err(Skip::CampaignClosed);
    }
    match f.stage {
        Stage::Completed => return Err(Skip::Completed),
        Stage::Declined => return Err(Skip::Declined),
        _ => {}
    }
    let mut order: Vec<Channel> = Vec::new();
    if let Some(c) = f.last_inbound {
        if matches!(
            c,
            Channel::InApp | Channel::Api | Channel::Email | Channel::Sms
        ) {
            order.push(c);
        }
    }
    for c in [Channel::Email, Channel::Sms] {
        if !order.contains(&c) {
            order.push(c);
        }
    }
    let mut blocked_by_policy = None;
    let mut unconnected = None;
    for &c in &order {
        let reachable = match c {
            Channel::Email | Channel::Sms => reachable_address(f.identities, c).is_some(),
            _ => true,
        };
        if !reachable {
            continue;
        }
        if !connected(&f.connected, c) {
            unconnected.get_or_insert(c);
            continue;
        }
        if !f.allowed.contains(&c) {
            blocked_by_policy.get_or_insert(c);
            continue;
        }
        return Ok(c);
    }
    if let Some(c) = blocked_by_policy {
        return Err(Skip::NotAllowed(c));
    }
    if let Some(c) = unconnected {
        return Err(Skip::NotConnected(c));
    }
    let on = |c: Channel| f.identities.iter().filter(move |i| i.channel == c);
    let has_contact = on(Channel::Email).chain(on(Channel::Sms)).next().is_some();
    let all_out = on(Channel::Email)
        .chain(on(Channel::Sms))
        .all(|i| i.consent == Consent::OptedOut);
    if has_contact && all_out {
        return Err(Skip::OptedOut);
    }
    if !has_contact
        && (on(Channel::Instagram).next().is_some() || f.last_inbound == Some(Channel::Instagram))
    {
        return Err(Skip::InstagramOnly);
    }
    Err(Skip::NoContact)
}

/// Whether the batch needs one approval before it goes out: the most demanding
/// `bulk_approval` among the recipients' campaigns, unless the sender's own role meets it.
/// Returns the role that may approve and why.
pub fn approval<'a>(
    policies: impl IntoIterator<Item = (&'a str, &'a ResponsePolicy)>,
    sender: Role,
) -> Option<(Role, String)> {
    let mut need: Option<(Role, &str)> = None;
    for (campaign, p) in policies {
        if let Some(r) = p.bulk_approval {
            if need.is_none_or(|(n, _)| rank(r) > rank(n)) {
                need = Some((r, campaign));
            }
        }
    }
    let (role, campaign) = need?;
    if rank(sender) >= rank(role) {
        return None;
    }
    Some((
        role,
        format!(
            "{}'s policy needs one approval by {} for bulk messages",
            campaign,
            match role {
                Role::Owner => "an owner",
                _ => "an owner or a manager",
            }
        ),
    ))
}

/// When the `i`-th message (from 0) on a channel limited to `per_minute` may go, counting from
/// `start`; `0` lifts the limit.
pub fn due_at(start: i64, i: usize, per_minute: u32) -> i64 {
    if per_minute == 0 {
        start
    } else {
        start + (i as i64 * 60_000) / per_minute as i64
    }
}

#[cfg(test)]
mod tests;
