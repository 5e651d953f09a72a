//! Finding a creator's threads by what a teammate types: every word typed must begin a word of
//! the creator's name, handle or addresses ("ma lo" finds "María López", "gmail" finds
//! "maya@gmail.com"). Words are runs of letters and digits, lowercase; only their first
//! `PREFIX_MAX` characters count. The database keeps each thread's `terms` (schema v26,
//! `fn::search_terms`, the same rule in SurrealQL) in an index, so a search reads the matching
//! threads only; `matches` answers the same question for a row that arrives live.

/// How many leading characters of a word are searchable (longer typed words are cut to this).
pub const PREFIX_MAX: usize = 12;

/// The words of a text: lowercase runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

fn cut(word: &str) -> String {
    word.chars().take(PREFIX_MAX).collect()
}

/// Every prefix (1 to `PREFIX_MAX` characters) of every word of a thread's search text, each
/// once, in the order met: what the `thread_ws_terms` index holds for the thread.
pub fn terms(search_text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words(search_text) {
        let chars: Vec<char> = w.chars().take(PREFIX_MAX).collect();
        for n in 1..=chars.len() {
            let prefix: String = chars[..n].iter().collect();
            if !out.contains(&prefix) {
                out.push(prefix);
            }
        }
    }
    out
}

/// The typed words as they are looked up: lowercase, cut to `PREFIX_MAX`, each once, the likely
/// most selective first (the index reads the first): words with digits (a number is rarer than a
/// name), then longer words. Empty when nothing searchable was typed.
pub fn needle(typed: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words(typed).map(|w| cut(&w)) {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    let digits = |w: &str| w.chars().any(|c| c.is_numeric());
    out.sort_by(|a, b| {
        digits(b)
            .cmp(&digits(a))
            .then(b.chars().count().cmp(&a.chars().count()))
            .then(a.cmp(b))
    });
    out
}

/// Whether a thread with this search text is found by these typed words (`needle`).
pub fn matches(search_text: &str, needle: &[String]) -> bool {
    let have: Vec<String> = words(search_text).collect();
    needle
        .iter()
        .all(|n| have.iter().any(|w| w.starts_with(n.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_words_find_the_start_of_any_word() {
        let text = "maría lópez @maria_lo maria.lo@studio.example +1 555 0100";
        for (typed, found) in [
            ("María", true),
            ("ma lo", true),
            ("LÓPEZ maría", true),
            ("@maria_lo", true),
            ("studio", true),
            ("maria.lo@studio.example", true),
            ("555", true),
            ("0100", true),
            ("ópez", false),
            ("lopez", false),
            ("maría garcía", false),
            ("aria", false),
        ] {
            assert_eq!(matches(text, &needle(typed)), found, "{typed}");
        }
    }

    #[test]
    fn needle_is_cut_deduplicated_and_longest_first() {
        assert_eq!(needle("  ma  MAYA ma "), vec!["maya", "ma"]);
        assert_eq!(needle("—  @ !"), Vec::<String>::new());
        assert_eq!(needle("Christophersonian"), vec!["christophers"]);
        assert_eq!(needle("creator 77"), vec!["77", "creator"]);
        assert!(matches("christophersonian", &needle("christophersonix")));
    }

    #[test]
    fn terms_are_what_matches_reads() {
        let text = "Zoë Ng @zoe.ng zoe@x.example";
        let t = terms(text);
        assert_eq!(
            t,
            vec![
                "z", "zo", "zoë", "n", "ng", "zoe", "x", "e", "ex", "exa", "exam", "examp",
                "exampl", "example"
            ]
        );
        for typed in ["zo", "ng zoë", "zoe example", "x"] {
            let n = needle(typed);
            assert_eq!(
                n.iter().all(|w| t.contains(w)),
                matches(text, &n),
                "{typed}"
            );
        }
        assert!(terms("abcdefghijklmnopq")
            .iter()
            .all(|p| p.chars().count() <= PREFIX_MAX));
    }
}
