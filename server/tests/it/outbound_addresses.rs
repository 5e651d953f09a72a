//! The outbound-address policy (issue 21, SSRF): a webhook URL or mailbox server inside the
//! network (loopback, private, link-local, mapped) is refused with a generic error and nothing is
//! written or reached, when it is entered and again at every connection; a webhook's redirect is
//! never followed.

use crate::common;

use app::api::AppError;
use app::domain::email::{validate_mailbox, ServerSettings, TlsMode};
use app::model::{ApiChannelSettings, MailboxSettings, Role};
use axum::routing::any;
use common::Harness;
use serde_json::json;
use server::outbound::address_policy::AddressPolicy;
use server::store::{ChannelConnection, Target};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[tokio::test]
async fn webhooks_and_mail_servers_inside_the_network_are_refused() {
    // No host named: the policy a production server runs with.
    let h = Harness::with_config(2, 1, &[("INBOX_OUTBOUND_ALLOW_HOSTS", "")]).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let inside = [
        "https://127.0.0.1/hook",
        "https://[::1]:8443/hook",
        "https://[::ffff:169.254.169.254]/latest/meta-data",
        "https://169.254.169.254/",
        "https://2130706433/",
        "https://10.0.0.7/",
        "https://192.168.1.20/",
        "https://localhost/",
    ];
    for url in inside {
        let refused: Result<ApiChannelSettings, AppError> = h
            .call("set_api_outbound_url", Some(&owner), json!({ "url": url }))
            .await;
        match refused {
            Err(AppError::Invalid(why)) => {
                assert_eq!(why, "the address is not a public internet host", "{url}")
            }
            other => panic!("{url}: {other:?}"),
        }
    }
    let plain: Result<ApiChannelSettings, AppError> = h
        .call(
            "set_api_outbound_url",
            Some(&owner),
            json!({ "url": "http://localhost:9000/hook" }),
        )
        .await;
    assert!(
        matches!(&plain, Err(AppError::Invalid(w)) if w.contains("https://")),
        "{plain:?}"
    );
    let settings: ApiChannelSettings = h
        .call("api_channel_settings", Some(&owner), json!({}))
        .await
        .unwrap();
    assert_eq!(settings.outbound_url, None, "nothing was written");

    // A mailbox whose servers are on this machine is refused when connected; nothing is stored.
    let server =
        json!({ "host": "127.0.0.1", "port": 1143, "tls": "none", "user": "brand@a.example" });
    let refused: Result<MailboxSettings, AppError> = h
        .call(
            "connect_mailbox",
            Some(&owner),
            json!({ "account": { "label": "Inside" }, "address": "brand@a.example",
                    "display_name": "Inside", "imap": server, "smtp": server, "secret": "pw" }),
        )
        .await;
    assert!(
        matches!(&refused, Err(AppError::Invalid(w)) if w == "IMAP: the address is not a public internet host"),
        "{refused:?}"
    );
    let settings: MailboxSettings = h
        .call("mailbox_settings", Some(&owner), json!({}))
        .await
        .unwrap();
    assert!(settings.mailboxes.is_empty());

    // One stored before (or a name that resolves inside since): every connection is checked
    // again, and the test says why without any server's words.
    let inside = ServerSettings {
        host: "127.0.0.1".into(),
        port: 1143,
        tls: TlsMode::None,
        user: "brand@a.example".into(),
    };
    let mailbox =
        validate_mailbox("brand@a.example", "Inside", &inside, &inside, "pw", false).unwrap();
    let target = Target {
        id: None,
        label: "Inside".into(),
        actor: "test".into(),
    };
    let id = mailbox
        .store(
            &h.state.db,
            &h.a.workspace_id,
            &h.state.config.server_secret,
            &target,
            common::NOW,
        )
        .await
        .unwrap_or_else(|_| panic!("stored"));
    let tested: Result<String, AppError> = h
        .call("test_mailbox", Some(&owner), json!({ "connection_id": id }))
        .await;
    match tested {
        Err(AppError::Invalid(why)) => assert_eq!(
            why,
            "IMAP: the address is not a public internet host; \
             SMTP settings: the address is not a public internet host"
        ),
        other => panic!("{other:?}"),
    }
    let synced = server::channels::email_imap::sync_once(&h.state, &id).await;
    assert!(
        matches!(
            synced,
            Err(server::channels::email_imap::MailError::Refused(_))
        ),
        "{synced:?}"
    );
}

#[tokio::test]
async fn a_webhook_redirect_is_not_followed() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let app = axum::Router::new()
        .route(
            "/hook",
            any(|| async {
                (
                    axum::http::StatusCode::TEMPORARY_REDIRECT,
                    [("location", "/elsewhere")],
                )
            }),
        )
        .route(
            "/elsewhere",
            any(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async { "ok" }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let url = format!("http://127.0.0.1:{port}/hook");
    let send = |policy: AddressPolicy| {
        let url = url.clone();
        async move {
            server::outbound::api_send::send(&policy, &url, "key", b"{}".to_vec(), common::NOW)
                .await
        }
    };
    let named = AddressPolicy::parse(Some("127.0.0.1")).unwrap();
    let redirected = send(named).await.unwrap_err();
    assert!(redirected.reason.contains("307"), "{redirected:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 0, "the redirect was followed");
    // Without the host named, nothing is even sent.
    let refused = send(AddressPolicy::default()).await.unwrap_err();
    assert!(
        !refused.retryable && refused.reason.contains("https://"),
        "{refused:?}"
    );
}
