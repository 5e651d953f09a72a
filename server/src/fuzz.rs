//! The parsers that read input from outside, as fuzz targets: each takes arbitrary bytes and must
//! return without panicking or hanging, answering bad input with an error. The README test
//! command replays each target's corpus (`server/fuzz/corpus/<target>/`) and runs a bounded
//! property-based pass over random inputs (`tests/it/fuzz.rs`); `bash .ci/fuzz.sh <target>` runs
//! coverage-guided fuzzing of the same functions where a nightly toolchain is present.

use crate::channels::{api_hook, email_ingest, instagram_payload, twilio_signature, twilio_sms};
use app::domain::filter::InboxFilter;

/// A fuzz target: arbitrary bytes in, nothing out.
pub type Target = fn(&[u8]);

/// Every target, by the name its corpus directory and `cargo fuzz` use.
pub const TARGETS: [(&str, Target); 6] = [
    ("email", email),
    ("instagram", instagram),
    ("twilio", twilio),
    ("api_hook", api_hook_body),
    ("inbox_query", inbox_query),
    ("csv_import", csv_import),
];

/// An inbound email as MIME (the size and part limits of `email_ingest::parse` included).
pub fn email(bytes: &[u8]) {
    let _ = email_ingest::parse_for_check(bytes, "team@northstar.example");
}

/// An Instagram webhook body, and its signature check.
pub fn instagram(bytes: &[u8]) {
    let _ = instagram_payload::parse(bytes);
    let header = std::str::from_utf8(bytes.get(..bytes.len().min(80)).unwrap_or_default()).ok();
    let _ = instagram_payload::signature_ok("app-secret", header, bytes);
}

/// A Twilio webhook form: its fields, its signature check, the keywords and the text.
pub fn twilio(bytes: &[u8]) {
    let params: Vec<(String, String)> = form_urlencoded::parse(bytes).into_owned().collect();
    let signature = params
        .iter()
        .find(|(k, _)| k == "Signature")
        .map(|(_, v)| v.as_str());
    let _ = twilio_signature::is_valid(
        "0123456789abcdef0123456789abcdef",
        "https://inbox.example/hooks/twilio/sms",
        &params,
        signature,
    );
    let text = twilio_sms::message_text(&params);
    let _ = twilio_sms::consent_keyword(&text);
}

/// The API channel's JSON body: parsed, validated, and the creator's identities read.
pub fn api_hook_body(bytes: &[u8]) {
    if let Ok(inbound) = serde_json::from_slice::<api_hook::Inbound>(bytes) {
        let _ = api_hook::validate(&inbound);
        let _ = api_hook::lookup_keys(&inbound.creator);
    }
}

/// The inbox's filter and page cursor as they come from a URL's query.
pub fn inbox_query(bytes: &[u8]) {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(bytes).into_owned().collect();
    let filter = InboxFilter::from_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let _ = filter.validate();
    let _ = filter.to_query_string();
    let _ = filter.search_needle();
    if let Ok(cursor) = serde_json::from_slice::<app::model::Cursor>(bytes) {
        let _ = cursor.is_valid();
    }
}

/// A CSV (or TSV) file to import: read, its columns guessed, every row checked.
pub fn csv_import(bytes: &[u8]) {
    use app::domain::import;
    let Ok(table) = import::read(bytes) else {
        return;
    };
    let mapping = import::guess_mapping(&table.headers);
    let _ = import::check_mapping(&mapping);
    let phone = |s: &str| app::domain::identity::normalize_phone(s);
    let _ = import::check_rows(&table, &mapping, &phone);
}
