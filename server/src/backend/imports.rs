//! `app::api::ImportsApi` for the server: a job's rows checked under the chosen mapping and
//! country, matched against the workspace's creators for the preview, then handed to the import
//! worker (`crate::imports`).

use super::internal;
use crate::imports::{check, Checked};
use crate::state::AppState;
use crate::store::enrollments;
use crate::store::imports::{self, write};
use app::api::backend::Caller;
use app::api::{AppError, ImportsApi};
use app::domain::import::apply::identities;
use app::domain::import::Table;
use app::model::{ImportPreview, ImportSettings, ImportStatus, PreviewRow};

/// Problem rows shown in the preview, then this many ready ones.
const PREVIEW_PROBLEMS: usize = 500;
const PREVIEW_READY: usize = 50;

impl AppState {
    /// The uploaded job's rows checked under `settings`; the campaign, if any, must be the
    /// workspace's and not closed.
    async fn checked(
        &self,
        caller: &Caller,
        job_id: &str,
        settings: &ImportSettings,
    ) -> Result<(Table, Checked), AppError> {
        if !crate::phone::is_country(&settings.country) {
            return Err(AppError::Invalid(format!(
                "\"{}\" is not a country code",
                settings.country
            )));
        }
        if let Some(id) = &settings.campaign_id {
            let c = enrollments::campaign(&self.db, &caller.workspace_id, id)
                .await
                .map_err(internal)?
                .ok_or(AppError::NotFound)?;
            if c.status == "closed" {
                return Err(AppError::Invalid(format!(
                    "{} is closed: reopen it to enroll creators",
                    c.name
                )));
            }
        }
        let (job, table) = imports::uploaded(&self.db, &caller.workspace_id, job_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        if job.state != "uploaded" {
            return Err(AppError::Invalid("this file was imported already".into()));
        }
        let checked = check(&table, settings);
        Ok((table, checked))
    }
}

#[async_trait::async_trait]
impl ImportsApi for AppState {
    async fn preview_import(
        &self,
        caller: &Caller,
        job_id: &str,
        settings: &ImportSettings,
    ) -> Result<ImportPreview, AppError> {
        let (table, checked) = self.checked(caller, job_id, settings).await?;
        let keys: Vec<_> = checked
            .ready
            .iter()
            .flat_map(|r| identities(&r.creator))
            .collect();
        let found = write::existing(&self.db, &caller.workspace_id, &keys)
            .await
            .map_err(internal)?;
        let matched_name = |c: &app::domain::import::ImportedCreator| {
            identities(c)
                .iter()
                .find_map(|k| found.get(k))
                .map(|e| e.name.clone())
        };
        let preview_row = |r: &app::domain::import::CheckedRow| PreviewRow {
            line: r.line as u32,
            name: r.creator.name.clone(),
            contacts: identities(&r.creator).into_iter().map(|(_, a)| a).collect(),
            problems: r.problems.iter().map(|p| p.message()).collect(),
            matches: if r.problems.is_empty() {
                matched_name(&r.creator)
            } else {
                None
            },
        };
        let matched = checked
            .ready
            .iter()
            .filter(|r| matched_name(&r.creator).is_some())
            .count();
        let mut rows: Vec<PreviewRow> = checked
            .rows
            .iter()
            .filter(|r| !r.problems.is_empty())
            .take(PREVIEW_PROBLEMS)
            .map(preview_row)
            .collect();
        rows.extend(
            checked
                .rows
                .iter()
                .filter(|r| r.problems.is_empty())
                .take(PREVIEW_READY)
                .map(preview_row),
        );
        Ok(ImportPreview {
            total: table.rows.len() as u32,
            new: (checked.ready.len() - matched) as u32,
            matched: matched as u32,
            skipped: checked.skipped.len() as u32,
            rows,
        })
    }

    async fn start_import(
        &self,
        caller: &Caller,
        job_id: &str,
        settings: &ImportSettings,
    ) -> Result<ImportStatus, AppError> {
        let (_, checked) = self.checked(caller, job_id, settings).await?;
        let started = imports::start(&self.db, job_id, settings, &checked.ready, &checked.skipped)
            .await
            .map_err(internal)?;
        if !started {
            return Err(AppError::Invalid("this file was imported already".into()));
        }
        tracing::info!(job = %job_id, rows = checked.ready.len(), skipped = checked.skipped.len(), "import started");
        self.imports.ring();
        self.import_status(caller, job_id).await
    }

    async fn import_status(&self, caller: &Caller, job_id: &str) -> Result<ImportStatus, AppError> {
        imports::status(&self.db, &caller.workspace_id, job_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)
    }

    async fn list_imports(&self, caller: &Caller) -> Result<Vec<ImportStatus>, AppError> {
        imports::recent(&self.db, &caller.workspace_id)
            .await
            .map_err(internal)
    }
}
