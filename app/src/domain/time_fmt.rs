//! Times as people read them: relative in lists ("5m", "3h", "2d"), exact on hover.
//! Timestamps are Unix milliseconds, UTC.

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Civil date (year, month 1-12, day 1-31) from days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Days since 1970-01-01 of a civil date (the inverse of `civil_from_days`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// "2026-11-23" (a date field's value; UTC).
pub fn iso_date(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// A date field's "2026-11-23" as the ms of its midnight, UTC; `None` for anything else.
pub fn parse_iso_date(s: &str) -> Option<i64> {
    let mut parts = s.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let ms = days_from_civil(y, m, d) * DAY;
    // 2026-02-30 is not a date: it would come back as another.
    (iso_date(ms) == format!("{y:04}-{m:02}-{d:02}")).then_some(ms)
}

/// "2026-11-23 14:05 UTC"
pub fn exact(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY));
    let in_day = ms.rem_euclid(DAY);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        in_day / HOUR,
        (in_day % HOUR) / MIN
    )
}

/// "2026-11-23T14:05:09.120Z" (RFC 3339, for exports).
pub fn rfc3339(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY));
    let in_day = ms.rem_euclid(DAY);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / HOUR,
        (in_day % HOUR) / MIN,
        (in_day % MIN) / 1000,
        in_day % 1000
    )
}

/// "Nov 3"
pub fn short_date(ms: i64) -> String {
    let (_, m, d) = civil_from_days(ms.div_euclid(DAY));
    format!("{} {d}", MONTHS[(m - 1) as usize])
}

/// Compact age for lists: "now", "5m", "3h", "2d", then the date.
pub fn relative(now: i64, at: i64) -> String {
    let age = now - at;
    if age < MIN {
        "now".into()
    } else if age < HOUR {
        format!("{}m", age / MIN)
    } else if age < DAY {
        format!("{}h", age / HOUR)
    } else if age < 7 * DAY {
        format!("{}d", age / DAY)
    } else {
        short_date(at)
    }
}

/// A waiting time in words for badges: "waiting 3h", "waiting 2d 4h".
pub fn waiting(ms: i64) -> String {
    if ms < HOUR {
        format!("waiting {}m", (ms / MIN).max(1))
    } else if ms < DAY {
        format!("waiting {}h", ms / HOUR)
    } else {
        let (d, h) = (ms / DAY, (ms % DAY) / HOUR);
        if h == 0 {
            format!("waiting {d}d")
        } else {
            format!("waiting {d}d {h}h")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_table() {
        let cases = [
            (0, "1970-01-01 00:00 UTC"),
            (1_795_442_700_000, "2026-11-23 14:05 UTC"),
            (951_782_400_000, "2000-02-29 00:00 UTC"),
            (-DAY, "1969-12-31 00:00 UTC"),
        ];
        for (ms, want) in cases {
            assert_eq!(exact(ms), want);
        }
    }

    #[test]
    fn relative_table() {
        let now = 1_795_442_700_000;
        let cases = [
            (now, "now"),
            (now - 59_000, "now"),
            (now - 5 * MIN, "5m"),
            (now - 3 * HOUR - 5 * MIN, "3h"),
            (now - 2 * DAY, "2d"),
            (now - 30 * DAY, "Oct 24"),
        ];
        for (at, want) in cases {
            assert_eq!(relative(now, at), want, "{at}");
        }
    }

    #[test]
    fn waiting_table() {
        let cases = [
            (0, "waiting 1m"),
            (30 * MIN, "waiting 30m"),
            (5 * HOUR, "waiting 5h"),
            (DAY, "waiting 1d"),
            (DAY + 4 * HOUR, "waiting 1d 4h"),
        ];
        for (ms, want) in cases {
            assert_eq!(waiting(ms), want);
        }
    }

    #[test]
    fn date_fields_round_trip() {
        let cases: &[(&str, Option<i64>)] = &[
            ("1970-01-01", Some(0)),
            ("2026-12-06", Some(1_796_515_200_000)),
            ("2024-02-29", Some(1_709_164_800_000)),
            ("2026-02-29", None),
            ("2026-13-01", None),
            ("2026-1-1", Some(1_767_225_600_000)),
            ("next week", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_iso_date(text), *want, "{text}");
            if let Some(ms) = want {
                assert_eq!(parse_iso_date(&iso_date(*ms)), Some(*ms));
            }
        }
    }
}
