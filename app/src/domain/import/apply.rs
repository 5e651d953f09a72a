//! What importing one checked row does to the workspace: create a creator, update the one it
//! matches by identity (only when the team chose "update", and only if something differs), or
//! leave them as they are. Importing the same file twice therefore changes nothing.

use super::ImportedCreator;
use crate::model::Channel;
use serde::{Deserialize, Serialize};

/// A creator already in the workspace, as a row is compared with them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Existing {
    pub id: String,
    pub name: String,
    pub handle: String,
    pub notes: String,
    pub tags: Vec<String>,
    pub rate_cents: Option<i64>,
    /// Custom fields by label.
    pub custom: std::collections::BTreeMap<String, String>,
    /// (channel, address) of every identity.
    pub identities: Vec<(Channel, String)>,
}

/// The creator's fields once a row is imported (what is written for a new or updated creator).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatorFields {
    pub name: String,
    pub handle: String,
    pub notes: String,
    pub tags: Vec<String>,
    pub rate_cents: Option<i64>,
    pub custom: std::collections::BTreeMap<String, String>,
    /// Identities to add (consent unknown until the creator says otherwise).
    pub new_identities: Vec<(Channel, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowAction {
    Create(CreatorFields),
    Update {
        id: String,
        fields: CreatorFields,
    },
    /// Matched an existing creator who stays as they are.
    Keep {
        id: String,
    },
    /// Why the row is skipped at import time.
    Skip(String),
}

/// The identities a row names, as stored: email and phone as normalized, Instagram as `@name`.
pub fn identities(row: &ImportedCreator) -> Vec<(Channel, String)> {
    let mut out = Vec::new();
    if let Some(e) = &row.email {
        out.push((Channel::Email, e.clone()));
    }
    if let Some(p) = &row.phone {
        out.push((Channel::Sms, p.clone()));
    }
    if let Some(i) = &row.instagram {
        out.push((Channel::Instagram, format!("@{i}")));
    }
    out
}

/// What a creator is found by in the Creators search: name, handle and email, lowercase.
pub fn search_text(name: &str, handle: &str, identities: &[(Channel, String)]) -> String {
    let email = identities
        .iter()
        .find(|(c, _)| *c == Channel::Email)
        .map(|(_, a)| a.as_str())
        .unwrap_or("");
    format!(
        "{} {} {}",
        name.to_lowercase(),
        handle.to_lowercase(),
        email
    )
    .trim()
    .to_string()
}

/// What importing `row` does, given the distinct creators its identities already belong to.
pub fn plan(row: &ImportedCreator, matches: &[Existing], update: bool) -> RowAction {
    match matches {
        [] => RowAction::Create(fields(row, None)),
        [one] if !update => RowAction::Keep { id: one.id.clone() },
        [one] => {
            let f = fields(row, Some(one));
            let same = f.new_identities.is_empty()
                && f.name == one.name
                && f.handle == one.handle
                && f.notes == one.notes
                && f.tags == one.tags
                && f.rate_cents == one.rate_cents
                && f.custom == one.custom;
            if same {
                RowAction::Keep { id: one.id.clone() }
            } else {
                RowAction::Update {
                    id: one.id.clone(),
                    fields: f,
                }
            }
        }
        many => {
            let names: Vec<&str> = many.iter().map(|m| m.name.as_str()).collect();
            RowAction::Skip(format!(
                "its contacts belong to {} different creators ({}): merge them first",
                many.len(),
                names.join(", ")
            ))
        }
    }
}

/// The row's values over the existing creator's: the row's name, handle, notes, rate and custom
/// fields where it has them, tags added to theirs, identities they lack added.
fn fields(row: &ImportedCreator, existing: Option<&Existing>) -> CreatorFields {
    let handle = row
        .handle
        .clone()
        .or_else(|| row.instagram.as_ref().map(|i| format!("@{i}")));
    let mut tags = existing.map(|e| e.tags.clone()).unwrap_or_default();
    for t in &row.tags {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    let mut custom = existing.map(|e| e.custom.clone()).unwrap_or_default();
    for (k, v) in &row.custom {
        custom.insert(k.clone(), v.clone());
    }
    let known = existing.map(|e| e.identities.as_slice()).unwrap_or(&[]);
    CreatorFields {
        name: row.name.clone(),
        handle: handle
            .or_else(|| existing.map(|e| e.handle.clone()))
            .unwrap_or_default(),
        notes: if row.notes.is_empty() {
            existing.map(|e| e.notes.clone()).unwrap_or_default()
        } else {
            row.notes.clone()
        },
        tags,
        rate_cents: row.rate_cents.or(existing.and_then(|e| e.rate_cents)),
        custom,
        new_identities: identities(row)
            .into_iter()
            .filter(|i| !known.contains(i))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ImportedCreator {
        ImportedCreator {
            name: "Maya Chen".into(),
            handle: Some("@mayacooks".into()),
            email: Some("maya@example.com".into()),
            phone: Some("+14155550100".into()),
            tags: vec!["food".into()],
            rate_cents: Some(120_000),
            custom: vec![("City".into(), "Austin".into())],
            ..Default::default()
        }
    }

    fn stored(r: &ImportedCreator) -> Existing {
        let f = fields(r, None);
        Existing {
            id: "c1".into(),
            name: f.name,
            handle: f.handle,
            notes: f.notes,
            tags: f.tags,
            rate_cents: f.rate_cents,
            custom: f.custom,
            identities: f.new_identities,
        }
    }

    #[test]
    fn a_row_creates_updates_keeps_or_is_skipped() {
        let same = stored(&row());
        let mut older = same.clone();
        older.rate_cents = Some(90_000);
        older.identities.retain(|(c, _)| *c == Channel::Email);
        let mut other = same.clone();
        other.id = "c2".into();
        other.name = "Maya C".into();
        type Case<'a> = (&'a str, Vec<Existing>, bool, fn(&RowAction) -> bool);
        let cases: Vec<Case> = vec![
            (
                "new",
                vec![],
                false,
                |a| matches!(a, RowAction::Create(f) if f.new_identities.len() == 2),
            ),
            ("new, update chosen", vec![], true, |a| {
                matches!(a, RowAction::Create(_))
            }),
            ("matched, keep chosen", vec![older.clone()], false, |a| {
                *a == RowAction::Keep { id: "c1".into() }
            }),
            ("matched, nothing differs", vec![same.clone()], true, |a| {
                *a == RowAction::Keep { id: "c1".into() }
            }),
            (
                "matched, rate and phone differ",
                vec![older.clone()],
                true,
                |a| {
                    matches!(a,
                RowAction::Update { id, fields } if id == "c1" && fields.rate_cents == Some(120_000)
                    && fields.new_identities == vec![(Channel::Sms, "+14155550100".to_string())])
                },
            ),
            (
                "two creators",
                vec![same.clone(), other],
                true,
                |a| matches!(a, RowAction::Skip(m) if m.contains("2 different creators")),
            ),
        ];
        for (what, matches, update, ok) in cases {
            let got = plan(&row(), &matches, update);
            assert!(ok(&got), "{what}: {got:?}");
        }
    }

    #[test]
    fn an_update_keeps_what_the_row_does_not_say() {
        let mut e = stored(&row());
        e.notes = "Prefers email".into();
        e.tags = vec!["vip".into()];
        e.custom.insert("Agency".into(), "Bright".into());
        let mut r = row();
        r.handle = None;
        r.rate_cents = None;
        r.phone = None;
        let RowAction::Update { fields, .. } = plan(&r, &[e], true) else {
            panic!("the new tag is a change")
        };
        assert_eq!(fields.notes, "Prefers email");
        assert_eq!(fields.tags, vec!["vip", "food"]);
        assert_eq!(fields.rate_cents, Some(120_000));
        assert_eq!(fields.handle, "@mayacooks");
        assert_eq!(
            fields.custom.get("Agency").map(String::as_str),
            Some("Bright")
        );
        assert!(fields.new_identities.is_empty());
    }
}
