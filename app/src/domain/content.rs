//! Content approval: when a creator hands in content, the team approves it (the enrollment moves
//! to Content approved; the next link the creator sends is the post) or asks for changes with
//! feedback, which goes to the creator as a reply governed like any other.

use super::stage::check_move;
use crate::model::Stage;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentDecision {
    Approve,
    RequestChanges,
}

impl ContentDecision {
    pub fn audit_action(self) -> &'static str {
        match self {
            ContentDecision::Approve => "content.approved",
            ContentDecision::RequestChanges => "content.changes_requested",
        }
    }
}

/// Hosts where a campaign's posts go live (a link there is the post, not a draft to review).
const POST_HOSTS: &[&str] = &[
    "instagram.com",
    "tiktok.com",
    "youtube.com",
    "youtu.be",
    "x.com",
    "twitter.com",
    "facebook.com",
    "fb.watch",
    "threads.net",
    "pinterest.com",
    "linkedin.com",
    "snapchat.com",
    "twitch.tv",
];

/// Whether `url` points at a post on a social platform (its host or a subdomain of one).
pub fn is_post_link(url: &str) -> bool {
    let rest = url
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let host = host.split(':').next().unwrap_or("");
    let path = &rest[rest.find('/').unwrap_or(rest.len())..];
    POST_HOSTS
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")))
        && path.trim_matches('/').len() > 1
}

/// The most feedback a change request carries.
pub const MAX_FEEDBACK_CHARS: usize = 2000;

/// Whether the decision can be taken on an enrollment at `stage`, and the stage it moves to
/// (`None`: it stays). Approving needs content that is not yet posted; asking for changes needs
/// feedback, and puts an enrollment that had not reached review there.
pub fn check(
    stage: Stage,
    decision: ContentDecision,
    feedback: &str,
) -> Result<Option<Stage>, String> {
    if stage.is_closed() || matches!(stage, Stage::Posted) {
        return Err(format!(
            "the enrollment is {}: there is no content to review",
            stage.label().to_lowercase()
        ));
    }
    let to = match decision {
        ContentDecision::Approve => Stage::ContentApproved,
        ContentDecision::RequestChanges => {
            let words = feedback.trim();
            if words.is_empty() || words.chars().count() > MAX_FEEDBACK_CHARS {
                return Err(format!(
                    "say what should change (up to {MAX_FEEDBACK_CHARS} characters)"
                ));
            }
            Stage::ContentDelivered
        }
    };
    if stage == to {
        return Ok(None);
    }
    // Changes asked after an approval go back to review; otherwise only forward.
    check_move(stage, to, None)
        .map(|()| Some(to))
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ContentDecision::*;
    use Stage::*;

    #[test]
    fn post_links_are_on_the_platforms() {
        let cases = [
            ("https://www.instagram.com/p/C9xyz/", true),
            ("https://www.tiktok.com/@maya/video/7301", true),
            ("https://youtu.be/dQw4w9WgXcQ", true),
            ("https://m.facebook.com/watch/?v=1", true),
            ("https://drive.example.com/d/draft-v2", false),
            ("https://wetransfer.com/downloads/abc", false),
            ("https://instagram.com/", false),
            ("https://notinstagram.com/p/1", false),
            ("https://instagram.com.evil.test/p/1", false),
        ];
        for (url, want) in cases {
            assert_eq!(is_post_link(url), want, "{url}");
        }
    }

    #[test]
    fn decisions_table() {
        let cases: &[(Stage, ContentDecision, &str, Result<Option<Stage>, &str>)] = &[
            (ContentDelivered, Approve, "", Ok(Some(ContentApproved))),
            (ProductShipped, Approve, "", Ok(Some(ContentApproved))),
            (ContentApproved, Approve, "", Ok(None)),
            (
                ContentDelivered,
                RequestChanges,
                "Please show the texture",
                Ok(None),
            ),
            (
                ProductShipped,
                RequestChanges,
                "Brighter light",
                Ok(Some(ContentDelivered)),
            ),
            (
                ContentApproved,
                RequestChanges,
                "One more take",
                Ok(Some(ContentDelivered)),
            ),
            (
                ContentDelivered,
                RequestChanges,
                "  ",
                Err("say what should change"),
            ),
            (Posted, Approve, "", Err("no content to review")),
            (Completed, RequestChanges, "x", Err("no content to review")),
            (Declined, Approve, "", Err("no content to review")),
        ];
        for (stage, decision, feedback, want) in cases {
            let got = check(*stage, *decision, feedback);
            match (got, want) {
                (Ok(g), Ok(w)) => assert_eq!(g, *w, "{stage:?} {decision:?}"),
                (Err(g), Err(w)) => assert!(g.contains(w), "{stage:?} {decision:?}: {g}"),
                (g, w) => panic!("{stage:?} {decision:?}: {g:?} vs {w:?}"),
            }
        }
        let long = "x".repeat(MAX_FEEDBACK_CHARS + 1);
        assert!(check(ContentDelivered, RequestChanges, &long).is_err());
    }
}
