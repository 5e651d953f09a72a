//! Embed frames narrower or stronger than one client read-only: a member frame writes inside its
//! client (attributed to the partner's user), a partner limited to some campaigns shows only
//! those, and a one-thread frame reaches that conversation only.

use crate::common;
use crate::embed::{bearer, Signer};

use app::api::AppError;
use app::model::*;
use common::Harness;
use serde_json::{json, Value};

/// An owner's partner for `client` on one origin: its role, views and (when some) campaigns.
pub(crate) async fn partner_for(
    h: &Harness,
    owner: &str,
    client: &str,
    role: &str,
    views: &[&str],
    campaigns: &[String],
) -> Result<EmbedPartnerKey, AppError> {
    let form = json!({ "form": { "name": "Acme dashboard", "origins": ["https://dash.acme.example"],
        "client_id": client, "campaign_ids": campaigns, "role": role, "views": views } });
    h.call("create_embed_partner", Some(owner), form).await
}

/// A member frame writes inside its client, as "Jo via Acme dashboard": a reply (or, on a
/// sensitive topic, a reply held for approval), a stage move; it reads the client's drafts and
/// report, never another client's, and never the team's workload.
#[tokio::test]
async fn a_member_frame_writes_in_its_client_attributed() {
    let h = Harness::with_sizes(12, 4).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let client = h.a.client_ids[0].clone();
    let views = ["inbox", "approvals", "reports"];
    let partner = partner_for(&h, &owner, &client, "member", &views, &[])
        .await
        .unwrap();
    let s = Signer {
        h: &h,
        partner: partner.partner.id.clone(),
    };
    let session = s
        .start(&s.sign(&partner.key, &s.claims("m1")))
        .await
        .unwrap();
    assert_eq!(session.role, Role::Member);
    let b = bearer(&session);
    let seen: Vec<ThreadSummary> = h.all_pages(&b, json!({})).await;
    let open = seen
        .iter()
        .find(|t| app::domain::stage::next_stages(t.stage).contains(&Stage::Negotiating))
        .expect("an open conversation");
    let thread = &open.id;
    let who = "Jo via Acme dashboard";

    let outcome: ComposeOutcome = h
        .call(
            "post_message",
            Some(&b),
            json!({ "thread_id": thread, "kind": "reply", "text": "Thanks, we will confirm by Friday." }),
        )
        .await
        .expect("a member frame replies");
    match outcome {
        ComposeOutcome::Sent(m) => assert_eq!(m.sender_name, who),
        ComposeOutcome::Submitted { submitted, .. } => {
            assert_eq!(submitted.thread_id, *thread);
            let author = h
                .value(
                    "SELECT VALUE author_name FROM ONLY type::record('draft', $d);",
                    json!({ "d": submitted.id }),
                )
                .await;
            assert_eq!(author, json!(who));
        }
    }
    let moved: Result<Value, AppError> = h
        .call(
            "set_stage",
            Some(&b),
            json!({ "thread_id": thread, "stage": "negotiating", "reason": null }),
        )
        .await;
    assert!(moved.is_ok(), "{moved:?}");
    // Another client's thread, and what spans the workspace, stay out of reach.
    let outside =
        h.a.thread_ids
            .iter()
            .find(|t| !seen.iter().any(|s| &s.id == *t))
            .unwrap();
    let foreign: Result<Value, AppError> = h
        .call(
            "set_stage",
            Some(&b),
            json!({ "thread_id": outside, "stage": "negotiating", "reason": null }),
        )
        .await;
    assert_eq!(foreign.err(), Some(AppError::NotFound));
    for (name, args) in [
        (
            "set_assignee",
            json!({ "thread_id": thread, "assignee_id": null }),
        ),
        (
            "correct_intents",
            json!({ "message_id": "m1", "intents": [] }),
        ),
    ] {
        let got: Result<Value, AppError> = h.call(name, Some(&b), args).await;
        assert!(
            matches!(got, Err(AppError::Forbidden(_))),
            "{name}: {got:?}"
        );
    }
    // The team's audit trail names the partner's user for each change.
    let log: Vec<AuditView> = h
        .call(
            "audit_log",
            Some(&owner),
            json!({ "query": { "thread": thread } }),
        )
        .await
        .unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "enrollment.stage_changed" && e.actor_name.as_deref() == Some(who)),
        "{log:?}"
    );

    // The drafts and the report are the client's own.
    let queue: ApprovalQueue = h
        .call("approval_queue", Some(&b), json!({ "query": {} }))
        .await
        .unwrap();
    assert!(queue
        .drafts
        .iter()
        .all(|d| seen.iter().any(|t| t.id == d.thread_id)));
    assert!(queue.reviewers.is_empty(), "no teammates in a frame");
    let report: ReportView = h
        .call("report", Some(&b), json!({ "query": { "days": 30 } }))
        .await
        .unwrap();
    assert!(report.names.is_empty() && report.report.teammates.is_empty());
    let whole: ReportView = h
        .call(
            "report",
            Some(&owner),
            json!({ "query": { "days": 30, "client": client } }),
        )
        .await
        .unwrap();
    assert_eq!(report.report.contacted, whole.report.contacted);
    for q in [
        json!({ "days": 30, "client": h.a.client_ids[1] }),
        json!({ "days": 30, "teammate": "u1" }),
    ] {
        let got: Result<Value, AppError> = h.call("report", Some(&b), json!({ "query": q })).await;
        assert_eq!(got.err(), Some(AppError::NotFound), "{q}");
    }
}

/// A partner limited to some of its client's campaigns: the frame lists, opens and reports
/// only those; a token may narrow the set, never widen it; another client's campaign cannot be
/// granted.
#[tokio::test]
async fn a_frame_of_some_campaigns_sees_only_those() {
    let h = Harness::with_sizes(12, 4).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let client = h.a.client_ids[0].clone();
    let ids = |v: Vec<Value>| -> Vec<String> {
        v.iter().map(|x| x.as_str().unwrap().to_string()).collect()
    };
    let of_client = ids(h
        .query(
            "RETURN array::distinct((SELECT VALUE record::id(campaign) FROM thread WHERE client = type::record('client', $c)));",
            json!({ "c": client }),
        )
        .await);
    assert!(
        of_client.len() >= 2,
        "the client runs several campaigns with threads: {of_client:?}"
    );
    let other_client = ids(h
        .query(
            "SELECT VALUE record::id(id) FROM campaign WHERE workspace = type::record('workspace', $ws) AND client != type::record('client', $c) LIMIT 1;",
            json!({ "ws": h.a.workspace_id, "c": client }),
        )
        .await);
    let views = ["inbox", "reports"];
    let foreign = partner_for(&h, &owner, &client, "viewer", &views, &other_client).await;
    assert!(matches!(foreign, Err(AppError::Invalid(_))), "{foreign:?}");
    let granted = vec![of_client[0].clone()];
    let partner = partner_for(&h, &owner, &client, "viewer", &views, &granted)
        .await
        .unwrap();
    assert_eq!(partner.partner.campaigns.len(), 1);
    let s = Signer {
        h: &h,
        partner: partner.partner.id.clone(),
    };
    let session = s
        .start(&s.sign(&partner.key, &s.claims("c1")))
        .await
        .unwrap();
    assert_eq!(session.campaigns, granted);
    let b = bearer(&session);
    let seen: Vec<ThreadSummary> = h.all_pages(&b, json!({})).await;
    assert!(!seen.is_empty());
    assert!(
        seen.iter().all(|t| t.campaign_id == granted[0]),
        "only the granted campaign"
    );
    let sibling = ids(h
        .query(
            "SELECT VALUE record::id(id) FROM thread WHERE campaign = type::record('campaign', $c) LIMIT 1;",
            json!({ "c": of_client[1] }),
        )
        .await);
    let got: Result<Value, AppError> = h
        .call("get_thread", Some(&b), json!({ "thread_id": sibling[0] }))
        .await;
    assert_eq!(
        got.err(),
        Some(AppError::NotFound),
        "the client's other campaign"
    );
    let options: FilterOptions = h.call("filter_options", Some(&b), json!({})).await.unwrap();
    assert_eq!(
        options
            .campaigns
            .iter()
            .map(|c| c.id.clone())
            .collect::<Vec<_>>(),
        granted
    );
    // Its report is the granted campaign's; another campaign's is NotFound.
    let report: ReportView = h
        .call("report", Some(&b), json!({ "query": { "days": 30 } }))
        .await
        .unwrap();
    let campaign_report: ReportView = h
        .call(
            "report",
            Some(&owner),
            json!({ "query": { "days": 30, "campaign": granted[0] } }),
        )
        .await
        .unwrap();
    assert_eq!(report.report.contacted, campaign_report.report.contacted);
    let other: Result<Value, AppError> = h
        .call(
            "report",
            Some(&b),
            json!({ "query": { "days": 30, "campaign": of_client[1] } }),
        )
        .await;
    assert_eq!(other.err(), Some(AppError::NotFound));
    // A token cannot widen the partner's campaigns.
    let mut wider = s.claims("c2");
    wider["campaigns"] = json!([of_client[1]]);
    let refused = s.start(&s.sign(&partner.key, &wider)).await;
    assert!(
        matches!(&refused, Err(AppError::Invalid(m)) if m.contains("more than its partner may grant")),
        "{refused:?}"
    );
}

/// A one-thread frame reaches that conversation only: the list holds it alone, the client's
/// other threads and its report are NotFound.
#[tokio::test]
async fn a_one_thread_frame_reaches_that_thread_only() {
    let h = Harness::with_sizes(12, 4).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let client = h.a.client_ids[0].clone();
    let views = ["thread", "reports"];
    let partner = partner_for(&h, &owner, &client, "member", &views, &[])
        .await
        .unwrap();
    let threads: Vec<String> = h
        .query(
            "SELECT VALUE record::id(id) FROM thread WHERE client = type::record('client', $c) LIMIT 2;",
            json!({ "c": client }),
        )
        .await
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let s = Signer {
        h: &h,
        partner: partner.partner.id.clone(),
    };
    let mut claims = s.claims("t1");
    claims["view"] = json!("thread");
    claims["thread"] = json!(threads[0]);
    let session = s.start(&s.sign(&partner.key, &claims)).await.unwrap();
    let b = bearer(&session);
    let seen: Vec<ThreadSummary> = h.all_pages(&b, json!({})).await;
    assert_eq!(
        seen.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
        vec![threads[0].clone()]
    );
    let sibling: Result<Value, AppError> = h
        .call("get_thread", Some(&b), json!({ "thread_id": threads[1] }))
        .await;
    assert_eq!(sibling.err(), Some(AppError::NotFound));
    let reply: Result<Value, AppError> = h
        .call(
            "set_stage",
            Some(&b),
            json!({ "thread_id": threads[1], "stage": "negotiating", "reason": null }),
        )
        .await;
    assert_eq!(reply.err(), Some(AppError::NotFound));
    let report: Result<Value, AppError> = h
        .call("report", Some(&b), json!({ "query": { "days": 30 } }))
        .await;
    assert_eq!(report.err(), Some(AppError::NotFound));
}
