//! Demo data: a realistic agency workspace (2 clients, 5 campaigns, 72 creators, ~100 threads,
//! 600+ messages over email, SMS, Instagram DM and the portal). The same builder makes the
//! workspaces the integration tests use. Deterministic for a given seed and `now`.

mod content;
mod fresh_replies;
mod people;
mod threads;

use crate::db::{exec, first, Db, DbError};
use crate::ids::new_id;
use app::model::*;
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
    people::create_team(db, spec, &mut out, now).await?;
    let campaigns = people::create_campaigns(db, spec, &mut out, now).await?;
    let mut creators = Vec::new();
    for i in 0..spec.creators {
        let c = people::create_creator(db, &mut rng, &ws, i, now).await?;
        out.creator_ids.push(c.id.clone());
        creators.push(c);
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
        let campaign = (ki, campaigns[ki]);
        let n = threads::seed_thread(
            db,
            &mut rng,
            &mut out,
            &creators[ci],
            campaign,
            &writers,
            now,
        )
        .await?;
        out.messages += n;
    }
    Ok(out)
}
