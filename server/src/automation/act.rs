//! Deciding one creator message: load the facts, classify (rules, and a model when configured),
//! plan (`app::domain::automation::plan`, pure), let a model word a sensitive draft, and carry
//! the plan out in one transaction (`store::automation::carry_out`).

use crate::db::DbError;
use crate::model_provider::Model;
use crate::state::AppState;
use crate::store::automation::{carry_out, Decided, Pending};
use crate::store::policy_facts;
use app::domain::automation::{plan, Effect, ModelContext, PlanFacts};
use app::domain::classify::{self, Classification};
use app::domain::reply_channel::{reply_options, SenderKind as Who};
use app::model::Channel;
use std::collections::BTreeMap;

/// Decides `p` and carries the decision out. Returns whether a send job was queued.
pub async fn decide(state: &AppState, model: Option<&Model>, p: &Pending) -> Result<bool, DbError> {
    let db = &state.db;
    let now = state.clock.now_ms();
    let caller = super::system_caller(&p.ws);
    let Some(row) = crate::store::threads::find(db, &caller, &p.thread_id).await? else {
        return Err(DbError::Other("message without thread".into()));
    };
    let mut thread = row.summary;
    let (campaign, enrollment) = (&thread.campaign_id, &row.enrollment_id);
    let f = policy_facts::load(db, &p.ws, campaign, enrollment, &thread.creator_id, now).await?;
    let classification = classified(model, p).await;
    let reply_channel = {
        let rf = crate::store::reply_facts::load(db, &p.ws, &thread.id, &thread.creator_id).await?;
        reply_options(&rf, Who::Automation, now).default
    };
    let policy = f.campaign.policy();
    let address = classification.address.as_ref().map(|a| a.text.as_str());
    let fields = f.merge_fields(&thread, address);
    let library: BTreeMap<String, String> = f
        .library
        .iter()
        .map(|s| (s.key.clone(), s.body.clone()))
        .collect();
    let camp = &f.campaign;
    let mut effects = plan(&PlanFacts {
        classification: &classification,
        policy: &policy,
        stage: f.enrollment.stage,
        message_channel: p.channel,
        reply_channel,
        local_hour: app::domain::policy::local_hour(now, f.utc_offset_minutes),
        auto_sent_today: f.auto_sent_today,
        library: &library,
        fields: &fields,
        assignee: thread.assignee_id.as_deref(),
        team: &f.team,
        model_context: model.map(|_| ModelContext {
            campaign: &camp.name,
            brief: &camp.brief,
            guidance: &camp.creator_guidance,
            message: &p.text,
        }),
        unverified_sender: p.unverified_sender.as_deref(),
    });
    if let Some(m) = model {
        worded_by(m, &mut effects, &p.id).await;
    }
    let email_domain = state.config.email_domain();
    let decided = Decided {
        message: p,
        enrollment_id: &row.enrollment_id,
        classification: &classification,
        channel: reply_channel.unwrap_or(Channel::Note),
        names: &f.names,
        email_domain: &email_domain,
        now,
    };
    carry_out(db, &mut thread, &decided, &effects).await
}

/// The message's classification: the rules' (stored with it, or made now), merged with a
/// model's when one is configured and answers.
async fn classified(model: Option<&Model>, p: &Pending) -> Classification {
    let rules = p
        .classification
        .clone()
        .unwrap_or_else(|| classify::classify(&p.text));
    let Some(m) = model else { return rules };
    match m.classify(&p.text).await {
        Ok(found) => classify::model::merge(rules, &found, m.name()),
        Err(e) => {
            tracing::warn!(reason = %e, message = %p.id, "model classification failed; rules only");
            rules
        }
    }
}

/// Lets the model word the drafts the plan asks it to; a failure keeps the approved language.
async fn worded_by(m: &Model, effects: &mut [Effect], message: &str) {
    for effect in effects {
        let Effect::Draft(d) = effect else { continue };
        let Some(request) = d.model_request.take() else {
            continue;
        };
        match m.draft(&request).await {
            Ok(text) => {
                d.text = text;
                d.source = format!("model:{}", m.name());
            }
            Err(e) => {
                tracing::warn!(reason = %e, %message, "model draft failed; approved language used")
            }
        }
    }
}
