//! Reading a creators CSV a team uploads: the file checked (size, encoding, binary, quotes, row
//! count), its delimiter found (comma, semicolon or tab), its columns mapped to creator fields
//! (guessed from the header, changed by the person importing), and each row checked — invalid
//! email, a phone that is not E.164 in the chosen country, a rate that is not an amount, a
//! spreadsheet formula, nobody to reach, a duplicate of an earlier row — before anything is written.
//! Matching existing creators needs the database and happens on the server.

use serde::{Deserialize, Serialize};

/// The largest file taken, and the most rows.
use super::text::grouped;

pub const MAX_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_ROWS: usize = 50_000;

/// Why a file cannot be read at all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileError {
    TooLarge { bytes: usize },
    Binary,
    NotUtf8 { line: usize },
    Empty,
    UnterminatedQuote { line: usize },
    TooManyRows { rows: usize },
}

impl FileError {
    pub fn message(&self) -> String {
        match self {
            FileError::TooLarge { bytes } => format!(
                "the file is {:.1} MB; at most {} MB can be imported at once",
                *bytes as f64 / 1_048_576.0,
                MAX_BYTES / 1_048_576
            ),
            FileError::Binary => "this is not a text file: export the sheet as CSV".into(),
            FileError::NotUtf8 { line } => format!(
                "line {line} is not UTF-8 text: save the file as \"CSV UTF-8\" and upload it again"
            ),
            FileError::Empty => "the file has no rows".into(),
            FileError::UnterminatedQuote { line } => {
                format!("a quoted field opened on line {line} never closes")
            }
            FileError::TooManyRows { rows } => format!(
                "the file has {} rows; at most {} can be imported at once — split it",
                grouped(*rows as u64),
                grouped(MAX_ROWS as u64)
            ),
        }
    }
}

/// A file's rows as text: the header and the data rows with their line numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub delimiter: u8,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The line the row starts on (the header is line 1).
    pub line: usize,
    pub cells: Vec<String>,
}

/// Reads an uploaded file: UTF-8 with or without a BOM, comma / semicolon / tab separated,
/// quoted fields; blank lines skipped.
pub fn read(bytes: &[u8]) -> Result<Table, FileError> {
    if bytes.len() > MAX_BYTES {
        return Err(FileError::TooLarge { bytes: bytes.len() });
    }
    if bytes.contains(&0) {
        return Err(FileError::Binary);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| FileError::NotUtf8 {
        line: 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = sniff_delimiter(text);
    if let Some(line) = unterminated_quote(text, delimiter) {
        return Err(FileError::UnterminatedQuote { line });
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        // Quotes were checked above; what csv still refuses is an unreadable line.
        let Ok(record) = record else {
            continue;
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        records.push(Row { line, cells });
        if records.len() > MAX_ROWS + 1 {
            break;
        }
    }
    let mut records = records.into_iter();
    let header = records.next().ok_or(FileError::Empty)?;
    let rows: Vec<Row> = records.collect();
    if rows.is_empty() {
        return Err(FileError::Empty);
    }
    if rows.len() > MAX_ROWS {
        let rows = text.lines().filter(|l| !l.trim().is_empty()).count() - 1;
        return Err(FileError::TooManyRows { rows });
    }
    Ok(Table {
        delimiter,
        headers: header.cells,
        rows,
    })
}

/// The delimiter the header line uses most (outside quotes): `,`, `;` or tab.
pub fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in header.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if c == *d {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(d, _)| *d)
}

/// The line where a quoted field opens and never closes, if one does.
fn unterminated_quote(text: &str, delimiter: u8) -> Option<usize> {
    let (mut line, mut opened_on) = (1, None);
    let mut at_field_start = true;
    let mut bytes = text.bytes().peekable();
    while let Some(c) = bytes.next() {
        match (opened_on, c) {
            (Some(_), b'"') if bytes.peek() == Some(&b'"') => {
                bytes.next();
            }
            (Some(_), b'"') => opened_on = None,
            (None, b'"') if at_field_start => opened_on = Some(line),
            _ => {}
        }
        if c == b'\n' {
            line += 1;
        }
        at_field_start = opened_on.is_none() && (c == delimiter || c == b'\n' || c == b'\r');
    }
    opened_on
}

/// What a column holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "label", rename_all = "snake_case")]
pub enum Column {
    Name,
    Handle,
    Email,
    Phone,
    Instagram,
    Tags,
    Rate,
    Notes,
    /// Kept on the creator under this label.
    Custom(String),
    Ignore,
}

/// The column each header most likely is (anything unknown is kept as a custom field).
pub fn guess_mapping(headers: &[String]) -> Vec<Column> {
    let mut taken = Vec::new();
    headers
        .iter()
        .map(|h| {
            let key: String = h
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect();
            let column = match key.as_str() {
                "name" | "fullname" | "creator" | "creatorname" | "nombre" => Column::Name,
                "handle" | "username" | "user" => Column::Handle,
                "email" | "emailaddress" | "mail" | "correo" => Column::Email,
                "phone" | "phonenumber" | "mobile" | "cell" | "sms" | "whatsapp" | "telefono" => {
                    Column::Phone
                }
                "instagram" | "ig" | "instagramhandle" | "insta" => Column::Instagram,
                "tags" | "tag" | "labels" => Column::Tags,
                "rate" | "fee" | "price" | "ratecard" => Column::Rate,
                "notes" | "note" | "comments" => Column::Notes,
                "" => Column::Ignore,
                _ => Column::Custom(h.trim().to_string()),
            };
            // A field is read from one column: a second "email" column is kept as custom.
            if !matches!(column, Column::Custom(_) | Column::Ignore) && taken.contains(&column) {
                return Column::Custom(h.trim().to_string());
            }
            taken.push(column.clone());
            column
        })
        .collect()
}

/// Checks a mapping someone chose: a name column, a way to reach creators, each field once.
pub fn check_mapping(mapping: &[Column]) -> Result<(), String> {
    let has = |c: &Column| mapping.contains(c);
    if !has(&Column::Name) {
        return Err("map a column to the creator's name".into());
    }
    if !(has(&Column::Email) || has(&Column::Phone) || has(&Column::Instagram)) {
        return Err("map a column to email, phone or Instagram: how creators are reached".into());
    }
    for (i, c) in mapping.iter().enumerate() {
        if !matches!(c, Column::Custom(_) | Column::Ignore) && mapping[..i].contains(c) {
            return Err(format!("two columns are mapped to {c:?}").to_lowercase());
        }
    }
    Ok(())
}

/// A creator as a row describes them, normalized.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedCreator {
    pub name: String,
    pub handle: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub instagram: Option<String>,
    pub tags: Vec<String>,
    pub rate_cents: Option<i64>,
    pub notes: String,
    pub custom: Vec<(String, String)>,
}

/// What is wrong with a row. Any problem skips the row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    NoName,
    NobodyToReach,
    InvalidEmail { value: String },
    InvalidPhone { value: String },
    InvalidRate { value: String },
    Formula { column: String },
    DuplicateInFile { line: usize },
}

impl Problem {
    pub fn message(&self) -> String {
        match self {
            Problem::NoName => "no name".into(),
            Problem::NobodyToReach => "no email, phone or Instagram to reach them".into(),
            Problem::InvalidEmail { value } => format!("\"{value}\" is not an email address"),
            Problem::InvalidPhone { value } => {
                format!("\"{value}\" is not a phone number in that country (E.164)")
            }
            Problem::InvalidRate { value } => format!("\"{value}\" is not an amount"),
            Problem::Formula { column } => {
                format!("the {column} cell is a spreadsheet formula, not a value")
            }
            Problem::DuplicateInFile { line } => format!("the same creator as line {line}"),
        }
    }
}

/// One row after checking: the creator it describes, or why it is skipped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedRow {
    pub line: usize,
    pub creator: ImportedCreator,
    pub problems: Vec<Problem>,
}

/// A cell a spreadsheet would run as a formula: a leading `=`; `@` before anything but a handle;
/// `+` or `-` before anything but a number; any of those after a leading tab or carriage return.
pub fn is_formula(cell: &str) -> bool {
    let rest = cell.trim_start_matches(['\t', '\r']);
    let number_like = |s: &str| s.chars().all(|c| c.is_ascii_digit() || " ().-".contains(c));
    let handle_like = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '_')
    };
    let prefixed = rest.len() != cell.len();
    match rest.chars().next() {
        Some('=' | '@' | '+' | '-') if prefixed => true,
        Some('=') => true,
        Some('@') => !handle_like(&rest[1..]),
        Some('+' | '-') => !number_like(&rest[1..]),
        _ => false,
    }
}

/// Checks every row against the mapping. `phone` normalizes a phone number to E.164 in the
/// importing team's default country (`None`: not a number there).
pub fn check_rows(
    table: &Table,
    mapping: &[Column],
    phone: &dyn Fn(&str) -> Option<String>,
) -> Vec<CheckedRow> {
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    table
        .rows
        .iter()
        .map(|row| {
            let mut checked = check_row(row, &table.headers, mapping, phone);
            let keys = identity_keys(&checked.creator);
            if let Some(first) = keys.iter().find_map(|k| seen.get(k)) {
                checked
                    .problems
                    .push(Problem::DuplicateInFile { line: *first });
            }
            if checked.problems.is_empty() {
                for key in keys {
                    seen.insert(key, row.line);
                }
            }
            checked
        })
        .collect()
}

/// The identities a creator is found by (an earlier row with any of them is the same creator).
fn identity_keys(c: &ImportedCreator) -> Vec<String> {
    let ig = c.instagram.as_ref().map(|i| format!("ig:{i}"));
    [c.email.clone(), c.phone.clone(), ig]
        .into_iter()
        .flatten()
        .collect()
}

fn check_row(
    row: &Row,
    headers: &[String],
    mapping: &[Column],
    phone: &dyn Fn(&str) -> Option<String>,
) -> CheckedRow {
    let mut c = ImportedCreator::default();
    let mut problems = Vec::new();
    for (i, column) in mapping.iter().enumerate() {
        let Some(cell) = row.cells.get(i).map(|s| s.trim()).filter(|s| !s.is_empty()) else {
            continue;
        };
        if *column != Column::Ignore && is_formula(cell) {
            let label = headers.get(i).cloned().unwrap_or_default();
            problems.push(Problem::Formula { column: label });
            continue;
        }
        match column {
            Column::Name => c.name = cell.to_string(),
            Column::Handle => c.handle = Some(format!("@{}", cell.trim_start_matches('@'))),
            Column::Email => match super::identity::normalize_email(cell) {
                Some(e) => c.email = Some(e),
                None => problems.push(Problem::InvalidEmail { value: cell.into() }),
            },
            Column::Phone => match phone(cell) {
                Some(p) => c.phone = Some(p),
                None => problems.push(Problem::InvalidPhone { value: cell.into() }),
            },
            Column::Instagram => c.instagram = instagram_username(cell),
            Column::Tags => c.tags = tags(cell),
            Column::Rate => match amount_cents(cell) {
                Some(r) => c.rate_cents = Some(r),
                None => problems.push(Problem::InvalidRate { value: cell.into() }),
            },
            Column::Notes => c.notes = cell.to_string(),
            Column::Custom(label) => c.custom.push((label.clone(), cell.to_string())),
            Column::Ignore => {}
        }
    }
    if c.name.is_empty() {
        problems.insert(0, Problem::NoName);
    }
    let reachable = c.email.is_some() || c.phone.is_some() || c.instagram.is_some();
    let unreadable_contact = problems.iter().any(|p| {
        matches!(
            p,
            Problem::InvalidEmail { .. } | Problem::InvalidPhone { .. }
        )
    });
    if !reachable && !unreadable_contact {
        problems.push(Problem::NobodyToReach);
    }
    CheckedRow {
        line: row.line,
        creator: c,
        problems,
    }
}

/// `@maya`, `maya`, `instagram.com/maya/` → `maya` (lowercase); `None` when nothing is left.
pub fn instagram_username(cell: &str) -> Option<String> {
    let s = cell.trim().trim_end_matches('/');
    let s = s.rsplit_once("instagram.com/").map_or(s, |(_, u)| u);
    let s = s
        .split(['?', '/'])
        .next()
        .unwrap_or("")
        .trim_start_matches('@');
    let ok = !s.is_empty()
        && s.len() <= 30
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
    ok.then(|| s.to_lowercase())
}

/// Tags separated by `;`, `|` or `,`, trimmed, without repeats.
pub fn tags(cell: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in cell
        .split([';', '|', ','])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let t = t.to_lowercase();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// `"$2,000"`, `"1500"`, `"1,250.50 USD"` → cents; `None` for anything else.
pub fn amount_cents(cell: &str) -> Option<i64> {
    let s: String = cell
        .chars()
        .filter(|c| !c.is_whitespace() && !"$€£".contains(*c))
        .collect();
    let s = s.trim_end_matches(char::is_alphabetic).replace(',', "");
    let (units, cents) = match s.split_once('.') {
        Some((u, c)) if (1..=2).contains(&c.len()) => (u, format!("{c:0<2}")),
        Some(_) => return None,
        None => (s.as_str(), "00".to_string()),
    };
    if units.is_empty() || !units.chars().all(|c| c.is_ascii_digit()) || units.len() > 12 {
        return None;
    }
    Some(units.parse::<i64>().ok()? * 100 + cents.parse::<i64>().ok()?)
}

pub mod apply;

#[cfg(test)]
mod tests;
