//! Which campaign thread a known creator's inbound message belongs to. Pure; the stores resolve
//! what the message answers and the creator's threads, this decides.

use crate::domain::email::normalize_subject;

/// A candidate thread for a known creator's inbound message.
#[derive(Clone, Debug, PartialEq)]
pub struct CandidateThread {
    pub id: String,
    /// Normalized subjects of the thread's emails.
    pub subjects: Vec<String>,
    pub open: bool,
    pub last_at: i64,
}

/// Where an inbound message goes, and whether a person should check the campaign.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribution {
    pub thread: String,
    pub check_campaign: bool,
    pub why: &'static str,
}

/// Which of the sender's threads a message belongs to: the thread of the message it answers
/// (email: In-Reply-To/References; SMS/Instagram: our latest message to them on that channel —
/// resolved by the caller to `answered`); else (email) the thread whose emails share its subject;
/// else the single open thread; else the most recent, flagged "check campaign".
/// Never a thread of another creator: `threads` are the sender's only.
pub fn attribute(
    answered: Option<&str>,
    subject: &str,
    threads: &[CandidateThread],
) -> Option<Attribution> {
    if let Some(t) = answered.filter(|t| threads.iter().any(|c| c.id == *t)) {
        return Some(Attribution {
            thread: t.to_string(),
            check_campaign: false,
            why: "answers a message in this thread",
        });
    }
    let subj = normalize_subject(subject);
    if !subj.is_empty() {
        let same: Vec<&CandidateThread> = threads
            .iter()
            .filter(|c| c.subjects.contains(&subj))
            .collect();
        if let Some(best) = same.iter().max_by_key(|c| c.last_at) {
            return Some(Attribution {
                thread: best.id.clone(),
                check_campaign: same.len() > 1,
                why: "same subject as this thread",
            });
        }
    }
    let open: Vec<&CandidateThread> = threads.iter().filter(|c| c.open).collect();
    if open.len() == 1 {
        return Some(Attribution {
            thread: open[0].id.clone(),
            check_campaign: false,
            why: "the creator's only open campaign",
        });
    }
    threads
        .iter()
        .max_by_key(|c| c.last_at)
        .map(|c| Attribution {
            thread: c.id.clone(),
            check_campaign: true,
            why: "the creator's most recent campaign",
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribution_table() {
        let t = |id: &str, subjects: &[&str], open: bool, last_at: i64| CandidateThread {
            id: id.into(),
            subjects: subjects.iter().map(|s| s.to_string()).collect(),
            open,
            last_at,
        };
        let two = vec![
            t("a", &["winter glow × maya"], true, 10),
            t("b", &["trail snacks × maya"], true, 20),
        ];
        let one_open = vec![t("a", &[], true, 10), t("b", &[], false, 20)];
        let closed = vec![t("a", &[], false, 10), t("b", &[], false, 20)];
        let none: Vec<CandidateThread> = vec![];
        let cases: Vec<(
            Option<&str>,
            &str,
            &Vec<CandidateThread>,
            Option<(&str, bool)>,
        )> = vec![
            (Some("a"), "anything", &two, Some(("a", false))),
            (
                Some("zzz"),
                "Re: Winter Glow × Maya",
                &two,
                Some(("a", false)),
            ),
            (None, "RE: Trail Snacks × Maya", &two, Some(("b", false))),
            (None, "New question", &two, Some(("b", true))),
            (None, "New question", &one_open, Some(("a", false))),
            (None, "New question", &closed, Some(("b", true))),
            (None, "hello", &none, None),
        ];
        for (answered, subject, threads, want) in cases {
            let got = attribute(answered, subject, threads).map(|a| (a.thread, a.check_campaign));
            assert_eq!(
                got.as_ref().map(|(t, c)| (t.as_str(), *c)),
                want,
                "{answered:?} {subject}"
            );
        }
    }
}
