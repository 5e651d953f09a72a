//! The campaign funnel's allowed moves.

use crate::model::{DeclineReason, Stage};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageMoveError {
    Unchanged,
    /// Completed is terminal; declined may only be reopened to an early stage.
    NotAllowed {
        from: Stage,
        to: Stage,
    },
    /// Declining needs a structured reason.
    ReasonRequired,
    /// A reason only goes with a decline.
    ReasonWithoutDecline,
}

impl std::fmt::Display for StageMoveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StageMoveError::Unchanged => write!(f, "the enrollment is already in that stage"),
            StageMoveError::NotAllowed { from, to } => {
                write!(f, "cannot move from {} to {}", from.label(), to.label())
            }
            StageMoveError::ReasonRequired => write!(f, "declining needs a reason"),
            StageMoveError::ReasonWithoutDecline => {
                write!(f, "a decline reason needs the declined stage")
            }
        }
    }
}

/// Every stage but Declined (the last), in funnel order.
pub fn funnel() -> &'static [Stage] {
    &Stage::ALL[..Stage::ALL.len() - 1]
}

/// A stage's position in the funnel (None for Declined).
pub fn funnel_index(stage: Stage) -> Option<usize> {
    funnel().iter().position(|s| *s == stage)
}

/// Whether `from → to` is a move the funnel allows, and that a decline carries its reason.
///
/// - forward along the funnel by any number of steps (a creator may accept in their first reply);
/// - one step back, to correct a mistake;
/// - declined from any open stage, with a reason; a declined enrollment can be reopened to
///   contacted, replied or negotiating;
/// - completed is final; nothing moves back to prospect (where an enrollment starts).
pub fn check_move(
    from: Stage,
    to: Stage,
    reason: Option<DeclineReason>,
) -> Result<(), StageMoveError> {
    if from == to {
        return Err(StageMoveError::Unchanged);
    }
    match (to, reason) {
        (Stage::Declined, None) => return Err(StageMoveError::ReasonRequired),
        (s, Some(_)) if s != Stage::Declined => return Err(StageMoveError::ReasonWithoutDecline),
        _ => {}
    }
    let allowed = match (from, to) {
        (Stage::Completed, _) => false,
        // Prospect is where an enrollment starts; nothing goes back to it.
        (_, Stage::Prospect) => false,
        (_, Stage::Declined) => true,
        (Stage::Declined, to) => {
            matches!(to, Stage::Contacted | Stage::Replied | Stage::Negotiating)
        }
        (from, to) => {
            let (f, t) = (
                funnel_index(from).unwrap_or(0),
                funnel_index(to).unwrap_or(0),
            );
            t > f || t + 1 == f
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(StageMoveError::NotAllowed { from, to })
    }
}

/// The next action an enrollment shows by default in `stage`. A stage move replaces the next
/// action with the new stage's default unless a teammate wrote their own (anything but the old
/// stage's default): `server::store::thread_write::STAGE_MOVE`.
pub fn default_next_action(stage: Stage) -> &'static str {
    match stage {
        Stage::Prospect => "Send the outreach",
        Stage::Contacted => "Wait for a reply; follow up in 3 days",
        Stage::Replied => "Send the brief and offer",
        Stage::Negotiating => "Agree rate and usage rights",
        Stage::Accepted => "Collect the shipping address",
        Stage::InfoCollected => "Ship the product",
        Stage::ProductShipped => "Wait for the draft",
        Stage::ContentDelivered => "Review the draft",
        Stage::ContentApproved => "Wait for the post",
        Stage::Posted => "Pay the invoice",
        Stage::Completed | Stage::Declined => "",
    }
}

/// The stages a person may pick next from `from` (for the stage menu).
pub fn next_stages(from: Stage) -> Vec<Stage> {
    Stage::ALL
        .into_iter()
        .filter(|to| {
            let reason = (*to == Stage::Declined).then_some(DeclineReason::Other);
            check_move(from, *to, reason).is_ok()
        })
        .collect()
}

/// Stages of a creator who agreed and has not posted yet: the campaign's post-by date binds them.
pub const AWAITING_POST: [Stage; 5] = [
    Stage::Accepted,
    Stage::InfoCollected,
    Stage::ProductShipped,
    Stage::ContentDelivered,
    Stage::ContentApproved,
];

/// Past deadline: the campaign's post-by date has passed and the creator agreed but has not
/// posted.
pub fn past_deadline(stage: Stage, post_by: Option<i64>, now: i64) -> bool {
    AWAITING_POST.contains(&stage) && post_by.is_some_and(|p| p < now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeclineReason as R;
    use Stage::*;

    #[test]
    fn move_table() {
        let ok = Ok(());
        let cases: &[(Stage, Stage, Option<R>, Result<(), StageMoveError>)] = &[
            (Prospect, Contacted, None, ok),
            (Prospect, Replied, None, ok),
            (Prospect, Declined, Some(R::BrandFit), ok),
            (
                Contacted,
                Prospect,
                None,
                Err(StageMoveError::NotAllowed {
                    from: Contacted,
                    to: Prospect,
                }),
            ),
            (Contacted, Replied, None, ok),
            (Contacted, Accepted, None, ok),
            (Replied, Negotiating, None, ok),
            (Negotiating, Accepted, None, ok),
            (Accepted, InfoCollected, None, ok),
            (InfoCollected, ProductShipped, None, ok),
            (ProductShipped, ContentDelivered, None, ok),
            (ContentDelivered, Posted, None, ok),
            (Posted, Completed, None, ok),
            (Accepted, Negotiating, None, ok),
            (ContentDelivered, ContentApproved, None, ok),
            (ContentApproved, Posted, None, ok),
            (Posted, ContentApproved, None, ok),
            (ContentApproved, ContentDelivered, None, ok),
            (
                Posted,
                ContentDelivered,
                None,
                Err(StageMoveError::NotAllowed {
                    from: Posted,
                    to: ContentDelivered,
                }),
            ),
            (
                Accepted,
                Contacted,
                None,
                Err(StageMoveError::NotAllowed {
                    from: Accepted,
                    to: Contacted,
                }),
            ),
            (
                Completed,
                Posted,
                None,
                Err(StageMoveError::NotAllowed {
                    from: Completed,
                    to: Posted,
                }),
            ),
            (
                Completed,
                Declined,
                Some(R::Other),
                Err(StageMoveError::NotAllowed {
                    from: Completed,
                    to: Declined,
                }),
            ),
            (Negotiating, Declined, Some(R::Rate), ok),
            (Contacted, Declined, Some(R::NoReply), ok),
            (
                Negotiating,
                Declined,
                None,
                Err(StageMoveError::ReasonRequired),
            ),
            (
                Negotiating,
                Accepted,
                Some(R::Rate),
                Err(StageMoveError::ReasonWithoutDecline),
            ),
            (Declined, Negotiating, None, ok),
            (Declined, Contacted, None, ok),
            (
                Declined,
                Posted,
                None,
                Err(StageMoveError::NotAllowed {
                    from: Declined,
                    to: Posted,
                }),
            ),
            (
                Declined,
                Declined,
                Some(R::Rate),
                Err(StageMoveError::Unchanged),
            ),
            (Replied, Replied, None, Err(StageMoveError::Unchanged)),
        ];
        for (from, to, reason, want) in cases {
            assert_eq!(
                check_move(*from, *to, *reason),
                *want,
                "{from:?} -> {to:?} ({reason:?})"
            );
        }
    }

    #[test]
    fn next_stages_lists_only_allowed_moves() {
        assert!(next_stages(Completed).is_empty());
        assert_eq!(next_stages(Declined), vec![Contacted, Replied, Negotiating]);
        let from_accepted = next_stages(Accepted);
        assert!(from_accepted.contains(&Negotiating));
        assert!(from_accepted.contains(&Declined));
        assert!(!from_accepted.contains(&Replied));
        assert!(!from_accepted.contains(&Accepted));
    }

    #[test]
    fn past_deadline_binds_creators_who_agreed_and_have_not_posted() {
        let now = 1_000;
        let cases = [
            (Stage::Accepted, Some(999), true),
            (Stage::ContentApproved, Some(1), true),
            (Stage::Accepted, Some(1_000), false),
            (Stage::Accepted, None, false),
            (Stage::Negotiating, Some(1), false),
            (Stage::Posted, Some(1), false),
            (Stage::Declined, Some(1), false),
        ];
        for (stage, post_by, want) in cases {
            assert_eq!(
                past_deadline(stage, post_by, now),
                want,
                "{stage:?} {post_by:?}"
            );
        }
    }
}
