//! @mentions in internal notes: which teammates a note names. A mention is `@` followed by a
//! teammate's first name or their full name with or without its space (`@dana`, `@DanaReyes`,
//! `@Dana Reyes`), matched case-insensitively and ending at a word boundary.

/// The ids of the teammates `text` mentions, each once, in the order of `team`.
pub fn mentioned<'a>(text: &str, team: &'a [(String, String)]) -> Vec<&'a str> {
    let lower = text.to_lowercase();
    let tags: Vec<&str> = lower
        .match_indices('@')
        .filter(|(i, _)| {
            // Not an email address: the @ starts a word.
            *i == 0 || !lower[..*i].ends_with(|c: char| c.is_alphanumeric() || c == '.')
        })
        .map(|(i, _)| &lower[i + 1..])
        .collect();
    team.iter()
        .filter(|(_, name)| {
            let full = name.to_lowercase();
            let first = full.split_whitespace().next().unwrap_or("").to_string();
            let joined: String = full.split_whitespace().collect();
            let forms = [full.clone(), joined, first];
            tags.iter().any(|t| {
                forms.iter().filter(|f| !f.is_empty()).any(|f| {
                    t.starts_with(f.as_str())
                        && !t[f.len()..].starts_with(|c: char| c.is_alphanumeric())
                })
            })
        })
        .map(|(id, _)| id.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_by_first_or_full_name() {
        let team = vec![
            ("u1".to_string(), "Dana Reyes".to_string()),
            ("u2".to_string(), "Sam Okafor".to_string()),
            ("u3".to_string(), "Samantha Lee".to_string()),
        ];
        let cases: &[(&str, &[&str])] = &[
            ("@dana can you check the rate?", &["u1"]),
            ("@Dana Reyes please", &["u1"]),
            ("cc @DanaReyes, @sam", &["u1", "u2"]),
            ("@samantha take this", &["u3"]),
            ("@sammy is not anyone", &[]),
            ("mail dana@northstar.example about it", &[]),
            ("no mention here", &[]),
            ("@sam @sam twice", &["u2"]),
            ("(@sam)", &["u2"]),
        ];
        for (text, want) in cases {
            assert_eq!(mentioned(text, &team), *want, "{text}");
        }
    }
}
