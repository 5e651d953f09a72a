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
];

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
    let current = current_version(db).await?;
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
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

    #[test]
    fn versions_are_increasing() {
        let versions: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
        let mut sorted = versions.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(versions, sorted);
        assert_eq!(versions.first(), Some(&1));
    }
}
