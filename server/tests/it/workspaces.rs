//! Workspaces: a new one started by `create-workspace` (its owner's one-time link) or by the
//! open sign-up, a person of one workspace joining another with their own account, and the
//! switcher moving a session between them (its live socket closing for the page to reload).

use crate::common::{self, Harness, PASSWORD};
use crate::team::{accept, invalid, session, token_of};
use app::api::AppError;
use app::model::{InvitationInfo, OneTimeLink, Role, SessionInfo, TeamView};
use serde_json::{json, Value};

const DAY: i64 = 24 * 60 * 60 * 1000;

#[tokio::test]
async fn a_new_workspace_starts_with_its_owner_and_an_existing_account_joins_with_its_password() {
    let h = Harness::with_config(4, 2, &[("INBOX_LIVE_PING_SECS", "1")]).await;
    let addr = h.serve().await;
    let link = h
        .state
        .create_workspace("Gamma Studio", "founder@gamma.example")
        .await
        .unwrap();
    assert_eq!(link.expires_at, common::NOW + DAY);
    let dup = h
        .state
        .create_workspace("Gamma Studio", "x@gamma.example")
        .await;
    assert!(dup.is_err());
    let (owner, cookie) = accept(&h, &token_of(&link), "Gia Founder", "founder password 1").await;
    let owner = owner.unwrap();
    assert_eq!(
        (owner.workspace_name.as_str(), owner.role),
        ("Gamma Studio", Role::Owner)
    );
    let cookie = cookie.unwrap();
    let team: TeamView = h.call("team_page", Some(&cookie), json!({})).await.unwrap();
    assert!(team.can_manage && team.members.len() == 1);

    // Someone of Alpha joins Gamma with their own account's password.
    let alpha_email = h.a.user(Role::Member).email.clone();
    let invite: OneTimeLink = h
        .call(
            "invite_member",
            Some(&cookie),
            json!({ "email": alpha_email, "role": "viewer" }),
        )
        .await
        .unwrap();
    let info: InvitationInfo = h
        .call(
            "invitation_info",
            None,
            json!({ "token": token_of(&invite) }),
        )
        .await
        .unwrap();
    assert!(info.has_account);
    let (wrong, _) = accept(&h, &token_of(&invite), "", "not their password").await;
    assert!(invalid(&wrong, "not the password"), "{wrong:?}");
    let (joined, _) = accept(&h, &token_of(&invite), "", PASSWORD).await;
    let joined = joined.unwrap();
    assert_eq!(
        (joined.workspace_name.as_str(), joined.role),
        ("Gamma Studio", Role::Viewer)
    );
    assert_eq!(joined.user_id, h.a.user(Role::Member).id);
    let memberships: Vec<Value> = h
        .query(
            "SELECT VALUE role FROM membership WHERE user = type::record('user', $u) ORDER BY role;",
            json!({ "u": joined.user_id }),
        )
        .await;
    assert_eq!(memberships, vec![json!("member"), json!("viewer")]);

    // Signed in, they switch to the other workspace: the session moves, the first workspace's
    // socket ends (with the code that makes the page load afresh), and a workspace they are not
    // in is refused.
    let alpha = h.try_sign_in(&alpha_email, PASSWORD).await.unwrap();
    let info = session(&h, &alpha).await.unwrap();
    let names: Vec<&str> = info.workspaces.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, vec!["Alpha Agency", "Gamma Studio"]);
    let other = info
        .workspaces
        .iter()
        .find(|w| w.id != info.workspace_id)
        .unwrap()
        .clone();
    let mut socket = common::live_client::connect(addr, &alpha, None).await;
    let foreign: Result<(), AppError> = h
        .call(
            "switch_workspace",
            Some(&alpha),
            json!({ "workspace_id": h.b.workspace_id }),
        )
        .await;
    assert_eq!(foreign, Err(AppError::NotFound));
    let switched: Result<(), AppError> = h
        .call(
            "switch_workspace",
            Some(&alpha),
            json!({ "workspace_id": other.id }),
        )
        .await;
    assert_eq!(switched, Ok(()));
    let now = session(&h, &alpha).await.unwrap();
    assert_eq!(now.workspace_name, other.name);
    let role = if other.name == "Gamma Studio" {
        Role::Viewer
    } else {
        Role::Member
    };
    assert_eq!(now.role, role);
    assert_eq!(
        socket.close_code(std::time::Duration::from_secs(5)).await,
        Some(app::live::CLOSE_CHANGED)
    );
}

#[tokio::test]
async fn where_sign_up_is_open_anyone_creates_a_workspace_they_own() {
    let h = Harness::with_config(2, 1, &[("INBOX_SIGNUP", "open")]).await;
    let open: bool = h.call("signup_open", None, json!({})).await.unwrap();
    assert!(open);
    let args = |email: &str| json!({ "workspace_name": " Northwind ", "name": "Nora Wind", "email": email, "password": "a long enough password" });
    let body = args("nora@northwind.example").to_string();
    let (status, headers, text) = h.raw("sign_up", None, body, true).await;
    assert!(status.is_success(), "{text}");
    let info: SessionInfo = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (info.workspace_name.as_str(), info.role),
        ("Northwind", Role::Owner)
    );
    let cookie = common::session_cookie(&headers).unwrap();
    let team: TeamView = h.call("team_page", Some(&cookie), json!({})).await.unwrap();
    assert_eq!(team.members.len(), 1);
    assert!(team.can_manage);
    // An address with an account cannot sign up again; nothing is created.
    let taken: Result<SessionInfo, AppError> = h
        .call("sign_up", None, args(&h.a.user(Role::Member).email))
        .await;
    assert!(invalid(&taken, "has an account"), "{taken:?}");
    let workspaces = h
        .query(
            "SELECT VALUE name FROM workspace WHERE name = 'Northwind';",
            json!({}),
        )
        .await;
    assert_eq!(workspaces.len(), 1);
    let weak: Result<SessionInfo, AppError> = h
        .call("sign_up", None, json!({ "workspace_name": "X", "name": "Y", "email": "y@x.example", "password": "short" }))
        .await;
    assert!(invalid(&weak, "at least 10"), "{weak:?}");
}
