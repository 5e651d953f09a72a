//! What the policy needs to decide about one creator message (or a due follow-up), read in one
//! round trip.

use crate::db::{exec, first, rows, Db, DbError};
use app::domain::draft::Candidate;
use app::domain::language::{self, FieldValues, Snippet};
use app::domain::policy::ResponsePolicy;
use app::model::{Role, Stage, ThreadSummary};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[derive(Deserialize)]
pub struct Campaign {
    pub kind: String,
    pub policy: Option<Value>,
    pub name: String,
    pub brand: Option<String>,
    pub brief: String,
    pub creator_guidance: String,
    #[serde(default)]
    pub negotiation_language: String,
    pub deliverables: Vec<String>,
    pub compensation: String,
    pub post_by: Option<i64>,
}

impl Campaign {
    /// The campaign's own policy, or its kind's defaults (also when the stored one is unreadable).
    pub fn policy(&self) -> ResponsePolicy {
        crate::store::policies::effective(&self.kind, self.policy.as_ref())
    }
}

#[derive(Deserialize)]
pub struct Enrollment {
    pub stage: Stage,
    pub shipping_info: Option<String>,
}

#[derive(Deserialize)]
struct Member {
    id: String,
    name: String,
    role: Role,
}

pub struct Facts {
    pub campaign: Campaign,
    pub enrollment: Enrollment,
    pub utc_offset_minutes: i64,
    pub auto_sent_today: u32,
    /// Teammates who may review, least senior first (so a draft goes to the first who may).
    pub team: Vec<Candidate>,
    pub names: Vec<(String, String)>,
    pub library: Vec<Snippet>,
    /// The same library with where each entry comes from (the composer shows it).
    pub scoped: Vec<(Snippet, language::Scope)>,
}

pub async fn load(
    db: &Db,
    ws: &str,
    campaign: &str,
    enrollment: &str,
    creator: &str,
    now: i64,
) -> Result<Facts, DbError> {
    let mut resp = exec(
        db,
        "SELECT kind, policy, name, client.name AS brand, brief, creator_guidance, negotiation_language, deliverables,
                compensation, post_by FROM ONLY type::record('campaign', $campaign);
         SELECT stage, shipping_info FROM ONLY type::record('enrollment', $enrollment);
         SELECT VALUE utc_offset_minutes FROM ONLY type::record('workspace', $ws);
         SELECT VALUE id FROM draft WHERE creator = type::record('creator', $creator) AND state = 'auto_sent'
             AND created_at > $since;
         SELECT record::id(user) AS id, user.name AS name, role FROM membership
             WHERE workspace = type::record('workspace', $ws) AND role != 'viewer';
         SELECT key, title, category, body, (IF campaign != NONE THEN record::id(campaign) END) AS campaign
             FROM approved_language WHERE workspace = type::record('workspace', $ws)
             AND (campaign = NONE OR campaign = type::record('campaign', $campaign));",
        json!({ "campaign": campaign, "enrollment": enrollment, "ws": ws, "creator": creator, "since": now - 86_400_000 }),
    )
    .await?;
    let campaign: Campaign =
        first(&mut resp, 0)?.ok_or_else(|| DbError::Other("campaign not found".into()))?;
    let enrollment: Enrollment =
        first(&mut resp, 1)?.ok_or_else(|| DbError::Other("enrollment not found".into()))?;
    let utc_offset_minutes: Option<i64> = resp.take(2)?;
    let auto_sent: Vec<Value> = resp.take(3)?;
    let mut members: Vec<Member> = rows(&mut resp, 4)?;
    members.sort_by(|a, b| {
        app::domain::draft::rank(a.role)
            .cmp(&app::domain::draft::rank(b.role))
            .then_with(|| a.name.cmp(&b.name))
    });
    let (own, general): (Vec<Snippet>, Vec<Snippet>) = rows::<Snippet>(&mut resp, 5)?
        .into_iter()
        .partition(|s| s.campaign.is_some());
    let scoped = language::campaign_library(
        general,
        &campaign.negotiation_language,
        &campaign.creator_guidance,
        own,
    );
    Ok(Facts {
        campaign,
        enrollment,
        utc_offset_minutes: utc_offset_minutes.unwrap_or(0),
        auto_sent_today: auto_sent.len() as u32,
        team: members
            .iter()
            .map(|m| Candidate {
                id: m.id.clone(),
                role: m.role,
            })
            .collect(),
        names: members
            .iter()
            .map(|m| (m.id.clone(), m.name.clone()))
            .collect(),
        library: scoped.iter().map(|(s, _)| s.clone()).collect(),
        scoped,
    })
}

impl Facts {
    /// The merge fields the approved language fills for `thread`; `found_address` is an address
    /// the creator just gave (else the one saved on the enrollment).
    pub fn merge_fields(
        &self,
        thread: &ThreadSummary,
        found_address: Option<&str>,
    ) -> BTreeMap<&'static str, String> {
        let camp = &self.campaign;
        let brand = camp.brand.clone().unwrap_or_default();
        let sender = if brand.is_empty() {
            "The team".to_string()
        } else {
            format!("The {brand} team")
        };
        language::fields(&FieldValues {
            creator_name: &thread.creator_name,
            campaign: &camp.name,
            brand: &brand,
            post_by: camp.post_by,
            deliverables: &camp.deliverables,
            compensation: &camp.compensation,
            sender: &sender,
            address: found_address.or(self.enrollment.shipping_info.as_deref()),
            guidance: Some(&camp.creator_guidance),
            portal_link: None,
        })
    }

    /// The library entry's wording (empty when the key is unknown: rendering then fails).
    pub fn wording(&self, key: &str) -> String {
        self.library
            .iter()
            .find(|s| s.key == key)
            .map(|s| s.body.clone())
            .unwrap_or_default()
    }

    /// A teammate's name.
    pub fn name_of(&self, id: &str) -> Option<String> {
        self.names
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, n)| n.clone())
    }
}
