//! `app::api::ReportsApi` for the server: reads the threads' timelines (`store::reports`) and
//! computes the figures with `app::domain::metrics` for the period and the one before it.

use super::internal;
use crate::state::AppState;
use crate::store::{inbox::business_hours, reports};
use app::api::backend::Caller;
use app::api::{AppError, ReportsApi};
use app::domain::metrics::{report, Period};
use app::model::{ReportQuery, ReportView};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

#[async_trait::async_trait]
impl ReportsApi for AppState {
    async fn report(&self, caller: &Caller, query: &ReportQuery) -> Result<ReportView, AppError> {
        let now = self.clock.now_ms();
        let scope = reports::Scope {
            workspace: &caller.workspace_id,
            campaign: query.campaign.as_deref(),
            client: query.client.as_deref(),
            channel: query.channel.map(|c| c.as_str()),
            teammate: query.teammate.as_deref(),
        };
        let read = reports::timelines(&self.db, &scope)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        let hours = business_hours(&self.db, &caller.workspace_id, now)
            .await
            .map_err(internal)?;
        let period = Period {
            start: now - i64::from(query.days) * DAY_MS,
            end: now,
        };
        Ok(ReportView {
            period,
            report: report(&read.timelines, period, now, hours.as_ref()),
            previous: report(&read.timelines, period.previous(), now, hours.as_ref()),
            names: read.names.into_iter().collect(),
            working_hours: hours.is_some(),
        })
    }
}
