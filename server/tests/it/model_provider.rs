//! The optional model provider, against a chat-completions endpoint bound on loopback that checks
//! each request the way an OpenAI-compatible API does (path, bearer key, model, messages): its
//! intents are added to the rules' (so it can hold a message for review), its words draft the
//! reply a person reviews, and when it fails the rules and the approved language carry on.

use crate::common;

use app::domain::classify::Intent;
use app::domain::draft::DraftState;
use app::model::{Role, ThreadDetail};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use common::Harness;
use serde_json::{json, Value};
use server::automation::Automation;
use std::sync::{Arc, Mutex};

const KEY: &str = "sk-test-0123456789";
const MODEL: &str = "inbox-test-model";
const DRAFTED: &str = "Hi! So sorry the package arrived damaged. A replacement ships today and we will send tracking.";

#[derive(Default)]
struct Seen {
    requests: Vec<Value>,
    malformed: Vec<String>,
    /// Answer with this status instead of a completion.
    fail_with: Option<u16>,
}

async fn completions(
    State(seen): State<Arc<Mutex<Seen>>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let mut s = seen.lock().unwrap();
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bearer {KEY}"))
    {
        s.malformed.push("missing or wrong bearer key".into());
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": { "message": "bad key" } })),
        );
    }
    let msgs = body["messages"].as_array().cloned().unwrap_or_default();
    if body["model"] != MODEL
        || msgs.len() != 2
        || msgs[0]["role"] != "system"
        || msgs[1]["role"] != "user"
    {
        s.malformed.push(body.to_string());
    }
    s.requests.push(body.clone());
    if let Some(code) = s.fail_with {
        return (
            StatusCode::from_u16(code).unwrap(),
            Json(json!({ "error": { "message": "overloaded" } })),
        );
    }
    let system = msgs[0]["content"].as_str().unwrap_or("");
    let content = if system.contains("You label messages") {
        // The JSON mode the client asked for, answered in a code fence as some models do.
        assert_eq!(body["response_format"]["type"], "json_object");
        "```json\n{\"intents\":[{\"intent\":\"complaint\",\"confidence\":88}]}\n```".to_string()
    } else {
        DRAFTED.to_string()
    };
    (
        StatusCode::OK,
        Json(json!({
            "id": "chatcmpl-1", "object": "chat.completion", "model": MODEL,
            "choices": [{ "index": 0, "finish_reason": "stop", "message": { "role": "assistant", "content": content } }],
        })),
    )
}

async fn endpoint() -> (String, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let app = Router::new()
        .route("/v1/chat/completions", post(completions))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/v1"), seen)
}

async fn paid_thread(h: &Harness) -> (String, String) {
    let rows = h
        .query(
            "SELECT record::id(id) AS id, record::id(enrollment) AS eid FROM thread
             WHERE workspace = type::record('workspace', $ws) AND campaign.kind = 'paid' LIMIT 1;",
            json!({ "ws": h.a.workspace_id }),
        )
        .await;
    let thread = rows[0]["id"].as_str().unwrap().to_string();
    h.query(
        "UPDATE type::record('enrollment', $e) SET stage = 'product_shipped';
         UPDATE type::record('thread', $t) SET stage = 'product_shipped';",
        json!({ "e": rows[0]["eid"], "t": thread }),
    )
    .await;
    let token = h.portal_token(&h.a, &thread).await;
    (thread, token)
}

async fn say(h: &Harness, token: &str, text: &str) {
    h.clock.advance(60_000);
    let _: Value = h
        .call(
            "portal_reply",
            None,
            json!({ "token": token, "text": text }),
        )
        .await
        .unwrap();
    Automation::new(h.state.clone()).run_once().await.unwrap();
}

#[tokio::test]
async fn the_model_adds_what_the_rules_miss_and_words_the_draft() {
    let (url, seen) = endpoint().await;
    let h = Harness::with_config(
        10,
        2,
        &[
            ("INBOX_MODEL_URL", &url),
            ("INBOX_MODEL_NAME", MODEL),
            ("INBOX_MODEL_KEY", KEY),
        ],
    )
    .await;
    let (thread, token) = paid_thread(&h).await;
    // Nothing the rules or the learned model read as sensitive: the model provider hears the
    // complaint.
    let text = "hmm. not quite what I pictured";
    assert!(app::domain::classify::classify(text).sensitive().is_empty());
    say(&h, &token, text).await;

    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let d: ThreadDetail = h
        .call("get_thread", Some(&owner), json!({ "thread_id": thread }))
        .await
        .unwrap();
    let msg = d.messages.iter().find(|m| m.text == text).unwrap();
    let c = msg.classification.as_ref().unwrap();
    assert!(c.has(Intent::Complaint), "{c:?}");
    assert_eq!(c.source, format!("rules + model {MODEL}"));
    let draft = &d.drafts[0];
    assert_eq!(draft.state, DraftState::PendingReview);
    assert_eq!(
        draft.reviewer_role,
        Role::Manager,
        "complaints need a manager"
    );
    assert_eq!(draft.text, DRAFTED);
    assert_eq!(draft.source, format!("model:{MODEL}"));

    let s = seen.lock().unwrap();
    assert!(s.malformed.is_empty(), "{:?}", s.malformed);
    assert_eq!(s.requests.len(), 2, "one classification, one draft");
    let draft_request = s.requests[1]["messages"][1]["content"].as_str().unwrap();
    assert!(
        draft_request.contains(text),
        "the draft request carries the creator's message"
    );
    assert!(
        draft_request.contains("Approved wording"),
        "and the approved language to base it on"
    );
}

#[tokio::test]
async fn without_an_answer_the_rules_and_approved_language_carry_on() {
    let (url, seen) = endpoint().await;
    seen.lock().unwrap().fail_with = Some(503);
    let h = Harness::with_config(
        10,
        2,
        &[
            ("INBOX_MODEL_URL", &url),
            ("INBOX_MODEL_NAME", MODEL),
            ("INBOX_MODEL_KEY", KEY),
        ],
    )
    .await;
    let (thread, token) = paid_thread(&h).await;
    say(&h, &token, "my rate for this is $1,200").await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let d: ThreadDetail = h
        .call("get_thread", Some(&owner), json!({ "thread_id": thread }))
        .await
        .unwrap();
    let draft = &d.drafts[0];
    assert_eq!(draft.state, DraftState::PendingReview);
    assert_eq!(draft.source, "library:rate_reply");
    assert!(draft.topics.contains(&Intent::Rate));
    assert_eq!(seen.lock().unwrap().requests.len(), 2, "both were tried");
}

/// "Suggest a reply" with a provider: the model words it from the brief, guidance and the
/// approved base; it is a draft like any other, never sent.
#[tokio::test]
async fn a_suggested_reply_is_worded_by_the_model_and_stays_a_draft() {
    let (url, seen) = endpoint().await;
    let h = Harness::with_config(
        10,
        2,
        &[
            ("INBOX_MODEL_URL", &url),
            ("INBOX_MODEL_NAME", MODEL),
            ("INBOX_MODEL_KEY", KEY),
        ],
    )
    .await;
    let (thread, token) = paid_thread(&h).await;
    let text = "Quick question: what should the video show first?";
    say(&h, &token, text).await;
    let owner = h.sign_in_as(&h.a, Role::Owner).await;
    let asked = h
        .value(
            "SELECT VALUE record::id(id) FROM message WHERE thread = type::record('thread', $t) AND text = $x;",
            json!({ "t": thread, "x": text }),
        )
        .await;
    let before = seen.lock().unwrap().requests.len();
    let draft: app::model::DraftView = h
        .call(
            "suggest_reply",
            Some(&owner),
            json!({ "message_id": asked }),
        )
        .await
        .unwrap();
    assert_eq!(draft.state, DraftState::PendingReview);
    assert_eq!(
        (draft.text.as_str(), draft.source.clone()),
        (DRAFTED, format!("model:{MODEL}"))
    );
    let requests = seen.lock().unwrap().requests.clone();
    assert_eq!(requests.len(), before + 1, "one draft request");
    let request = requests[before]["messages"][1]["content"].as_str().unwrap();
    assert!(
        request.contains(text) && request.contains("Brief:"),
        "{request}"
    );
    let sent = h
        .query(
            "SELECT VALUE id FROM message WHERE thread = type::record('thread', $t) AND text = $x;",
            json!({ "t": thread, "x": DRAFTED }),
        )
        .await;
    assert!(sent.is_empty(), "a suggestion is never sent");
}
