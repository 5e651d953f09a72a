//! The Creators page's rules: which list queries and profile edits are acceptable, who may change
//! a creator's consent which way, the links a creator sent as their content, and the CSV export.

use super::csv::record;
use crate::model::{Consent, CreatorQuery, CreatorRow, ProfileEdit};

/// Checks a list query from the browser: ids shaped like ours, short search text and tag.
pub fn check_query(q: &CreatorQuery) -> Result<(), String> {
    if q.search.as_ref().is_some_and(|s| s.chars().count() > 100) {
        return Err("search for at most 100 characters".into());
    }
    if q.tag.as_ref().is_some_and(|t| t.chars().count() > 40) {
        return Err("a tag is at most 40 characters".into());
    }
    if q.campaign
        .as_ref()
        .is_some_and(|c| !super::filter::is_valid_id(c))
    {
        return Err("unknown campaign".into());
    }
    if q.offset > 100_000 {
        return Err("that page is past the end".into());
    }
    Ok(())
}

/// A profile edit tidied (trimmed, tags lowercase without repeats), or what is wrong with it.
pub fn checked_edit(e: &ProfileEdit) -> Result<ProfileEdit, String> {
    let name = e.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 120 {
        return Err("a name is 1–120 characters".into());
    }
    let mut tags: Vec<String> = Vec::new();
    for t in e
        .tags
        .iter()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
    {
        if t.chars().count() > 40 {
            return Err(format!("\"{t}\" is longer than a tag can be (40)"));
        }
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    if tags.len() > 30 {
        return Err("at most 30 tags".into());
    }
    if e.notes.chars().count() > 10_000 || e.preferences.chars().count() > 2_000 {
        return Err("notes are at most 10,000 characters, preferences 2,000".into());
    }
    if e.rate_cents
        .is_some_and(|r| !(0..=100_000_000).contains(&r))
    {
        return Err("a rate is between $0 and $1,000,000".into());
    }
    Ok(ProfileEdit {
        name,
        tags,
        preferences: e.preferences.trim().to_string(),
        notes: e.notes.trim().to_string(),
        rate_cents: e.rate_cents,
    })
}

/// Whether a teammate may move an identity's consent `from` → `to`: anyone who writes may record
/// consent or an opt-out; only an owner may undo an opt-out.
pub fn consent_change_allowed(from: Consent, to: Consent, is_owner: bool) -> Result<(), String> {
    if from == to {
        return Err("the consent is already that".into());
    }
    if from == Consent::OptedOut && !is_owner {
        return Err("only an owner can undo an opt-out".into());
    }
    Ok(())
}

/// The amounts a creator names in a message that talks about their rate: `$1,500`, `€800`,
/// `1200 USD` as written.
pub fn quoted_amounts(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out: Vec<String> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let w = w
            .trim_end_matches(['.', ',', '!', '?', ';', ':', ')'])
            .trim_start_matches('(');
        let digits = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_digit() || c == ',' || c == '.' || c == 'k')
        };
        let symbol = w.starts_with(['$', '€', '£'])
            && digits(&w[w.char_indices().nth(1).map_or(w.len(), |(i, _)| i)..]);
        let code = digits(w)
            && words.get(i + 1).is_some_and(|n| {
                matches!(
                    n.trim_end_matches(['.', ',']).to_lowercase().as_str(),
                    "usd" | "eur" | "gbp" | "dollars"
                )
            });
        let amount = if code {
            format!("{w} {}", words[i + 1].trim_end_matches(['.', ',']))
        } else {
            w.to_string()
        };
        if (symbol || code) && !out.contains(&amount) {
            out.push(amount);
        }
    }
    out
}

/// The last amount the creator named in a message about their rate (newest message last in
/// `messages`): the words and the cents.
pub fn latest_quote(messages: &[crate::model::MessageView]) -> Option<(String, i64)> {
    messages
        .iter()
        .rev()
        .filter(|m| m.direction == crate::model::Direction::Inbound)
        .filter(|m| {
            m.classification
                .as_ref()
                .is_some_and(|c| c.has(super::classify::Intent::Rate))
        })
        .find_map(|m| {
            quoted_amounts(&m.text)
                .into_iter()
                .filter_map(|a| super::import::amount_cents(&a).map(|c| (a, c)))
                .next_back()
        })
}

/// "$1,500" from cents (whole dollars, grouped).
pub fn dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!(
        "{sign}${}",
        super::text::grouped((cents / 100).unsigned_abs())
    )
}

/// How a quoted rate stands against the campaign's ceiling, in words for the thread.
pub fn against_ceiling(quote_cents: i64, ceiling_cents: i64) -> String {
    match quote_cents - ceiling_cents {
        d if d > 0 => format!("{} over the {} ceiling", dollars(d), dollars(ceiling_cents)),
        0 => format!("exactly the {} ceiling", dollars(ceiling_cents)),
        d => format!(
            "{} under the {} ceiling",
            dollars(-d),
            dollars(ceiling_cents)
        ),
    }
}

pub const EXPORT_HEADER: &[&str] = &[
    "name",
    "handle",
    "email",
    "phone",
    "instagram",
    "tags",
    "rate",
    "campaigns",
    "created",
];

/// Creators as CSV: one line each, formula-safe (`csv::field`).
pub fn export(rows: &[CreatorRow]) -> String {
    let mut out = record(EXPORT_HEADER);
    for r in rows {
        let address = |ch: crate::model::Channel| {
            r.identities
                .iter()
                .filter(|i| i.channel == ch)
                .map(|i| i.address.clone())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let campaigns: Vec<String> = r
            .campaigns
            .iter()
            .map(|c| format!("{} ({})", c.campaign_name, c.stage.label()))
            .collect();
        let rate = r
            .rate_cents
            .map(|c| format!("{}.{:02}", c / 100, c % 100))
            .unwrap_or_default();
        out.push_str(&record(&[
            &r.name,
            &r.handle,
            &address(crate::model::Channel::Email),
            &address(crate::model::Channel::Sms),
            &address(crate::model::Channel::Instagram),
            &r.tags.join("; "),
            &rate,
            &campaigns.join("; "),
            &super::time_fmt::iso_date(r.created_at),
        ]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Channel, CreatorCampaign, Identity, Stage};

    #[test]
    fn profile_edits_are_checked_and_tidied() {
        let ok = ProfileEdit {
            name: " Maya ".into(),
            tags: vec!["Food".into(), "food".into(), " ".into()],
            ..Default::default()
        };
        let c = checked_edit(&ok).unwrap();
        assert_eq!(
            (c.name.as_str(), c.tags.clone()),
            ("Maya", vec!["food".to_string()])
        );
        let cases: &[(ProfileEdit, &str)] = &[
            (
                ProfileEdit {
                    name: "".into(),
                    ..Default::default()
                },
                "a name is 1–120 characters",
            ),
            (
                ProfileEdit {
                    name: "M".into(),
                    tags: vec!["x".repeat(41)],
                    ..Default::default()
                },
                "longer than a tag",
            ),
            (
                ProfileEdit {
                    name: "M".into(),
                    rate_cents: Some(-5),
                    ..Default::default()
                },
                "a rate is between",
            ),
            (
                ProfileEdit {
                    name: "M".into(),
                    notes: "n".repeat(10_001),
                    ..Default::default()
                },
                "notes are at most",
            ),
        ];
        for (edit, says) in cases {
            let got = checked_edit(edit).unwrap_err();
            assert!(got.contains(says), "{got}");
        }
    }

    #[test]
    fn consent_changes_by_role() {
        use Consent::*;
        let cases = [
            (Unknown, OptedOut, false, true),
            (Granted, OptedOut, false, true),
            (Unknown, Granted, false, true),
            (OptedOut, Granted, false, false),
            (OptedOut, Unknown, false, false),
            (OptedOut, Granted, true, true),
            (Granted, Granted, true, false),
        ];
        for (from, to, owner, ok) in cases {
            assert_eq!(
                consent_change_allowed(from, to, owner).is_ok(),
                ok,
                "{from:?}->{to:?} owner={owner}"
            );
        }
    }

    #[test]
    fn amounts_named_in_a_rate_message() {
        let cases: &[(&str, &[&str])] = &[
            (
                "My rate is $1,500 per Reel, or $2.5k for two.",
                &["$1,500", "$2.5k"],
            ),
            ("I usually charge 1200 USD for a post", &["1200 USD"]),
            ("€800 for stories (£700 in the UK)", &["€800", "£700"]),
            ("happy to chat about rates!", &[]),
            ("$ and $$ are not amounts", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(quoted_amounts(text), *want, "{text}");
        }
    }

    #[test]
    fn a_quote_against_the_ceiling() {
        let cases = [
            (180_000, 150_000, "$300 over the $1,500 ceiling"),
            (150_000, 150_000, "exactly the $1,500 ceiling"),
            (90_000, 1_250_000, "$11,600 under the $12,500 ceiling"),
        ];
        for (quote, ceiling, want) in cases {
            assert_eq!(against_ceiling(quote, ceiling), want);
        }
    }

    #[test]
    fn the_export_is_formula_safe() {
        let row = CreatorRow {
            id: "c1".into(),
            name: "=HYPERLINK(\"x\")".into(),
            handle: "@maya".into(),
            tags: vec!["food".into()],
            identities: vec![
                Identity {
                    channel: Channel::Email,
                    address: "maya@example.com".into(),
                    consent: Consent::Granted,
                },
                Identity {
                    channel: Channel::Sms,
                    address: "+14155550100".into(),
                    consent: Consent::Unknown,
                },
            ],
            campaigns: vec![CreatorCampaign {
                thread_id: "t1".into(),
                campaign_name: "Spring".into(),
                stage: Stage::Prospect,
            }],
            rate_cents: Some(120_050),
            created_at: 0,
        };
        let csv = export(&[row]);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "name,handle,email,phone,instagram,tags,rate,campaigns,created"
        );
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"x\"\")\",'@maya,maya@example.com,'+14155550100,,food,1200.50,Spring (Prospect),1970-01-01");
    }
}
