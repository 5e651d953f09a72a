//! Snoozing a thread: out of Needs reply and Overdue until a time, or until the creator writes
//! again (or both: whichever comes first). Pure checks and the presets the UI offers.

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
/// The longest snooze.
pub const MAX_MS: i64 = 90 * DAY;

/// What a teammate asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    Until {
        at: i64,
        or_reply: bool,
    },
    UntilReply,
    /// Wake it now.
    Off,
}

pub fn request(until: Option<i64>, until_reply: bool) -> Request {
    match (until, until_reply) {
        (Some(at), or_reply) => Request::Until { at, or_reply },
        (None, true) => Request::UntilReply,
        (None, false) => Request::Off,
    }
}

pub fn check(r: Request, now: i64) -> Result<(), String> {
    match r {
        Request::Until { at, .. } if at <= now => Err("choose a time in the future".into()),
        Request::Until { at, .. } if at - now > MAX_MS => {
            Err("a snooze lasts at most 90 days".into())
        }
        _ => Ok(()),
    }
}

/// The presets: label and wake time. "Tomorrow" and "Next week" wake at 09:00 (UTC offset given
/// in minutes, the workspace's).
pub fn presets(now: i64, utc_offset_minutes: i64) -> Vec<(&'static str, i64)> {
    let offset = utc_offset_minutes * 60_000;
    let local_midnight = (now + offset).div_euclid(DAY) * DAY - offset;
    vec![
        ("3 hours", now + 3 * HOUR),
        ("Tomorrow 9:00", local_midnight + DAY + 9 * HOUR),
        ("Next week", local_midnight + 7 * DAY + 9 * HOUR),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked() {
        let now = 1_000 * DAY;
        let cases = [
            (request(Some(now + HOUR), false), Ok(())),
            (request(Some(now + HOUR), true), Ok(())),
            (request(None, true), Ok(())),
            (request(None, false), Ok(())),
            (
                request(Some(now), false),
                Err("choose a time in the future".to_string()),
            ),
            (
                request(Some(now + 91 * DAY), false),
                Err("a snooze lasts at most 90 days".to_string()),
            ),
        ];
        for (r, want) in cases {
            assert_eq!(check(r, now), want, "{r:?}");
        }
        assert_eq!(request(None, false), Request::Off);
    }

    #[test]
    fn presets_wake_in_the_morning_local_time() {
        let now = 1_000 * DAY + 15 * HOUR; // 15:00 UTC
        let p = presets(now, 0);
        assert_eq!(p[0].1, now + 3 * HOUR);
        assert_eq!(p[1].1, 1_001 * DAY + 9 * HOUR);
        assert_eq!(p[2].1, 1_007 * DAY + 9 * HOUR);
        // At UTC−5 it is 10:00 locally; tomorrow 09:00 local is 14:00 UTC.
        let p = presets(now, -300);
        assert_eq!(p[1].1, 1_001 * DAY + 14 * HOUR);
    }
}
