//! Phone numbers as teams type them, in E.164 (libphonenumber's rules through the `phonenumber`
//! crate): an international number as written, a national one in the team's default country.

/// `raw` in E.164 when it is a valid number (`+…`, or national in `country`, an ISO 3166 code
/// such as `US` or `GB`); `None` otherwise.
pub fn e164(raw: &str, country: &str) -> Option<String> {
    let country = country
        .trim()
        .to_uppercase()
        .parse::<phonenumber::country::Id>()
        .ok();
    let number = phonenumber::parse(country, raw.trim()).ok()?;
    phonenumber::is_valid(&number)
        .then(|| number.format().mode(phonenumber::Mode::E164).to_string())
}

/// Whether `code` is a country libphonenumber knows (ISO 3166 alpha-2, any case).
pub fn is_country(code: &str) -> bool {
    code.len() == 2
        && code
            .to_uppercase()
            .parse::<phonenumber::country::Id>()
            .is_ok()
}

#[cfg(test)]
mod tests {
    use super::{e164, is_country};

    #[test]
    fn countries() {
        for (code, ok) in [
            ("US", true),
            ("gb", true),
            ("DE", true),
            ("XX", false),
            ("USA", false),
            ("", false),
        ] {
            assert_eq!(is_country(code), ok, "{code}");
        }
    }

    #[test]
    fn e164_table() {
        let cases = [
            ("(415) 555-2671", "US", Some("+14155552671")),
            ("415.555.2671", "us", Some("+14155552671")),
            ("+44 20 7946 0958", "US", Some("+442079460958")),
            ("020 7946 0958", "GB", Some("+442079460958")),
            ("0151 12345678", "DE", Some("+4915112345678")),
            ("555-01", "US", None),
            ("call me", "US", None),
            ("020 7946 0958", "", None),
            ("", "US", None),
        ];
        for (raw, country, want) in cases {
            assert_eq!(
                e164(raw, country).as_deref(),
                want,
                "{raw:?} in {country:?}"
            );
        }
    }
}
