//! Embedding the inbox in a partner's dashboard (an agency's client portal, a marketplace): what
//! an owner lets a partner grant, and the checks on a token the partner's server signed, made
//! after its signature was verified (`server::embed`). Pure: the claims, the partner's grant, this
//! deployment's audience and the clock in; a grant or the reason for refusing it out.

use crate::model::Role;
use serde::{Deserialize, Serialize};

/// The longest a token may live, from its `iat` to its `exp`.
pub const MAX_TOKEN_LIFETIME_SECS: i64 = 600;
/// How far apart the partner's clock and ours may be.
pub const CLOCK_SKEW_SECS: i64 = 60;
/// The longest embed token read (a JWT with these claims is well under 2 kB).
pub const MAX_TOKEN_LEN: usize = 4096;
/// The most parent origins one partner may name.
pub const MAX_ORIGINS: usize = 10;
/// The most campaigns one partner (or token) may name.
pub const MAX_CAMPAIGNS: usize = 50;
const MAX_JTI: usize = 128;
const MAX_USER: usize = 120;

/// What a frame may show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmbedView {
    /// The scoped inbox and its threads.
    Inbox,
    /// One thread (named by the token).
    Thread,
    /// Drafts waiting for approval in the scope.
    Approvals,
    /// The scope's campaign reports.
    Reports,
}

impl EmbedView {
    pub const ALL: [EmbedView; 4] = [
        EmbedView::Inbox,
        EmbedView::Thread,
        EmbedView::Approvals,
        EmbedView::Reports,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EmbedView::Inbox => "inbox",
            EmbedView::Thread => "thread",
            EmbedView::Approvals => "approvals",
            EmbedView::Reports => "reports",
        }
    }

    pub fn parse(s: &str) -> Option<EmbedView> {
        EmbedView::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            EmbedView::Inbox => "Inbox",
            EmbedView::Thread => "One thread",
            EmbedView::Approvals => "Approvals",
            EmbedView::Reports => "Reports",
        }
    }
}

/// What an owner let a partner grant: one client's conversations (or only some of its
/// campaigns'), with a role and views.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerGrant {
    pub client_id: String,
    /// Empty: the whole client.
    pub campaign_ids: Vec<String>,
    /// Viewer or member (never more inside a frame).
    pub role: Role,
    pub views: Vec<EmbedView>,
}

/// The claims of a partner's token, as signed (HS256, the partner's key; `kid` names the
/// partner). `client` must name the partner's client when present; `campaigns` narrows the frame
/// to some of the partner's campaigns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbedClaims {
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    #[serde(default)]
    pub nbf: Option<i64>,
    pub jti: String,
    #[serde(default)]
    pub client: Option<String>,
    #[serde(default)]
    pub campaigns: Option<Vec<String>>,
    pub view: String,
    /// The thread a `thread` view opens.
    #[serde(default)]
    pub thread: Option<String>,
    /// The partner's own user, shown as "Jo via Acme dashboard".
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub user_name: Option<String>,
}

/// A token that passed every check: what the frame's session may do, until when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbedGrant {
    pub client_id: String,
    /// The campaigns the frame shows (empty: the whole client).
    pub campaign_ids: Vec<String>,
    pub role: Role,
    pub view: EmbedView,
    pub thread: Option<String>,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub jti: String,
    /// When the token stops being valid (seconds): its `jti` is remembered until then.
    pub token_expires: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenRefusal {
    Expired,
    NotYetValid,
    /// `exp` is more than `MAX_TOKEN_LIFETIME_SECS` after `iat`.
    TooLong,
    WrongAudience,
    BadJti,
    /// A client other than the partner's, or a campaign it may not show.
    ScopeTooWide,
    UnknownView,
    ViewNotAllowed,
    /// A `thread` view without a thread id, or a user id or name too long.
    BadClaims,
}

impl TokenRefusal {
    /// What the frame (and the partner's developer) is told; never which check the key passed.
    pub fn message(self) -> &'static str {
        match self {
            TokenRefusal::Expired => "the embed token has expired",
            TokenRefusal::NotYetValid => "the embed token is not valid yet (check the clock)",
            TokenRefusal::TooLong => "an embed token may live at most 10 minutes",
            TokenRefusal::WrongAudience => "the embed token was made for another deployment",
            TokenRefusal::BadJti => "the embed token needs a unique jti (at most 128 characters)",
            TokenRefusal::ScopeTooWide => {
                "the embed token asks for more than its partner may grant"
            }
            TokenRefusal::UnknownView => "the embed token names an unknown view",
            TokenRefusal::ViewNotAllowed => "the partner may not show this view",
            TokenRefusal::BadClaims => "the embed token's claims are malformed",
        }
    }
}

/// Checks a verified token's claims against its partner's grant, this deployment's audience and
/// the time (seconds).
pub fn check_claims(
    c: &EmbedClaims,
    partner: &PartnerGrant,
    audience: &str,
    now: i64,
) -> Result<EmbedGrant, TokenRefusal> {
    if c.aud != audience {
        return Err(TokenRefusal::WrongAudience);
    }
    if c.exp <= now - CLOCK_SKEW_SECS {
        return Err(TokenRefusal::Expired);
    }
    let starts = c.nbf.unwrap_or(c.iat).max(c.iat);
    if starts > now + CLOCK_SKEW_SECS {
        return Err(TokenRefusal::NotYetValid);
    }
    if c.exp - c.iat > MAX_TOKEN_LIFETIME_SECS || c.exp < c.iat {
        return Err(TokenRefusal::TooLong);
    }
    let jti_ok = !c.jti.trim().is_empty()
        && c.jti.len() <= MAX_JTI
        && c.jti.chars().all(|ch| !ch.is_control());
    if !jti_ok {
        return Err(TokenRefusal::BadJti);
    }
    if c.client.as_ref().is_some_and(|k| *k != partner.client_id) {
        return Err(TokenRefusal::ScopeTooWide);
    }
    let campaign_ids = narrowed_campaigns(c.campaigns.as_deref(), &partner.campaign_ids)?;
    let view = EmbedView::parse(&c.view).ok_or(TokenRefusal::UnknownView)?;
    if !partner.views.contains(&view) {
        return Err(TokenRefusal::ViewNotAllowed);
    }
    let too_long = |s: &Option<String>| s.as_ref().is_some_and(|s| s.chars().count() > MAX_USER);
    let thread_missing = view == EmbedView::Thread
        && c.thread
            .as_deref()
            .is_none_or(|t| !crate::domain::filter::is_valid_id(t));
    if thread_missing || too_long(&c.user_id) || too_long(&c.user_name) {
        return Err(TokenRefusal::BadClaims);
    }
    Ok(EmbedGrant {
        client_id: partner.client_id.clone(),
        campaign_ids,
        role: partner.role,
        view,
        thread: c.thread.clone().filter(|_| view == EmbedView::Thread),
        user_id: c.user_id.clone(),
        user_name: c
            .user_name
            .as_ref()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()),
        jti: c.jti.clone(),
        token_expires: c.exp,
    })
}

/// The campaigns a token's frame shows: the token's list when it names some (each a valid id,
/// at most `MAX_CAMPAIGNS`, and, when the partner is limited to some campaigns, one of those),
/// else the partner's. A token cannot widen a partner's campaigns back to the whole client.
fn narrowed_campaigns(
    asked: Option<&[String]>,
    allowed: &[String],
) -> Result<Vec<String>, TokenRefusal> {
    let Some(asked) = asked else {
        return Ok(allowed.to_vec());
    };
    if asked.is_empty() || asked.len() > MAX_CAMPAIGNS {
        return Err(TokenRefusal::BadClaims);
    }
    if asked.iter().any(|c| !crate::domain::filter::is_valid_id(c)) {
        return Err(TokenRefusal::BadClaims);
    }
    if !allowed.is_empty() && asked.iter().any(|c| !allowed.contains(c)) {
        return Err(TokenRefusal::ScopeTooWide);
    }
    let mut out: Vec<String> = Vec::new();
    for c in asked {
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    Ok(out)
}

/// A parent page's origin as an owner types it: exactly `https://host[:port]` (plain `http`
/// only for this machine's own names, for local development), no path, query, user or
/// wildcard. Returns it as browsers send it (`https://partner.example`, default port dropped).
pub fn parse_origin(input: &str) -> Result<String, String> {
    let s = input.trim();
    if s.contains('*') {
        return Err(format!("{s}: wildcards are not allowed, name each origin"));
    }
    let url = url::Url::parse(s)
        .map_err(|_| format!("{s}: not an origin like https://dashboard.example"))?;
    let host = url.host_str().unwrap_or_default();
    let local = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && local);
    if !scheme_ok {
        return Err(format!("{s}: an origin must use https"));
    }
    let bare = url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    if !bare || host.is_empty() {
        return Err(format!("{s}: only scheme, host and port (no path)"));
    }
    Ok(url.origin().ascii_serialization())
}

/// An owner's list of origins: each parsed, each once, at least one, at most `MAX_ORIGINS`.
pub fn parse_origins(inputs: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for o in inputs.iter().filter(|o| !o.trim().is_empty()) {
        let o = parse_origin(o)?;
        if !out.contains(&o) {
            out.push(o);
        }
    }
    if out.is_empty() {
        return Err("name at least one origin the partner's dashboard runs on".into());
    }
    if out.len() > MAX_ORIGINS {
        return Err(format!("at most {MAX_ORIGINS} origins per partner"));
    }
    Ok(out)
}

/// A partner as an owner registers it, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerSettings {
    pub name: String,
    pub origins: Vec<String>,
    pub client_id: String,
    /// Empty: the whole client.
    pub campaign_ids: Vec<String>,
    pub role: Role,
    pub views: Vec<EmbedView>,
}

/// Checks an owner's form: a name (1–80 characters), exact origins, one client (and, if
/// chosen, up to `MAX_CAMPAIGNS` of its campaigns), viewer or member inside the frame, at
/// least one known view. (That the campaigns are the client's is checked where they are
/// stored.)
pub fn partner_settings(f: &crate::model::EmbedPartnerForm) -> Result<PartnerSettings, String> {
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err("name the partner (at most 80 characters), e.g. \"Acme dashboard\"".into());
    }
    let origins = parse_origins(&f.origins)?;
    if f.client_id.trim().is_empty() {
        return Err("choose the client whose conversations the partner may show".into());
    }
    let mut campaign_ids: Vec<String> = Vec::new();
    for c in f.campaign_ids.iter().map(|c| c.trim()) {
        if !crate::domain::filter::is_valid_id(c) {
            return Err(format!("{c}: not a campaign"));
        }
        if !campaign_ids.iter().any(|k| k == c) {
            campaign_ids.push(c.to_string());
        }
    }
    if campaign_ids.len() > MAX_CAMPAIGNS {
        return Err(format!("at most {MAX_CAMPAIGNS} campaigns per partner"));
    }
    let role = match Role::parse(&f.role) {
        Some(r @ (Role::Viewer | Role::Member)) => r,
        _ => return Err("inside a frame the role is viewer or member".into()),
    };
    let mut views = Vec::new();
    for v in &f.views {
        let view = EmbedView::parse(v).ok_or(format!("{v}: not a view a frame can show"))?;
        if !views.contains(&view) {
            views.push(view);
        }
    }
    if views.is_empty() {
        return Err("choose at least one view".into());
    }
    Ok(PartnerSettings {
        name: name.to_string(),
        origins,
        client_id: f.client_id.trim().to_string(),
        campaign_ids,
        role,
        views,
    })
}

/// The `Content-Security-Policy` of an embed page: framed only by the partner's origins.
pub fn frame_ancestors(origins: &[String]) -> String {
    if origins.is_empty() {
        "frame-ancestors 'none'".into()
    } else {
        format!("frame-ancestors {}", origins.join(" "))
    }
}

/// How a frame's actions are attributed: "Jo via Acme dashboard", or the partner alone.
pub fn attribution(user_name: Option<&str>, partner_name: &str) -> String {
    match user_name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => format!("{n} via {partner_name}"),
        None => partner_name.to_string(),
    }
}

/// The report a frame scoped to `client` (and, when not empty, `campaigns`) may read: the query
/// held to that client. None when it names another client or a teammate (the team's own
/// workload is not the partner's to see), or, in a campaigns scope, no campaign or another one
/// (a single campaign is taken as asked). A campaign outside the client reads as empty: the
/// figures are those of the client's threads.
pub fn confined_report(
    client: &str,
    campaigns: &[String],
    q: &crate::model::ReportQuery,
) -> Option<crate::model::ReportQuery> {
    if q.client.as_deref().is_some_and(|c| c != client) || q.teammate.is_some() {
        return None;
    }
    let campaign = match (&q.campaign, campaigns) {
        (c, []) => c.clone(),
        (None, [only]) => Some(only.clone()),
        (Some(c), set) if set.contains(c) => Some(c.clone()),
        _ => return None,
    };
    Some(crate::model::ReportQuery {
        client: Some(client.to_string()),
        campaign,
        ..q.clone()
    })
}

#[cfg(test)]
#[path = "embed_tests.rs"]
mod tests;
