//! Content approval: when a creator hands in content, the team approves it (the enrollment moves
//! to Content approved; the next link the creator sends is the post) or asks for changes with
//! feedback, which goes to the creator as a reply governed like any other.

use super::stage::check_move;
use crate::model::Stage;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentDecision {
    Approve,
    RequestChanges,
}

impl ContentDecision {
    pub fn audit_action(self) -> &'static str {
        match self {
            ContentDecision::Approve => "content.approved",
            ContentDecision::RequestChanges => "content.changes_requested",
        }
    }
}

/// The most feedback a change request carries.
pub const MAX_FEEDBACK_CHARS: usize = 2000;

/// Whether the decision can be taken on an enrollment at `stage`, and the stage it moves to
/// (`None`: it stays). Approving needs content that is not yet posted; asking for changes needs
/// feedback, and puts an enrollment that had not reached review there.
pub fn check(
    stage: Stage,
    decision: ContentDecision,
    feedback: &str,
) -> Result<Option<Stage>, String> {
    if stage.is_closed() || matches!(stage, Stage::Posted) {
        return Err(format!(
            "the enrollment is {}: there is no content to review",
            stage.label().to_lowercase()
        ));
    }
    let to = match decision {
        ContentDecision::Approve => Stage::ContentApproved,
        ContentDecision::RequestChanges => {
            let words = feedback.trim();
            if words.is_empty() || words.chars().count() > MAX_FEEDBACK_CHARS {
                return Err(format!(
                    "say what should change (up to {MAX_FEEDBACK_CHARS} characters)"
                ));
            }
            Stage::ContentDelivered
        }
    };
    if stage == to {
        return Ok(None);
    }
    // Changes asked after an approval go back to review; otherwise only forward.
    check_move(stage, to, None)
        .map(|()| Some(to))
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ContentDecision::*;
    use Stage::*;

    #[test]
    fn decisions_table() {
        let cases: &[(Stage, ContentDecision, &str, Result<Option<Stage>, &str>)] = &[
            (ContentDelivered, Approve, "", Ok(Some(ContentApproved))),
            (ProductShipped, Approve, "", Ok(Some(ContentApproved))),
            (ContentApproved, Approve, "", Ok(None)),
            (
                ContentDelivered,
                RequestChanges,
                "Please show the texture",
                Ok(None),
            ),
            (
                ProductShipped,
                RequestChanges,
                "Brighter light",
                Ok(Some(ContentDelivered)),
            ),
            (
                ContentApproved,
                RequestChanges,
                "One more take",
                Ok(Some(ContentDelivered)),
            ),
            (
                ContentDelivered,
                RequestChanges,
                "  ",
                Err("say what should change"),
            ),
            (Posted, Approve, "", Err("no content to review")),
            (Completed, RequestChanges, "x", Err("no content to review")),
            (Declined, Approve, "", Err("no content to review")),
        ];
        for (stage, decision, feedback, want) in cases {
            let got = check(*stage, *decision, feedback);
            match (got, want) {
                (Ok(g), Ok(w)) => assert_eq!(g, *w, "{stage:?} {decision:?}"),
                (Err(g), Err(w)) => assert!(g.contains(w), "{stage:?} {decision:?}: {g}"),
                (g, w) => panic!("{stage:?} {decision:?}: {g:?} vs {w:?}"),
            }
        }
        let long = "x".repeat(MAX_FEEDBACK_CHARS + 1);
        assert!(check(ContentDelivered, RequestChanges, &long).is_err());
    }
}
