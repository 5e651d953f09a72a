//! Merging two creator records that are the same person: which of the duplicate's campaign
//! threads simply change owner, and which fold into the kept creator's thread for the same
//! campaign. Pure; the store applies the plan and keeps what undoing it needs.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedThread {
    pub thread: String,
    pub enrollment: String,
    pub campaign: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergePlan {
    /// The duplicate's threads in campaigns the kept creator is not in: they change owner.
    pub repoint: Vec<OwnedThread>,
    /// The duplicate's threads in campaigns the kept creator is in too: their messages move into
    /// the kept thread (`.1`) and the duplicate's thread and enrollment are removed.
    pub fold: Vec<(OwnedThread, String)>,
}

pub fn plan_merge(keep: &[OwnedThread], duplicate: &[OwnedThread]) -> MergePlan {
    let mut plan = MergePlan::default();
    for d in duplicate {
        match keep.iter().find(|k| k.campaign == d.campaign) {
            Some(k) => plan.fold.push((d.clone(), k.thread.clone())),
            None => plan.repoint.push(d.clone()),
        }
    }
    plan
}

/// Why two creators cannot be merged, if they cannot.
pub fn check_merge(
    keep: &str,
    duplicate: &str,
    duplicate_already_merged: bool,
) -> Result<(), String> {
    if keep == duplicate {
        return Err("a creator cannot be merged with itself".into());
    }
    if duplicate_already_merged {
        return Err("that creator was already merged into another".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(thread: &str, campaign: &str) -> OwnedThread {
        OwnedThread {
            thread: thread.into(),
            enrollment: format!("e-{thread}"),
            campaign: campaign.into(),
        }
    }

    #[test]
    fn plan_table() {
        let keep = vec![t("k1", "winter"), t("k2", "spring")];
        let cases: Vec<(Vec<OwnedThread>, Vec<&str>, Vec<(&str, &str)>)> = vec![
            (vec![], vec![], vec![]),
            (vec![t("d1", "summer")], vec!["d1"], vec![]),
            (vec![t("d1", "winter")], vec![], vec![("d1", "k1")]),
            (
                vec![t("d1", "winter"), t("d2", "summer"), t("d3", "spring")],
                vec!["d2"],
                vec![("d1", "k1"), ("d3", "k2")],
            ),
        ];
        for (dup, repoint, fold) in cases {
            let p = plan_merge(&keep, &dup);
            assert_eq!(
                p.repoint
                    .iter()
                    .map(|x| x.thread.as_str())
                    .collect::<Vec<_>>(),
                repoint
            );
            assert_eq!(
                p.fold
                    .iter()
                    .map(|(d, k)| (d.thread.as_str(), k.as_str()))
                    .collect::<Vec<_>>(),
                fold
            );
        }
    }

    #[test]
    fn checks() {
        assert!(check_merge("a", "a", false).is_err());
        assert!(check_merge("a", "b", true).is_err());
        assert!(check_merge("a", "b", false).is_ok());
    }
}
