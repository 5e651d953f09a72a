//! Versioned schema migrations, applied in order at start. Each runs in one transaction together
//! with its `migration` record, so a failed migration leaves nothing half-applied.

use super::{exec, first, Db, DbError};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("schema_v1.surql"),
    },
    Migration {
        version: 2,
        name: "forward inbox indexes and change stamps",
        sql: include_str!("schema_v2.surql"),
    },
    Migration {
        version: 3,
        name: "sms accounts and unmatched senders",
        sql: include_str!("schema_v3.surql"),
    },
    Migration {
        version: 4,
        name: "outbound send jobs and delivery reports",
        sql: include_str!("schema_v4.surql"),
    },
    Migration {
        version: 5,
        name: "dedupe by inbound key alone; unused thread indexes removed; message classification",
        sql: include_str!("schema_v5.surql"),
    },
    Migration {
        version: 6,
        name: "policy decisions, drafts behind approval, approved language, notifications, audit per thread",
        sql: include_str!("schema_v6.surql"),
    },
    Migration {
        version: 7,
        name: "bulk messages; the thread's last inbound channel; campaign follow-up rules",
        sql: include_str!("schema_v7.surql"),
    },
    Migration {
        version: 8,
        name: "when we last wrote on each channel of a thread",
        sql: include_str!("schema_v8.surql"),
    },
    Migration {
        version: 9,
        name: "prospect stage, archived enrollments and clients, campaign terms, creator tags, CSV import jobs",
        sql: include_str!("schema_v9.surql"),
    },
    Migration {
        version: 10,
        name: "messages carry their creator; imports write their own identity lookups",
        sql: include_str!("schema_v10.surql"),
    },
    Migration {
        version: 11,
        name: "invitations, deactivated members, password resets, idle sessions",
        sql: include_str!("schema_v11.surql"),
    },
    Migration {
        version: 12,
        name: "several channel accounts per workspace, claimed once; message and campaign senders",
        sql: include_str!("schema_v12.surql"),
    },
    Migration {
        version: 13,
        name: "replies submitted for review and drafts escalated to an owner",
        sql: include_str!("schema_v13.surql"),
    },
    Migration {
        version: 14,
        name: "approved language per campaign",
        sql: include_str!("schema_v14.surql"),
    },
    Migration {
        version: 15,
        name: "content approved as a stage",
        sql: include_str!("schema_v15.surql"),
    },
    Migration {
        version: 16,
        name: "corrected message labels",
        sql: include_str!("schema_v16.surql"),
    },
    Migration {
        version: 17,
        name: "decline reason on the thread",
        sql: include_str!("schema_v17.surql"),
    },
    Migration {
        version: 18,
        name: "open topics and post-by date on the thread",
        sql: include_str!("schema_v18.surql"),
    },
    Migration {
        version: 19,
        name: "metric events, per-thread contributions and daily figures",
        sql: include_str!("schema_v19.surql"),
    },
    Migration {
        version: 20,
        name: "sign-in throttle versions",
        sql: include_str!("schema_v20.surql"),
    },
    Migration {
        version: 21,
        name: "open spells kept by the hour they began",
        sql: include_str!("schema_v21.surql"),
    },
    Migration {
        version: 22,
        name: "unverified email senders",
        sql: include_str!("schema_v22.surql"),
    },
    Migration {
        version: 23,
        name: "sealed, rotatable API-channel keys",
        sql: include_str!("schema_v23.surql"),
    },
    Migration {
        version: 24,
        name: "kept report tallies as JSON text",
        sql: include_str!("schema_v24.surql"),
    },
    Migration {
        version: 25,
        name: "the Overdue view by when each wait began",
        sql: include_str!("schema_v25.surql"),
    },
    Migration {
        version: 26,
        name: "search by the start of any word, from an index",
        sql: include_str!("schema_v26.surql"),
    },
    Migration {
        version: 27,
        name: "embed partners, single-use tokens and frame sessions",
        sql: include_str!("schema_v27.surql"),
    },
    Migration {
        version: 28,
        name: "who acts inside an embedded frame",
        sql: include_str!("schema_v28.surql"),
    },
    Migration {
        version: 29,
        name: "search terms computed when the search text changes",
        sql: include_str!("schema_v29.surql"),
    },
    Migration {
        version: 30,
        name: "a thread's newest messages by an ascending index",
        sql: include_str!("schema_v30.surql"),
    },
];

/// Values the schema reads that the domain defines, so no `.surql` file spells them:
/// `$sensitive_intents` (`Intent::is_sensitive`, read by `message.topics`, v18) and
/// `$search_prefix_max` (`search::PREFIX_MAX`, read by `fn::search_terms`, v26). Defined before
/// any migration runs, at every start.
async fn define_domain_params(db: &Db) -> Result<(), DbError> {
    use app::domain::classify::Intent;
    let sensitive: Vec<&str> = Intent::ALL
        .into_iter()
        .filter(|i| i.is_sensitive())
        .map(|i| i.as_str())
        .collect();
    exec(
        db,
        "DEFINE PARAM OVERWRITE $sensitive_intents VALUE $list;",
        serde_json::json!({ "list": sensitive }),
    )
    .await?;
    exec(
        db,
        "DEFINE PARAM OVERWRITE $search_prefix_max VALUE $max;",
        serde_json::json!({ "max": app::domain::search::PREFIX_MAX }),
    )
    .await?;
    Ok(())
}

#[derive(serde::Deserialize)]
struct Applied {
    version: i64,
}

/// The highest applied version (0 for an empty database).
pub async fn current_version(db: &Db) -> Result<i64, DbError> {
    exec(
        db,
        "DEFINE TABLE IF NOT EXISTS migration SCHEMALESS;",
        serde_json::json!({}),
    )
    .await?;
    let mut resp = exec(
        db,
        "SELECT version FROM migration ORDER BY version DESC LIMIT 1;",
        serde_json::json!({}),
    )
    .await?;
    Ok(first::<Applied>(&mut resp, 0)?.map_or(0, |a| a.version))
}

/// Applies every migration newer than the database. Returns the versions applied.
pub async fn migrate(db: &Db, now_ms: i64) -> Result<Vec<i64>, DbError> {
    migrate_up_to(db, now_ms, i64::MAX).await
}

/// Applies the migrations newer than the database up to `version` (tests of one migration).
pub async fn migrate_up_to(db: &Db, now_ms: i64, version: i64) -> Result<Vec<i64>, DbError> {
    let current = current_version(db).await?;
    define_domain_params(db).await?;
    let mut applied = Vec::new();
    for m in MIGRATIONS
        .iter()
        .filter(|m| m.version > current && m.version <= version)
    {
        let sql = format!(
            "BEGIN TRANSACTION;\n{}\nCREATE type::record('migration', $version) SET version = $version, name = $name, applied_at = $now;\nCOMMIT TRANSACTION;",
            m.sql
        );
        exec(
            db,
            &sql,
            serde_json::json!({ "version": m.version, "name": m.name, "now": now_ms }),
        )
        .await
        .map_err(|e| DbError::Other(format!("migration {} ({}) failed: {e}", m.version, m.name)))?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
        applied.push(m.version);
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn memory_db() -> Db {
        let config = crate::config::Config::from_vars(
            &[("INBOX_DATABASE", "mem://"), ("INBOX_DEV", "1")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
        .unwrap();
        crate::db::connect(&config).await.unwrap()
    }

    #[test]
    fn versions_are_increasing() {
        let versions: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
        let mut sorted = versions.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(versions, sorted);
        assert_eq!(versions.first(), Some(&1));
    }

    /// v5 gives messages and Unmatched entries stored before dedupe keys existed the key the
    /// code computes, so a redelivery of them is recognized.
    #[tokio::test]
    async fn v5_keys_match_the_code() {
        let db = memory_db().await;
        migrate_up_to(&db, 1, 4).await.unwrap();
        crate::db::exec(
            &db,
            "CREATE message:m1 SET workspace = workspace:w1, thread = thread:t1, direction = 'inbound', channel = 'sms',
                 sender_kind = 'creator', sender_name = 'Maya', text = 'hi', at = 5, status = 'received', external_id = 'SM1';
             CREATE message:m2 SET workspace = workspace:w1, thread = thread:t1, direction = 'outbound', channel = 'sms',
                 sender_kind = 'teammate', sender_name = 'Dana', text = 'hello', at = 6, status = 'sent', external_id = 'SM2';
             CREATE unmatched:u1 SET workspace = workspace:w1, channel = 'instagram', address = '901', text = 'yo',
                 external_id = 'mid.7', at = 7;",
            serde_json::json!({}),
        )
        .await
        .unwrap();
        assert_eq!(migrate_up_to(&db, 2, 5).await.unwrap(), vec![5]);
        let mut resp = crate::db::exec(
            &db,
            "SELECT record::id(id) AS id, message FROM inbound_key ORDER BY id;",
            serde_json::json!({}),
        )
        .await
        .unwrap();
        let keys: Vec<serde_json::Value> = resp.take(0).unwrap();
        let mut want = vec![
            serde_json::json!({ "id": crate::db::inbound_key("w1", "sms", "SM1"), "message": "m1" }),
            serde_json::json!({ "id": crate::db::inbound_key("w1", "instagram", "mid.7"), "message": null }),
        ];
        want.sort_by_key(|k| k["id"].as_str().unwrap().to_string());
        assert_eq!(keys, want);
    }

    /// v10's literal identity type keeps v1's checks: a known channel and consent, an address,
    /// nothing else.
    #[tokio::test]
    async fn v10_identities_keep_their_checks() {
        let db = memory_db().await;
        migrate(&db, 1).await.unwrap();
        let create = |identity: serde_json::Value| {
            let db = db.clone();
            async move {
                crate::db::exec(
                    &db,
                    "CREATE creator SET workspace = workspace:w1, name = 'Maya', handle = '', notes = '', search = '',
                         created_at = 1, identities = [$i];",
                    serde_json::json!({ "i": identity }),
                )
                .await
                .and_then(|mut r| r.take::<Vec<serde_json::Value>>(0).map_err(Into::into))
            }
        };
        let ok = create(
            serde_json::json!({ "channel": "email", "address": "m@x.test", "consent": "unknown" }),
        )
        .await;
        assert!(ok.is_ok(), "{ok:?}");
        for bad in [
            serde_json::json!({ "channel": "fax", "address": "1", "consent": "unknown" }),
            serde_json::json!({ "channel": "sms", "address": "+15125550100", "consent": "maybe" }),
            serde_json::json!({ "channel": "sms", "consent": "unknown" }),
            serde_json::json!({ "channel": "sms", "address": 5, "consent": "unknown" }),
            serde_json::json!({ "channel": "sms", "address": "+15125550100", "consent": "unknown", "extra": 1 }),
        ] {
            assert!(create(bad.clone()).await.is_err(), "{bad} was stored");
        }
    }

    /// v12 claims what each existing connection holds, labels it and makes it its channel's
    /// default, so webhooks keep finding them and no other workspace can take them.
    #[tokio::test]
    async fn v12_claims_existing_connections() {
        let db = memory_db().await;
        migrate_up_to(&db, 1, 11).await.unwrap();
        let sid = format!("AC{}", "a1".repeat(16));
        crate::db::exec(
            &db,
            "CREATE mailbox:w1 SET workspace = workspace:w1, address = 'team@brand.test', display_name = 'Team',
                 imap = {}, smtp = {}, secret_sealed = 's', xoauth2 = false, last_uid = 7, updated_at = 5;
             CREATE sms_account:w1 SET workspace = workspace:w1, account_sid = $sid, auth_token_sealed = 's',
                 numbers = ['+14155550100', '+14155550101'], messaging_service_sid = 'MG1', updated_at = 5;
             CREATE instagram_account:w2 SET workspace = workspace:w2, account_id = '178', username = 'brand',
                 access_token_sealed = 's', updated_at = 5;",
            serde_json::json!({ "sid": sid }),
        )
        .await
        .unwrap();
        assert_eq!(migrate_up_to(&db, 9, 12).await.unwrap(), vec![12]);
        let mut resp = crate::db::exec(
            &db,
            "SELECT VALUE [id[0], id[1], record::id(workspace), record::id(account)] FROM channel_claim;
             SELECT VALUE [label, is_default, created_at] FROM mailbox;
             SELECT VALUE [label, is_default] FROM sms_account;
             SELECT VALUE [label, is_default] FROM instagram_account;",
            serde_json::json!({}),
        )
        .await
        .unwrap();
        let mut claims: Vec<serde_json::Value> = resp.take(0).unwrap();
        claims.sort_by_key(|c| c.to_string());
        let mut want = vec![
            serde_json::json!(["instagram", "178", "w2", "w2"]),
            serde_json::json!(["mailbox", "team@brand.test", "w1", "w1"]),
            serde_json::json!(["sms_number", "+14155550100", "w1", "w1"]),
            serde_json::json!(["sms_number", "+14155550101", "w1", "w1"]),
            serde_json::json!(["sms_service", "MG1", "w1", "w1"]),
            serde_json::json!(["twilio_account", sid, "w1", "w1"]),
        ];
        want.sort_by_key(|c| c.to_string());
        assert_eq!(claims, want);
        let mailbox: Vec<serde_json::Value> = resp.take(1).unwrap();
        assert_eq!(mailbox, [serde_json::json!(["team@brand.test", true, 5])]);
        let sms: Vec<serde_json::Value> = resp.take(2).unwrap();
        assert_eq!(sms, [serde_json::json!([sid, true])]);
        let ig: Vec<serde_json::Value> = resp.take(3).unwrap();
        assert_eq!(ig, [serde_json::json!(["brand", true])]);
    }
}
