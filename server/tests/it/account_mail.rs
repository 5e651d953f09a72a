//! Account emails over a real SMTP relay (aiosmtpd delivering into Dovecot): a forgotten
//! password's reset link arrives by email and works once, the answer to the request is the same
//! for known and unknown addresses, and an invitation is emailed with its link.

use crate::common::mail::MailServers;
use crate::common::Harness;
use app::model::{OneTimeLink, Role};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;

const RELAY: &str = "accounts@alpha.example";
const NEWBIE: &str = "newbie@alpha.example";

/// The first `/{path}/<token>` link in `mail` (its quoted-printable soft line breaks undone).
fn link_in(mail: &str, path: &str) -> Option<String> {
    let mail = mail.replace("=\r\n", "").replace("=\n", "");
    let at = mail.find(&format!("/{path}/"))? + path.len() + 2;
    let token: String = mail[at..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    (token.len() == 64).then_some(token)
}

async fn wait_for_mail(mail: &MailServers, user: &str, count: usize) -> Vec<String> {
    for _ in 0..100 {
        let inbox = mail.inbox(user);
        if inbox.len() >= count {
            return inbox;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no email for {user}");
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_email_and_invitations_are_emailed() {
    // The seeded manager's address is a mailbox on the test mail server.
    let probe = Harness::with_sizes(2, 1).await;
    let manager = probe.a.user(Role::Manager).email.clone();
    drop(probe);
    let users: BTreeMap<String, String> = [
        (RELAY, "relay-pass"),
        (manager.as_str(), "x"),
        (NEWBIE, "y"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mail = MailServers::start(&users);
    let url = format!(
        "smtp://accounts%40alpha.example:relay-pass@127.0.0.1:{}",
        mail.smtp_port
    );
    let h = Harness::with_config(
        2,
        1,
        &[("INBOX_SMTP_URL", url.as_str()), ("INBOX_MAIL_FROM", RELAY)],
    )
    .await;
    assert_eq!(h.a.user(Role::Manager).email, manager);

    // Known and unknown addresses get the same answer.
    let ask = |email: &str| json!({ "email": email }).to_string();
    let known = h
        .raw("request_password_reset", None, ask(&manager), true)
        .await;
    let unknown = h
        .raw(
            "request_password_reset",
            None,
            ask("nobody@alpha.example"),
            true,
        )
        .await;
    assert_eq!((known.0, &known.2), (unknown.0, &unknown.2));
    assert!(known.0.is_success(), "{known:?}");

    let inbox = wait_for_mail(&mail, &manager, 1).await;
    assert!(
        inbox[0].contains("Subject: Your Creator Inbox password reset link"),
        "{}",
        inbox[0]
    );
    let token =
        link_in(&inbox[0], "reset").unwrap_or_else(|| panic!("a reset link in {}", inbox[0]));
    let reset: Result<(), app::api::AppError> = h
        .call(
            "reset_password",
            None,
            json!({ "token": token, "password": "emailed new password" }),
        )
        .await;
    assert_eq!(reset, Ok(()));
    let body = format!(
        "email={}&password=emailed%20new%20password",
        app::domain::filter::encode_component(&manager)
    );
    let (status, _, _) = h.raw("sign_in", None, body, false).await;
    assert!(status.is_success());
    // A second request within minutes sends nothing more.
    h.raw("request_password_reset", None, ask(&manager), true)
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(mail.inbox(&manager).len(), 1);

    // An invitation goes out by email with its link.
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let link: OneTimeLink = h
        .call(
            "invite_member",
            Some(&owner),
            json!({ "email": NEWBIE, "role": "member" }),
        )
        .await
        .unwrap();
    assert_eq!(
        (link.sent_to.as_deref(), link.send_error.as_deref()),
        (Some(NEWBIE), None)
    );
    let inbox = wait_for_mail(&mail, NEWBIE, 1).await;
    assert!(
        inbox[0].contains("invited you to Alpha Agency"),
        "{}",
        inbox[0]
    );
    assert_eq!(
        link_in(&inbox[0], "join"),
        link.url.rsplit('/').next().map(str::to_string)
    );
}
