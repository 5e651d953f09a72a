//! What deciding who may send a reply on a thread needs (`domain::reply_gate`): the campaign's
//! policy, the sensitive topics the creator raised since our last teammate reply, the strictest
//! role an open draft waits for, and the teammates who could review.

use crate::db::{exec, first, rows, Db, DbError};
use app::domain::classify::{Classification, Intent};
use app::domain::draft::{rank, Candidate};
use app::domain::policy::ResponsePolicy;
use app::domain::reply_gate::{review_needed, Gate, NeedsReview};
use app::model::{Channel, Role, ThreadSummary};
use serde::Deserialize;
use serde_json::{json, Value};

/// A thread's facts for the reply gate.
pub struct GateFacts {
    pub policy: ResponsePolicy,
    pub open_topics: Vec<Intent>,
    pub open_draft_role: Option<Role>,
    /// Active teammates who can write, least authority first.
    pub team: Vec<(Candidate, String)>,
    /// The creator's latest message (id, text): what a held reply answers.
    pub last_creator_message: Option<(String, String)>,
}

impl GateFacts {
    /// Whether `sender`'s reply on `channel` needs review.
    pub fn review_needed(&self, channel: Channel, sender: Role) -> Option<NeedsReview> {
        review_needed(
            &Gate {
                policy: &self.policy,
                channel,
                open_topics: &self.open_topics,
                open_draft_role: self.open_draft_role,
            },
            sender,
        )
    }
}

/// The drafts' states that still wait for a reviewer, as the store writes them.
pub const OPEN_STATES: &str = "['pending_review', 'submitted', 'escalated']";

pub async fn facts(db: &Db, workspace: &str, thread: &ThreadSummary) -> Result<GateFacts, DbError> {
    #[derive(Deserialize)]
    struct Campaign {
        kind: String,
        policy: Option<Value>,
    }
    #[derive(Deserialize)]
    struct Raised {
        at: i64,
        classification: Classification,
    }
    #[derive(Deserialize)]
    struct Member {
        id: String,
        name: String,
        role: Role,
    }
    let mut resp = exec(
        db,
        &format!(
            "SELECT kind, policy FROM ONLY type::record('campaign', $c);
             LET $since = (SELECT VALUE at FROM message WHERE thread = type::record('thread', $t)
                 AND direction = 'outbound' AND sender_kind = 'teammate' AND bulk = NONE ORDER BY newest_first LIMIT 1)[0];
             SELECT at, classification FROM message WHERE thread = type::record('thread', $t) AND direction = 'inbound'
                 AND classification != NONE AND ($since = NONE OR at > $since);
             SELECT VALUE reviewer_role FROM draft WHERE thread = type::record('thread', $t) AND state IN {OPEN_STATES};
             SELECT record::id(user) AS id, user.name AS name, role FROM membership
                 WHERE workspace = type::record('workspace', $ws) AND role != 'viewer' AND deactivated_at = NONE;
             SELECT record::id(id) AS id, text, at FROM message WHERE thread = type::record('thread', $t)
                 AND direction = 'inbound' ORDER BY newest_first LIMIT 1;"
        ),
        json!({ "c": thread.campaign_id, "t": thread.id, "ws": workspace }),
    )
    .await?;
    let campaign: Campaign =
        first(&mut resp, 0)?.ok_or_else(|| DbError::Other("campaign not found".into()))?;
    let raised: Vec<Raised> = rows(&mut resp, 2)?;
    let waiting: Vec<Role> = rows(&mut resp, 3)?;
    let mut members: Vec<Member> = rows(&mut resp, 4)?;
    #[derive(Deserialize)]
    struct Last {
        id: String,
        text: String,
    }
    let last: Option<Last> = first(&mut resp, 5)?;
    members.sort_by(|a, b| {
        rank(a.role)
            .cmp(&rank(b.role))
            .then_with(|| a.name.cmp(&b.name))
    });
    let raised: Vec<(i64, Vec<Intent>)> = raised
        .into_iter()
        .map(|r| (r.at, r.classification.sensitive()))
        .collect();
    Ok(GateFacts {
        policy: super::policies::effective(&campaign.kind, campaign.policy.as_ref()),
        open_topics: app::domain::reply_gate::open_topics(None, &raised),
        open_draft_role: waiting.into_iter().max_by_key(|r| rank(*r)),
        team: members
            .into_iter()
            .map(|m| {
                (
                    Candidate {
                        id: m.id,
                        role: m.role,
                    },
                    m.name,
                )
            })
            .collect(),
        last_creator_message: last.map(|l| (l.id, l.text)),
    })
}

impl GateFacts {
    /// Who a draft needing `role` is assigned to, and their name.
    pub fn reviewer(&self, role: Role, assignee: Option<&str>) -> Option<(String, String)> {
        let team: Vec<Candidate> = self.team.iter().map(|(c, _)| c.clone()).collect();
        let id = app::domain::draft::pick_reviewer(role, assignee, &team)?;
        let name = self
            .team
            .iter()
            .find(|(c, _)| c.id == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        Some((id, name))
    }
}
