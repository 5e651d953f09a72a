//! Every server function refuses callers without a session, never returns or changes another
//! workspace's data, and refuses writes from viewers.

use crate::common;

use app::api::AppError;
use app::model::*;
use common::Harness;
use serde_json::{json, Value};

const ALL_FUNCTIONS: &[&str] = &[
    "current_session",
    "list_threads",
    "inbox_counts",
    "filter_options",
    "get_thread",
    "earlier_messages",
    "mark_read",
    "post_message",
    "set_stage",
    "set_assignee",
    "sign_out",
    "retry_message",
    "move_message",
    "merge_creators",
    "undo_merge",
    "create_portal_link",
    "revoke_portal_link",
    "list_unmatched",
    "creator_options",
    "link_unmatched",
    "create_creator_from_unmatched",
    "api_channel_settings",
    "rotate_api_key",
    "set_api_outbound_url",
    "sms_settings",
    "connect_sms",
    "instagram_settings",
    "connect_instagram",
    "mailbox_settings",
    "connect_mailbox",
    "test_mailbox",
    "test_channel",
    "disconnect_channel",
    "set_default_channel",
    "sending_identities",
    "approval_queue",
    "approve_draft",
    "approve_drafts",
    "reject_draft",
    "escalate_draft",
    "suggest_reply",
    "composer_language",
    "decide_content",
    "cancel_followup",
    "correct_intents",
    "escalate_thread",
    "edit_draft",
    "notifications",
    "mark_notifications_read",
    "audit_log",
    "report",
    "report_threads",
    "policy_settings",
    "set_campaign_policy",
    "save_language",
    "set_campaign_followups",
    "set_reply_timer",
    "snooze_thread",
    "count_matching",
    "preview_bulk_message",
    "create_bulk",
    "load_bulk",
    "load_bulk_list",
    "decide_bulk",
    "cancel_bulk",
    "retry_bulk",
    "campaigns_page",
    "campaign_form",
    "save_campaign",
    "duplicate_campaign",
    "set_campaign_status",
    "save_client",
    "archive_client",
    "preview_import",
    "start_import",
    "import_status",
    "list_imports",
    "list_creators",
    "enroll_creators",
    "remove_from_campaign",
    "creator_profile",
    "save_creator_profile",
    "set_creator_consent",
    "set_enrollment_terms",
    "team_page",
    "invite_member",
    "revoke_invitation",
    "set_member_role",
    "set_member_active",
    "issue_reset_link",
    "change_password",
    "my_sessions",
    "end_sessions",
    "invitation_info",
    "accept_invitation",
    "reset_password",
    "request_password_reset",
    "switch_workspace",
    "signup_open",
    "sign_up",
    "embed_partners",
    "create_embed_partner",
    "rotate_embed_key",
    "delete_embed_partner",
    "start_embed",
    "refresh_embed",
];

/// Functions that take a link's token instead of a session: an unknown token is refused the same
/// way with or without one.
const BY_TOKEN: &[&str] = &[
    "invitation_info",
    "accept_invitation",
    "reset_password",
    "start_embed",
];

/// Functions that change something: a viewer is refused each of them.
const WRITES: &[&str] = &[
    "mark_read",
    "post_message",
    "set_stage",
    "set_assignee",
    "retry_message",
    "move_message",
    "merge_creators",
    "undo_merge",
    "create_portal_link",
    "revoke_portal_link",
    "link_unmatched",
    "create_creator_from_unmatched",
    "rotate_api_key",
    "set_api_outbound_url",
    "connect_sms",
    "connect_instagram",
    "connect_mailbox",
    "test_mailbox",
    "test_channel",
    "disconnect_channel",
    "set_default_channel",
    "approve_draft",
    "approve_drafts",
    "reject_draft",
    "escalate_draft",
    "suggest_reply",
    "composer_language",
    "decide_content",
    "cancel_followup",
    "correct_intents",
    "escalate_thread",
    "edit_draft",
    "set_campaign_policy",
    "save_language",
    "set_campaign_followups",
    "set_reply_timer",
    "snooze_thread",
    "preview_bulk_message",
    "create_bulk",
    "decide_bulk",
    "cancel_bulk",
    "retry_bulk",
    "save_campaign",
    "duplicate_campaign",
    "set_campaign_status",
    "save_client",
    "archive_client",
    "preview_import",
    "start_import",
    "enroll_creators",
    "remove_from_campaign",
    "save_creator_profile",
    "set_creator_consent",
    "set_enrollment_terms",
    "invite_member",
    "revoke_invitation",
    "set_member_role",
    "set_member_active",
    "issue_reset_link",
    "create_embed_partner",
    "rotate_embed_key",
    "delete_embed_partner",
];

/// An id of the right shape that names nothing.
const NO_ID: &str = "zzzzzzzzzzzzzzzzzzzz";

fn args_for(name: &str, thread: &str) -> Value {
    match name {
        "list_threads" => json!({ "filter": {}, "after": null }),
        "get_thread" | "mark_read" => json!({ "thread_id": thread }),
        "earlier_messages" => json!({ "thread_id": thread, "before_id": NO_ID }),
        "post_message" => json!({ "thread_id": thread, "kind": "reply", "text": "hello" }),
        "set_stage" => json!({ "thread_id": thread, "stage": "completed", "reason": null }),
        "set_assignee" => json!({ "thread_id": thread, "assignee_id": null }),
        "retry_message" => json!({ "message_id": NO_ID }),
        "move_message" => json!({ "message_id": NO_ID, "to_thread_id": thread }),
        "merge_creators" => json!({ "keep_id": NO_ID, "duplicate_id": NO_ID }),
        "undo_merge" => json!({ "merge_id": NO_ID }),
        "create_portal_link" | "revoke_portal_link" => json!({ "thread_id": thread }),
        "link_unmatched" => json!({ "unmatched_id": NO_ID, "creator_id": NO_ID }),
        "create_creator_from_unmatched" => {
            json!({ "unmatched_id": NO_ID, "name": "Someone", "campaign_id": NO_ID })
        }
        "set_api_outbound_url" => json!({ "url": "https://platform.example/hook" }),
        "connect_sms" => {
            json!({ "account_sid": format!("AC{}", "a1".repeat(16)), "auth_token": "0123456789abcdef0123456789abcdef", "numbers": ["+14155550100"], "messaging_service_sid": null })
        }
        "connect_instagram" => {
            json!({ "account_id": "17841400000000001", "username": null, "access_token": "IGQVJ".repeat(8) })
        }
        "connect_mailbox" => json!({
            "address": "team@example.com", "display_name": "Team", "secret": "app-password",
            "imap": { "host": "imap.example.com", "port": 993, "tls": "tls", "user": "team@example.com" },
            "smtp": { "host": "smtp.example.com", "port": 587, "tls": "starttls", "user": "team@example.com" },
        }),
        "test_channel" => json!({ "channel": "sms" }),
        "test_mailbox" => json!({ "connection_id": null }),
        "disconnect_channel" | "set_default_channel" => {
            json!({ "channel": "email", "connection_id": NO_ID })
        }
        "approval_queue" => json!({ "query": {} }),
        "approve_draft" => json!({ "draft_id": NO_ID }),
        "approve_drafts" => json!({ "draft_ids": [NO_ID] }),
        "reject_draft" => json!({ "draft_id": NO_ID, "comment": "not this" }),
        "escalate_draft" => json!({ "draft_id": NO_ID, "comment": "owner's call" }),
        "suggest_reply" => json!({ "message_id": NO_ID }),
        "composer_language" => json!({ "thread_id": thread }),
        "decide_content" => {
            json!({ "thread_id": thread, "message_id": NO_ID, "decision": "approve" })
        }
        "cancel_followup" => json!({ "followup_id": NO_ID }),
        "correct_intents" => json!({ "message_id": NO_ID, "intents": ["rate"] }),
        "escalate_thread" => json!({ "thread_id": thread, "note": "have a look" }),
        "edit_draft" => json!({ "draft_id": NO_ID, "text": "better words" }),
        "mark_notifications_read" => json!({ "thread_id": thread }),
        "audit_log" => json!({ "query": { "thread": thread } }),
        "report" => json!({ "query": { "campaign": null, "client": null, "days": 7 } }),
        "report_threads" => {
            json!({ "pick": { "query": { "campaign": null, "client": null, "days": 7 }, "figure": { "stage_now": "contacted" } } })
        }
        "snooze_thread" => json!({ "thread_id": thread, "until": null, "until_reply": true }),
        "set_campaign_policy" => json!({ "campaign_id": NO_ID, "policy": null }),
        "set_campaign_followups" => json!({ "campaign_id": NO_ID, "rules": null }),
        "set_reply_timer" => json!({ "escalate_after_hours": 4, "business_hours": null }),
        "save_language" => {
            json!({ "snippet": { "key": "k", "title": "T", "category": "c", "body": "Hello" } })
        }
        "preview_bulk_message" => json!({ "selection": { "Threads": [thread] },
            "compose": { "subject": "", "body": "Hi {{first_name}}" }, "sample": null }),
        "create_bulk" => json!({ "selection": { "Threads": [thread] },
            "compose": { "subject": "", "body": "Hi {{first_name}}" }, "schedule_at": null }),
        "load_bulk" | "cancel_bulk" | "retry_bulk" => json!({ "id": NO_ID }),
        "count_matching" => json!({ "filter": {} }),
        "decide_bulk" => json!({ "id": NO_ID, "approve": true }),
        "campaign_form" | "duplicate_campaign" => json!({ "campaign_id": NO_ID }),
        "set_campaign_status" => json!({ "campaign_id": NO_ID, "status": "closed" }),
        "save_campaign" => {
            json!({ "form": { "id": NO_ID, "client_id": NO_ID, "name": "X", "platforms": [], "kind": "paid",
            "brief": "", "creator_guidance": "", "negotiation_language": "", "rate_ceiling_cents": null, "compensation": "",
            "deliverables": [], "products": [], "usage_terms": "", "content_due": null, "post_by": null,
            "tracking_handles": [], "tracking_hashtags": [], "status": "active" } })
        }
        "save_client" => json!({ "client_id": NO_ID, "name": "Renamed" }),
        "archive_client" => json!({ "client_id": NO_ID, "archived": true }),
        "preview_import" | "start_import" => json!({ "job_id": NO_ID, "settings": {
            "mapping": [{ "kind": "name" }, { "kind": "email" }], "country": "US", "update_existing": false, "campaign_id": null } }),
        "import_status" => json!({ "job_id": NO_ID }),
        "list_creators" => json!({ "query": {} }),
        "set_enrollment_terms" => {
            json!({ "thread_id": thread, "terms": { "agreed_terms": "$500", "shipping_info": null, "next_action": "" } })
        }
        "enroll_creators" => json!({ "selection": { "Ids": [NO_ID] }, "campaign_id": NO_ID }),
        "remove_from_campaign" => json!({ "thread_id": thread }),
        "creator_profile" => json!({ "creator_id": NO_ID }),
        "save_creator_profile" => {
            json!({ "creator_id": NO_ID, "edit": { "name": "X", "tags": [], "preferences": "", "notes": "", "rate_cents": null } })
        }
        "set_creator_consent" => {
            json!({ "creator_id": NO_ID, "channel": "email", "address": "a@b.c", "consent": "opted_out" })
        }
        "invite_member" => json!({ "email": "someone@new.example", "role": "member" }),
        "revoke_invitation" => json!({ "invitation_id": NO_ID }),
        "set_member_role" => json!({ "user_id": NO_ID, "role": "viewer" }),
        "set_member_active" => json!({ "user_id": NO_ID, "active": false }),
        "issue_reset_link" => json!({ "user_id": NO_ID }),
        "change_password" => json!({ "current": "wrong password", "new": "a new long password" }),
        "end_sessions" => json!({ "session_id": NO_ID }),
        "invitation_info" => json!({ "token": "ab".repeat(32) }),
        "accept_invitation" => {
            json!({ "token": "ab".repeat(32), "name": "Someone", "password": "a long password" })
        }
        "reset_password" => json!({ "token": "ab".repeat(32), "password": "a long password" }),
        "request_password_reset" => json!({ "email": "nobody@nowhere.example" }),
        "switch_workspace" => json!({ "workspace_id": NO_ID }),
        "create_embed_partner" => json!({ "form": { "name": "Acme dashboard",
            "origins": ["https://dash.acme.example"], "client_id": NO_ID, "role": "viewer", "views": ["inbox"] } }),
        "rotate_embed_key" | "delete_embed_partner" => json!({ "partner": NO_ID }),
        "start_embed" => json!({ "token": "not.a.token" }),
        "sign_up" => {
            json!({ "workspace_name": "Mine", "name": "Me", "email": "me@new.example", "password": "a long password" })
        }
        _ => json!({}),
    }
}

async fn snapshot(h: &Harness, ws: &str) -> Value {
    h.value(
        "RETURN {
            messages: (SELECT count() FROM message WHERE workspace = type::record('workspace', $ws) GROUP ALL)[0].count,
            threads: (SELECT id, stage, assignee, unread, last_at, awaiting_since FROM thread WHERE workspace = type::record('workspace', $ws) ORDER BY id),
            audits: (SELECT count() FROM audit_event WHERE workspace = type::record('workspace', $ws) GROUP ALL)[0].count,
            enrollments: (SELECT id, stage, assignee FROM enrollment WHERE workspace = type::record('workspace', $ws) ORDER BY id),
            campaigns: (SELECT id, name, status, client FROM campaign WHERE workspace = type::record('workspace', $ws) ORDER BY id),
            clients: (SELECT id, name, archived_at FROM client WHERE workspace = type::record('workspace', $ws) ORDER BY id),
            members: (SELECT user, role, deactivated_at FROM membership WHERE workspace = type::record('workspace', $ws) ORDER BY user),
            invitations: (SELECT id, revoked_at, accepted_at FROM invitation WHERE workspace = type::record('workspace', $ws) ORDER BY id),
        };",
        json!({ "ws": ws }),
    )
    .await
}

#[tokio::test]
async fn every_server_function_requires_a_session() {
    let h = Harness::with_sizes(6, 4).await;
    let thread = &h.a.thread_ids[0];
    let before = snapshot(&h, &h.a.workspace_id).await;
    for name in ALL_FUNCTIONS {
        let got: Result<Value, AppError> = h.call(name, None, args_for(name, thread)).await;
        match (*name, got) {
            // Without a session there is nobody to show and nothing to end.
            ("current_session", Ok(v)) => assert_eq!(v, Value::Null),
            ("sign_out", Ok(_)) => {}
            (n, Err(AppError::Invalid(_))) if BY_TOKEN.contains(&n) => {}
            // Asking for a reset link needs no session and answers the same for every address.
            ("request_password_reset", Ok(_)) => {}
            // Whether sign-up is open is public; this server takes none.
            ("signup_open", Ok(v)) => assert_eq!(v, Value::Bool(false)),
            ("sign_up", Err(AppError::Forbidden(_))) => {}
            (_, Err(AppError::Unauthorized)) => {}
            (n, other) => panic!("{n} without a session answered {other:?}"),
        }
        // A forged cookie is no better than none.
        let forged = format!("inbox_session={}", "ab".repeat(32));
        let got: Result<Value, AppError> =
            h.call(name, Some(&forged), args_for(name, thread)).await;
        assert!(
            matches!(got, Err(AppError::Unauthorized))
                || matches!(*name, "current_session" | "sign_out")
                || (BY_TOKEN.contains(name) && matches!(got, Err(AppError::Invalid(_))))
                || matches!(*name, "request_password_reset" | "signup_open" | "sign_up"),
            "{name} with a forged session: {got:?}"
        );
    }
    assert_eq!(
        snapshot(&h, &h.a.workspace_id).await,
        before,
        "nothing was written"
    );
}

#[tokio::test]
async fn another_workspaces_data_is_never_returned_or_changed() {
    let h = Harness::with_sizes(8, 6).await;
    let cookie = h.sign_in_as(&h.a, Role::Owner).await;
    let b_before = snapshot(&h, &h.b.workspace_id).await;
    let b_thread = h.b.thread_ids[0].clone();

    // Reads by id.
    for name in [
        "get_thread",
        "earlier_messages",
        "mark_read",
        "post_message",
        "set_stage",
        "set_assignee",
        "create_portal_link",
        "revoke_portal_link",
        "snooze_thread",
        "remove_from_campaign",
        "set_enrollment_terms",
    ] {
        let got: Result<Value, AppError> =
            h.call(name, Some(&cookie), args_for(name, &b_thread)).await;
        assert_eq!(
            got.err(),
            Some(AppError::NotFound),
            "{name} on another workspace's thread"
        );
    }
    // Another workspace's people cannot be changed or given reset links.
    let b_member = h.b.user(Role::Member).id.clone();
    for (name, args) in [
        (
            "set_member_role",
            json!({ "user_id": b_member, "role": "viewer" }),
        ),
        (
            "set_member_active",
            json!({ "user_id": b_member, "active": false }),
        ),
        ("issue_reset_link", json!({ "user_id": b_member })),
    ] {
        let got: Result<Value, AppError> = h.call(name, Some(&cookie), args).await;
        assert_eq!(
            got.err(),
            Some(AppError::NotFound),
            "{name} on another workspace's member"
        );
    }
    let team: TeamView = h.call("team_page", Some(&cookie), json!({})).await.unwrap();
    assert!(team
        .members
        .iter()
        .all(|m| h.a.users.iter().any(|u| u.id == m.user_id)));
    // Another workspace's creators cannot be merged, nor a message moved into its thread.
    let merge: Result<Value, AppError> = h
        .call(
            "merge_creators",
            Some(&cookie),
            json!({ "keep_id": h.b.creator_ids[0], "duplicate_id": h.b.creator_ids[1] }),
        )
        .await;
    assert_eq!(merge.err(), Some(AppError::NotFound));
    // Another workspace's campaigns and clients answer NotFound, and take no campaign of ours.
    let (b_campaign, b_client) = (&h.b.campaign_ids[0], &h.b.client_ids[0]);
    for query in [
        json!({ "campaign": b_campaign, "client": null, "days": 30 }),
        json!({ "campaign": null, "client": b_client, "days": 30 }),
    ] {
        let got: Result<Value, AppError> = h
            .call("report", Some(&cookie), json!({ "query": query }))
            .await;
        assert_eq!(got.err(), Some(AppError::NotFound), "report of {query}");
        let pick = json!({ "pick": { "query": query, "figure": "contacted" } });
        let got: Result<Value, AppError> = h.call("report_threads", Some(&cookie), pick).await;
        assert_eq!(got.err(), Some(AppError::NotFound), "drill-down of {query}");
    }
    let ours: ReportView = h
        .call("report", Some(&cookie), args_for("report", ""))
        .await
        .unwrap();
    let counted: usize = ours.report.funnel.iter().map(|f| f.now).sum();
    let mut in_funnel: Vec<String> = Vec::new();
    for stage in app::domain::stage::funnel() {
        let pick = json!({ "pick": { "query": { "days": 7 }, "figure": { "stage_now": stage } } });
        let ids: Vec<String> = h.call("report_threads", Some(&cookie), pick).await.unwrap();
        in_funnel.extend(ids);
    }
    assert_eq!(
        in_funnel.len(),
        counted,
        "the figures count the threads the drill-down lists"
    );
    assert!(!in_funnel.is_empty());
    assert!(
        in_funnel.iter().all(|t| h.a.thread_ids.contains(t)),
        "a report shows only the caller's workspace's threads"
    );
    for (name, mut args) in [
        ("campaign_form", json!({ "campaign_id": b_campaign })),
        ("duplicate_campaign", json!({ "campaign_id": b_campaign })),
        (
            "set_campaign_status",
            json!({ "campaign_id": b_campaign, "status": "closed" }),
        ),
        ("save_campaign", args_for("save_campaign", "")),
        (
            "save_client",
            json!({ "client_id": b_client, "name": "Taken over" }),
        ),
        (
            "archive_client",
            json!({ "client_id": b_client, "archived": true }),
        ),
    ] {
        if name == "save_campaign" {
            args["form"]["id"] = json!(b_campaign);
            args["form"]["client_id"] = json!(h.a.client_ids[0]);
        }
        let got: Result<Value, AppError> = h.call(name, Some(&cookie), args).await;
        assert_eq!(
            got.err(),
            Some(AppError::NotFound),
            "{name} on another workspace's"
        );
    }
    let mut create = args_for("save_campaign", "");
    create["form"]["id"] = Value::Null;
    create["form"]["client_id"] = json!(b_client);
    let got: Result<Value, AppError> = h.call("save_campaign", Some(&cookie), create).await;
    assert!(
        matches!(got, Err(AppError::Invalid(_))),
        "a campaign for another workspace's client: {got:?}"
    );
    let page: CampaignsPage = h
        .call("campaigns_page", Some(&cookie), json!({}))
        .await
        .unwrap();
    assert!(page
        .campaigns
        .iter()
        .all(|c| h.a.campaign_ids.contains(&c.id)));
    assert!(page.clients.iter().all(|c| h.a.client_ids.contains(&c.id)));
    // Reads by filter: another workspace's campaign, client or teammate match nothing.
    for filter in [
        json!({ "campaign": h.b.campaign_ids[0] }),
        json!({ "client": h.b.client_ids[0] }),
        json!({ "assignee": { "kind": "user", "id": h.b.user(Role::Owner).id } }),
    ] {
        let page = h.page(&cookie, filter.clone(), None).await;
        assert!(
            page.threads.is_empty(),
            "{filter} leaked {} threads",
            page.threads.len()
        );
    }
    // Unfiltered lists and options hold only the caller's workspace.
    let mut seen: Vec<String> = h
        .all_pages(&cookie, json!({}))
        .await
        .into_iter()
        .map(|t| t.id)
        .collect();
    seen.sort();
    let mut mine = h.a.thread_ids.clone();
    mine.sort();
    assert_eq!(seen, mine);
    let options: FilterOptions = h
        .call("filter_options", Some(&cookie), json!({}))
        .await
        .unwrap();
    assert!(options
        .campaigns
        .iter()
        .all(|c| h.a.campaign_ids.contains(&c.id)));
    assert!(options
        .clients
        .iter()
        .all(|c| h.a.client_ids.contains(&c.id)));
    assert!(options
        .teammates
        .iter()
        .all(|t| h.a.users.iter().any(|u| u.id == t.id)));
    let counts: InboxCounts = h
        .call("inbox_counts", Some(&cookie), json!({}))
        .await
        .unwrap();
    assert_eq!(counts.all as usize, h.a.thread_ids.len());

    // Assigning one of our threads to someone from the other workspace is refused.
    let got: Result<EnrollmentView, AppError> = h
        .call(
            "set_assignee",
            Some(&cookie),
            json!({ "thread_id": h.a.thread_ids[0], "assignee_id": h.b.user(Role::Member).id }),
        )
        .await;
    assert!(matches!(got, Err(AppError::Invalid(_))), "{got:?}");

    assert_eq!(
        snapshot(&h, &h.b.workspace_id).await,
        b_before,
        "the other workspace is unchanged"
    );
}

#[tokio::test]
async fn a_viewer_reads_but_cannot_write() {
    let h = Harness::with_sizes(6, 2).await;
    let cookie = h.sign_in_as(&h.a, Role::Viewer).await;
    let thread = h.a.thread_ids[0].clone();
    let before = snapshot(&h, &h.a.workspace_id).await;
    let detail: ThreadDetail = h
        .call("get_thread", Some(&cookie), json!({ "thread_id": thread }))
        .await
        .unwrap();
    assert_eq!(detail.summary.id, thread);
    for name in WRITES {
        let got: Result<Value, AppError> =
            h.call(name, Some(&cookie), args_for(name, &thread)).await;
        assert!(
            matches!(got, Err(AppError::Forbidden(_))),
            "{name} by a viewer: {got:?}"
        );
    }
    assert_eq!(snapshot(&h, &h.a.workspace_id).await, before);
}

/// An embedded frame's bearer (one client, read-only): every server function, given ids outside
/// that client, answers a refusal or only the client's own data, and writes nothing.
#[tokio::test]
async fn an_embed_bearer_sees_only_its_client() {
    let h = Harness::with_sizes(10, 4).await;
    // A viewer frame writes nothing; a member frame writes only inside its client, so every
    // write named with an id outside it is refused too.
    embed_sweep(&h, "viewer").await;
    embed_sweep(&h, "member").await;
}

async fn embed_sweep(h: &Harness, role: &str) {
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let client = h.a.client_ids[0].clone();
    let views = ["inbox", "thread", "approvals", "reports"];
    let partner = crate::embed_scope::partner_for(h, &owner, &client, role, &views, &[])
        .await
        .unwrap();
    let s = crate::embed::Signer {
        h,
        partner: partner.partner.id.clone(),
    };
    let token = s.sign(&partner.key, &s.claims(&format!("tenancy-{role}")));
    let session = s.start(&token).await.unwrap();
    let bearer = crate::embed::bearer(&session);
    let in_scope: Vec<String> = h
        .query(
            "SELECT VALUE record::id(id) FROM thread WHERE client = type::record('client', $c);",
            json!({ "c": client }),
        )
        .await
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let outside: Vec<String> =
        h.a.thread_ids
            .iter()
            .chain(&h.b.thread_ids)
            .filter(|t| !in_scope.contains(t))
            .cloned()
            .collect();
    let before = (
        snapshot(h, &h.a.workspace_id).await,
        snapshot(h, &h.b.workspace_id).await,
    );
    for name in ALL_FUNCTIONS {
        let got: Result<Value, AppError> = h
            .call(name, Some(&bearer), args_for(name, &outside[0]))
            .await;
        match got {
            // A batch answers per draft: none of another client's was approved.
            Ok(v) if *name == "approve_drafts" => {
                assert_eq!(v["approved"], 0, "{role} frame approved outside its client")
            }
            Ok(v) => {
                assert!(
                    !WRITES.contains(name),
                    "{name} wrote with a {role} embed bearer"
                );
                let text = v.to_string();
                for t in &outside {
                    assert!(
                        !text.contains(t.as_str()),
                        "{name} showed thread {t} outside the scope"
                    );
                }
            }
            Err(AppError::Forbidden(_) | AppError::NotFound | AppError::Unauthorized) => {}
            Err(AppError::Invalid(_)) if BY_TOKEN.contains(name) => {}
            Err(e) => panic!("{name} with an embed bearer: {e:?}"),
        }
    }
    assert_eq!(
        (
            snapshot(h, &h.a.workspace_id).await,
            snapshot(h, &h.b.workspace_id).await
        ),
        before,
        "a {role} frame wrote nothing outside its client"
    );
}
