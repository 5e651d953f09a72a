//! A time zone as the offsets from UTC it uses: one fixed offset, or a base offset and the
//! changes (daylight saving) the server reads from the time zone database for the months around
//! now (`server::time_zones`). Pure, so the browser computes the same working hours and overdue
//! badges without shipping a time zone database.

use serde::{Deserialize, Serialize};

/// From `at` (ms since the epoch) on, local time is UTC + `offset_minutes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetChange {
    pub at: i64,
    pub offset_minutes: i32,
}

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 24 * 60 * MINUTE_MS;

/// The offset in force at `t`: that of the last change at or before it, else `base_minutes`.
/// `changes` are in time order.
pub fn offset_ms_at(base_minutes: i32, changes: &[OffsetChange], t: i64) -> i64 {
    let after = changes.partition_point(|c| c.at <= t);
    let minutes = after
        .checked_sub(1)
        .map_or(base_minutes, |i| changes[i].offset_minutes);
    i64::from(minutes) * MINUTE_MS
}

/// The instant a local wall-clock time happens (`local`: ms since 1970-01-01 00:00 local). A
/// time the clocks skip (spring forward) is read with the offset before the change, which lands
/// after it; a time that happens twice (fall back) is its first occurrence.
pub fn local_to_utc(base_minutes: i32, changes: &[OffsetChange], local: i64) -> i64 {
    let before = offset_ms_at(base_minutes, changes, local - DAY_MS);
    let after = offset_ms_at(base_minutes, changes, local + DAY_MS);
    [before, after]
        .into_iter()
        .map(|o| local - o)
        .filter(|u| local - offset_ms_at(base_minutes, changes, *u) == *u)
        .min()
        .unwrap_or(local - before)
}

/// One zone's changes the tests of working hours and reports share (the server's
/// `time_zones` test checks the database gives the same).
#[cfg(test)]
pub(crate) mod fixtures {
    use super::OffsetChange;
    use crate::domain::reply_clock::BusinessHours;

    /// Berlin 2026: CEST from Sunday 29 March 01:00 UTC, CET again from 25 October 01:00 UTC.
    pub const SPRING: i64 = 1_774_746_000_000;
    pub const AUTUMN: i64 = 1_792_890_000_000;
    pub const BERLIN: [OffsetChange; 2] = [
        OffsetChange {
            at: SPRING,
            offset_minutes: 120,
        },
        OffsetChange {
            at: AUTUMN,
            offset_minutes: 60,
        },
    ];

    /// Monday to Friday 9:00–18:00 in Berlin.
    pub fn berlin_working_hours() -> BusinessHours {
        BusinessHours {
            start: 9,
            end: 18,
            weekdays: true,
            utc_offset_minutes: 60,
            time_zone: Some("Europe/Berlin".into()),
            offset_changes: BERLIN.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{AUTUMN, BERLIN, SPRING};
    use super::*;

    const H: i64 = 3_600_000;

    #[test]
    fn offsets_follow_the_changes() {
        let cases = [
            (SPRING - 1, H),
            (SPRING, 2 * H),
            (AUTUMN - 1, 2 * H),
            (AUTUMN, H),
            (AUTUMN + 100 * 24 * H, H),
        ];
        for (t, want) in cases {
            assert_eq!(offset_ms_at(60, &BERLIN, t), want, "{t}");
        }
        assert_eq!(offset_ms_at(-300, &[], 0), -5 * H);
    }

    #[test]
    fn local_times_map_to_instants_across_changes() {
        // Local midnight of the spring day is 23:00 UTC the day before (still CET).
        let spring_day_local = (SPRING + H).div_euclid(24 * H) * 24 * H;
        let cases = [
            (spring_day_local, spring_day_local - H),
            // 09:00 local after the change is 07:00 UTC.
            (spring_day_local + 9 * H, spring_day_local + 7 * H),
            // 02:30 does not exist: read with CET, it lands at 01:30 UTC (03:30 CEST).
            (
                spring_day_local + 2 * H + H / 2,
                spring_day_local + H + H / 2,
            ),
            // 02:30 on the autumn day happens twice: the first (CEST), 00:30 UTC.
            (
                (AUTUMN + 2 * H).div_euclid(24 * H) * 24 * H + 2 * H + H / 2,
                (AUTUMN + 2 * H).div_euclid(24 * H) * 24 * H + H / 2,
            ),
        ];
        for (local, want) in cases {
            assert_eq!(local_to_utc(60, &BERLIN, local), want, "{local}");
        }
    }
}
