//! The workspace's people and work: the team (one teammate per role), the clients and their
//! campaigns, and the creators with their identities.

use super::content::*;
use super::{fold_ascii, pick, SeedSpec, SeededUser, SeededWorkspace, DAY};
use crate::auth::password;
use crate::db::{exec, Db, DbError};
use crate::ids::new_id;
use app::model::*;
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::json;

const TEAM: &[(&str, &str, Role)] = &[
    ("Dana Whitfield", "dana", Role::Owner),
    ("Marco Ruiz", "marco", Role::Manager),
    ("Ava Thompson", "ava", Role::Member),
    ("Sam Lee", "sam", Role::Viewer),
];

/// A creator as the threads need them.
pub(super) struct CreatorSeed {
    pub id: String,
    pub first: String,
    pub name: String,
    pub handle: String,
    pub preferred: Channel,
    pub search: String,
}

/// One teammate per role, all with the spec's password.
pub(super) async fn create_team(
    db: &Db,
    spec: &SeedSpec,
    out: &mut SeededWorkspace,
    now: i64,
) -> Result<(), DbError> {
    let ws = out.workspace_id.clone();
    let hash = password::hash_off_thread(spec.password.to_string())
        .await
        .map_err(DbError::Other)?;
    for (i, (name, local, role)) in TEAM.iter().enumerate() {
        let user = SeededUser {
            id: new_id(),
            name: name.to_string(),
            email: format!("{local}@{}", spec.email_domain),
            role: *role,
        };
        exec(
            db,
            "CREATE type::record('user', $id) SET email = $email, name = $name, password_hash = $hash, created_at = $now;
             CREATE membership SET workspace = type::record('workspace', $ws), user = type::record('user', $id), role = $role, created_at = $now;",
            json!({ "id": user.id, "email": user.email, "name": user.name, "hash": hash, "now": now + i as i64, "ws": ws, "role": role.as_str() }),
        )
        .await?;
        out.users.push(user);
    }
    Ok(())
}

/// The clients and the spec's campaigns (at least one).
pub(super) async fn create_campaigns(
    db: &Db,
    spec: &SeedSpec,
    out: &mut SeededWorkspace,
    now: i64,
) -> Result<Vec<&'static CampaignSeed>, DbError> {
    let ws = out.workspace_id.clone();
    for name in CLIENTS {
        let id = new_id();
        exec(db, "CREATE type::record('client', $id) SET workspace = type::record('workspace', $ws), name = $name, created_at = $now;", json!({ "id": id, "ws": ws, "name": name, "now": now })).await?;
        out.client_ids.push(id);
    }
    let campaigns: Vec<&'static CampaignSeed> =
        CAMPAIGNS.iter().take(spec.campaigns.max(1)).collect();
    for c in &campaigns {
        let id = new_id();
        exec(
            db,
            "CREATE type::record('campaign', $id) SET workspace = type::record('workspace', $ws), client = type::record('client', $client),
                name = $name, platform = $platform, kind = $kind, brief = $brief, creator_guidance = $guidance,
                negotiation_language = 'Warm, direct; never exceed the rate ceiling without manager approval.',
                rate_ceiling_cents = $ceiling, compensation = $comp, deliverables = $deliverables,
                content_due = $due, post_by = $post_by, status = 'active', created_at = $now;",
            json!({
                "id": id, "ws": ws, "client": out.client_ids[c.client], "name": c.name, "platform": c.platform, "kind": c.kind,
                "brief": c.brief, "guidance": c.guidance, "ceiling": c.rate_ceiling_cents, "comp": c.compensation,
                "deliverables": c.deliverables, "due": now + c.due_in_days * DAY, "post_by": now + (c.due_in_days + 7) * DAY, "now": now,
            }),
        )
        .await?;
        out.campaign_ids.push(id);
    }
    Ok(campaigns)
}

/// Creator number `i`: a name, a handle in their niche, an email, and the channels they use.
pub(super) async fn create_creator(
    db: &Db,
    rng: &mut StdRng,
    ws: &str,
    i: usize,
    now: i64,
) -> Result<CreatorSeed, DbError> {
    let first = FIRST_NAMES[i % FIRST_NAMES.len()];
    let last = LAST_NAMES[(i * 7 + i / FIRST_NAMES.len()) % LAST_NAMES.len()];
    let niche = pick(rng, NICHES);
    let handle = format!(
        "@{}{}.{}",
        fold_ascii(first),
        fold_ascii(last),
        &niche[..4.min(niche.len())]
    );
    let email = format!(
        "{}.{}{}@mail.example",
        fold_ascii(first),
        fold_ascii(last),
        i
    );
    let preferred = *pick(
        rng,
        &[
            Channel::Email,
            Channel::Email,
            Channel::Instagram,
            Channel::Instagram,
            Channel::Sms,
            Channel::InApp,
        ],
    );
    let mut identities =
        vec![json!({ "channel": "email", "address": email, "consent": "granted" })];
    if preferred == Channel::Sms || rng.gen_bool(0.5) {
        let consent = if rng.gen_bool(0.06) {
            "opted_out"
        } else {
            "granted"
        };
        identities.push(json!({ "channel": "sms", "address": format!("+1512555{:04}", 100 + i), "consent": consent }));
    }
    if preferred == Channel::Instagram || rng.gen_bool(0.6) {
        identities.push(
            json!({ "channel": "instagram", "address": handle.clone(), "consent": "unknown" }),
        );
    }
    identities
        .push(json!({ "channel": "in_app", "address": "Creator portal", "consent": "granted" }));
    let name = format!("{first} {last}");
    let search = format!(
        "{} {} {}",
        name.to_lowercase(),
        handle.to_lowercase(),
        email
    );
    let id = new_id();
    let notes = if rng.gen_bool(0.3) {
        format!(
            "{} creator, mostly {} content. Responds fastest on {}.",
            niche,
            niche,
            preferred.label()
        )
    } else {
        String::new()
    };
    exec(
        db,
        "CREATE type::record('creator', $id) SET workspace = type::record('workspace', $ws), name = $name, handle = $handle,
            avatar = NONE, notes = $notes, identities = $identities, search = $search, created_at = $now;",
        json!({ "id": id, "ws": ws, "name": name, "handle": handle, "notes": notes, "identities": identities, "search": search, "now": now }),
    )
    .await?;
    Ok(CreatorSeed {
        id,
        first: first.to_string(),
        name,
        handle,
        preferred,
        search,
    })
}
