//! CSV imports end to end: a file uploaded and read, previewed under a mapping, imported as a
//! durable job that enrolls every creator at Prospect, skipped rows listed and downloadable; bad
//! files refused with a clear message and nothing stored; a restart mid-import resumes without a
//! duplicate; importing the same file again changes nothing; our first message moves a prospect
//! to Contacted.

use crate::common::Harness;
use app::api::AppError;
use app::model::*;
use serde_json::{json, Value};

/// 20 creators, two of them bad (an unreadable email, nobody to reach).
fn twenty() -> String {
    let mut csv = String::from("Name,Email,Phone,Instagram,Tags,Rate\n");
    for i in 0..18 {
        csv.push_str(&format!(
            "Creator {i},creator{i}@mail.test,(415) 555-{:04},@creator{i},food;travel,\"$1,{i:03}\"\n",
            100 + i
        ));
    }
    csv.push_str("Bad Email,not-an-email,,,,\n");
    csv.push_str("Only A Name,,,,,\n");
    csv
}

async fn upload(h: &Harness, cookie: &str, bytes: Vec<u8>) -> (u16, String) {
    let (status, _, body) = h
        .send(
            "POST",
            "/imports?name=creators.csv",
            &[("cookie", cookie), ("content-type", "text/csv")],
            bytes,
        )
        .await;
    (status.as_u16(), body)
}

fn settings(upload: &ImportUpload, campaign: Option<&str>, update: bool) -> Value {
    json!({ "job_id": upload.job_id, "settings": {
        "mapping": upload.mapping, "country": "US", "update_existing": update, "campaign_id": campaign,
    }})
}

async fn job_status(h: &Harness, cookie: &str, job: &str) -> ImportStatus {
    h.call("import_status", Some(cookie), json!({ "job_id": job }))
        .await
        .unwrap()
}

async fn count(h: &Harness, sql: &str, ws: &str) -> u64 {
    h.value(sql, json!({ "ws": ws }))
        .await
        .as_u64()
        .unwrap_or(0)
}

const CREATORS: &str =
    "RETURN count(SELECT id FROM creator WHERE workspace = type::record('workspace', $ws));";
const THREADS: &str =
    "RETURN count(SELECT id FROM thread WHERE workspace = type::record('workspace', $ws));";

#[tokio::test]
async fn a_csv_is_previewed_imported_enrolled_and_imported_again_as_a_no_op() {
    let h = Harness::with_sizes(4, 2).await;
    let cookie = h.sign_in_as(&h.a, Role::Member).await;
    let ws = h.a.workspace_id.clone();
    let campaign = h.a.campaign_ids[0].clone();
    let (status, body) = upload(&h, &cookie, twenty().into_bytes()).await;
    assert_eq!(status, 200, "{body}");
    let up: ImportUpload = serde_json::from_str(&body).unwrap();
    assert_eq!((up.rows, up.headers.len(), up.sample.len()), (20, 6, 5));

    let preview: ImportPreview = h
        .call(
            "preview_import",
            Some(&cookie),
            settings(&up, Some(&campaign), false),
        )
        .await
        .unwrap();
    assert_eq!(
        (preview.total, preview.new, preview.matched, preview.skipped),
        (20, 18, 0, 2)
    );
    let bad: Vec<_> = preview
        .rows
        .iter()
        .filter(|r| !r.problems.is_empty())
        .collect();
    assert_eq!(bad.len(), 2);
    assert!(bad[0].problems[0].contains("not an email"), "{:?}", bad[0]);
    assert!(
        bad[1].problems[0].contains("no email, phone or Instagram"),
        "{:?}",
        bad[1]
    );
    assert_eq!(
        preview.rows[2].contacts,
        vec!["creator0@mail.test", "+14155550100", "@creator0"]
    );

    let (creators, threads) = (
        count(&h, CREATORS, &ws).await,
        count(&h, THREADS, &ws).await,
    );
    let started: ImportStatus = h
        .call(
            "start_import",
            Some(&cookie),
            settings(&up, Some(&campaign), false),
        )
        .await
        .unwrap();
    assert_eq!(started.state, "running");
    let again: Result<ImportStatus, AppError> = h
        .call(
            "start_import",
            Some(&cookie),
            settings(&up, Some(&campaign), false),
        )
        .await;
    assert!(matches!(again, Err(AppError::Invalid(_))), "{again:?}");
    assert!(server::imports::run_once(&h.state).await.unwrap());
    let done: ImportStatus = job_status(&h, &cookie, &up.job_id).await;
    assert_eq!(
        (
            done.state.as_str(),
            done.created,
            done.enrolled,
            done.skipped,
            done.done
        ),
        ("done", 18, 18, 2, 18)
    );
    assert_eq!(
        (done.skipped_rows[0].line, done.skipped_rows[1].line),
        (20, 21)
    );
    assert_eq!(count(&h, CREATORS, &ws).await, creators + 18);
    assert_eq!(count(&h, THREADS, &ws).await, threads + 18);
    let stored = h
        .query(
            "SELECT tags, rate_cents, identities.channel AS channels FROM creator WHERE name = 'Creator 3' AND workspace = type::record('workspace', $ws);",
            json!({ "ws": ws }),
        )
        .await;
    assert_eq!(stored[0]["tags"], json!(["food", "travel"]));
    assert_eq!(stored[0]["rate_cents"], json!(100_300));
    assert_eq!(stored[0]["channels"], json!(["email", "sms", "instagram"]));
    let prospects = h
        .query(
            "SELECT VALUE stage FROM thread WHERE campaign = type::record('campaign', $c) AND creator.name = 'Creator 3';",
            json!({ "c": campaign }),
        )
        .await;
    assert_eq!(prospects, vec![json!("prospect")]);
    // Its profile says which import it came from.
    let id = h
        .query(
            "SELECT VALUE record::id(id) FROM creator WHERE name = 'Creator 3';",
            json!({}),
        )
        .await;
    let profile: app::model::CreatorProfile = h
        .call(
            "creator_profile",
            Some(&cookie),
            json!({ "creator_id": id[0] }),
        )
        .await
        .unwrap();
    assert!(
        matches!(&profile.imported_from, Some((file, at)) if file.ends_with(".csv") && *at > 0),
        "{:?}",
        profile.imported_from
    );

    // The skipped rows download as CSV.
    let (status, _, csv) = h
        .send(
            "GET",
            &format!("/imports/{}/skipped.csv", up.job_id),
            &[("cookie", &cookie)],
            vec![],
        )
        .await;
    assert_eq!(status.as_u16(), 200);
    assert!(
        csv.starts_with("line,name,reason\r\n20,Bad Email,"),
        "{csv}"
    );
    assert!(csv.contains("21,Only A Name,\"no email"), "{csv}");

    // The same file again, "update" chosen: nothing new, nothing changed.
    let before = h
        .query(
            "SELECT * FROM creator WHERE workspace = type::record('workspace', $ws) ORDER BY id;",
            json!({ "ws": ws }),
        )
        .await;
    let (_, body) = upload(&h, &cookie, twenty().into_bytes()).await;
    let up2: ImportUpload = serde_json::from_str(&body).unwrap();
    let preview: ImportPreview = h
        .call(
            "preview_import",
            Some(&cookie),
            settings(&up2, Some(&campaign), true),
        )
        .await
        .unwrap();
    assert_eq!((preview.new, preview.matched), (0, 18));
    assert_eq!(preview.rows[2].matches.as_deref(), Some("Creator 0"));
    h.call::<ImportStatus>(
        "start_import",
        Some(&cookie),
        settings(&up2, Some(&campaign), true),
    )
    .await
    .unwrap();
    server::imports::run_once(&h.state).await.unwrap();
    let done: ImportStatus = job_status(&h, &cookie, &up2.job_id).await;
    assert_eq!(
        (done.created, done.updated, done.unchanged, done.enrolled),
        (0, 0, 18, 0)
    );
    let after = h
        .query(
            "SELECT * FROM creator WHERE workspace = type::record('workspace', $ws) ORDER BY id;",
            json!({ "ws": ws }),
        )
        .await;
    assert_eq!(before, after, "a re-import changes no creator");
    assert_eq!(count(&h, THREADS, &ws).await, threads + 18);

    // Our first message to a prospect moves them to Contacted; the next action follows.
    let tid = h
        .value(
            "RETURN (SELECT VALUE record::id(id) FROM thread WHERE campaign = type::record('campaign', $c) AND creator.name = 'Creator 4')[0];",
            json!({ "c": campaign }),
        )
        .await;
    let tid = tid.as_str().unwrap().to_string();
    h.call::<Value>(
        "post_message",
        Some(&cookie),
        json!({ "thread_id": tid, "kind": "reply", "text": "Hi! Would you like to join?" }),
    )
    .await
    .unwrap();
    let moved = h
        .query(
            "SELECT stage, enrollment.stage AS enrollment_stage, enrollment.next_action AS next FROM type::record('thread', $t);",
            json!({ "t": tid }),
        )
        .await;
    assert_eq!(moved[0]["stage"], "contacted");
    assert_eq!(moved[0]["enrollment_stage"], "contacted");
    assert_eq!(moved[0]["next"], "Wait for a reply; follow up in 3 days");
    let audit = h
        .query(
            "SELECT VALUE detail.cause FROM audit_event WHERE action = 'enrollment.stage_changed' AND workspace = type::record('workspace', $ws);",
            json!({ "ws": ws }),
        )
        .await;
    assert!(audit.contains(&json!("first_message")), "{audit:?}");
}

#[tokio::test]
async fn bad_files_get_a_clear_message_and_store_nothing() {
    let h = Harness::with_sizes(2, 2).await;
    let cookie = h.sign_in_as(&h.a, Role::Member).await;
    let many_rows = {
        let mut s = String::from("name,email\n");
        for i in 0..60_000 {
            s.push_str(&format!("C{i},c{i}@x.test\n"));
        }
        s.into_bytes()
    };
    let big = {
        let mut s = String::from("name,notes\n");
        let line = format!("A,{}\n", "x".repeat(1000));
        while s.len() < 12 * 1024 * 1024 {
            s.push_str(&line);
        }
        s.into_bytes()
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "binary",
            vec![0x50, 0x4b, 0x03, 0x04, 0, 0, 0x14, 0],
            "export the sheet as CSV",
        ),
        (
            "latin-1",
            b"name,email\nJos\xe9,jose@x.test\n".to_vec(),
            "UTF-8",
        ),
        (
            "unterminated quote",
            b"name,email\n\"Maya,maya@x.test\n".to_vec(),
            "quote",
        ),
        ("60,000 rows", many_rows, "50,000"),
        ("12 MB", big, "10 MB"),
        ("empty", vec![], "no rows"),
    ];
    let jobs = "RETURN count(SELECT id FROM import_job);";
    for (what, bytes, says) in cases {
        let (status, body) = upload(&h, &cookie, bytes).await;
        assert!(status == 400 || status == 413, "{what}: {status}");
        assert!(body.contains(says), "{what}: {body}");
        assert_eq!(
            h.value(jobs, json!({})).await,
            json!(0),
            "{what} stored a job"
        );
    }
    // A viewer cannot import; nobody without a session can.
    let viewer = h.sign_in_as(&h.a, Role::Viewer).await;
    assert_eq!(upload(&h, &viewer, twenty().into_bytes()).await.0, 403);
    let (status, _, _) = h
        .send("POST", "/imports?name=x.csv", &[], twenty().into_bytes())
        .await;
    assert_eq!(status.as_u16(), 401);
    // Formula cells and a row with only a name are skipped with their reason.
    let (_, body) = upload(
        &h,
        &cookie,
        b"name,email\n=HYPERLINK(\"x\"),a@x.test\nOnly Name,\nOk,ok@x.test\n".to_vec(),
    )
    .await;
    let up: ImportUpload = serde_json::from_str(&body).unwrap();
    let preview: ImportPreview = h
        .call("preview_import", Some(&cookie), settings(&up, None, false))
        .await
        .unwrap();
    assert_eq!((preview.new, preview.skipped), (1, 2));
    assert!(
        preview.rows[0]
            .problems
            .iter()
            .any(|p| p.contains("formula")),
        "{:?}",
        preview.rows[0]
    );
    // Imported without a campaign: the one good row, nobody enrolled.
    let done: ImportStatus = h
        .call("start_import", Some(&cookie), settings(&up, None, false))
        .await
        .unwrap();
    assert_eq!(done.campaign_name, None);
    server::imports::run_once(&h.state).await.unwrap();
    let done: ImportStatus = job_status(&h, &cookie, &up.job_id).await;
    assert_eq!(
        (
            done.state.as_str(),
            done.created,
            done.enrolled,
            done.skipped
        ),
        ("done", 1, 0, 2)
    );
    // Another workspace's job and campaign are not found.
    let other = h.sign_in_as(&h.b, Role::Owner).await;
    let got: Result<ImportPreview, AppError> = h
        .call("preview_import", Some(&other), settings(&up, None, false))
        .await;
    assert_eq!(got.err(), Some(AppError::NotFound));
    let got: Result<ImportPreview, AppError> = h
        .call(
            "preview_import",
            Some(&cookie),
            settings(&up, Some(&h.b.campaign_ids[0]), false),
        )
        .await;
    assert_eq!(got.err(), Some(AppError::NotFound));
    let (status, _, _) = h
        .send(
            "GET",
            &format!("/imports/{}/skipped.csv", up.job_id),
            &[("cookie", &other)],
            vec![],
        )
        .await;
    assert_eq!(status.as_u16(), 404);
}

#[tokio::test]
async fn a_restart_mid_import_resumes_without_a_duplicate() {
    let h = Harness::with_sizes(2, 2).await;
    let cookie = h.sign_in_as(&h.a, Role::Owner).await;
    let ws = h.a.workspace_id.clone();
    let mut csv = String::from("name,email\n");
    for i in 0..1_200 {
        csv.push_str(&format!("Bulk {i},bulk{i}@mail.test\n"));
    }
    let (_, body) = upload(&h, &cookie, csv.into_bytes()).await;
    let up: ImportUpload = serde_json::from_str(&body).unwrap();
    let campaign = h.a.campaign_ids[1].clone();
    h.call::<ImportStatus>(
        "start_import",
        Some(&cookie),
        settings(&up, Some(&campaign), false),
    )
    .await
    .unwrap();
    let creators = count(&h, CREATORS, &ws).await;
    // The first worker writes one chunk of three and dies; its lease runs out.
    assert!(server::imports::run_chunks(&h.state, 1).await.unwrap());
    let mid: ImportStatus = job_status(&h, &cookie, &up.job_id).await;
    assert_eq!(
        (mid.state.as_str(), mid.done, mid.created),
        ("running", 500, 500)
    );
    assert!(
        !server::imports::run_once(&h.state).await.unwrap(),
        "the lease is still held"
    );
    h.query("UPDATE import_job SET lease_until = 0;", json!({}))
        .await;
    assert!(server::imports::run_once(&h.state).await.unwrap());
    let done: ImportStatus = job_status(&h, &cookie, &up.job_id).await;
    assert_eq!(
        (done.state.as_str(), done.created, done.enrolled),
        ("done", 1_200, 1_200)
    );
    assert_eq!(count(&h, CREATORS, &ws).await, creators + 1_200);
    let dupes = h
        .value(
            "RETURN count(SELECT creator, count() AS n FROM enrollment WHERE campaign = type::record('campaign', $c) GROUP BY creator)
                 = count(SELECT id FROM enrollment WHERE campaign = type::record('campaign', $c));",
            json!({ "c": campaign }),
        )
        .await;
    assert_eq!(dupes, json!(true));
    let list: Vec<ImportStatus> = h
        .call("list_imports", Some(&cookie), json!({}))
        .await
        .unwrap();
    assert_eq!(list[0].id, up.job_id);
    let audit = h
        .query(
            "SELECT VALUE detail FROM audit_event WHERE action = 'creators.imported';",
            json!({}),
        )
        .await;
    assert_eq!(audit[0]["created"], json!(1_200));
}
