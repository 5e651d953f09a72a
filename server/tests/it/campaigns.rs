//! Clients and campaigns as a team runs them: created, edited field by field, duplicated, closed
//! and reopened, clients renamed and archived; members read without the rate ceiling and cannot
//! change anything; every change is audited.

use crate::common::Harness;
use app::api::AppError;
use app::model::*;
use serde_json::json;

fn full_form(client_id: &str) -> serde_json::Value {
    json!({ "form": {
        "id": null, "client_id": client_id, "name": "Autumn Glow", "platforms": ["Instagram", "TikTok"],
        "kind": "paid", "brief": "Show the serum in your evening routine.", "creator_guidance": "No filters on skin.",
        "negotiation_language": "Warm, direct.", "rate_ceiling_cents": 150000, "compensation": "$800–$1,500 per Reel",
        "deliverables": ["1 Reel", " 3 Stories ", ""], "products": ["Serum 30 ml", "Serum 50 ml"],
        "usage_terms": "30 days organic, no paid usage.", "content_due": 1_800_000_000_000i64, "post_by": 1_800_600_000_000i64,
        "tracking_handles": ["@GlowLab"], "tracking_hashtags": ["#AutumnGlow"], "status": "active",
    }})
}

#[tokio::test]
async fn an_owner_runs_clients_and_campaigns_and_a_member_only_reads() {
    let h = Harness::with_sizes(6, 2).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let client: ClientView = h
        .call(
            "save_client",
            Some(&owner),
            json!({ "client_id": null, "name": "  Glow Lab " }),
        )
        .await
        .unwrap();
    assert_eq!(
        (client.name.as_str(), client.archived, client.campaigns),
        ("Glow Lab", false, 0)
    );
    let dup: Result<ClientView, AppError> = h
        .call(
            "save_client",
            Some(&owner),
            json!({ "client_id": null, "name": "glow lab" }),
        )
        .await;
    assert!(matches!(dup, Err(AppError::Invalid(_))), "{dup:?}");

    let saved: CampaignForm = h
        .call("save_campaign", Some(&owner), full_form(&client.id))
        .await
        .unwrap();
    let id = saved.id.clone().expect("created");
    assert_eq!(saved.deliverables, vec!["1 Reel", "3 Stories"]);
    assert_eq!(saved.tracking_handles, vec!["glowlab"]);
    assert_eq!(saved.tracking_hashtags, vec!["autumnglow"]);
    assert_eq!(saved.rate_ceiling_cents, Some(150_000));
    assert_eq!(saved.products.len(), 2);

    // A bad edit is refused with words and changes nothing.
    let mut bad = full_form(&client.id);
    bad["form"]["id"] = json!(id);
    bad["form"]["post_by"] = json!(1);
    let got: Result<CampaignForm, AppError> = h.call("save_campaign", Some(&owner), bad).await;
    assert!(
        matches!(&got, Err(AppError::Invalid(m)) if m.contains("post-by")),
        "{got:?}"
    );

    // A campaign with no ceiling and no dates is fine too.
    let mut bare = full_form(&client.id);
    for k in ["rate_ceiling_cents", "content_due", "post_by"] {
        bare["form"][k] = serde_json::Value::Null;
    }
    bare["form"]["name"] = json!("Bare campaign");
    let b: CampaignForm = h.call("save_campaign", Some(&owner), bare).await.unwrap();
    assert_eq!((b.rate_ceiling_cents, b.content_due), (None, None));

    // Duplicate: a draft with the same terms; close and reopen.
    let copy: CampaignForm = h
        .call(
            "duplicate_campaign",
            Some(&owner),
            json!({ "campaign_id": id }),
        )
        .await
        .unwrap();
    assert_ne!(copy.id, saved.id);
    assert_eq!(
        (copy.status.as_str(), copy.name.as_str(), &copy.brief),
        ("draft", "Autumn Glow (copy)", &saved.brief)
    );
    let closed: CampaignForm = h
        .call(
            "set_campaign_status",
            Some(&owner),
            json!({ "campaign_id": id, "status": "closed" }),
        )
        .await
        .unwrap();
    assert_eq!(closed.status, "closed");
    let page: CampaignsPage = h
        .call("campaigns_page", Some(&owner), json!({}))
        .await
        .unwrap();
    assert!(page.can_manage);
    let row = page.campaigns.iter().find(|c| c.id == id).unwrap();
    assert_eq!(
        (row.status.as_str(), row.client_name.as_str(), row.creators),
        ("closed", "Glow Lab", 0)
    );
    assert_eq!(
        page.clients
            .iter()
            .find(|c| c.id == client.id)
            .unwrap()
            .campaigns,
        3
    );
    // A seeded campaign's counts per stage add up to its threads.
    let seeded = page
        .campaigns
        .iter()
        .find(|c| c.id == h.a.campaign_ids[0])
        .unwrap();
    let threads = h
        .value(
            "RETURN count(SELECT id FROM thread WHERE campaign = type::record('campaign', $c));",
            json!({ "c": seeded.id }),
        )
        .await;
    assert_eq!(seeded.creators as u64, threads.as_u64().unwrap());
    assert_eq!(
        seeded.stages.iter().map(|s| s.count).sum::<u32>(),
        seeded.creators
    );

    // Renaming a seeded campaign's client shows in its threads.
    let seeded_client = &h.a.client_ids[0];
    h.call::<ClientView>(
        "save_client",
        Some(&owner),
        json!({ "client_id": seeded_client, "name": "Renamed Co" }),
    )
    .await
    .unwrap();
    let names = h
        .query(
            "SELECT VALUE client_name FROM thread WHERE client = type::record('client', $c);",
            json!({ "c": seeded_client }),
        )
        .await;
    assert!(
        !names.is_empty() && names.iter().all(|n| n == "Renamed Co"),
        "{names:?}"
    );

    // Archived clients take no new campaigns.
    let archived: ClientView = h
        .call(
            "archive_client",
            Some(&owner),
            json!({ "client_id": client.id, "archived": true }),
        )
        .await
        .unwrap();
    assert!(archived.archived);
    assert_eq!(archived.campaigns, 3, "the client's campaigns are counted");
    let got: Result<CampaignForm, AppError> = h
        .call("save_campaign", Some(&owner), full_form(&client.id))
        .await;
    assert!(
        matches!(&got, Err(AppError::Invalid(m)) if m.contains("archived")),
        "{got:?}"
    );

    // A member reads the terms but never the ceiling, and changes nothing.
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let seen: CampaignForm = h
        .call("campaign_form", Some(&member), json!({ "campaign_id": id }))
        .await
        .unwrap();
    assert_eq!(
        (seen.rate_ceiling_cents, seen.brief.as_str()),
        (None, saved.brief.as_str())
    );
    let page: CampaignsPage = h
        .call("campaigns_page", Some(&member), json!({}))
        .await
        .unwrap();
    assert!(!page.can_manage);
    for (name, args) in [
        ("save_campaign", full_form(&h.a.client_ids[0])),
        ("duplicate_campaign", json!({ "campaign_id": id })),
        (
            "set_campaign_status",
            json!({ "campaign_id": id, "status": "active" }),
        ),
        (
            "save_client",
            json!({ "client_id": null, "name": "Member Co" }),
        ),
        (
            "archive_client",
            json!({ "client_id": client.id, "archived": false }),
        ),
    ] {
        let got: Result<serde_json::Value, AppError> = h.call(name, Some(&member), args).await;
        assert!(
            matches!(got, Err(AppError::Forbidden(_))),
            "{name} by a member: {got:?}"
        );
    }

    let actions = h
        .query(
            "SELECT VALUE action FROM audit_event WHERE workspace = type::record('workspace', $ws)
                 AND (string::starts_with(action, 'campaign.') OR string::starts_with(action, 'client.')) ORDER BY at;",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    for want in [
        "client.created",
        "campaign.created",
        "campaign.updated",
        "client.renamed",
        "client.archived",
    ] {
        assert!(actions.iter().any(|a| a == want), "{want} in {actions:?}");
    }
}
