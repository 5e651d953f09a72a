//! What the Reports page asks for and gets back.

use crate::domain::metrics::{Period, Report};
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
    pub report: Report,
    /// The same figures over the period just before, for the tiles' change.
    pub previous: Report,
    /// Teammates' names by user id (the teammates table).
    pub names: Vec<(String, String)>,
    /// The workspace set working hours: figures in working time are shown too.
    pub working_hours: bool,
}
