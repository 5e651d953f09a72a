//! Who may send a reply now. People are governed like automation: while a thread has an open
//! sensitive topic — the classifier's sensitive intents in the creator's messages since our last
//! reply by a teammate, or a draft still waiting for a role — a reply from someone below the role
//! the campaign's policy names for those topics on that channel is not sent: it becomes a draft
//! submitted for review by that role.

use super::classify::Intent;
use super::draft::rank;
use super::policy::ResponsePolicy;
use crate::model::{Channel, Role};
use serde::{Deserialize, Serialize};

/// What a reply on a thread meets.
pub struct Gate<'a> {
    pub policy: &'a ResponsePolicy,
    pub channel: Channel,
    /// Sensitive intents in the creator's messages since our last teammate reply.
    pub open_topics: &'a [Intent],
    /// The strictest role an open draft on the thread waits for.
    pub open_draft_role: Option<Role>,
}

/// A reply that needs a reviewer: the least role that may approve it and the topics why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedsReview {
    pub channel: Channel,
    pub role: Role,
    pub topics: Vec<Intent>,
    /// An open draft waits for `role` (besides or instead of the topics).
    pub draft_waiting: bool,
}

impl NeedsReview {
    /// What the composer says before sending, e.g. "This reply needs a manager's approval: rate /
    /// negotiation, usage rights".
    pub fn notice(&self) -> String {
        let who = match self.role {
            Role::Owner => "an owner's",
            Role::Manager => "a manager's",
            _ => "a teammate's",
        };
        let mut why: Vec<String> = self
            .topics
            .iter()
            .map(|t| t.label().to_lowercase())
            .collect();
        if self.draft_waiting {
            why.push("a draft waiting for review".into());
        }
        format!("This reply needs {who} approval: {}", why.join(", "))
    }
}

/// Whether someone with `sender`'s role may send a reply now (`None`), or it needs review.
pub fn review_needed(gate: &Gate<'_>, sender: Role) -> Option<NeedsReview> {
    if gate.channel == Channel::Note {
        return None;
    }
    let mut topics: Vec<Intent> = Vec::new();
    let mut required: Option<Role> = None;
    let stricter = |a: Option<Role>, b: Role| match a {
        Some(a) if rank(a) >= rank(b) => Some(a),
        _ => Some(b),
    };
    for t in gate.open_topics {
        if let Some(role) = gate.policy.review_role(*t, gate.channel) {
            if rank(sender) < rank(role) && !topics.contains(t) {
                topics.push(*t);
            }
            required = stricter(required, role);
        }
    }
    let draft_waiting = gate.open_draft_role.is_some_and(|r| rank(sender) < rank(r));
    if let Some(r) = gate.open_draft_role {
        required = stricter(required, r);
    }
    let role = required?;
    (rank(sender) < rank(role)).then_some(NeedsReview {
        channel: gate.channel,
        role,
        topics,
        draft_waiting,
    })
}

/// The sensitive intents still open: those of the creator's messages after our last teammate
/// reply (`last_reply_at`), each once, in the order they were first raised.
pub fn open_topics(
    last_reply_at: Option<i64>,
    creator_messages: &[(i64, Vec<Intent>)],
) -> Vec<Intent> {
    let mut out = Vec::new();
    let mut msgs: Vec<&(i64, Vec<Intent>)> = creator_messages
        .iter()
        .filter(|(at, _)| last_reply_at.is_none_or(|r| *at > r))
        .collect();
    msgs.sort_by_key(|(at, _)| *at);
    for (_, intents) in msgs {
        let sensitive: Vec<Intent> = intents
            .iter()
            .copied()
            .filter(|i| i.is_sensitive())
            .collect();
        out = union(out, &sensitive);
    }
    out
}

/// How new messages move a thread's open topics, kept on the thread as they are written
/// (`open_topics` over the whole history gives the same list): a creator's real message adds
/// its sensitive intents, our teammate's reply closes them all. Automatic replies, bulk
/// messages, notes and out-of-office answers change nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TopicsEffect {
    pub reset: bool,
    pub add: Vec<Intent>,
}

impl TopicsEffect {
    /// A creator's message with these intents.
    pub fn of_creator(intents: &[Intent]) -> TopicsEffect {
        if intents.contains(&Intent::AutoReply) {
            return TopicsEffect::default();
        }
        TopicsEffect {
            reset: false,
            add: intents
                .iter()
                .copied()
                .filter(|i| i.is_sensitive())
                .collect(),
        }
    }

    /// Our teammate's reply (not a bulk message, not a note).
    pub fn of_reply() -> TopicsEffect {
        TopicsEffect {
            reset: true,
            add: Vec::new(),
        }
    }

    /// This effect, then `next`.
    pub fn then(self, next: TopicsEffect) -> TopicsEffect {
        if next.reset {
            return next;
        }
        TopicsEffect {
            reset: self.reset,
            add: union(self.add, &next.add),
        }
    }

    pub fn apply(&self, current: &[Intent]) -> Vec<Intent> {
        let kept = if self.reset {
            Vec::new()
        } else {
            current.to_vec()
        };
        union(kept, &self.add)
    }

    pub fn changes_nothing(&self) -> bool {
        !self.reset && self.add.is_empty()
    }
}

fn union(mut a: Vec<Intent>, b: &[Intent]) -> Vec<Intent> {
    for i in b {
        if !a.contains(i) {
            a.push(*i);
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::{defaults, ReviewRule};
    use Intent::*;
    use Role::*;

    #[test]
    fn who_may_send_now() {
        let paid = defaults("paid"); // money and legal: owner; complaints: manager
        let mut sms_strict = defaults("gifting"); // money: manager
        sms_strict.review.push(ReviewRule {
            intent: Rate,
            role: Owner,
            channel: Some(Channel::Sms),
        });
        let none: &[Intent] = &[];
        // (policy, channel, open topics, open draft role, sender) → needed role, topics
        let cases: Vec<(
            &ResponsePolicy,
            Channel,
            &[Intent],
            Option<Role>,
            Role,
            Option<(Role, Vec<Intent>)>,
        )> = vec![
            // Nothing open: anyone who can write sends.
            (&paid, Channel::Email, none, None, Member, None),
            // A rate question on a paid campaign: members and managers submit, owners send.
            (
                &paid,
                Channel::Email,
                &[Rate, UsageRights],
                None,
                Member,
                Some((Owner, vec![Rate, UsageRights])),
            ),
            (
                &paid,
                Channel::Email,
                &[Rate],
                None,
                Manager,
                Some((Owner, vec![Rate])),
            ),
            (&paid, Channel::Email, &[Rate], None, Owner, None),
            // A complaint needs a manager: a manager sends.
            (&paid, Channel::Sms, &[Complaint], None, Manager, None),
            (
                &paid,
                Channel::Sms,
                &[Complaint],
                None,
                Member,
                Some((Manager, vec![Complaint])),
            ),
            // Topics no rule names, and intents that are not sensitive, do not hold a reply.
            (
                &paid,
                Channel::Email,
                &[Question, Accepted],
                None,
                Member,
                None,
            ),
            // A channel's own rule: rate questions by SMS go to an owner on this gifting campaign…
            (
                &sms_strict,
                Channel::Sms,
                &[Rate],
                None,
                Manager,
                Some((Owner, vec![Rate])),
            ),
            // …while by email a manager may answer them.
            (&sms_strict, Channel::Email, &[Rate], None, Manager, None),
            (
                &sms_strict,
                Channel::Email,
                &[Rate],
                None,
                Member,
                Some((Manager, vec![Rate])),
            ),
            // A draft waiting for an owner holds everyone below an owner, topics or not.
            (
                &paid,
                Channel::InApp,
                none,
                Some(Owner),
                Manager,
                Some((Owner, vec![])),
            ),
            (&paid, Channel::InApp, none, Some(Manager), Manager, None),
            // Notes are internal: never held.
            (&paid, Channel::Note, &[Legal], Some(Owner), Member, None),
        ];
        for (policy, channel, topics, draft, sender, want) in cases {
            let gate = Gate {
                policy,
                channel,
                open_topics: topics,
                open_draft_role: draft,
            };
            let got = review_needed(&gate, sender).map(|n| (n.role, n.topics));
            assert_eq!(got, want, "{channel:?} {topics:?} {draft:?} {sender:?}");
        }
    }

    #[test]
    fn the_notice_names_the_role_and_the_topics() {
        let n = NeedsReview {
            channel: Channel::Email,
            role: Manager,
            topics: vec![Rate, UsageRights],
            draft_waiting: false,
        };
        assert_eq!(
            n.notice(),
            "This reply needs a manager's approval: rate / negotiation, usage rights"
        );
        let d = NeedsReview {
            channel: Channel::Sms,
            role: Owner,
            topics: vec![],
            draft_waiting: true,
        };
        assert_eq!(
            d.notice(),
            "This reply needs an owner's approval: a draft waiting for review"
        );
    }

    #[test]
    fn topics_stay_open_until_a_teammate_replies() {
        let msgs = vec![
            (10, vec![Rate, Question]),
            (30, vec![UsageRights]),
            (20, vec![Legal, Rate]),
        ];
        assert_eq!(open_topics(None, &msgs), vec![Rate, Legal, UsageRights]);
        assert_eq!(open_topics(Some(20), &msgs), vec![UsageRights]);
        assert_eq!(open_topics(Some(30), &msgs), Vec::<Intent>::new());
    }

    /// Kept one message at a time (and composed for a group written together), the open topics
    /// are what `open_topics` reads from the whole history.
    #[test]
    fn open_topics_kept_as_messages_arrive() {
        use Intent::*;
        let creator = |at: i64, i: &[Intent]| (at, Some(i.to_vec()));
        let reply = |at: i64| (at, None);
        let histories: Vec<Vec<(i64, Option<Vec<Intent>>)>> = vec![
            vec![creator(1, &[Rate, Question])],
            vec![creator(1, &[Rate]), creator(2, &[Legal, Rate]), reply(3)],
            vec![
                creator(1, &[Rate]),
                reply(2),
                creator(3, &[UsageRights, Accepted]),
            ],
            vec![creator(1, &[AutoReply, Complaint]), creator(2, &[Payment])],
            vec![
                reply(1),
                creator(2, &[Exclusivity]),
                creator(3, &[Complaint, Exclusivity]),
            ],
        ];
        for h in histories {
            let effect = |(_, m): &(i64, Option<Vec<Intent>>)| match m {
                Some(i) => TopicsEffect::of_creator(i),
                None => TopicsEffect::of_reply(),
            };
            let one_by_one = h.iter().fold(Vec::new(), |open, m| effect(m).apply(&open));
            let together = h
                .iter()
                .map(effect)
                .fold(TopicsEffect::default(), TopicsEffect::then)
                .apply(&[]);
            let last_reply = h
                .iter()
                .filter(|(_, m)| m.is_none())
                .map(|(at, _)| *at)
                .next_back();
            let creators: Vec<(i64, Vec<Intent>)> = h
                .iter()
                .filter_map(|(at, m)| {
                    m.clone()
                        .filter(|i| !i.contains(&AutoReply))
                        .map(|i| (*at, i))
                })
                .collect();
            let whole = open_topics(last_reply, &creators);
            assert_eq!(one_by_one, whole, "{h:?}");
            assert_eq!(together, whole, "{h:?}");
        }
    }
}
