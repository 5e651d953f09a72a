//! CSV imports of creators. The file itself is uploaded to `POST /imports` (raw bytes, read and
//! kept as a job: `server::imports::upload`); these functions preview a job's rows under a
//! mapping and options, start it, and follow its progress. Teammates who can write import;
//! enrolling into a campaign names one of the workspace's.

#[cfg(feature = "ssr")]
use super::backend::Caller;
use super::AppError;
#[cfg(feature = "ssr")]
use super::{check_id, context};
use crate::model::{ImportPreview, ImportSettings, ImportStatus};
use leptos::prelude::*;
use server_fn::codec::Json;

/// Where the browser uploads a CSV file (`?name=<file name>`).
pub const UPLOAD_PATH: &str = "/imports";

/// The rows of an uploaded file as they would import under `settings`.
#[server(endpoint = "preview_import", input = Json)]
pub async fn preview_import(
    job_id: String,
    settings: ImportSettings,
) -> Result<ImportPreview, AppError> {
    check_settings(&job_id, &settings)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.preview_import(&caller, &job_id, &settings).await
}

/// Starts importing an uploaded file; the job runs on the server and survives a restart.
#[server(endpoint = "start_import", input = Json)]
pub async fn start_import(
    job_id: String,
    settings: ImportSettings,
) -> Result<ImportStatus, AppError> {
    check_settings(&job_id, &settings)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.start_import(&caller, &job_id, &settings).await
}

#[server(endpoint = "import_status", input = Json)]
pub async fn load_import_status(job_id: String) -> Result<ImportStatus, AppError> {
    check_id(&job_id)?;
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.import_status(&caller, &job_id).await
}

/// The workspace's latest imports.
#[server(endpoint = "list_imports")]
pub async fn list_imports() -> Result<Vec<ImportStatus>, AppError> {
    let (backend, caller) = context::caller().await?;
    caller.require_write()?;
    backend.list_imports(&caller).await
}

#[cfg(feature = "ssr")]
fn check_settings(job_id: &str, settings: &ImportSettings) -> Result<(), AppError> {
    check_id(job_id)?;
    if let Some(c) = &settings.campaign_id {
        check_id(c)?;
    }
    if settings.mapping.len() > 500 {
        return Err(AppError::Invalid("too many columns".into()));
    }
    crate::domain::import::check_mapping(&settings.mapping).map_err(AppError::Invalid)?;
    let country_shaped =
        settings.country.len() == 2 && settings.country.chars().all(|c| c.is_ascii_alphabetic());
    if !country_shaped {
        return Err(AppError::Invalid(
            "pick the country phone numbers are in".into(),
        ));
    }
    Ok(())
}

/// What imports need from the server: implemented once, in `server::backend::imports`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait ImportsApi: Send + Sync {
    async fn preview_import(
        &self,
        caller: &Caller,
        job_id: &str,
        settings: &ImportSettings,
    ) -> Result<ImportPreview, AppError>;
    async fn start_import(
        &self,
        caller: &Caller,
        job_id: &str,
        settings: &ImportSettings,
    ) -> Result<ImportStatus, AppError>;
    async fn import_status(&self, caller: &Caller, job_id: &str) -> Result<ImportStatus, AppError>;
    async fn list_imports(&self, caller: &Caller) -> Result<Vec<ImportStatus>, AppError>;
}
