//! A campaign's library: the workspace's (built-in entries replaced by the workspace's own),
//! then the campaign's negotiation language and creator guidance as entries of their own, then
//! the campaign's stored entries, each replacing any entry with the same key.

use super::Snippet;

/// Where an entry of a campaign's library comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    BuiltIn,
    Workspace,
    Campaign,
}

/// The key of the entry made from a campaign's negotiation language.
pub const NEGOTIATION_KEY: &str = "campaign_negotiation";
/// The key of the entry made from a campaign's creator guidance.
pub const GUIDANCE_KEY: &str = "campaign_guidance";

/// The library a campaign's replies use, each entry with where it comes from.
pub fn campaign_library(
    workspace: Vec<Snippet>,
    negotiation_language: &str,
    creator_guidance: &str,
    campaign: Vec<Snippet>,
) -> Vec<(Snippet, Scope)> {
    let built_in: Vec<String> = super::defaults().into_iter().map(|s| s.key).collect();
    let mut out: Vec<(Snippet, Scope)> = super::library(workspace.clone())
        .into_iter()
        .map(|s| {
            let scope = if built_in.contains(&s.key) && !workspace.iter().any(|w| w.key == s.key) {
                Scope::BuiltIn
            } else {
                Scope::Workspace
            };
            (s, scope)
        })
        .collect();
    let derived = [
        (
            NEGOTIATION_KEY,
            "Negotiation language",
            "negotiation",
            negotiation_language,
        ),
        (
            GUIDANCE_KEY,
            "Creator guidance",
            "guidance",
            creator_guidance,
        ),
    ]
    .into_iter()
    .filter(|(_, _, _, body)| !body.trim().is_empty())
    .map(|(key, title, category, body)| Snippet {
        key: key.into(),
        title: title.into(),
        category: category.into(),
        body: body.trim().to_string(),
        campaign: None,
    });
    for s in derived.chain(campaign) {
        match out.iter_mut().find(|(o, _)| o.key == s.key) {
            Some(o) => *o = (s, Scope::Campaign),
            None => out.push((s, Scope::Campaign)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(key: &str, body: &str) -> Snippet {
        Snippet {
            key: key.into(),
            title: key.into(),
            category: "x".into(),
            body: body.into(),
            campaign: None,
        }
    }

    #[test]
    fn the_campaign_overrides_the_workspace_which_overrides_the_built_ins() {
        let lib = campaign_library(
            vec![
                s("rate_reply", "workspace rate"),
                s("welcome", "workspace welcome"),
            ],
            "Warm and direct.",
            " ",
            vec![s("welcome", "campaign welcome"), s("faq", "campaign faq")],
        );
        let find = |k: &str| lib.iter().find(|(x, _)| x.key == k).cloned();
        assert_eq!(
            find("shipping_confirmation").map(|x| x.1),
            Some(Scope::BuiltIn)
        );
        assert_eq!(
            find("rate_reply").map(|x| (x.0.body, x.1)),
            Some(("workspace rate".into(), Scope::Workspace))
        );
        assert_eq!(
            find("welcome").map(|x| (x.0.body, x.1)),
            Some(("campaign welcome".into(), Scope::Campaign))
        );
        assert_eq!(find("faq").map(|x| x.1), Some(Scope::Campaign));
        assert_eq!(
            find(NEGOTIATION_KEY).map(|x| (x.0.body, x.1)),
            Some(("Warm and direct.".into(), Scope::Campaign))
        );
        // Empty guidance makes no entry; every key appears once.
        assert_eq!(find(GUIDANCE_KEY), None);
        let mut keys: Vec<&str> = lib.iter().map(|(x, _)| x.key.as_str()).collect();
        let n = keys.len();
        keys.dedup();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }
}
