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
fn states_round_trip_and_only_pending_is_open() {
    for s in DraftState::ALL {
        assert_eq!(DraftState::parse(s.as_str()), Some(s));
        assert_eq!(s.is_open(), s == PendingReview);
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
