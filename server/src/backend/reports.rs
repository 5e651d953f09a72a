//! `app::api::ReportsApi` for the server. The figures of one campaign, client or the workspace
//! come from the kept sums and the not-yet-rolled tail (`rollup::scope_sums`); a channel or
//! teammate filter (or a campaign and a client together) reads the scope's timelines and adds up
//! their contributions the same way. The drill-down reads the timelines and lists the threads.

use super::internal;
use crate::db::{Db, DbError};
use crate::state::AppState;
use crate::store::metrics::ScopeKey;
use crate::store::{inbox::business_hours, reports};
use app::api::backend::{Caller, Scope};
use app::api::{AppError, ReportsApi};
use app::domain::metrics::{
    contribution, day_start, exact_hours, figures, period_days, report, Contribution, Period, Tally,
};
use app::domain::reply_clock::BusinessHours;
use app::model::{ReportPick, ReportQuery, ReportView};

/// The scope a query's figures are kept for; None when only the timelines can answer it.
fn kept_scope(caller: &Caller, q: &ReportQuery) -> Option<ScopeKey> {
    if q.channel.is_some() || q.teammate.is_some() {
        return None;
    }
    match (&q.campaign, &q.client) {
        (Some(_), Some(_)) => None,
        (Some(c), None) => Some(("campaign", c.clone())),
        (None, Some(c)) => Some(("client", c.clone())),
        (None, None) => Some(("workspace", caller.workspace_id.clone())),
    }
}

fn scope<'a>(caller: &'a Caller, q: &'a ReportQuery) -> reports::Scope<'a> {
    reports::Scope {
        workspace: &caller.workspace_id,
        campaign: q.campaign.as_deref(),
        client: q.client.as_deref(),
        channel: q.channel.map(|c| c.as_str()),
        teammate: q.teammate.as_deref(),
    }
}

/// The sums of the scope's threads counted from their timelines.
async fn counted(
    db: &Db,
    caller: &Caller,
    q: &ReportQuery,
    hours: Option<&BusinessHours>,
) -> Result<Option<Contribution>, DbError> {
    let Some(read) = reports::timelines(db, &scope(caller, q)).await? else {
        return Ok(None);
    };
    let mut sum = Contribution::default();
    for t in &read.timelines {
        sum.absorb(&contribution(t, hours), 1);
    }
    Ok(Some(sum))
}

#[async_trait::async_trait]
impl ReportsApi for AppState {
    async fn report(&self, caller: &Caller, query: &ReportQuery) -> Result<ReportView, AppError> {
        let now = self.clock.now_ms();
        let ws = &caller.workspace_id;
        let hours = business_hours(&self.db, ws, now).await.map_err(internal)?;
        let h = hours.as_ref();
        let current = period_days(query.days, now, h);
        let previous = (current.0 - i64::from(query.days), current.0 - 1);
        // The day before the previous period: where staleness stood when it began.
        let range = (previous.0 - 1, current.1);
        let sums = match kept_scope(caller, query) {
            Some(key) => {
                let exact = exact_hours(&[current, previous], now, h);
                crate::rollup::scope_sums(&self.db, ws, &key, range, &exact, now).await
            }
            None => counted(&self.db, caller, query, h).await,
        };
        let sum = sums.map_err(internal)?.ok_or(AppError::NotFound)?;
        let mut view = ReportView {
            period: Period {
                start: day_start(current.0, h),
                end: now,
            },
            report: figures(&sum, current, now, h),
            previous: figures(&sum, previous, now, h),
            names: Default::default(),
            working_hours: hours.is_some(),
        };
        if caller.scope == Scope::Workspace {
            let names = reports::teammate_names(&self.db, ws)
                .await
                .map_err(internal)?;
            view.names = names.into_iter().collect();
        } else {
            // An embedded frame sees its client's figures, not the team's workload.
            view.report.teammates.clear();
            view.previous.teammates.clear();
        }
        Ok(view)
    }

    async fn report_threads(
        &self,
        caller: &Caller,
        pick: &ReportPick,
    ) -> Result<Vec<String>, AppError> {
        let now = self.clock.now_ms();
        let q = &pick.query;
        let hours = business_hours(&self.db, &caller.workspace_id, now)
            .await
            .map_err(internal)?;
        let h = hours.as_ref();
        let read = reports::timelines(&self.db, &scope(caller, q))
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)?;
        let (first, _) = period_days(q.days, now, h);
        let period = Period {
            start: day_start(first, h),
            end: now,
        };
        Ok(pick
            .figure
            .threads(&report(&read.timelines, period, now, h)))
    }
}
