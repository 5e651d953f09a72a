//! The stage move a classified reply suggests. Only forward moves the funnel allows
//! (`stage::check_move`); whether it is applied or offered as a one-click suggestion is the
//! campaign policy's call (`policy`).

use super::classify::{Classification, Intent};
use super::stage::check_move;
use crate::model::{DeclineReason, Stage};

#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    pub to: Stage,
    pub reason: Option<DeclineReason>,
    /// Why, in words the thread shows.
    pub why: &'static str,
}

fn rank(s: Stage) -> usize {
    Stage::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

pub fn suggest(stage: Stage, c: &Classification) -> Option<Suggestion> {
    if c.has(Intent::AutoReply) || c.has(Intent::OptOut) {
        return None;
    }
    let pick = |to: Stage, reason: Option<DeclineReason>, why: &'static str| {
        (check_move(stage, to, reason).is_ok() && (to == Stage::Declined || rank(to) > rank(stage)))
            .then_some(Suggestion { to, reason, why })
    };
    if c.has(Intent::Declined) {
        return pick(
            Stage::Declined,
            Some(c.decline_reason.unwrap_or(DeclineReason::Other)),
            "the creator declined",
        );
    }
    let candidates = [
        // A link to a post on a platform is the post going live (a draft link is not).
        (
            c.links.iter().any(|l| super::content::is_post_link(l))
                && matches!(
                    stage,
                    Stage::ProductShipped | Stage::ContentDelivered | Stage::ContentApproved
                ),
            Stage::Posted,
            "the post is live",
        ),
        // A revised draft while the team reviews the first keeps it in review.
        (
            c.has(Intent::ContentSubmitted) && stage != Stage::ContentDelivered,
            Stage::ContentDelivered,
            "content handed in",
        ),
        (
            c.has(Intent::AddressProvided),
            Stage::InfoCollected,
            "shipping address given",
        ),
        (
            c.has(Intent::Accepted),
            Stage::Accepted,
            "the creator accepted",
        ),
        (
            c.has(Intent::Rate) || c.has(Intent::UsageRights) || c.has(Intent::Exclusivity),
            Stage::Negotiating,
            "terms under negotiation",
        ),
        (true, Stage::Replied, "the creator replied"),
    ];
    candidates
        .into_iter()
        .filter(|(when, _, _)| *when)
        .find_map(|(_, to, why)| pick(to, None, why))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::classify::classify;

    #[test]
    fn suggestions_table() {
        use Stage::*;
        let cases: &[(Stage, &str, Option<(Stage, Option<DeclineReason>)>)] = &[
            (
                Contacted,
                "yes! ship it to 12 Main St, Austin TX 78701",
                Some((InfoCollected, None)),
            ),
            (Contacted, "I'm in!", Some((Accepted, None))),
            (Replied, "my rate is $2,000", Some((Negotiating, None))),
            (Contacted, "hey 👋", Some((Replied, None))),
            (Replied, "hey 👋", None),
            (
                Negotiating,
                "I'll pass, the budget is too low",
                Some((Declined, Some(DeclineReason::Rate))),
            ),
            (
                ProductShipped,
                "here's the draft https://drive.google.com/file/d/1",
                Some((ContentDelivered, None)),
            ),
            // A post link on a platform is the post going live…
            (
                ContentApproved,
                "it's live! https://www.instagram.com/p/C9/",
                Some((Posted, None)),
            ),
            // …while a draft link during the review is a revised draft: it stays in review.
            (
                ContentDelivered,
                "here's v2 with the changes: https://drive.example.com/d/v2",
                None,
            ),
            (
                ContentDelivered,
                "posted it already! https://www.tiktok.com/@maya/video/7301",
                Some((Posted, None)),
            ),
            (
                ContentApproved,
                "final file for your records: https://drive.example.com/d/final",
                None,
            ),
            (InfoCollected, "I'm in!", None),
            (Completed, "no thanks", None),
            (Contacted, "Out of office until Monday", None),
            (Contacted, "STOP", None),
        ];
        for (stage, text, want) in cases {
            let got = suggest(*stage, &classify(text)).map(|s| (s.to, s.reason));
            assert_eq!(got, *want, "{stage:?} {text}");
        }
    }
}
