//! Text scanning for the classifier: case- and accent-folded search that keeps byte offsets of
//! the original text, word boundaries, negation, money amounts, questions, links, signatures.

use super::Span;

/// The text folded to lowercase, with accents and curly quotes folded to plain ASCII, and a map
/// back to the original's byte offsets: every search runs on the folded text and every span it
/// reports is converted back with `orig`.
pub struct Folded {
    pub text: String,
    /// For each byte of `text` (and one past the end), the original byte offset.
    map: Vec<usize>,
}

fn fold_char(c: char) -> char {
    let c = c.to_lowercase().next().unwrap_or(c);
    match c {
        'á' | 'à' | 'ä' | 'â' | 'ã' => 'a',
        'é' | 'è' | 'ë' | 'ê' => 'e',
        'í' | 'ì' | 'ï' | 'î' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' | 'õ' => 'o',
        'ú' | 'ù' | 'ü' | 'û' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        '’' | '‘' => '\'',
        c => c,
    }
}

impl Folded {
    pub fn new(text: &str) -> Folded {
        let mut out = String::with_capacity(text.len());
        let mut map = Vec::with_capacity(text.len() + 1);
        for (at, c) in text.char_indices() {
            let f = fold_char(c);
            for _ in 0..f.len_utf8() {
                map.push(at);
            }
            out.push(f);
        }
        map.push(text.len());
        Folded { text: out, map }
    }

    /// The original text's byte range for a span of the folded text.
    pub fn orig(&self, span: Span) -> Span {
        Span {
            start: self.map[span.start],
            end: self.map[span.end],
        }
    }

    fn is_word_char(c: char) -> bool {
        c.is_alphanumeric() || c == '\''
    }

    /// Every occurrence of `phrase` (already lowercase), at word boundaries if `whole_word`.
    pub fn find_all(&self, phrase: &str, whole_word: bool) -> Vec<Span> {
        let mut out = Vec::new();
        let mut from = 0;
        let first_is_word = phrase.chars().next().is_some_and(Self::is_word_char);
        let last_is_word = phrase.chars().next_back().is_some_and(Self::is_word_char);
        while let Some(pos) = self.text[from..].find(phrase) {
            let start = from + pos;
            let end = start + phrase.len();
            let ok_start = !whole_word
                || !first_is_word
                || !self.text[..start]
                    .chars()
                    .next_back()
                    .is_some_and(Self::is_word_char);
            let ok_end = !whole_word
                || !last_is_word
                || !self.text[end..]
                    .chars()
                    .next()
                    .is_some_and(Self::is_word_char);
            if ok_start && ok_end {
                out.push(Span { start, end });
            }
            from = start + phrase.chars().next().map_or(1, char::len_utf8);
        }
        out
    }

    /// Whether one of the three words before `at` negates it ("not", "don't", "no"…).
    pub fn negated_before(&self, at: usize) -> bool {
        let before = &self.text[..at];
        let words: Vec<&str> = before
            .rsplit(|c: char| !(c.is_alphanumeric() || c == '\''))
            .filter(|w| !w.is_empty())
            .take(3)
            .collect();
        // A sentence boundary ends the negation's reach.
        let clause_start = before
            .rfind(['.', '!', '?', '\n', ','])
            .map_or(0, |i| i + 1);
        let in_clause = before[clause_start..].to_string();
        words.iter().any(|w| {
            matches!(
                *w,
                "not"
                    | "no"
                    | "don't"
                    | "dont"
                    | "never"
                    | "isn't"
                    | "wasn't"
                    | "won't"
                    | "can't"
                    | "cannot"
                    | "nunca"
                    | "without"
            ) && in_clause.contains(*w)
        })
    }

    /// Whether the span is all the message says (besides punctuation and whitespace).
    pub fn is_whole_message(&self, span: Span) -> bool {
        let rest = |s: &str| s.chars().all(|c| !c.is_alphanumeric());
        rest(&self.text[..span.start]) && rest(&self.text[span.end..])
    }

    /// A money amount: `$2,000`, `2000 usd`, `1.5k`, `€800`, `800 dólares`.
    pub fn money(&self) -> Option<Span> {
        let t = self.text.as_bytes();
        for (i, ch) in self.text.char_indices() {
            if matches!(ch, '$' | '€' | '£') {
                let len = ch.len_utf8();
                let digits = t[i + len..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit() || **c == b',' || **c == b'.')
                    .count();
                if digits > 0 && t[i + len].is_ascii_digit() {
                    return Some(Span {
                        start: i,
                        end: i + len + digits,
                    });
                }
            }
        }
        for unit in [
            "usd", "dollars", "dolares", "eur", "euros", "k per", "k for", "€", "$", "£", "reais",
            "bucks",
        ] {
            for span in self.find_all(unit, true) {
                let before = self.text[..span.start].trim_end();
                if before.ends_with(|c: char| c.is_ascii_digit()) {
                    let start = before
                        .trim_end_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '.');
                    return Some(Span {
                        start: start.len(),
                        end: span.end,
                    });
                }
            }
        }
        self.thousands()
    }

    /// An amount in thousands ("2k", "1.5k"), unless it counts an audience ("10k followers") or
    /// names a resolution ("a 4k video").
    fn thousands(&self) -> Option<Span> {
        const NOT_MONEY: &[&str] = &[
            "video",
            "videos",
            "resolution",
            "footage",
            "followers",
            "follower",
            "views",
            "view",
            "subs",
            "subscribers",
            "likes",
            "seguidores",
            "abonnes",
            "visualizaciones",
            "visualizacoes",
            "impressions",
            "reach",
            "plays",
            "streams",
            "members",
            "fans",
            "vues",
        ];
        let is_part = |c: char| c.is_alphanumeric() || c == '.' || c == ',';
        let mut start = None;
        for (i, c) in self
            .text
            .char_indices()
            .chain(std::iter::once((self.text.len(), ' ')))
        {
            match (start, is_part(c)) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    start = None;
                    let word = self.text[s..i].trim_end_matches(['.', ',']);
                    let Some(number) = word.strip_suffix('k') else {
                        continue;
                    };
                    let digits_ok = number.starts_with(|c: char| c.is_ascii_digit())
                        && number
                            .chars()
                            .all(|c| c.is_ascii_digit() || c == '.' || c == ',');
                    let next = self.text[s + word.len()..]
                        .split(|c: char| !c.is_alphanumeric())
                        .find(|w| !w.is_empty())
                        .unwrap_or("");
                    if digits_ok && !NOT_MONEY.contains(&next) {
                        return Some(Span {
                            start: s,
                            end: s + word.len(),
                        });
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The questions the message asks: sentences ending in `?` (or opening with `¿`), and
    /// sentences opening with a question word ("how long should the video be").
    pub fn questions(&self) -> Vec<(Span, u8)> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, ch) in self.text.char_indices() {
            if matches!(ch, '.' | '!' | '?' | '\n') {
                let sentence = &self.text[start..i];
                let lead = sentence.len() - sentence.trim_start().len();
                let s = Span {
                    start: start + lead,
                    end: i + ch.len_utf8(),
                };
                if ch == '?' || sentence.trim_start().starts_with('¿') {
                    out.push((s, 60));
                } else if starts_with_question_word(sentence.trim_start()) {
                    out.push((s, 55));
                }
                start = i + ch.len_utf8();
            }
        }
        let rest = self.text[start..].trim_start();
        if starts_with_question_word(rest) || rest.starts_with('¿') {
            out.push((
                Span {
                    start: self.text.len() - rest.len(),
                    end: self.text.len(),
                },
                55,
            ));
        }
        out
    }

    /// Whether the message opens (after punctuation and emoji) with a plain yes.
    pub fn opens_with_yes(&self) -> Option<Span> {
        let lead = self.text.len()
            - self
                .text
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .len();
        [
            "yes", "yess", "yesss", "yep", "yeah", "sure", "si", "ok sure",
        ]
        .iter()
        .find(|w| {
            self.text[lead..].starts_with(*w)
                && !self.text[lead + w.len()..].starts_with(|c: char| c.is_alphanumeric())
        })
        .map(|w| Span {
            start: lead,
            end: lead + w.len(),
        })
    }
}

fn starts_with_question_word(s: &str) -> bool {
    [
        "how ",
        "what ",
        "what's ",
        "whats ",
        "when ",
        "which ",
        "where ",
        "why ",
        "can i ",
        "could i ",
        "should i ",
        "do i ",
        "do you ",
        "is there ",
        "are you ",
        "cuando ",
        "como ",
        "que ",
        "puedo ",
    ]
    .iter()
    .any(|w| s.starts_with(w))
}

/// Where the message body ends: before a signature block ("-- ", "Sent from my iPhone";
/// "Best,\nName" closings are kept — they carry no intent cues worth losing) or the quoted
/// history of earlier messages ("> …", "On … wrote:", "El … escribió:", "-----Original Message").
pub fn body_end(text: &str) -> usize {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let l = line.trim();
        let lower = l.to_lowercase();
        let quote_header = (lower.starts_with("on ") && lower.ends_with("wrote:"))
            || (lower.starts_with("el ") && lower.ends_with("escribió:"))
            || (lower.starts_with("em ") && lower.ends_with("escreveu:"))
            || (lower.starts_with("le ") && lower.ends_with("a écrit :"))
            || (lower.starts_with("le ") && lower.ends_with("a écrit:"));
        let signature = l == "--"
            || l.starts_with("Sent from my ")
            || l.starts_with("Enviado desde")
            || l.starts_with("Enviado do meu");
        let history = l.starts_with('>')
            || l.starts_with("-----Original Message")
            || (at > 0 && l.starts_with("From: "));
        if quote_header || signature || history {
            return at;
        }
        at += line.len();
    }
    text.len()
}

/// The links in the text, with their spans.
pub fn links(text: &str) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = text[from..].find("http") {
        let start = from + pos;
        let rest = &text[start..];
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let len = rest
                .find(|c: char| c.is_whitespace() || c == '>' || c == ')' || c == '"')
                .unwrap_or(rest.len());
            let link = rest[..len].trim_end_matches(['.', ',', '!']);
            out.push((
                link.to_string(),
                Span {
                    start,
                    end: start + link.len(),
                },
            ));
            from = start + len.max(1);
        } else {
            from = start + 4;
        }
    }
    out
}
