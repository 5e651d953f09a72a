use super::approvals::ApprovalsPane;
use super::audit::AuditPane;
use super::bulk::BulkComposer;
use super::bulk_progress::{BulkList, BulkPage};
use super::channels::ChannelsPane;
use super::inbox::{InboxLayout, NoThreadSelected};
use super::login::LoginPage;
use super::policies::PoliciesPane;
use super::portal::PortalPage;
use super::thread_view::ThreadPane;
use super::unmatched::UnmatchedPane;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/creator-inbox.css"/>
        <Title text="Creator Inbox"/>
        <Router>
            <Routes fallback=|| view! { <p class="not-found">"Page not found."</p> }>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/p/:token") view=PortalPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("/") view=InboxLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=NoThreadSelected ssr=SsrMode::Async/>
                    <Route path=path!("t/:id") view=ThreadPane ssr=SsrMode::Async/>
                    <Route path=path!("unmatched") view=UnmatchedPane ssr=SsrMode::Async/>
                    <Route path=path!("channels") view=ChannelsPane ssr=SsrMode::Async/>
                    <Route path=path!("approvals") view=ApprovalsPane ssr=SsrMode::Async/>
                    <Route path=path!("audit") view=AuditPane ssr=SsrMode::Async/>
                    <Route path=path!("policies") view=PoliciesPane ssr=SsrMode::Async/>
                    <Route path=path!("bulk") view=BulkList ssr=SsrMode::Async/>
                    <Route path=path!("bulk-new") view=BulkComposer ssr=SsrMode::Async/>
                    <Route path=path!("bulk/:id") view=BulkPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
