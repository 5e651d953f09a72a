//! A team of its own (new workspaces are in `workspaces.rs`): owners invite
//! (single-use, 7 days, revocable), change roles and deactivate (sessions end at once) but never
//! leave the workspace without an active owner; passwords change (other sessions end) and reset
//! through single-use one-hour links; sessions end after 14 idle days; every change is audited.

use crate::common::{self, Harness, PASSWORD};
use app::api::AppError;
use app::model::{
    InvitationInfo, InvitationState, OneTimeLink, Role, SessionInfo, SessionView, TeamView,
};
use serde_json::json;

const DAY: i64 = 24 * 60 * 60 * 1000;

pub(crate) fn token_of(link: &OneTimeLink) -> String {
    link.url.rsplit('/').next().unwrap().to_string()
}

/// Accepts an invitation over HTTP: the answer and the session cookie it set.
pub(crate) async fn accept(
    h: &Harness,
    token: &str,
    name: &str,
    password: &str,
) -> (Result<SessionInfo, AppError>, Option<String>) {
    let body = json!({ "token": token, "name": name, "password": password }).to_string();
    let (status, headers, text) = h.raw("accept_invitation", None, body, true).await;
    let cookie = common::session_cookie(&headers);
    if status.is_success() {
        (Ok(serde_json::from_str(&text).unwrap()), cookie)
    } else {
        (Err(serde_json::from_str(&text).unwrap()), cookie)
    }
}

pub(crate) async fn session(h: &Harness, cookie: &str) -> Option<SessionInfo> {
    h.call::<Option<SessionInfo>>("current_session", Some(cookie), json!({}))
        .await
        .unwrap()
}

async fn audit_actions(h: &Harness, ws: &str) -> Vec<String> {
    h.query(
        "SELECT VALUE action FROM audit_event WHERE workspace = type::record('workspace', $ws) AND string::starts_with(action, 'team.') OR string::starts_with(action, 'account.') ORDER BY at;",
        json!({ "ws": ws }),
    )
    .await
    .into_iter()
    .map(|v| v.as_str().unwrap().to_string())
    .collect()
}

pub(crate) fn invalid(r: &Result<impl std::fmt::Debug, AppError>, part: &str) -> bool {
    matches!(r, Err(AppError::Invalid(m)) if m.contains(part))
}

#[tokio::test]
async fn an_owner_invites_a_manager_who_joins_once_and_invitations_expire_or_are_revoked() {
    let h = Harness::with_sizes(4, 2).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let manager = h.sign_in_as(&h.a, Role::Manager).await;
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let invite = |email: &str, role: &str| json!({ "email": email, "role": role });

    // Only owners invite; a bad address or someone already on the team is refused.
    let refused: Result<OneTimeLink, AppError> = h
        .call(
            "invite_member",
            Some(&manager),
            invite("new@alpha.example", "manager"),
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let bad: Result<OneTimeLink, AppError> = h
        .call(
            "invite_member",
            Some(&owner),
            invite("not an address", "manager"),
        )
        .await;
    assert!(invalid(&bad, "email address"), "{bad:?}");
    let again: Result<OneTimeLink, AppError> = h
        .call(
            "invite_member",
            Some(&owner),
            invite(&h.a.user(Role::Member).email, "viewer"),
        )
        .await;
    assert!(invalid(&again, "on the team already"), "{again:?}");

    let link: OneTimeLink = h
        .call(
            "invite_member",
            Some(&owner),
            invite(" Nadia@Alpha.Example ", "manager"),
        )
        .await
        .unwrap();
    assert!(
        link.url.starts_with("http://127.0.0.1:3000/join/"),
        "{}",
        link.url
    );
    assert_eq!(link.expires_at, common::NOW + 7 * DAY);
    let token = token_of(&link);
    let info: InvitationInfo = h
        .call("invitation_info", None, json!({ "token": token }))
        .await
        .unwrap();
    assert_eq!(
        (info.email.as_str(), info.role, info.has_account),
        ("nadia@alpha.example", Role::Manager, false)
    );
    assert_eq!(info.workspace_name, "Alpha Agency");

    // A weak password is refused and the link stays usable; then the invitee joins.
    let (weak, _) = accept(&h, &token, "Nadia Park", "short").await;
    assert!(invalid(&weak, "at least 10"), "{weak:?}");
    let (joined, cookie) = accept(&h, &token, "Nadia Park", "a long enough password").await;
    let joined = joined.unwrap();
    assert_eq!(
        (joined.user_name.as_str(), joined.role),
        ("Nadia Park", Role::Manager)
    );
    assert_eq!(joined.workspace_id, h.a.workspace_id);
    let cookie = cookie.expect("a session cookie");
    assert_eq!(session(&h, &cookie).await.unwrap().role, Role::Manager);
    assert!(h
        .try_sign_in("nadia@alpha.example", "a long enough password")
        .await
        .is_ok());

    // Single use.
    let (twice, _) = accept(&h, &token, "Someone Else", "another long password").await;
    assert!(invalid(&twice, "used already"), "{twice:?}");

    // The team: managers read, members are refused; the invitation shows as accepted.
    let team: TeamView = h
        .call("team_page", Some(&manager), json!({}))
        .await
        .unwrap();
    assert!(!team.can_manage);
    assert!(team
        .members
        .iter()
        .any(|m| m.email == "nadia@alpha.example" && m.role == Role::Manager && m.active));
    assert_eq!(team.invitations[0].state, InvitationState::Accepted);
    let no: Result<TeamView, AppError> = h.call("team_page", Some(&member), json!({})).await;
    assert!(matches!(no, Err(AppError::Forbidden(_))), "{no:?}");

    // Revoked and expired links cannot be used.
    let revoked: OneTimeLink = h
        .call(
            "invite_member",
            Some(&owner),
            invite("rev@alpha.example", "member"),
        )
        .await
        .unwrap();
    let team: TeamView = h.call("team_page", Some(&owner), json!({})).await.unwrap();
    let id = team
        .invitations
        .iter()
        .find(|i| i.email == "rev@alpha.example")
        .unwrap()
        .id
        .clone();
    let other_ws = h.sign_in_as(&h.b, Role::Owner).await;
    let foreign: Result<(), AppError> = h
        .call(
            "revoke_invitation",
            Some(&other_ws),
            json!({ "invitation_id": id }),
        )
        .await;
    assert_eq!(foreign, Err(AppError::NotFound));
    let done: Result<(), AppError> = h
        .call(
            "revoke_invitation",
            Some(&owner),
            json!({ "invitation_id": id }),
        )
        .await;
    assert_eq!(done, Ok(()));
    let (r, _) = accept(&h, &token_of(&revoked), "Rev", "a long enough password").await;
    assert!(invalid(&r, "revoked"), "{r:?}");
    let late: OneTimeLink = h
        .call(
            "invite_member",
            Some(&owner),
            invite("late@alpha.example", "member"),
        )
        .await
        .unwrap();
    h.clock.advance(7 * DAY);
    let (r, _) = accept(&h, &token_of(&late), "Late", "a long enough password").await;
    assert!(invalid(&r, "expired"), "{r:?}");
    let unknown: Result<InvitationInfo, AppError> = h
        .call("invitation_info", None, json!({ "token": "ab".repeat(32) }))
        .await;
    assert!(invalid(&unknown, "not valid"), "{unknown:?}");

    let actions = audit_actions(&h, &h.a.workspace_id).await;
    for a in ["team.invited", "team.joined", "team.invitation_revoked"] {
        assert!(actions.contains(&a.to_string()), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn the_last_owner_stays_and_a_deactivated_member_is_signed_out_at_once() {
    let h = Harness::with_config(4, 2, &[("INBOX_LIVE_PING_SECS", "1")]).await;
    let addr = h.serve().await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let owner_id = h.a.user(Role::Owner).id.clone();
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let member_id = h.a.user(Role::Member).id.clone();

    let demote: Result<(), AppError> = h
        .call(
            "set_member_role",
            Some(&owner),
            json!({ "user_id": owner_id, "role": "manager" }),
        )
        .await;
    assert!(invalid(&demote, "needs an owner"), "{demote:?}");
    let leave: Result<(), AppError> = h
        .call(
            "set_member_active",
            Some(&owner),
            json!({ "user_id": owner_id, "active": false }),
        )
        .await;
    assert!(invalid(&leave, "last owner"), "{leave:?}");
    let foreign: Result<(), AppError> = h
        .call(
            "set_member_role",
            Some(&owner),
            json!({ "user_id": h.b.user(Role::Member).id, "role": "viewer" }),
        )
        .await;
    assert_eq!(foreign, Err(AppError::NotFound));

    // Deactivated: their session ends now and their live socket at the next ping, with the code
    // that makes the tab say "Signed out"; signing in finds no workspace; their assignments stay.
    let mut socket = common::live_client::connect(addr, &member, None).await;
    let done: Result<(), AppError> = h
        .call(
            "set_member_active",
            Some(&owner),
            json!({ "user_id": member_id, "active": false }),
        )
        .await;
    assert_eq!(done, Ok(()));
    assert_eq!(
        socket.close_code(std::time::Duration::from_secs(5)).await,
        Some(app::live::CLOSE_SIGNED_OUT)
    );
    assert_eq!(session(&h, &member).await, None);
    assert!(h
        .try_sign_in(&h.a.user(Role::Member).email, PASSWORD)
        .await
        .is_err());
    let team: TeamView = h.call("team_page", Some(&owner), json!({})).await.unwrap();
    assert!(team
        .members
        .iter()
        .any(|m| m.user_id == member_id && !m.active));

    let back: Result<(), AppError> = h
        .call(
            "set_member_active",
            Some(&owner),
            json!({ "user_id": member_id, "active": true }),
        )
        .await;
    assert_eq!(back, Ok(()));
    let member = h
        .try_sign_in(&h.a.user(Role::Member).email, PASSWORD)
        .await
        .expect("signs in again");
    let promoted: Result<(), AppError> = h
        .call(
            "set_member_role",
            Some(&owner),
            json!({ "user_id": member_id, "role": "owner" }),
        )
        .await;
    assert_eq!(promoted, Ok(()));
    assert_eq!(session(&h, &member).await.unwrap().role, Role::Owner);
    // With a second owner, the first may step down.
    let step_down: Result<(), AppError> = h
        .call(
            "set_member_role",
            Some(&owner),
            json!({ "user_id": owner_id, "role": "manager" }),
        )
        .await;
    assert_eq!(step_down, Ok(()));
    let actions = audit_actions(&h, &h.a.workspace_id).await;
    for a in ["team.deactivated", "team.reactivated", "team.role_changed"] {
        assert!(actions.contains(&a.to_string()), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn passwords_change_and_reset_through_single_use_links_and_idle_sessions_end() {
    let h = Harness::with_sizes(4, 2).await;
    let email = h.a.user(Role::Manager).email.clone();
    let here = h.sign_in_as(&h.a, Role::Manager).await;
    let elsewhere = h.sign_in_as(&h.a, Role::Manager).await;
    let sessions: Vec<SessionView> = h.call("my_sessions", Some(&here), json!({})).await.unwrap();
    assert!(sessions.len() >= 2 && sessions[0].current);

    let wrong: Result<(), AppError> = h
        .call(
            "change_password",
            Some(&here),
            json!({ "current": "nope", "new": "a new long password" }),
        )
        .await;
    assert!(invalid(&wrong, "does not match"), "{wrong:?}");
    let changed: Result<(), AppError> = h
        .call(
            "change_password",
            Some(&here),
            json!({ "current": PASSWORD, "new": "a new long password" }),
        )
        .await;
    assert_eq!(changed, Ok(()));
    assert!(session(&h, &here).await.is_some(), "this session stays");
    assert_eq!(session(&h, &elsewhere).await, None, "the other one ended");
    assert!(h.try_sign_in(&email, PASSWORD).await.is_err());
    let newest = h.try_sign_in(&email, "a new long password").await.unwrap();
    let ended: u32 = h
        .call("end_sessions", Some(&here), json!({ "session_id": null }))
        .await
        .unwrap();
    assert_eq!(ended, 1);
    assert_eq!(session(&h, &newest).await, None);

    // An owner's reset link: used once, within the hour; every session ends.
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let manager_id = h.a.user(Role::Manager).id.clone();
    let member = h.sign_in_as(&h.a, Role::Member).await;
    let refused: Result<OneTimeLink, AppError> = h
        .call(
            "issue_reset_link",
            Some(&member),
            json!({ "user_id": manager_id }),
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let link: OneTimeLink = h
        .call(
            "issue_reset_link",
            Some(&owner),
            json!({ "user_id": manager_id }),
        )
        .await
        .unwrap();
    assert!(link.url.contains("/reset/"));
    let token = token_of(&link);
    let reset: Result<(), AppError> = h
        .call(
            "reset_password",
            None,
            json!({ "token": token, "password": "the reset password" }),
        )
        .await;
    assert_eq!(reset, Ok(()));
    assert_eq!(session(&h, &here).await, None);
    assert!(h.try_sign_in(&email, "the reset password").await.is_ok());
    let twice: Result<(), AppError> = h
        .call(
            "reset_password",
            None,
            json!({ "token": token, "password": "yet another password" }),
        )
        .await;
    assert!(invalid(&twice, "used already"), "{twice:?}");
    let late: OneTimeLink = h
        .call(
            "issue_reset_link",
            Some(&owner),
            json!({ "user_id": manager_id }),
        )
        .await
        .unwrap();
    h.clock.advance(60 * 60 * 1000);
    let expired: Result<(), AppError> = h
        .call(
            "reset_password",
            None,
            json!({ "token": token_of(&late), "password": "yet another password" }),
        )
        .await;
    assert!(invalid(&expired, "expired"), "{expired:?}");
    let actions = audit_actions(&h, &h.a.workspace_id).await;
    for a in [
        "account.password_changed",
        "account.reset_link_issued",
        "account.password_reset",
    ] {
        assert!(actions.contains(&a.to_string()), "{a} in {actions:?}");
    }

    // Fourteen days unused end a session; use keeps it.
    let used = h.sign_in_as(&h.a, Role::Viewer).await;
    let idle = h.sign_in_as(&h.a, Role::Viewer).await;
    h.clock.advance(10 * DAY);
    assert!(session(&h, &used).await.is_some());
    h.clock.advance(5 * DAY);
    assert!(session(&h, &used).await.is_some());
    assert_eq!(session(&h, &idle).await, None);
}
