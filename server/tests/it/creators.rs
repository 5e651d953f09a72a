//! The Creators page and the creator profile: the list and its filters, adding to a campaign and
//! removing (archived, out of the inbox, back when added again), the profile across campaigns,
//! edits and consent changes by role, an opt-out said in the portal, and the CSV export.

use crate::common::Harness;
use app::api::AppError;
use app::model::*;
use serde_json::{json, Value};
use server::automation::Automation;

#[tokio::test]
async fn creators_are_listed_enrolled_removed_and_profiled() {
    let h = Harness::with_sizes(12, 3).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let all: CreatorPage = h
        .call("list_creators", Some(&member), json!({ "query": {} }))
        .await
        .unwrap();
    assert_eq!(all.total as usize, h.a.creator_ids.len());
    assert!(
        all.creators.iter().all(|c| h.a.creator_ids.contains(&c.id)),
        "only our workspace's"
    );
    let first = all.creators[0].clone();
    let needle: String = first.name.split(' ').next().unwrap().to_lowercase();
    let found: CreatorPage = h
        .call(
            "list_creators",
            Some(&member),
            json!({ "query": { "search": needle } }),
        )
        .await
        .unwrap();
    assert!(found.creators.iter().any(|c| c.id == first.id));

    // Into a campaign they are not in yet, at Prospect; a second time changes nothing.
    let campaign = h
        .value(
            "RETURN (SELECT VALUE record::id(id) FROM campaign WHERE workspace = type::record('workspace', $ws)
                 AND id NOT IN (SELECT VALUE campaign FROM thread WHERE creator = type::record('creator', $c)))[0];",
            json!({ "ws": h.a.workspace_id, "c": first.id }),
        )
        .await;
    let campaign = campaign
        .as_str()
        .expect("a campaign the creator is not in")
        .to_string();
    let sel = json!({ "selection": { "Ids": [first.id] }, "campaign_id": campaign });
    let out: EnrollOutcome = h
        .call("enroll_creators", Some(&member), sel.clone())
        .await
        .unwrap();
    assert_eq!((out.enrolled, out.already), (1, 0));
    let out: EnrollOutcome = h
        .call("enroll_creators", Some(&member), sel.clone())
        .await
        .unwrap();
    assert_eq!((out.enrolled, out.already), (0, 1));
    let in_campaign: CreatorPage = h
        .call(
            "list_creators",
            Some(&member),
            json!({ "query": { "campaign": campaign, "stage": "prospect" } }),
        )
        .await
        .unwrap();
    assert_eq!(
        in_campaign
            .creators
            .iter()
            .map(|c| c.id.clone())
            .collect::<Vec<_>>(),
        vec![first.id.clone()]
    );

    // Removing archives the thread: out of the inbox and the list, kept for the audit trail.
    let tid = in_campaign.creators[0]
        .campaigns
        .iter()
        .find(|c| c.stage == Stage::Prospect)
        .unwrap()
        .thread_id
        .clone();
    h.call::<Value>(
        "remove_from_campaign",
        Some(&member),
        json!({ "thread_id": tid }),
    )
    .await
    .unwrap();
    let inbox = h.all_pages(&member, json!({ "campaign": campaign })).await;
    assert!(
        inbox.iter().all(|t| t.id != tid),
        "an archived thread is not in the inbox"
    );
    let archived = h
        .value(
            "RETURN type::record('thread', $t).archived_at != NONE;",
            json!({ "t": tid }),
        )
        .await;
    assert_eq!(archived, json!(true));
    let out: EnrollOutcome = h.call("enroll_creators", Some(&member), sel).await.unwrap();
    assert_eq!(out.enrolled, 1, "added again, the thread comes back");
    assert!(h
        .all_pages(&member, json!({ "campaign": campaign }))
        .await
        .iter()
        .any(|t| t.id == tid));

    // The profile: every campaign, one timeline, edits and consent by role.
    let p: CreatorProfile = h
        .call(
            "creator_profile",
            Some(&member),
            json!({ "creator_id": first.id }),
        )
        .await
        .unwrap();
    let threads = h
        .value(
            "RETURN count(SELECT id FROM thread WHERE creator = type::record('creator', $c));",
            json!({ "c": first.id }),
        )
        .await;
    assert_eq!(p.campaigns.len() as u64, threads.as_u64().unwrap());
    assert!(!p.timeline.is_empty());
    assert!(
        p.timeline
            .windows(2)
            .all(|w| w[0].message.at >= w[1].message.at),
        "newest first"
    );
    assert!(!p.can_undo_opt_out && p.can_edit);
    let edit = json!({ "creator_id": first.id, "edit": {
        "name": first.name, "tags": ["VIP", "food"], "preferences": "Email only", "notes": "Met at VidCon", "rate_cents": 150000 } });
    let p: CreatorProfile = h
        .call("save_creator_profile", Some(&member), edit)
        .await
        .unwrap();
    assert_eq!(
        (p.tags.clone(), p.notes.as_str(), p.rate_cents),
        (
            vec!["vip".to_string(), "food".to_string()],
            "Met at VidCon",
            Some(150_000)
        )
    );
    let tagged: CreatorPage = h
        .call(
            "list_creators",
            Some(&member),
            json!({ "query": { "tag": "vip" } }),
        )
        .await
        .unwrap();
    assert_eq!(tagged.creators.len(), 1);
    let email = p
        .identities
        .iter()
        .find(|i| i.channel == Channel::Email)
        .unwrap()
        .address
        .clone();
    let consent = |c: &str| json!({ "creator_id": first.id, "channel": "email", "address": email, "consent": c });
    let p: CreatorProfile = h
        .call("set_creator_consent", Some(&member), consent("opted_out"))
        .await
        .unwrap();
    assert_eq!(
        p.identities
            .iter()
            .find(|i| i.address == email)
            .unwrap()
            .consent,
        Consent::OptedOut
    );
    let got: Result<CreatorProfile, AppError> = h
        .call("set_creator_consent", Some(&member), consent("granted"))
        .await;
    assert!(matches!(got, Err(AppError::Forbidden(_))), "{got:?}");
    let opted: CreatorPage = h
        .call(
            "list_creators",
            Some(&member),
            json!({ "query": { "channel": "email", "consent": "opted_out" } }),
        )
        .await
        .unwrap();
    assert!(opted.creators.iter().any(|c| c.id == first.id));
    let p: CreatorProfile = h
        .call("set_creator_consent", Some(&owner), consent("granted"))
        .await
        .unwrap();
    assert_eq!(
        p.identities
            .iter()
            .find(|i| i.address == email)
            .unwrap()
            .consent,
        Consent::Granted
    );
    let actions = h
        .query(
            "SELECT VALUE action FROM audit_event WHERE subject = $s ORDER BY at;",
            json!({ "s": format!("creator:{}", first.id) }),
        )
        .await;
    // One clock tick for all three: compare them as a set.
    let mut actions: Vec<String> = actions
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    actions.sort();
    assert_eq!(
        actions,
        [
            "creator.consent_changed",
            "creator.consent_changed",
            "creator.edited"
        ]
    );

    // The export holds the filtered creators, formula-safe.
    let (status, _, csv) = h
        .send(
            "GET",
            "/creators.csv?tag=vip",
            &[("cookie", &member)],
            vec![],
        )
        .await;
    assert_eq!(status.as_u16(), 200);
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].contains(&email));

    // Another workspace's creators, campaigns and threads are not found; viewers only read.
    let other = h.sign_in_as(&h.b, Role::Owner).await;
    for (name, args) in [
        ("creator_profile", json!({ "creator_id": first.id })),
        (
            "save_creator_profile",
            json!({ "creator_id": first.id, "edit": { "name": "X", "tags": [], "preferences": "", "notes": "", "rate_cents": null } }),
        ),
        ("set_creator_consent", consent("opted_out")),
        ("remove_from_campaign", json!({ "thread_id": tid })),
        (
            "enroll_creators",
            json!({ "selection": { "Ids": [first.id] }, "campaign_id": campaign }),
        ),
    ] {
        let got: Result<Value, AppError> = h.call(name, Some(&other), args).await;
        assert_eq!(
            got.err(),
            Some(AppError::NotFound),
            "{name} from another workspace"
        );
    }
    let b_campaign = &h.b.campaign_ids[0];
    let out: EnrollOutcome = h
        .call(
            "enroll_creators",
            Some(&other),
            json!({ "selection": { "Ids": [first.id] }, "campaign_id": b_campaign }),
        )
        .await
        .unwrap();
    assert_eq!(
        (out.enrolled, out.already),
        (0, 0),
        "another workspace's creator is never enrolled"
    );
}

#[tokio::test]
async fn an_opt_out_said_in_the_portal_ends_consent_there() {
    let h = Harness::with_sizes(4, 1).await;
    let thread = h.a.thread_ids[0].clone();
    let token = h.portal_token(&h.a, &thread).await;
    h.call::<Value>(
        "portal_reply",
        None,
        json!({ "token": token, "text": "Please remove me from this list, unsubscribe." }),
    )
    .await
    .unwrap();
    Automation::new(h.state.clone()).run_once().await.unwrap();
    let consent = h
        .value(
            "RETURN (type::record('thread', $t).creator.identities[WHERE channel = 'in_app'])[0].consent;",
            json!({ "t": thread }),
        )
        .await;
    assert_eq!(consent, json!("opted_out"));
    let audit = h
        .query(
            "SELECT VALUE detail.cause FROM audit_event WHERE action = 'creator.consent_changed';",
            json!({}),
        )
        .await;
    assert_eq!(audit, vec![json!("opt_out")]);
}

#[tokio::test]
async fn enrollment_terms_are_edited_and_the_next_action_follows_the_stage() {
    let h = Harness::with_sizes(4, 1).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let thread = h.a.thread_ids[0].clone();
    let detail: ThreadDetail = h
        .call("get_thread", Some(&member), json!({ "thread_id": thread }))
        .await
        .unwrap();
    let stage = detail.enrollment.stage;
    let terms = |next: &str| {
        json!({ "thread_id": thread, "terms": {
            "agreed_terms": "$800 for 1 Reel, 30 days organic", "shipping_info": "12 Main St, Austin TX", "next_action": next } })
    };
    let e: EnrollmentView = h
        .call("set_enrollment_terms", Some(&member), terms(""))
        .await
        .unwrap();
    assert_eq!(
        e.next_action,
        app::domain::stage::default_next_action(stage)
    );
    assert_eq!(e.agreed_terms, "$800 for 1 Reel, 30 days organic");
    assert_eq!(e.shipping_info.as_deref(), Some("12 Main St, Austin TX"));
    // A teammate's own next action survives a stage move; the default would have followed it.
    let e: EnrollmentView = h
        .call(
            "set_enrollment_terms",
            Some(&member),
            terms("Call Maya on Friday"),
        )
        .await
        .unwrap();
    assert_eq!(e.next_action, "Call Maya on Friday");
    let to = app::domain::stage::next_stages(stage)
        .into_iter()
        .find(|s| *s != Stage::Declined)
        .expect("a stage to move to");
    let moved: EnrollmentView = h
        .call(
            "set_stage",
            Some(&member),
            json!({ "thread_id": thread, "stage": to, "reason": null }),
        )
        .await
        .unwrap();
    assert_eq!(moved.next_action, "Call Maya on Friday");
    let viewer = h.sign_in_as(&h.a, Role::Viewer).await;
    let got: Result<EnrollmentView, AppError> = h
        .call("set_enrollment_terms", Some(&viewer), terms(""))
        .await;
    assert!(matches!(got, Err(AppError::Forbidden(_))), "{got:?}");
}
