//! Working hours in a named time zone: the IANA database (bundled with jiff, so every server
//! reads the same rules) gives the zone's offsets around now, and the pure working-hours rules
//! (`app::domain::reply_clock`, `app::domain::zone`) take it from there, in the server and in the
//! browser alike.

use app::domain::reply_clock::BusinessHours;
use app::domain::zone::OffsetChange;
use jiff::tz::TimeZone;
use jiff::Timestamp;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Offsets are read for this long before now (a report's period and the one before it)…
const BACK_MS: i64 = 400 * DAY_MS;
/// …and after (a page left open, a snooze).
const AHEAD_MS: i64 = 60 * DAY_MS;

/// Whether the database knows `name` as a time zone.
pub fn is_known(name: &str) -> bool {
    TimeZone::get(name).is_ok()
}

/// Every time zone name, sorted (the settings' choices): read from the database once.
pub fn names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut all: Vec<String> = jiff::tz::db()
            .available()
            .map(|n| n.to_string())
            .filter(|n| n.contains('/') && !n.starts_with("Etc/"))
            .collect();
        all.sort();
        all
    })
}

/// The hours with their zone's offsets from `now - 400 days` to `now + 60 days` filled in; hours
/// without a zone (or with one the database no longer knows) keep their fixed offset.
pub fn with_offsets(hours: BusinessHours, now: i64) -> BusinessHours {
    let Some(tz) = hours
        .time_zone
        .as_deref()
        .and_then(|n| TimeZone::get(n).ok())
    else {
        return hours.stored();
    };
    let from = Timestamp::from_millisecond(now - BACK_MS).unwrap_or(Timestamp::UNIX_EPOCH);
    let minutes = |secs: i32| secs / 60;
    let offset_changes: Vec<OffsetChange> = tz
        .following(from)
        .map(|t| OffsetChange {
            at: t.timestamp().as_millisecond(),
            offset_minutes: minutes(t.offset().seconds()),
        })
        .take_while(|c| c.at <= now + AHEAD_MS)
        .collect();
    BusinessHours {
        utc_offset_minutes: minutes(tz.to_offset(from).seconds()),
        offset_changes,
        ..hours
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> BusinessHours {
        BusinessHours {
            start: 9,
            end: 18,
            weekdays: true,
            utc_offset_minutes: 0,
            time_zone: Some("Europe/Berlin".into()),
            offset_changes: Vec::new(),
        }
    }

    /// The database agrees with the hand-written changes the domain's tests use.
    #[test]
    fn berlin_2026_changes_come_from_the_database() {
        let now = 1_790_000_000_000; // 2026-09-21
        let h = with_offsets(berlin(), now);
        assert!(h.validate().is_ok());
        let spring = OffsetChange {
            at: 1_774_746_000_000,
            offset_minutes: 120,
        };
        let autumn = OffsetChange {
            at: 1_792_890_000_000,
            offset_minutes: 60,
        };
        assert!(h.offset_changes.contains(&spring) && h.offset_changes.contains(&autumn));
        assert!(h
            .offset_changes
            .iter()
            .all(|c| c.at >= now - BACK_MS && c.at <= now + AHEAD_MS));
        assert_eq!(h.stored().offset_changes, Vec::new());
    }

    #[test]
    fn fixed_offsets_and_unknown_zones_stay_as_they_are() {
        let fixed = BusinessHours {
            time_zone: None,
            utc_offset_minutes: -300,
            ..berlin()
        };
        assert_eq!(with_offsets(fixed.clone(), 0), fixed);
        let unknown = BusinessHours {
            time_zone: Some("Mars/Olympus_Mons".into()),
            ..berlin()
        };
        assert!(with_offsets(unknown, 0).offset_changes.is_empty());
        assert!(is_known("America/New_York") && !is_known("Mars/Olympus_Mons"));
        let names = names();
        assert!(names.len() > 300 && names.iter().any(|n| n == "Asia/Kolkata"));
    }
}
