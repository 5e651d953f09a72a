//! `server rotate-secret`: every sealed value (`store::secrets`) is opened with the new
//! `INBOX_SECRET` or, failing that, the old one (`INBOX_OLD_SECRET`), and sealed again under the
//! new secret in the current format (`sealed`, v2). Values already under the new secret in the
//! current format are left alone, so a run that stopped half-way can be run again. A value
//! neither secret opens is counted and left as it is (its connection must be entered again).

use crate::db::{Db, DbError};
use crate::sealed::{self, Field};
use crate::store::secrets::{self, SealedValue};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rotation {
    /// Sealed again under the new secret.
    pub resealed: usize,
    /// Already sealed under the new secret in the current format.
    pub current: usize,
    /// Opened by neither secret.
    pub unopened: Vec<String>,
}

fn field(v: &SealedValue) -> Field<'_> {
    Field {
        workspace: &v.workspace,
        name: v.field,
    }
}

/// Reseals every value under `new_secret`.
pub async fn rotate(db: &Db, old_secret: &str, new_secret: &str) -> Result<Rotation, DbError> {
    let mut out = Rotation::default();
    for v in secrets::all(db).await? {
        let f = field(&v);
        let plain = match sealed::unseal(new_secret, f, &v.value) {
            Some(_) if sealed::is_current(&v.value) => {
                out.current += 1;
                continue;
            }
            Some(p) => Some(p),
            None => sealed::unseal(old_secret, f, &v.value),
        };
        let Some(plain) = plain else {
            tracing::warn!(table = v.table, id = %v.id, "a sealed value opens with neither secret");
            out.unopened
                .push(format!("{}:{} ({})", v.table, v.id, v.column));
            continue;
        };
        // Changed since it was read (a teammate reconnected): it is under the new secret now.
        if secrets::replace(db, &v, &sealed::seal(new_secret, f, &plain)).await? {
            out.resealed += 1;
        }
    }
    Ok(out)
}
