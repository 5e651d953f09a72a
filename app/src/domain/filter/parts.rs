//! The filters that are on, one removable part each (the phone's chips): a query key and one of
//! its values, so a multi-value filter (topics, categories, decline reasons) gives a part per
//! value. Removing a part rebuilds the filter from the query without it, by the same reader a
//! link goes through.

use super::InboxFilter;
use crate::domain::blocked::Blocked;
use crate::domain::classify::Intent;
use crate::model::{Channel, DeclineReason, Stage};

/// One filter that is on: its query key and value (`topic` / `rate`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivePart {
    pub key: &'static str,
    pub value: String,
}

/// Keys whose value is a comma-separated list of several values.
const LISTS: [&str; 3] = ["decline", "topic", "blocked"];

impl InboxFilter {
    /// The parts that are on, in the query's order.
    pub fn active_parts(&self) -> Vec<ActivePart> {
        let mut parts = Vec::new();
        for (key, value) in self.to_query() {
            if LISTS.contains(&key) {
                parts.extend(value.split(',').map(|v| ActivePart {
                    key,
                    value: v.to_string(),
                }));
            } else {
                parts.push(ActivePart { key, value });
            }
        }
        parts
    }

    /// This filter with one part off.
    pub fn without(&self, part: &ActivePart) -> InboxFilter {
        let kept: Vec<(&'static str, String)> = self
            .active_parts()
            .into_iter()
            .filter(|p| p != part)
            .map(|p| (p.key, p.value))
            .collect();
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (key, value) in kept {
            match pairs
                .iter_mut()
                .find(|(k, _)| LISTS.contains(k) && *k == key)
            {
                Some((_, joined)) => {
                    joined.push(',');
                    joined.push_str(&value);
                }
                None => pairs.push((key, value)),
            }
        }
        InboxFilter::from_query(pairs.iter().map(|(k, v)| (*k, v.as_str())))
    }
}

/// A part's words on its chip. `name_of(key, id)` gives a campaign's, client's or teammate's
/// name (`None`: the id is shown).
pub fn part_label(part: &ActivePart, name_of: impl Fn(&str, &str) -> Option<String>) -> String {
    let v = part.value.as_str();
    let named = |key: &str| name_of(key, v).unwrap_or_else(|| v.to_string());
    match part.key {
        "campaign" => named("campaign"),
        "client" => named("client"),
        "q" => format!("“{v}”"),
        "stage" => Stage::parse(v).map_or(v.to_string(), |s| s.label().to_string()),
        "channel" => Channel::parse(v).map_or(v.to_string(), |c| c.label().to_string()),
        "assignee" => match v {
            "me" => "Assigned to me".into(),
            "none" => "Unassigned".into(),
            id => format!(
                "Assigned to {}",
                name_of("assignee", id).unwrap_or(id.into())
            ),
        },
        "needs_reply" => "Needs reply".into(),
        "overdue" => "Overdue > 24 h".into(),
        "stale" => "Stale".into(),
        "decline" => format!(
            "Declined: {}",
            DeclineReason::parse(v).map_or(v, |r| r.label())
        ),
        "topic" => format!("Topic: {}", Intent::parse(v).map_or(v, |i| i.label())),
        "blocked" => format!("Blocked on {}", Blocked::parse(v).map_or(v, |b| b.label())),
        "past_deadline" => "Past the post-by date".into(),
        "threads" => format!("{} threads picked", v.split(',').count()),
        other => format!("{other}: {v}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(q: &str) -> InboxFilter {
        InboxFilter::from_query(q.split('&').filter_map(|kv| kv.split_once('=')))
    }

    fn part(key: &'static str, value: &str) -> ActivePart {
        ActivePart {
            key,
            value: value.into(),
        }
    }

    #[test]
    fn each_part_comes_off_by_itself() {
        let cases: &[(&str, ActivePart, &str)] = &[
            (
                "needs_reply=1&stage=negotiating",
                part("needs_reply", "1"),
                "stage=negotiating",
            ),
            (
                "topic=rate,legal&overdue=1",
                part("topic", "rate"),
                "overdue=1&topic=legal",
            ),
            ("topic=rate,legal", part("topic", "legal"), "topic=rate"),
            ("topic=rate", part("topic", "rate"), ""),
            (
                "blocked=shipping,compliance&decline=rate",
                part("blocked", "compliance"),
                "decline=rate&blocked=shipping",
            ),
            (
                "campaign=c1&assignee=me",
                part("campaign", "c1"),
                "assignee=me",
            ),
            ("q=ana&channel=sms", part("q", "ana"), "channel=sms"),
            ("stale=1", part("overdue", "1"), "stale=1"),
        ];
        for (query, off, want) in cases {
            let before = f(query);
            let after = before.without(off);
            assert_eq!(after, f(want), "{query} without {off:?}");
            assert!(!after.active_parts().contains(off), "{query}");
            assert_eq!(
                after.active_parts().len(),
                before.active_parts().len() - usize::from(before.active_parts().contains(off)),
                "{query}: only that part went"
            );
        }
    }

    #[test]
    fn lists_give_a_part_per_value_and_the_empty_filter_none() {
        let parts = f("topic=rate,legal&past_deadline=1").active_parts();
        assert_eq!(
            parts,
            vec![
                part("topic", "rate"),
                part("topic", "legal"),
                part("past_deadline", "1")
            ]
        );
        assert!(InboxFilter::default().active_parts().is_empty());
    }

    #[test]
    fn chips_say_what_is_on() {
        let names = |key: &str, id: &str| match (key, id) {
            ("campaign", "c1") => Some("Spring Glow".to_string()),
            ("assignee", "u7") => Some("Ava".to_string()),
            _ => None,
        };
        let topic = format!("Topic: {}", Intent::Rate.label());
        let cases = [
            (part("campaign", "c1"), "Spring Glow"),
            (part("client", "k9"), "k9"),
            (part("assignee", "me"), "Assigned to me"),
            (part("assignee", "u7"), "Assigned to Ava"),
            (part("stage", "negotiating"), Stage::Negotiating.label()),
            (part("topic", "rate"), topic.as_str()),
            (part("q", "ana"), "“ana”"),
            (part("threads", "a,b,c"), "3 threads picked"),
            (part("overdue", "1"), "Overdue > 24 h"),
        ];
        for (p, want) in cases {
            assert_eq!(part_label(&p, names), want, "{p:?}");
        }
    }
}
