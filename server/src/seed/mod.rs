//! Demo data: a realistic agency workspace (2 clients, 5 campaigns, 72 creators, ~100 threads,
//! 600+ messages over email, SMS, Instagram DM and the portal). The same builder makes the
//! workspaces the integration tests use. Deterministic for a given seed and `now`.

mod content;
mod fresh_replies;

use crate::auth::password;
use crate::db::{exec, first, Db, DbError};
use crate::ids::new_id;
use crate::store::thread_write::{append_message, NewMessage};
use app::model::*;
use content::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

pub const DEMO_PASSWORD: &str = "creator-inbox-demo";
pub const DEMO_OWNER: &str = "dana@northstar.example";

pub struct SeedSpec {
    pub name: &'static str,
    pub email_domain: &'static str,
    pub password: &'static str,
    pub creators: usize,
    pub campaigns: usize,
    pub rng_seed: u64,
}

impl SeedSpec {
    pub fn demo() -> SeedSpec {
        SeedSpec {
            name: "Northstar Collective",
            email_domain: "northstar.example",
            password: DEMO_PASSWORD,
            creators: 72,
            campaigns: 5,
            rng_seed: 20261123,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SeededUser {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
}

#[derive(Clone, Debug, Default)]
pub struct SeededWorkspace {
    pub workspace_id: String,
    pub users: Vec<SeededUser>,
    pub client_ids: Vec<String>,
    pub campaign_ids: Vec<String>,
    pub creator_ids: Vec<String>,
    pub thread_ids: Vec<String>,
    pub messages: usize,
}

impl SeededWorkspace {
    pub fn user(&self, role: Role) -> &SeededUser {
        self.users
            .iter()
            .find(|u| u.role == role)
            .expect("every role is seeded")
    }
}

pub struct DemoWorkspace(pub SeededWorkspace);

impl DemoWorkspace {
    pub fn sign_in_banner(&self) -> String {
        let mut s = format!(
            "Demo workspace \"{}\": {} threads, {} messages.\nSign in at the URL below with:\n",
            SeedSpec::demo().name,
            self.0.thread_ids.len(),
            self.0.messages
        );
        for u in &self.0.users {
            s.push_str(&format!(
                "  {:<8} {}  password: {DEMO_PASSWORD}\n",
                u.role.as_str(),
                u.email
            ));
        }
        s
    }

    pub fn existing_banner() -> String {
        format!("Demo sign-in: {DEMO_OWNER}  password: {DEMO_PASSWORD} (other roles: marco@, ava@, sam@northstar.example)")
    }
}

#[derive(serde::Deserialize)]
struct Count {
    count: u64,
}

/// True when no workspace exists yet (a fresh database).
pub async fn is_empty(db: &Db) -> Result<bool, DbError> {
    let mut resp = exec(db, "SELECT count() FROM workspace GROUP ALL;", json!({})).await?;
    Ok(first::<Count>(&mut resp, 0)?.map_or(0, |c| c.count) == 0)
}

pub async fn seed_demo(db: &Db, now: i64) -> Result<DemoWorkspace, DbError> {
    let mut resp = exec(
        db,
        "SELECT count() FROM user WHERE email = $e GROUP ALL;",
        json!({ "e": DEMO_OWNER }),
    )
    .await?;
    if first::<Count>(&mut resp, 0)?.map_or(0, |c| c.count) > 0 {
        return Err(DbError::Other("the demo workspace already exists".into()));
    }
    let ws = seed_workspace(db, &SeedSpec::demo(), now).await?;
    fresh_replies::add(db, &ws, now).await?;
    // Each thread's next follow-up, as if its history had just happened here.
    for t in &ws.thread_ids {
        crate::store::followups::replan(
            db,
            &ws.workspace_id,
            t,
            app::domain::followup::Cancel::NotNeeded,
            now,
        )
        .await?;
    }
    Ok(DemoWorkspace(ws))
}

fn fold_ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' => 'a',
            'é' | 'è' => 'e',
            'í' => 'i',
            'ó' | 'ö' => 'o',
            'ú' | 'ü' => 'u',
            'ñ' => 'n',
            c => c,
        })
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

struct CreatorSeed {
    id: String,
    first: String,
    name: String,
    handle: String,
    preferred: Channel,
    search: String,
}

const TEAM: &[(&str, &str, Role)] = &[
    ("Dana Whitfield", "dana", Role::Owner),
    ("Marco Ruiz", "marco", Role::Manager),
    ("Ava Thompson", "ava", Role::Member),
    ("Sam Lee", "sam", Role::Viewer),
];

/// Builds one complete workspace from `spec`.
pub async fn seed_workspace(
    db: &Db,
    spec: &SeedSpec,
    now: i64,
) -> Result<SeededWorkspace, DbError> {
    let mut rng = StdRng::seed_from_u64(spec.rng_seed);
    let mut out = SeededWorkspace {
        workspace_id: new_id(),
        ..Default::default()
    };
    let ws = out.workspace_id.clone();
    exec(
        db,
        "CREATE type::record('workspace', $id) SET name = $name, created_at = $now;",
        json!({ "id": ws, "name": spec.name, "now": now }),
    )
    .await?;

    let hash = {
        let pw = spec.password.to_string();
        tokio::task::spawn_blocking(move || password::hash(&pw))
            .await
            .map_err(|e| DbError::Other(e.to_string()))?
            .map_err(DbError::Other)?
    };
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

    for name in CLIENTS {
        let id = new_id();
        exec(db, "CREATE type::record('client', $id) SET workspace = type::record('workspace', $ws), name = $name, created_at = $now;", json!({ "id": id, "ws": ws, "name": name, "now": now })).await?;
        out.client_ids.push(id);
    }
    let campaigns: Vec<&CampaignSeed> = CAMPAIGNS.iter().take(spec.campaigns.max(1)).collect();
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

    let mut creators = Vec::new();
    for i in 0..spec.creators {
        let first = FIRST_NAMES[i % FIRST_NAMES.len()];
        let last = LAST_NAMES[(i * 7 + i / FIRST_NAMES.len()) % LAST_NAMES.len()];
        let niche = pick(&mut rng, NICHES);
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
            &mut rng,
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
        identities.push(
            json!({ "channel": "in_app", "address": "Creator portal", "consent": "granted" }),
        );
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
        out.creator_ids.push(id.clone());
        creators.push(CreatorSeed {
            id,
            first: first.to_string(),
            name,
            handle,
            preferred,
            search,
        });
    }

    // Each creator joins one campaign; about a third join a second one.
    let mut pairs = Vec::new();
    for (i, _) in creators.iter().enumerate() {
        let a = i % campaigns.len();
        pairs.push((i, a));
        if rng.gen_bool(0.35) && campaigns.len() > 1 {
            pairs.push((
                i,
                (a + 1 + rng.gen_range(0..campaigns.len() - 1)) % campaigns.len(),
            ));
        }
    }
    let writers: Vec<SeededUser> = out
        .users
        .iter()
        .filter(|u| u.role.can_write())
        .cloned()
        .collect();
    for (ci, ki) in pairs {
        let n = seed_thread(
            db,
            &mut rng,
            &mut out,
            &ws,
            &creators[ci],
            ki,
            campaigns[ki],
            &writers,
            now,
        )
        .await?;
        out.messages += n;
    }
    Ok(out)
}

fn fill(template: &str, c: &CreatorSeed, camp: &CampaignSeed, me: &str, city: &str) -> String {
    let rate = match camp.kind {
        "paid" => camp
            .compensation
            .split('+')
            .next()
            .unwrap_or(camp.compensation)
            .trim()
            .to_string(),
        _ => "the gifted product".to_string(),
    };
    template
        .replace("{first}", &c.first)
        .replace("{product}", camp.product)
        .replace("{campaign}", camp.name)
        .replace("{brand}", CLIENTS[camp.client])
        .replace("{me}", me.split(' ').next().unwrap_or(me))
        .replace("{rate}", &rate)
        .replace("{city}", city)
}

fn pick_stage(rng: &mut StdRng, gifting: bool) -> Stage {
    let weights: [(Stage, u32); 10] = [
        (Stage::Contacted, 12),
        (Stage::Replied, 10),
        (Stage::Negotiating, if gifting { 0 } else { 14 }),
        (Stage::Accepted, 10),
        (Stage::InfoCollected, 10),
        (Stage::ProductShipped, 10),
        (Stage::ContentDelivered, 10),
        (Stage::Posted, 8),
        (Stage::Completed, 8),
        (Stage::Declined, 8),
    ];
    let total: u32 = weights.iter().map(|w| w.1).sum();
    let mut roll = rng.gen_range(0..total);
    for (stage, w) in weights {
        if roll < w {
            return stage;
        }
        roll -= w;
    }
    Stage::Contacted
}

fn steps_for(stage: Stage) -> usize {
    match stage {
        Stage::Contacted | Stage::Declined => 1,
        Stage::Replied => 2,
        Stage::Negotiating => 4,
        Stage::Accepted => 7,
        Stage::InfoCollected => 8,
        Stage::ProductShipped => 9,
        Stage::ContentDelivered => 11,
        Stage::Posted => 13,
        Stage::Completed => 15,
    }
}

fn next_action(stage: Stage) -> &'static str {
    match stage {
        Stage::Contacted => "Wait for a reply; follow up in 3 days",
        Stage::Replied => "Send the brief and offer",
        Stage::Negotiating => "Agree rate and usage rights",
        Stage::Accepted => "Collect the shipping address",
        Stage::InfoCollected => "Ship the product",
        Stage::ProductShipped => "Wait for the draft",
        Stage::ContentDelivered => "Review the draft",
        Stage::Posted => "Pay the invoice",
        Stage::Completed | Stage::Declined => "",
    }
}

#[allow(clippy::too_many_arguments)]
async fn seed_thread(
    db: &Db,
    rng: &mut StdRng,
    out: &mut SeededWorkspace,
    ws: &str,
    c: &CreatorSeed,
    ki: usize,
    camp: &CampaignSeed,
    writers: &[SeededUser],
    now: i64,
) -> Result<usize, DbError> {
    let gifting = camp.kind == "gifting";
    let stage = pick_stage(rng, gifting);
    let owner = pick(rng, writers).clone();
    let assignee = rng.gen_bool(0.7).then(|| owner.clone());
    let city = *pick(rng, CITIES);

    // The conversation, oldest first: (from creator, channel, sender kind, text).
    let mut lines: Vec<(bool, Channel, SenderKind, String)> = Vec::new();
    let out_channel = if c.preferred == Channel::Instagram {
        Channel::Instagram
    } else {
        Channel::Email
    };
    let mut creator_channel = c.preferred;
    for (step, (from_creator, variants)) in HAPPY_PATH.iter().enumerate().take(steps_for(stage)) {
        if gifting && (3..=4).contains(&step) {
            continue;
        }
        if step == 6 && rng.gen_bool(0.3) {
            creator_channel = *pick(rng, &[Channel::Sms, Channel::InApp]);
        }
        let channel = if *from_creator {
            creator_channel
        } else if step == 0 {
            out_channel
        } else {
            lines.last().map_or(out_channel, |l| l.1)
        };
        lines.push((
            *from_creator,
            channel,
            SenderKind::Teammate,
            fill(pick::<&str>(rng, variants), c, camp, &owner.name, city),
        ));
    }
    let mut decline = None;
    if stage == Stage::Declined {
        let (reason, text) = *pick(rng, DECLINES);
        decline = Some(reason);
        lines.push((true, creator_channel, SenderKind::Creator, text.to_string()));
    }
    if stage == Stage::Contacted && rng.gen_bool(0.5) {
        lines.push((
            false,
            out_channel,
            SenderKind::Automation,
            fill(FOLLOW_UP, c, camp, &owner.name, city),
        ));
    }
    let ends_inbound = lines.last().is_some_and(|l| l.0);
    let open_stage = !matches!(stage, Stage::Contacted | Stage::Declined | Stage::Completed);
    if !ends_inbound && open_stage && rng.gen_bool(0.45) {
        lines.push((
            true,
            creator_channel,
            SenderKind::Creator,
            pick(rng, OPEN_QUESTIONS).to_string(),
        ));
    } else if ends_inbound && stage != Stage::Declined && rng.gen_bool(0.4) {
        let ch = lines.last().map_or(out_channel, |l| l.1);
        lines.push((
            false,
            ch,
            SenderKind::Teammate,
            format!("Thanks {}! Noted — we'll get back to you shortly.", c.first),
        ));
    }
    if lines.len() >= 3 && rng.gen_bool(0.2) {
        let at = lines.len() - 1;
        lines.insert(
            at,
            (
                false,
                Channel::Note,
                SenderKind::Teammate,
                pick(rng, NOTES).to_string(),
            ),
        );
    }

    // Times: the last entry between minutes and days ago; waiting threads spread around 24 h.
    let waiting = lines.last().is_some_and(|l| l.0);
    let end = if waiting {
        if rng.gen_bool(0.5) {
            now - rng.gen_range(10 * MIN..20 * HOUR)
        } else {
            now - rng.gen_range(25 * HOUR..96 * HOUR)
        }
    } else {
        now - rng.gen_range(HOUR..14 * DAY)
    };
    let mut times = vec![end];
    for _ in 1..lines.len() {
        let prev = *times.last().unwrap_or(&end);
        times.push(prev - rng.gen_range(40 * MIN..30 * HOUR));
    }
    times.reverse();

    let enrollment = new_id();
    let thread_id = new_id();
    let terms = if stage >= Stage::Accepted && stage != Stage::Declined && !gifting {
        format!("{}; 30-day organic usage", camp.compensation)
    } else {
        String::new()
    };
    exec(
        db,
        "CREATE type::record('enrollment', $eid) SET workspace = type::record('workspace', $ws), creator = type::record('creator', $creator),
            campaign = type::record('campaign', $campaign), stage = $stage, decline_reason = $reason,
            assignee = IF $assignee != NONE THEN type::record('user', $assignee) ELSE NONE END,
            agreed_terms = $terms, shipping_info = NONE, next_action = $next, due_at = NONE, created_at = $start, updated_at = $end;
         CREATE type::record('thread', $tid) SET workspace = type::record('workspace', $ws), enrollment = type::record('enrollment', $eid),
            creator = type::record('creator', $creator), campaign = type::record('campaign', $campaign), client = type::record('client', $client),
            creator_name = $name, creator_handle = $handle, creator_avatar = NONE, creator_search = $search,
            campaign_name = $campaign_name, client_name = $client_name, stage = $stage,
            assignee = IF $assignee != NONE THEN type::record('user', $assignee) ELSE NONE END, assignee_name = $assignee_name,
            channels = [], last_at = 0, last_channel = 'email', last_sender_kind = 'teammate', last_sender_name = '', last_snippet = '',
            awaiting_since = NONE, unread = false;",
        json!({
            "eid": enrollment, "tid": thread_id, "ws": ws, "creator": c.id, "campaign": out.campaign_ids[ki], "client": out.client_ids[camp.client],
            "stage": stage.as_str(), "reason": decline, "assignee": assignee.as_ref().map(|a| a.id.clone()),
            "assignee_name": assignee.as_ref().map(|a| a.name.clone()), "terms": terms, "next": next_action(stage),
            "start": times[0], "end": end, "name": c.name, "handle": c.handle, "search": c.search,
            "campaign_name": camp.name, "client_name": CLIENTS[camp.client],
        }),
    )
    .await?;

    let mut summary = ThreadSummary {
        id: thread_id.clone(),
        creator_id: c.id.clone(),
        creator_name: c.name.clone(),
        creator_handle: c.handle.clone(),
        creator_avatar: None,
        campaign_id: out.campaign_ids[ki].clone(),
        campaign_name: camp.name.to_string(),
        client_id: out.client_ids[camp.client].clone(),
        client_name: CLIENTS[camp.client].to_string(),
        stage,
        assignee_id: None,
        assignee_name: None,
        last_at: 0,
        last_channel: Channel::Email,
        last_sender_kind: SenderKind::Teammate,
        last_sender_name: String::new(),
        last_snippet: String::new(),
        awaiting_since: None,
        unread: false,
        channels: Vec::new(),
        snoozed_until: None,
        snooze_until_reply: None,
        version: 0,
    };
    let count = lines.len();
    for ((from_creator, channel, kind, text), at) in lines.into_iter().zip(times) {
        let (direction, sender_kind, sender_id, sender_name, status) = if from_creator {
            (
                Direction::Inbound,
                SenderKind::Creator,
                Some(c.id.clone()),
                c.name.clone(),
                DeliveryStatus::Received,
            )
        } else if channel == Channel::Note {
            (
                Direction::Internal,
                SenderKind::Teammate,
                Some(owner.id.clone()),
                owner.name.clone(),
                DeliveryStatus::Sent,
            )
        } else if kind == SenderKind::Automation {
            (
                Direction::Outbound,
                SenderKind::Automation,
                None,
                "Follow-up automation".to_string(),
                DeliveryStatus::Delivered,
            )
        } else {
            let status = if channel == Channel::Email {
                DeliveryStatus::Delivered
            } else {
                DeliveryStatus::Read
            };
            (
                Direction::Outbound,
                SenderKind::Teammate,
                Some(owner.id.clone()),
                owner.name.clone(),
                status,
            )
        };
        let subject = (channel == Channel::Email).then(|| format!("{} × {}", camp.name, c.first));
        let msg = NewMessage {
            id: new_id(),
            direction,
            channel,
            sender_kind,
            sender_id,
            sender_name,
            subject,
            text,
            at,
            status,
            external_id: None,
            to_address: None,
            job: None,
            email: None,
            check_campaign: false,
            automate: false,
            bulk: None,
        };
        append_message(db, ws, &mut summary, msg, None).await?;
    }
    // Someone has already looked at about half of the waiting threads.
    if summary.unread && rng.gen_bool(0.5) {
        exec(
            db,
            "UPDATE type::record('thread', $tid) SET unread = false;",
            json!({ "tid": thread_id }),
        )
        .await?;
    }
    out.thread_ids.push(thread_id);
    Ok(count)
}
