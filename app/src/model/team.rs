//! The team: members, invitations, sessions, and what an invitation link shows before it is
//! accepted.

use super::Role;
use serde::{Deserialize, Serialize};

/// One person on the team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub joined_at: i64,
    /// Open threads assigned to them (flagged on a deactivated member: someone should take them).
    pub assigned_threads: u32,
}

/// Where an invitation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl InvitationState {
    pub fn label(self) -> &'static str {
        match self {
            InvitationState::Pending => "pending",
            InvitationState::Accepted => "accepted",
            InvitationState::Revoked => "revoked",
            InvitationState::Expired => "expired",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub state: InvitationState,
    pub created_at: i64,
    pub expires_at: i64,
    pub invited_by: String,
}

/// The Team page: owners manage, managers read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamView {
    pub members: Vec<MemberView>,
    pub invitations: Vec<InvitationView>,
    pub can_manage: bool,
}

/// A link made for one person (an invitation or a password reset): shown once, to copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimeLink {
    pub url: String,
    pub expires_at: i64,
    /// The address it was emailed to, when it was.
    pub sent_to: Option<String>,
    /// Why it could not be emailed (no mailbox and no relay, or the server refused).
    pub send_error: Option<String>,
}

/// What an invitation link shows before it is accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationInfo {
    pub workspace_name: String,
    pub email: String,
    pub role: Role,
    /// The address has an account already: accepting asks for its password instead of a new one.
    pub has_account: bool,
}

/// One place a person is signed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: String,
    pub device: String,
    pub workspace_name: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub current: bool,
}
