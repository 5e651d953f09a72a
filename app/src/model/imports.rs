//! A CSV import of creators as the Creators page runs it: the upload, the mapping and options,
//! the preview of each row, and the durable job's progress.

use crate::domain::import::Column;
use serde::{Deserialize, Serialize};

/// What the server read from an uploaded file (`POST /imports`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportUpload {
    pub job_id: String,
    pub file_name: String,
    pub headers: Vec<String>,
    pub rows: u32,
    /// The mapping guessed from the headers.
    pub mapping: Vec<Column>,
    /// The first rows as read, for the mapping step.
    pub sample: Vec<Vec<String>>,
}

/// How the rows are read and what importing them does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSettings {
    pub mapping: Vec<Column>,
    /// ISO 3166 two-letter country for phone numbers written without a country code.
    pub country: String,
    /// Creators matched by an identity get the file's values (else they are left as they are).
    pub update_existing: bool,
    /// Enroll every imported creator in this campaign, at Prospect.
    pub campaign_id: Option<String>,
}

/// One row of the preview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub line: u32,
    pub name: String,
    /// Email, phone and Instagram as they will be stored.
    pub contacts: Vec<String>,
    pub problems: Vec<String>,
    /// The existing creator this row matches by identity.
    pub matches: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub total: u32,
    /// Rows that create a creator.
    pub new: u32,
    /// Rows that match an existing creator by identity.
    pub matched: u32,
    /// Rows skipped for a problem.
    pub skipped: u32,
    /// Every row with a problem (up to 500), then the first ready rows.
    pub rows: Vec<PreviewRow>,
}

/// A skipped row and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRow {
    pub line: u32,
    pub name: String,
    pub reason: String,
}

/// An import job as it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStatus {
    pub id: String,
    pub file_name: String,
    /// "uploaded", "running", "done" or "failed".
    pub state: String,
    pub rows: u32,
    /// Rows written so far.
    pub done: u32,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub enrolled: u32,
    pub skipped: u32,
    /// The first skipped rows (all of them are in the CSV download).
    pub skipped_rows: Vec<SkippedRow>,
    pub campaign_name: Option<String>,
    pub error: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}
