//! Server functions for the Reports page: validate, resolve the caller, call `ReportsApi`.

#[cfg(feature = "ssr")]
use super::backend::Caller;
#[cfg(feature = "ssr")]
use super::context;
use super::AppError;
use crate::model::{ReportPick, ReportQuery, ReportView, REPORT_DAYS};
use leptos::prelude::*;
use server_fn::codec::Json;

/// Checks a report query: known ids' shape, one of the offered periods.
pub fn validate_report_query(q: &ReportQuery) -> Result<(), AppError> {
    for id in [&q.campaign, &q.client, &q.teammate].into_iter().flatten() {
        if !crate::domain::filter::is_valid_id(id) {
            return Err(AppError::NotFound);
        }
    }
    if q.channel == Some(crate::model::Channel::Note) {
        return Err(AppError::Invalid("notes are not a channel".into()));
    }
    if !REPORT_DAYS.contains(&q.days) {
        return Err(AppError::Invalid("the period is 7, 30 or 90 days".into()));
    }
    Ok(())
}

/// The campaign figures over the last `days`, with the period before for comparison. Every
/// teammate may read them; an embedded frame its own client's.
#[server(endpoint = "report", input = Json)]
pub async fn load_report(query: ReportQuery) -> Result<ReportView, AppError> {
    validate_report_query(&query)?;
    let (backend, caller) = context::caller().await?;
    let query = caller.confine_report(query)?;
    backend.report(&caller, &query).await
}

/// The threads behind one figure of the report `pick.query` asks for (the drill-down: read
/// from the threads' timelines, not from the kept sums). Same access as the report.
#[server(endpoint = "report_threads", input = Json)]
pub async fn load_report_threads(pick: ReportPick) -> Result<Vec<String>, AppError> {
    validate_report_query(&pick.query)?;
    let (backend, caller) = context::caller().await?;
    let pick = ReportPick {
        query: caller.confine_report(pick.query)?,
        ..pick
    };
    backend.report_threads(&caller, &pick).await
}

/// What the Reports page needs from the server: implemented once, in `server::backend::reports`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait ReportsApi: Send + Sync {
    async fn report(&self, caller: &Caller, query: &ReportQuery) -> Result<ReportView, AppError>;
    async fn report_threads(
        &self,
        caller: &Caller,
        pick: &ReportPick,
    ) -> Result<Vec<String>, AppError>;
}
