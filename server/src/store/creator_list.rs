//! The Creators page's list: the workspace's creators filtered (search, campaign and stage, tag,
//! channel, consent), a page at a time or all of them (export, "all matching").

use crate::db::{exec, rows, Db, DbError};
use app::model::{CreatorCampaign, CreatorPage, CreatorQuery, CreatorRow};
use serde::Deserialize;
use serde_json::{json, Map, Value};

pub const PAGE: u32 = 50;
/// The most creators one export or "all matching" action takes.
pub const ALL_LIMIT: u32 = 50_000;

const ROW_FIELDS: &str =
    "record::id(id) AS id, name, handle, tags ?? [] AS tags, identities, rate_cents, created_at, [] AS campaigns";

#[derive(Deserialize)]
struct CampaignOf {
    creator: String,
    thread_id: String,
    campaign_name: String,
    stage: app::model::Stage,
}

/// Fills each row's campaigns (its threads not archived, latest first).
async fn with_campaigns(
    db: &Db,
    mut creators: Vec<CreatorRow>,
) -> Result<Vec<CreatorRow>, DbError> {
    let ids: Vec<&str> = creators.iter().map(|c| c.id.as_str()).collect();
    let mut resp = exec(
        db,
        // Thread by creator through the creator index (an `IN` over many would scan the table).
        "RETURN array::flatten($ids.map(|$i| (SELECT record::id(creator) AS creator, record::id(id) AS thread_id, campaign_name,
             stage, last_at FROM thread WHERE creator = type::record('creator', $i) AND archived_at = NONE ORDER BY last_at DESC)));",
        json!({ "ids": ids }),
    )
    .await?;
    let found: Vec<CampaignOf> = rows(&mut resp, 0)?;
    let mut by_creator: std::collections::HashMap<String, Vec<CreatorCampaign>> =
        Default::default();
    for f in found {
        by_creator
            .entry(f.creator)
            .or_default()
            .push(CreatorCampaign {
                thread_id: f.thread_id,
                campaign_name: f.campaign_name,
                stage: f.stage,
            });
    }
    for c in &mut creators {
        c.campaigns = by_creator.remove(&c.id).unwrap_or_default();
    }
    Ok(creators)
}

/// The WHERE clause and its variables for a query (the campaign and stage through `$in`, the
/// creators of matching threads, bound by the `LET` it returns).
fn conditions(ws: &str, q: &CreatorQuery) -> (String, String, Map<String, Value>) {
    let mut vars = Map::new();
    vars.insert("ws".into(), json!(ws));
    let mut c = vec!["workspace = type::record('workspace', $ws)".to_string()];
    let mut lets = String::new();
    if let Some(s) = q
        .search
        .as_ref()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
    {
        vars.insert("q".into(), json!(s));
        c.push("string::contains(search, $q)".into());
    }
    if let Some(t) = q
        .tag
        .as_ref()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
    {
        vars.insert("tag".into(), json!(t));
        c.push("$tag IN (tags ?? [])".into());
    }
    if let Some(ch) = q.channel {
        vars.insert("channel".into(), json!(ch));
        c.push("$channel IN identities.channel".into());
    }
    if let Some(consent) = q.consent {
        vars.insert("consent".into(), json!(consent));
        let on_channel = if q.channel.is_some() {
            " AND channel = $channel"
        } else {
            ""
        };
        c.push(format!(
            "identities[WHERE consent = $consent{on_channel}] != []"
        ));
    }
    if q.campaign.is_some() || q.stage.is_some() {
        let mut t = vec![
            "workspace = type::record('workspace', $ws)",
            "archived_at = NONE",
        ];
        if let Some(id) = &q.campaign {
            vars.insert("campaign".into(), json!(id));
            t.push("campaign = type::record('campaign', $campaign)");
        }
        if let Some(stage) = q.stage {
            vars.insert("stage".into(), json!(stage));
            t.push("stage = $stage");
        }
        lets = format!(
            "LET $in = SELECT VALUE creator FROM thread WHERE {};",
            t.join(" AND ")
        );
        c.push("id IN $in".into());
    }
    (lets, c.join(" AND "), vars)
}

/// One page of creators matching `q`, newest first, with the total and the workspace's tags.
pub async fn page(db: &Db, ws: &str, q: &CreatorQuery) -> Result<CreatorPage, DbError> {
    let (lets, cond, mut vars) = conditions(ws, q);
    vars.insert("offset".into(), json!(q.offset));
    vars.insert("limit".into(), json!(PAGE + 1));
    let mut resp = exec(
        db,
        &format!(
            "{lets}
             SELECT {ROW_FIELDS} FROM creator WHERE {cond} ORDER BY created_at DESC, id LIMIT $limit START $offset;
             SELECT count() AS n FROM creator WHERE {cond} GROUP ALL;
             RETURN array::sort(array::distinct(array::flatten(SELECT VALUE tags ?? [] FROM creator WHERE workspace = type::record('workspace', $ws))));"
        ),
        Value::Object(vars),
    )
    .await?;
    let base = usize::from(!lets.is_empty());
    let mut creators: Vec<CreatorRow> = rows(&mut resp, base)?;
    #[derive(Deserialize)]
    struct N {
        n: u32,
    }
    let total = rows::<N>(&mut resp, base + 1)?
        .first()
        .map(|n| n.n)
        .unwrap_or(0);
    let tags: Vec<String> = resp.take(base + 2)?;
    let next = (creators.len() > PAGE as usize).then(|| q.offset + PAGE);
    creators.truncate(PAGE as usize);
    let creators = with_campaigns(db, creators).await?;
    Ok(CreatorPage {
        creators,
        total,
        next,
        tags,
    })
}

/// The ids of every creator matching `q` (up to `ALL_LIMIT`), newest first: what an action on
/// "all matching" takes.
pub async fn ids(db: &Db, ws: &str, q: &CreatorQuery) -> Result<Vec<String>, DbError> {
    let (lets, cond, mut vars) = conditions(ws, q);
    vars.insert("limit".into(), json!(ALL_LIMIT));
    let mut resp = exec(
        db,
        &format!("{lets} SELECT VALUE record::id(id) FROM creator WHERE {cond} ORDER BY created_at DESC, id LIMIT $limit;"),
        Value::Object(vars),
    )
    .await?;
    rows(&mut resp, usize::from(!lets.is_empty()))
}

/// Every creator matching `q` (up to `ALL_LIMIT`), newest first.
pub async fn all(db: &Db, ws: &str, q: &CreatorQuery) -> Result<Vec<CreatorRow>, DbError> {
    let (lets, cond, mut vars) = conditions(ws, q);
    vars.insert("limit".into(), json!(ALL_LIMIT));
    let mut resp = exec(
        db,
        &format!("{lets} SELECT {ROW_FIELDS} FROM creator WHERE {cond} ORDER BY created_at DESC, id LIMIT $limit;"),
        Value::Object(vars),
    )
    .await?;
    let creators = rows(&mut resp, usize::from(!lets.is_empty()))?;
    with_campaigns(db, creators).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::{Channel, Consent, Stage};

    #[test]
    fn query_translation_table() {
        let ws = "workspace = type::record('workspace', $ws)";
        let cases: Vec<(CreatorQuery, String, bool)> = vec![
            (CreatorQuery::default(), ws.into(), false),
            (
                CreatorQuery { search: Some(" Maya ".into()), tag: Some("Food".into()), ..Default::default() },
                format!("{ws} AND string::contains(search, $q) AND $tag IN (tags ?? [])"),
                false,
            ),
            (
                CreatorQuery { channel: Some(Channel::Sms), consent: Some(Consent::OptedOut), ..Default::default() },
                format!("{ws} AND $channel IN identities.channel AND identities[WHERE consent = $consent AND channel = $channel] != []"),
                false,
            ),
            (
                CreatorQuery { campaign: Some("c1".into()), stage: Some(Stage::Prospect), ..Default::default() },
                format!("{ws} AND id IN $in"),
                true,
            ),
        ];
        for (q, want, has_let) in cases {
            let (lets, cond, vars) = conditions("w1", &q);
            assert_eq!(cond, want, "{q:?}");
            assert_eq!(!lets.is_empty(), has_let, "{q:?}");
            if has_let {
                assert!(
                    lets.contains(
                        "campaign = type::record('campaign', $campaign) AND stage = $stage"
                    ),
                    "{lets}"
                );
                assert_eq!(vars["stage"], json!("prospect"));
            }
        }
    }
}
