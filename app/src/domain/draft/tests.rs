use super::*;
use DraftState::*;
use Role::*;

#[test]
fn who_may_review_what() {
    let cases: &[(DraftState, Role, Role, Review, bool)] = &[
        (PendingReview, Owner, Owner, Review::Approve, true),
        (PendingReview, Owner, Manager, Review::Approve, false),
        (PendingReview, Manager, Owner, Review::Approve, true),
        (PendingReview, Manager, Manager, Review::Reject, true),
        (PendingReview, Manager, Member, Review::Reject, false),
        (PendingReview, Owner, Member, Review::Edit, true),
        (PendingReview, Member, Viewer, Review::Approve, false),
        (PendingReview, Member, Viewer, Review::Edit, false),
        (Sent, Member, Owner, Review::Approve, false),
        (Rejected, Member, Owner, Review::Approve, false),
        (Canceled, Member, Owner, Review::Reject, false),
        (AutoSent, Member, Owner, Review::Edit, false),
        // A teammate's submitted reply and an escalated draft are reviewed like any other.
        (Submitted, Manager, Manager, Review::Approve, true),
        (Submitted, Manager, Member, Review::Approve, false),
        (Escalated, Owner, Manager, Review::Approve, false),
        (Escalated, Owner, Owner, Review::Reject, true),
    ];
    for (state, required, role, review, ok) in cases {
        assert_eq!(
            check_review(*state, *required, *role, *review).is_ok(),
            *ok,
            "{state:?} needs {required:?}, {role:?} does {review:?}"
        );
    }
    assert_eq!(
        check_review(PendingReview, Owner, Manager, Review::Approve),
        Err("this draft needs approval by an owner or above".into())
    );
}

#[test]
fn states_round_trip_and_only_waiting_ones_are_open() {
    for s in DraftState::ALL {
        assert_eq!(DraftState::parse(s.as_str()), Some(s));
        assert_eq!(
            s.is_open(),
            matches!(s, PendingReview | Submitted | Escalated)
        );
    }
    assert_eq!(DraftState::parse("approved"), None);
}

#[test]
fn reviewer_is_the_assignee_when_senior_enough() {
    let team = vec![
        Candidate {
            id: "m1".into(),
            role: Member,
        },
        Candidate {
            id: "g1".into(),
            role: Manager,
        },
        Candidate {
            id: "o1".into(),
            role: Owner,
        },
        Candidate {
            id: "v1".into(),
            role: Viewer,
        },
    ];
    let cases: &[(Role, Option<&str>, Option<&str>)] = &[
        (Member, Some("m1"), Some("m1")),
        (Manager, Some("m1"), Some("g1")),
        (Owner, Some("g1"), Some("o1")),
        (Manager, Some("o1"), Some("o1")),
        (Member, None, Some("m1")),
        (Viewer, Some("v1"), Some("m1")),
        (Owner, Some("nobody"), Some("o1")),
    ];
    for (required, assignee, want) in cases {
        assert_eq!(
            pick_reviewer(*required, *assignee, &team).as_deref(),
            *want,
            "{required:?} {assignee:?}"
        );
    }
    assert_eq!(pick_reviewer(Owner, None, &team[..2]), None);
}

#[test]
fn managers_pass_drafts_up_to_an_owner() {
    let cases: &[(DraftState, Role, Role, bool)] = &[
        (PendingReview, Manager, Manager, true),
        (Submitted, Manager, Manager, true),
        (Submitted, Member, Manager, true),
        // Owners decide; members cannot pass a draft over their reviewer.
        (Submitted, Manager, Owner, false),
        (Submitted, Manager, Member, false),
        // Already for an owner, or decided: nowhere to go.
        (Escalated, Owner, Manager, false),
        (PendingReview, Owner, Manager, false),
        (Sent, Manager, Manager, false),
    ];
    for (state, required, role, ok) in cases {
        assert_eq!(
            check_escalate(*state, *required, *role).is_ok(),
            *ok,
            "{state:?} needs {required:?}, escalated by {role:?}"
        );
    }
}
