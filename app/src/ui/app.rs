//! The routes: every page the app has, and the rule for when one fills the main pane.

use crate::ui::pages::account::AccountPane;
use crate::ui::pages::approvals::ApprovalsPane;
use crate::ui::pages::audit::AuditPane;
use crate::ui::pages::bulk::composer::BulkComposer;
use crate::ui::pages::bulk::progress::{BulkList, BulkPage};
use crate::ui::pages::campaigns::editor::CampaignEditorPane;
use crate::ui::pages::campaigns::CampaignsPane;
use crate::ui::pages::channels::ChannelsPane;
use crate::ui::pages::creators::profile::CreatorProfilePane;
use crate::ui::pages::creators::CreatorsPane;
use crate::ui::pages::embed_frame::EmbedPage;
use crate::ui::pages::embeds::EmbedsPane;
use crate::ui::pages::inbox::{InboxLayout, NoThreadSelected};
use crate::ui::pages::join::{ForgotPage, JoinPage, ResetPage, SignUpPage};
use crate::ui::pages::login::LoginPage;
use crate::ui::pages::policies::PoliciesPane;
use crate::ui::pages::portal::PortalPage;
use crate::ui::pages::reports::ReportsPane;
use crate::ui::pages::team::TeamPane;
use crate::ui::pages::thread::ThreadPane;
use crate::ui::pages::unmatched::UnmatchedPane;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// Whether a page fills the main pane (on a phone: replaces the thread list). Every route under
/// the inbox layout is such a page except the layout's index, so a new route needs no entry here.
pub fn is_page_open(path: &str) -> bool {
    !path.trim_end_matches('/').is_empty()
}

/// Whether an open page is something other than a thread (policies, audit, bulk, reports…): it
/// takes the thread list's column too, since it does not work beside the list.
pub fn is_full_width_page(path: &str) -> bool {
    is_page_open(path) && !path.starts_with("/t/")
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Creator Inbox"/>
        <Router>
            <Routes fallback=|| view! { <p class="not-found">"Page not found."</p> }>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/p/:token") view=PortalPage ssr=SsrMode::Async/>
                <Route path=path!("/embed/:partner") view=EmbedPage/>
                <Route path=path!("/join/:token") view=JoinPage ssr=SsrMode::Async/>
                <Route path=path!("/reset/:token") view=ResetPage/>
                <Route path=path!("/forgot") view=ForgotPage/>
                <Route path=path!("/signup") view=SignUpPage/>
                <ParentRoute path=path!("/") view=InboxLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=NoThreadSelected ssr=SsrMode::Async/>
                    <Route path=path!("t/:id") view=ThreadPane ssr=SsrMode::Async/>
                    <Route path=path!("unmatched") view=UnmatchedPane ssr=SsrMode::Async/>
                    <Route path=path!("channels") view=ChannelsPane ssr=SsrMode::Async/>
                    <Route path=path!("embeds") view=EmbedsPane ssr=SsrMode::Async/>
                    <Route path=path!("approvals") view=ApprovalsPane ssr=SsrMode::Async/>
                    <Route path=path!("audit") view=AuditPane ssr=SsrMode::Async/>
                    <Route path=path!("reports") view=ReportsPane ssr=SsrMode::Async/>
                    <Route path=path!("policies") view=PoliciesPane ssr=SsrMode::Async/>
                    <Route path=path!("bulk") view=BulkList ssr=SsrMode::Async/>
                    <Route path=path!("bulk-new") view=BulkComposer ssr=SsrMode::Async/>
                    <Route path=path!("bulk/:id") view=BulkPage ssr=SsrMode::Async/>
                    <Route path=path!("campaigns") view=CampaignsPane ssr=SsrMode::Async/>
                    <Route path=path!("campaigns/:id") view=CampaignEditorPane ssr=SsrMode::Async/>
                    <Route path=path!("creators") view=CreatorsPane ssr=SsrMode::Async/>
                    <Route path=path!("creators/:id") view=CreatorProfilePane ssr=SsrMode::Async/>
                    <Route path=path!("team") view=TeamPane ssr=SsrMode::Async/>
                    <Route path=path!("account") view=AccountPane ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[cfg(test)]
mod tests {
    use super::{is_full_width_page, is_page_open};

    #[test]
    fn every_route_but_the_inbox_index_is_a_page() {
        let cases = [
            ("/", false),
            ("", false),
            ("/t/abc123", true),
            ("/unmatched", true),
            ("/channels", true),
            ("/embeds", true),
            ("/approvals", true),
            ("/audit", true),
            ("/reports", true),
            ("/policies", true),
            ("/bulk", true),
            ("/bulk-new", true),
            ("/bulk/xyz", true),
            ("/campaigns", true),
            ("/campaigns/new", true),
            ("/creators", true),
            ("/team", true),
            ("/account", true),
            ("/creators/abc", true),
        ];
        for (path, open) in cases {
            assert_eq!(is_page_open(path), open, "{path}");
            let full = open && path != "/t/abc123";
            assert_eq!(is_full_width_page(path), full, "{path}");
        }
    }
}
