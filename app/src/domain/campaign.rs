//! A campaign as a team edits it: every field checked and tidied before it is stored, and what a
//! copy of a campaign starts as.

use super::import::instagram_username;
use crate::model::CampaignForm;

pub const KINDS: [&str; 2] = ["gifting", "paid"];
pub const STATUSES: [&str; 3] = ["draft", "active", "closed"];
/// The platforms a campaign can run on (the editor's choices).
pub const PLATFORMS: [&str; 5] = ["Instagram", "TikTok", "YouTube", "Pinterest", "Blog"];

/// The largest rate ceiling a campaign may name: $1,000,000.
const MAX_CEILING_CENTS: i64 = 100_000_000;

/// `form` tidied (text trimmed, empty list entries dropped, `@` and `#` taken off tracking
/// targets, repeats removed), or what is wrong with it in words for the editor.
pub fn checked(form: &CampaignForm) -> Result<CampaignForm, String> {
    let mut f = form.clone();
    f.name = f.name.trim().to_string();
    within("The name", &f.name, 1, 120)?;
    if f.client_id.trim().is_empty() {
        return Err("Pick the client this campaign is for.".into());
    }
    if !KINDS.contains(&f.kind.as_str()) {
        return Err("A campaign is gifting or paid.".into());
    }
    if !STATUSES.contains(&f.status.as_str()) {
        return Err("A campaign is a draft, active or closed.".into());
    }
    f.platforms = list("Platforms", &f.platforms, 5, 30)?;
    if let Some(p) = f
        .platforms
        .iter()
        .find(|p| !PLATFORMS.contains(&p.as_str()))
    {
        return Err(format!("\"{p}\" is not a platform this product knows."));
    }
    for (label, text, max) in [
        ("The brief", &mut f.brief, 20_000),
        ("Creator guidance", &mut f.creator_guidance, 10_000),
        ("Negotiation language", &mut f.negotiation_language, 4_000),
        ("Compensation", &mut f.compensation, 500),
        ("Usage-rights terms", &mut f.usage_terms, 4_000),
    ] {
        *text = text.trim().to_string();
        within(label, text, 0, max)?;
    }
    if f.rate_ceiling_cents
        .is_some_and(|c| !(0..=MAX_CEILING_CENTS).contains(&c))
    {
        return Err("The rate ceiling is between $0 and $1,000,000.".into());
    }
    f.deliverables = list("Deliverables", &f.deliverables, 30, 200)?;
    f.products = list("Products", &f.products, 100, 200)?;
    let handles: Vec<String> = f
        .tracking_handles
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    f.tracking_handles = Vec::new();
    for h in handles.iter().filter(|h| !h.is_empty()) {
        let u =
            instagram_username(h).ok_or_else(|| format!("\"{h}\" is not an Instagram handle."))?;
        if !f.tracking_handles.contains(&u) {
            f.tracking_handles.push(u);
        }
    }
    let tags: Vec<String> = f
        .tracking_hashtags
        .iter()
        .map(|t| t.trim().trim_start_matches('#').to_lowercase())
        .collect();
    f.tracking_hashtags = Vec::new();
    for t in tags.into_iter().filter(|t| !t.is_empty()) {
        if t.chars().count() > 100 || !t.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(format!("\"#{t}\" is not a hashtag."));
        }
        if !f.tracking_hashtags.contains(&t) {
            f.tracking_hashtags.push(t);
        }
    }
    if f.tracking_handles.len() > 20 || f.tracking_hashtags.len() > 20 {
        return Err("Track at most 20 handles and 20 hashtags.".into());
    }
    if let (Some(due), Some(post)) = (f.content_due, f.post_by) {
        if post < due {
            return Err("The post-by date comes after the content due date.".into());
        }
    }
    Ok(f)
}

/// What "Duplicate" starts from: the same terms, a new name, a draft not yet saved.
pub fn duplicate(form: &CampaignForm) -> CampaignForm {
    let mut copy = form.clone();
    copy.id = None;
    copy.status = "draft".into();
    let name: String = format!("{} (copy)", form.name).chars().take(120).collect();
    copy.name = name;
    copy
}

fn within(label: &str, text: &str, min: usize, max: usize) -> Result<(), String> {
    let n = text.chars().count();
    if n < min {
        Err(format!("{label} is needed."))
    } else if n > max {
        Err(format!("{label} is at most {max} characters."))
    } else {
        Ok(())
    }
}

fn list(
    label: &str,
    items: &[String],
    max_items: usize,
    max_len: usize,
) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        within(label, item, 1, max_len)?;
        if !out.iter().any(|o| o == item) {
            out.push(item.to_string());
        }
    }
    if out.len() > max_items {
        return Err(format!("{label}: at most {max_items}."));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CampaignForm {
        CampaignForm {
            client_id: "c1".into(),
            name: "Spring launch".into(),
            kind: "paid".into(),
            status: "active".into(),
            platforms: vec!["Instagram".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_campaign_is_checked_field_by_field() {
        type Change = fn(&mut CampaignForm);
        let cases: &[(&str, Change, Result<(), &str>)] = &[
            ("as is", |_| {}, Ok(())),
            (
                "no name",
                |f| f.name = "   ".into(),
                Err("The name is needed."),
            ),
            (
                "no client",
                |f| f.client_id.clear(),
                Err("Pick the client this campaign is for."),
            ),
            (
                "odd kind",
                |f| f.kind = "barter".into(),
                Err("A campaign is gifting or paid."),
            ),
            (
                "odd status",
                |f| f.status = "paused".into(),
                Err("A campaign is a draft, active or closed."),
            ),
            (
                "odd platform",
                |f| f.platforms = vec!["MySpace".into()],
                Err("\"MySpace\" is not a platform this product knows."),
            ),
            (
                "negative ceiling",
                |f| f.rate_ceiling_cents = Some(-1),
                Err("The rate ceiling is between $0 and $1,000,000."),
            ),
            (
                "huge ceiling",
                |f| f.rate_ceiling_cents = Some(100_000_001),
                Err("The rate ceiling is between $0 and $1,000,000."),
            ),
            (
                "long brief",
                |f| f.brief = "x".repeat(20_001),
                Err("The brief is at most 20000 characters."),
            ),
            (
                "bad handle",
                |f| f.tracking_handles = vec!["not a handle!".into()],
                Err("\"not a handle!\" is not an Instagram handle."),
            ),
            (
                "bad hashtag",
                |f| f.tracking_hashtags = vec!["#two words".into()],
                Err("\"#two words\" is not a hashtag."),
            ),
            (
                "dates reversed",
                |f| {
                    f.content_due = Some(10);
                    f.post_by = Some(5);
                },
                Err("The post-by date comes after the content due date."),
            ),
            (
                "too many deliverables",
                |f| f.deliverables = (0..31).map(|i| format!("Post {i}")).collect(),
                Err("Deliverables: at most 30."),
            ),
        ];
        for (what, change, want) in cases {
            let mut f = form();
            change(&mut f);
            assert_eq!(
                checked(&f).map(|_| ()),
                want.map_err(String::from),
                "{what}"
            );
        }
    }

    #[test]
    fn a_checked_campaign_is_tidied() {
        let mut f = form();
        f.name = "  Spring launch ".into();
        f.deliverables = vec![
            " 1 Reel ".into(),
            "".into(),
            "1 Reel".into(),
            "3 Stories".into(),
        ];
        f.tracking_handles = vec![
            "@GlowLab".into(),
            "instagram.com/glowlab/".into(),
            " ".into(),
        ];
        f.tracking_hashtags = vec!["#GlowUp".into(), "glowup".into()];
        f.brief = "  The brief.  ".into();
        let c = checked(&f).unwrap();
        assert_eq!(c.name, "Spring launch");
        assert_eq!(c.deliverables, vec!["1 Reel", "3 Stories"]);
        assert_eq!(c.tracking_handles, vec!["glowlab"]);
        assert_eq!(c.tracking_hashtags, vec!["glowup"]);
        assert_eq!(c.brief, "The brief.");
    }

    #[test]
    fn a_copy_is_an_unsaved_draft_with_the_same_terms() {
        let mut f = form();
        f.id = Some("k1".into());
        f.brief = "Brief".into();
        let d = duplicate(&f);
        assert_eq!(
            (d.id, d.status.as_str(), d.name.as_str(), d.brief.as_str()),
            (None, "draft", "Spring launch (copy)", "Brief")
        );
    }
}
