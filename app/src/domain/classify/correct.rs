//! A teammate's correction of what a message says: the intents they name replace the
//! classifier's. Evidence is kept for the intents both named; what the message holds besides
//! (address, links) stays; the decline reason stays only while it is still a decline.

use super::{Classification, Detected, Intent};

/// The classification after a correction by `by` (a teammate's name).
pub fn corrected(
    previous: Option<&Classification>,
    intents: &[Intent],
    by: &str,
) -> Classification {
    let mut chosen: Vec<Intent> = intents.to_vec();
    chosen.sort();
    chosen.dedup();
    let before = previous.cloned().unwrap_or_default();
    let detected = chosen
        .iter()
        .map(|i| Detected {
            intent: *i,
            confidence: 100,
            evidence: before
                .intents
                .iter()
                .find(|d| d.intent == *i)
                .map(|d| d.evidence.clone())
                .unwrap_or_default(),
        })
        .collect();
    Classification {
        intents: detected,
        decline_reason: before
            .decline_reason
            .filter(|_| chosen.contains(&Intent::Declined)),
        address: before.address,
        links: before.links,
        cautions: Vec::new(),
        source: format!("corrected by {by}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::classify::classify;
    use Intent::*;

    #[test]
    fn corrections_replace_intents_and_keep_what_still_holds() {
        let text = "Sounds fun but I'm fully booked until March, sorry";
        let before = classify(text);
        let cases: &[(&[Intent], &[Intent], bool)] = &[
            (&[Declined], &[Declined], true),
            (
                &[Declined, Declined, Complaint],
                &[Declined, Complaint],
                true,
            ),
            (&[Accepted], &[Accepted], false),
            (&[], &[], false),
        ];
        for (chosen, want, reason_kept) in cases {
            let c = corrected(Some(&before), chosen, "Dana");
            assert_eq!(c.intent_set(), want.to_vec(), "{chosen:?}");
            assert_eq!(c.source, "corrected by Dana");
            assert!(c.intents.iter().all(|d| d.confidence == 100));
            assert_eq!(
                c.decline_reason.is_some(),
                *reason_kept && before.decline_reason.is_some()
            );
            assert!(c.cautions.is_empty());
        }
        let none = corrected(None, &[Rate], "Ava");
        assert_eq!(none.intent_set(), vec![Rate]);
        assert!(none.intents[0].evidence.is_empty());
    }
}
