//! The 24-hour reply discipline: who is waiting, for how long, and when it is overdue.

use crate::model::{Channel, Direction};

/// The product's promise: a creator who wrote last gets an answer within 24 hours.
pub const REPLY_GOAL_MS: i64 = 24 * 60 * 60 * 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplyState {
    /// The creator spoke last and no teammate has answered yet.
    pub needs_reply: bool,
    /// The creator has been waiting longer than the reply goal.
    pub overdue: bool,
    /// How long the creator has been waiting (0 when nobody waits).
    pub waiting_ms: i64,
}

/// Badges for a thread from the time its creator started waiting.
pub fn reply_state(awaiting_since: Option<i64>, now: i64) -> ReplyState {
    match awaiting_since {
        None => ReplyState {
            needs_reply: false,
            overdue: false,
            waiting_ms: 0,
        },
        Some(since) => {
            let waiting_ms = (now - since).max(0);
            ReplyState {
                needs_reply: true,
                overdue: waiting_ms > REPLY_GOAL_MS,
                waiting_ms,
            }
        }
    }
}

/// How a new entry changes the waiting clock. An inbound message starts the clock if it is not
/// running (the creator's *oldest* unanswered message counts); a reply to the creator on any
/// outbound channel stops it; internal notes change nothing.
pub fn next_awaiting_since(
    current: Option<i64>,
    direction: Direction,
    channel: Channel,
    at: i64,
) -> Option<i64> {
    match (direction, channel) {
        (_, Channel::Note) | (Direction::Internal, _) => current,
        (Direction::Inbound, _) => Some(current.map_or(at, |since| since.min(at))),
        (Direction::Outbound, _) => None,
    }
}

/// The moment a waiting thread becomes overdue, for "due in" hints.
pub fn overdue_at(awaiting_since: Option<i64>) -> Option<i64> {
    awaiting_since.map(|since| since + REPLY_GOAL_MS)
}

#[cfg(test)]
mod tests {
    use super::*;
    const H: i64 = 60 * 60 * 1000;

    #[test]
    fn reply_state_table() {
        let now = 1_000 * H;
        let cases = [
            (None, false, false, 0),
            (Some(now), true, false, 0),
            (Some(now - 23 * H), true, false, 23 * H),
            (Some(now - 24 * H), true, false, 24 * H),
            (Some(now - 24 * H - 1), true, true, 24 * H + 1),
            (Some(now - 72 * H), true, true, 72 * H),
            // A clock skew (message stamped in the future) never yields negative waiting.
            (Some(now + H), true, false, 0),
        ];
        for (since, needs, overdue, waiting) in cases {
            let s = reply_state(since, now);
            assert_eq!(s.needs_reply, needs, "needs_reply for {since:?}");
            assert_eq!(s.overdue, overdue, "overdue for {since:?}");
            assert_eq!(s.waiting_ms, waiting, "waiting for {since:?}");
        }
    }

    #[test]
    fn awaiting_since_transitions() {
        use Channel::*;
        use Direction::*;
        let cases = [
            (None, Inbound, Email, 10, Some(10)),
            (Some(5), Inbound, Sms, 10, Some(5)),
            (Some(15), Inbound, Sms, 10, Some(10)),
            (Some(5), Outbound, Email, 10, None),
            (Some(5), Outbound, InApp, 10, None),
            (Some(5), Internal, Note, 10, Some(5)),
            (None, Internal, Note, 10, None),
            (None, Outbound, Instagram, 10, None),
        ];
        for (cur, dir, ch, at, want) in cases {
            assert_eq!(
                next_awaiting_since(cur, dir, ch, at),
                want,
                "{cur:?} {dir:?} {ch:?}"
            );
        }
    }

    #[test]
    fn overdue_at_adds_goal() {
        assert_eq!(overdue_at(None), None);
        assert_eq!(overdue_at(Some(1)), Some(1 + REPLY_GOAL_MS));
    }
}
