//! The 24-hour reply discipline: who is waiting, for how long, and when it is overdue.

use crate::domain::zone::{local_to_utc, offset_ms_at, OffsetChange};
use crate::model::{Channel, Direction};
use serde::{Deserialize, Serialize};

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

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// A workspace's working hours: with them, the reply goal counts only working time (a creator
/// who writes on Friday evening is not overdue on Saturday).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessHours {
    /// Local hours `[start, end)`.
    pub start: u8,
    pub end: u8,
    /// Monday to Friday only.
    pub weekdays: bool,
    /// The offset from UTC: the time zone's when none is named, else its offset before the
    /// first of `offset_changes`.
    pub utc_offset_minutes: i32,
    /// An IANA time zone ("Europe/Berlin"): its daylight-saving changes move the hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// The named zone's offset changes around now, in time order: filled by the server from the
    /// time zone database when it reads the hours (`server::time_zones`), never stored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offset_changes: Vec<OffsetChange>,
}

/// The longest IANA time zone name accepted ("America/Argentina/ComodRivadavia" is 32).
pub const MAX_TIME_ZONE_CHARS: usize = 40;

impl BusinessHours {
    pub fn validate(&self) -> Result<(), String> {
        if self.start >= self.end || self.end > 24 {
            return Err("working hours run from a start hour to a later end hour (0–24)".into());
        }
        if self.utc_offset_minutes.abs() > 14 * 60 {
            return Err("the time zone is at most 14 hours from UTC".into());
        }
        if let Some(z) = &self.time_zone {
            let ok = !z.is_empty()
                && z.len() <= MAX_TIME_ZONE_CHARS
                && z.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b));
            if !ok {
                return Err("a time zone is named like Europe/Berlin".into());
            }
        }
        if self.offset_changes.windows(2).any(|w| w[0].at >= w[1].at) {
            return Err("offset changes are in time order".into());
        }
        Ok(())
    }

    /// The hours as stored: the zone's offset changes are read again from the database.
    pub fn stored(&self) -> BusinessHours {
        BusinessHours {
            offset_changes: Vec::new(),
            ..self.clone()
        }
    }

    /// The working interval of local day `day` (days since 1970-01-01, local), in UTC ms.
    fn interval(&self, day: i64) -> Option<(i64, i64)> {
        // 1970-01-01 was a Thursday: Monday is 0.
        let weekday = (day + 3).rem_euclid(7);
        if self.weekdays && weekday >= 5 {
            return None;
        }
        let at = |hour: u8| {
            let local = day * DAY_MS + i64::from(hour) * HOUR_MS;
            local_to_utc(self.utc_offset_minutes, &self.offset_changes, local)
        };
        Some((at(self.start), at(self.end)))
    }

    /// The instant local day `day` begins.
    pub fn day_start(&self, day: i64) -> i64 {
        local_to_utc(self.utc_offset_minutes, &self.offset_changes, day * DAY_MS)
    }

    /// The local day (days since 1970-01-01, local) instant `t` falls on.
    pub fn local_day(&self, t: i64) -> i64 {
        (t + offset_ms_at(self.utc_offset_minutes, &self.offset_changes, t)).div_euclid(DAY_MS)
    }
}

/// Working time between two instants.
pub fn business_ms(from: i64, to: i64, h: &BusinessHours) -> i64 {
    if to <= from {
        return 0;
    }
    (h.local_day(from)..=h.local_day(to))
        .filter_map(|d| h.interval(d))
        .map(|(s, e)| (e.min(to) - s.max(from)).max(0))
        .sum()
}

/// Waits that began before this instant are overdue at `now`: 24 hours back, or with working
/// hours, 24 working hours back. The server's Overdue filter and the badges use the same.
pub fn overdue_before(now: i64, hours: Option<&BusinessHours>) -> i64 {
    let Some(h) = hours.filter(|h| h.validate().is_ok()) else {
        return now - REPLY_GOAL_MS;
    };
    let mut left = REPLY_GOAL_MS;
    let mut day = h.local_day(now);
    // A week holds at least one working day: this ends within a few weeks.
    for _ in 0..400 {
        if let Some((s, e)) = h.interval(day) {
            let end = e.min(now);
            let span = (end - s).max(0);
            if span >= left {
                return end - left;
            }
            left -= span;
        }
        day -= 1;
    }
    now - REPLY_GOAL_MS
}

/// `reply_state` with the workspace's working hours counting toward the goal (the waiting time
/// shown stays the clock's).
pub fn reply_state_in(
    awaiting_since: Option<i64>,
    now: i64,
    hours: Option<&BusinessHours>,
) -> ReplyState {
    let mut s = reply_state(awaiting_since, now);
    if let Some(since) = awaiting_since {
        s.overdue = since < overdue_before(now, hours);
    }
    s
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
    ClockEffect::of(direction, channel, at).apply(current)
}

/// What entries do to the waiting clock, whatever it stood at: `next_awaiting_since` as data.
/// The store applies it to the stored value inside its write, so a write that raced it between
/// a read and the write is built on, not overwritten.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ClockEffect {
    /// A reply of ours stopped the clock.
    pub reset: bool,
    /// The oldest creator message since (or, without `reset`, in) these entries.
    pub from: Option<i64>,
}

impl ClockEffect {
    /// One entry's effect.
    pub fn of(direction: Direction, channel: Channel, at: i64) -> ClockEffect {
        match (direction, channel) {
            (_, Channel::Note) | (Direction::Internal, _) => ClockEffect::default(),
            (Direction::Inbound, _) => ClockEffect {
                reset: false,
                from: Some(at),
            },
            (Direction::Outbound, _) => ClockEffect {
                reset: true,
                from: None,
            },
        }
    }

    /// This effect, then `next`'s: one effect for both.
    pub fn then(self, next: ClockEffect) -> ClockEffect {
        if next.reset {
            return next;
        }
        ClockEffect {
            reset: self.reset,
            from: earliest(self.from, next.from),
        }
    }

    /// The clock after the effect, from `current`.
    pub fn apply(self, current: Option<i64>) -> Option<i64> {
        let base = if self.reset { None } else { current };
        earliest(base, self.from)
    }
}

fn earliest(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The moment a waiting thread becomes overdue, for "due in" hints.
pub fn overdue_at(awaiting_since: Option<i64>) -> Option<i64> {
    awaiting_since.map(|since| since + REPLY_GOAL_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_effects_compose_like_entries_written_one_by_one() {
        use Direction::*;
        let (i, o, n) = (
            (Inbound, Channel::Sms),
            (Outbound, Channel::Email),
            (Internal, Channel::Note),
        );
        let runs: [&[(Direction, Channel)]; 8] = [
            &[i],
            &[o],
            &[n],
            &[i, i],
            &[i, o],
            &[o, i, i],
            &[i, n, o, n, i],
            &[n, i, o],
        ];
        for start in [None, Some(5), Some(500)] {
            for run in runs {
                let mut one_by_one = start;
                let mut effect = ClockEffect::default();
                for (k, (direction, channel)) in run.iter().enumerate() {
                    let at = 100 + 10 * k as i64;
                    one_by_one = next_awaiting_since(one_by_one, *direction, *channel, at);
                    effect = effect.then(ClockEffect::of(*direction, *channel, at));
                }
                assert_eq!(effect.apply(start), one_by_one, "{start:?} {run:?}");
            }
        }
    }

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

    /// Monday 2026-11-23 00:00 UTC.
    const MON: i64 = 1_795_392_000_000;

    fn nine_to_five(offset_h: i32) -> BusinessHours {
        BusinessHours {
            start: 9,
            end: 17,
            weekdays: true,
            utc_offset_minutes: offset_h * 60,
            time_zone: None,
            offset_changes: Vec::new(),
        }
    }

    #[test]
    fn working_hours_table() {
        let h = nine_to_five(0);
        let day = 24 * H;
        // (wait began, now, working time between, overdue)
        let cases = [
            (MON + 10 * H, MON + day + 10 * H, 8 * H, false),
            // Mon 7 + Tue 8 + Wed 8 + Thu 1 = exactly 24 working hours: not yet.
            (MON + 10 * H, MON + 3 * day + 10 * H, 24 * H, false),
            (
                MON + 10 * H,
                MON + 3 * day + 10 * H + 60_000,
                24 * H + 60_000,
                true,
            ),
            // Friday 16:00 → Wednesday 17:00: Fri 1 + Mon 8 + Tue 8 + Wed 8 = 25.
            (MON + 4 * day + 16 * H, MON + 9 * day + 17 * H, 25 * H, true),
            // Written on Saturday, Monday evening: 8 working hours.
            (MON + 5 * day + 12 * H, MON + 7 * day + 20 * H, 8 * H, false),
            // Outside hours only.
            (MON + 18 * H, MON + 20 * H, 0, false),
        ];
        for (since, now, worked, overdue) in cases {
            assert_eq!(business_ms(since, now, &h), worked, "{since} {now}");
            assert_eq!(
                reply_state_in(Some(since), now, Some(&h)).overdue,
                overdue,
                "{since} {now}"
            );
            // The cutoff agrees with the working time.
            assert_eq!(
                since < overdue_before(now, Some(&h)),
                worked > REPLY_GOAL_MS
            );
        }
        // Without working hours: the clock's 24 hours.
        assert_eq!(overdue_before(MON + day, None), MON);
        assert!(reply_state_in(Some(MON), MON + day + 1, None).overdue);
    }

    #[test]
    fn working_hours_follow_the_time_zone() {
        // New York (UTC−5): 9:00–17:00 local is 14:00–22:00 UTC.
        let ny = nine_to_five(-5);
        assert_eq!(business_ms(MON + 13 * H, MON + 15 * H, &ny), H);
        assert_eq!(business_ms(MON + 21 * H, MON + 23 * H, &ny), H);
        // Tokyo (UTC+9): Monday 9:00 local is Monday 00:00 UTC.
        let tokyo = nine_to_five(9);
        assert_eq!(business_ms(MON - H, MON + H, &tokyo), H);
    }

    #[test]
    fn working_hours_are_checked() {
        let ok = nine_to_five(0);
        assert!(ok.validate().is_ok());
        for bad in [
            BusinessHours {
                start: 17,
                end: 9,
                ..ok.clone()
            },
            BusinessHours {
                start: 9,
                end: 25,
                ..ok.clone()
            },
            BusinessHours {
                utc_offset_minutes: 15 * 60,
                ..ok.clone()
            },
            BusinessHours {
                time_zone: Some("Europe/Berlin; DROP".into()),
                ..ok.clone()
            },
            BusinessHours {
                offset_changes: vec![
                    OffsetChange {
                        at: 2,
                        offset_minutes: 60,
                    },
                    OffsetChange {
                        at: 1,
                        offset_minutes: 120,
                    },
                ],
                ..ok.clone()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn working_hours_move_with_daylight_saving() {
        // Berlin, Monday–Friday 9–18; CEST starts Sunday 2026-03-29 at 01:00 UTC.
        use crate::domain::zone::fixtures::{berlin_working_hours, SPRING as spring};
        let berlin = berlin_working_hours();
        assert!(berlin.validate().is_ok());
        let day = 24 * H;
        // Friday 27 March 17:00 CET = 16:00 UTC; Monday 30 March 10:00 CEST = 08:00 UTC.
        let friday_five = spring - 2 * day + 15 * H;
        let monday_ten = spring + day + 7 * H;
        // Friday 1 h + Monday 1 h (9:00 CEST is 07:00 UTC, not 08:00): the weekend and the
        // lost night hour never count.
        assert_eq!(business_ms(friday_five, monday_ten, &berlin), 2 * H);
        let fixed = BusinessHours {
            time_zone: None,
            offset_changes: Vec::new(),
            ..berlin.clone()
        };
        assert_eq!(business_ms(friday_five, monday_ten, &fixed), H);
        // Monday 9:00 local is 07:00 UTC with the change and 08:00 UTC without it.
        let monday_seven_utc = spring + day + 6 * H;
        assert_eq!(
            business_ms(monday_seven_utc - H, monday_seven_utc, &berlin),
            0
        );
        assert_eq!(
            business_ms(monday_seven_utc, monday_seven_utc + H, &berlin),
            H
        );
        assert_eq!(
            business_ms(monday_seven_utc, monday_seven_utc + H, &fixed),
            0
        );
        // 24 working hours from Friday 17:00: Fri 1 + Mon 9 + Tue 9 + Wed 5 → Wed 14:00 CEST.
        let wednesday_two = spring + 3 * day + 11 * H;
        assert_eq!(overdue_before(wednesday_two, Some(&berlin)), friday_five);
    }
}
