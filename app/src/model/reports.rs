//! What the Reports page asks for and gets back.

use crate::domain::metrics::{Figure, Figures, Period};
use crate::model::Channel;
use serde::{Deserialize, Serialize};

/// The periods the page offers, in days back from now.
pub const REPORT_DAYS: [u32; 3] = [7, 30, 90];

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportQuery {
    pub campaign: Option<String>,
    pub client: Option<String>,
    /// Threads that used this channel.
    #[serde(default)]
    pub channel: Option<Channel>,
    /// Threads assigned to this teammate (user id).
    #[serde(default)]
    pub teammate: Option<String>,
    /// One of `REPORT_DAYS`.
    pub days: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportView {
    pub period: Period,
    /// The figures (counts: the threads behind one are asked for with `ReportPick`).
    pub report: Figures,
    /// The same figures over the period just before, for the tiles' change.
    pub previous: Figures,
    /// Teammates' names by user id (the teammates table).
    pub names: Vec<(String, String)>,
    /// The workspace set working hours: figures in working time are shown too.
    pub working_hours: bool,
}

/// The threads behind one figure of a report (the drill-down).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportPick {
    pub query: ReportQuery,
    pub figure: Figure,
}
