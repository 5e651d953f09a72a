//! The axum application: server functions, server-rendered routes, static files, health.

use crate::live::LiveService;
use crate::state::AppState;
use app::api::backend::SharedBackend;
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;

/// Builds the whole router around a state and the Leptos options (site root, output name),
/// and starts this instance's live feed.
pub fn router(state: AppState, leptos_options: LeptosOptions) -> Router {
    router_with_live(state, leptos_options).0
}

/// The router and its live service (for tests and benchmarks that watch the hub).
pub fn router_with_live(
    state: AppState,
    leptos_options: LeptosOptions,
) -> (Router, Arc<LiveService>) {
    let live = LiveService::start(state.clone());
    let public_url = state.config.public_url.clone();
    let https = state.config.secure_cookies();
    let client_ip_header = state.config.client_ip_header.clone();
    let for_hooks = state.clone();
    let for_framing = state.clone();
    let shared: SharedBackend = Arc::new(state);
    let routes = generate_route_list(app::ui::App);
    let for_routes = shared.clone();
    let for_fns = shared.clone();
    let router = Router::new()
        .route(
            "/healthz",
            get(crate::health::healthz).with_state(for_hooks.clone()),
        )
        .route(
            "/readyz",
            get(crate::health::readyz).with_state(for_hooks.clone()),
        )
        .route(
            app::live::LIVE_PATH,
            get(crate::live::socket::handler).with_state(live.clone()),
        )
        .route(
            crate::live::portal_socket::PATH,
            get(crate::live::portal_socket::handler).with_state(live.clone()),
        )
        .route(
            "/hooks/api/{workspace}",
            axum::routing::post(crate::channels::api_hook::handler).with_state(for_hooks.clone()),
        )
        .route(
            crate::channels::twilio_sms::PATH,
            axum::routing::post(crate::channels::twilio_sms::handler).with_state(for_hooks.clone()),
        )
        .route(
            "/audit.csv",
            get(crate::exports::audit_csv).with_state(for_hooks.clone()),
        )
        .route(
            app::api::UPLOAD_PATH,
            axum::routing::post(crate::imports::upload::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::imports::upload::BODY_LIMIT,
                ))
                .with_state(for_hooks.clone()),
        )
        .route(
            "/imports/{id}/skipped.csv",
            get(crate::imports::upload::skipped_csv).with_state(for_hooks.clone()),
        )
        .route(
            "/creators.csv",
            get(crate::exports::creators_csv).with_state(for_hooks.clone()),
        )
        .route(
            "/attachments/{id}",
            get(crate::channels::attachments::download).with_state(for_hooks.clone()),
        )
        .route(
            crate::channels::instagram::PATH,
            get(crate::channels::instagram::verify)
                .post(crate::channels::instagram::handler)
                .with_state(for_hooks.clone()),
        )
        .route(
            crate::channels::twilio_status::PATH,
            axum::routing::post(crate::channels::twilio_status::handler).with_state(for_hooks),
        )
        .route(
            "/api/{*fn_name}",
            axum::routing::post(move |req: axum::extract::Request| {
                let state = for_fns.clone();
                async move {
                    leptos_axum::handle_server_fns_with_context(
                        move || provide_context(state.clone()),
                        req,
                    )
                    .await
                }
            })
            .get(move |req: axum::extract::Request| {
                let state = shared.clone();
                async move {
                    leptos_axum::handle_server_fns_with_context(
                        move || provide_context(state.clone()),
                        req,
                    )
                    .await
                }
            }),
        )
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            move || {
                provide_context(for_routes.clone());
                page_security_policy();
            },
            {
                let options = leptos_options.clone();
                move || app::shell(options.clone())
            },
        )
        .nest_service(
            &format!("/{}", leptos_options.site_pkg_dir),
            crate::site_assets::pkg_router(
                &leptos_options.site_root,
                &leptos_options.site_pkg_dir,
                leptos_options.hash_files,
            ),
        )
        .fallback(leptos_axum::file_and_error_handler(app::shell))
        .with_state(leptos_options)
        // Server functions are also routed one by one by `leptos_routes_with_context`: the
        // cross-site check sits on the whole router and picks its paths.
        .layer(axum::middleware::from_fn_with_state(
            public_url,
            crate::web_guard::refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            crate::hook_limit::slots(),
            crate::hook_limit::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            https,
            crate::web_guard::headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            for_framing,
            crate::web_guard::embed_framing,
        ))
        .layer(axum::middleware::from_fn_with_state(
            client_ip_header,
            crate::client_address::layer,
        ));
    (router, live)
}

/// A server-rendered page's Content-Security-Policy, naming the nonce this response's
/// hydration script carries (`crate::web_guard::page_policy`).
fn page_security_policy() {
    let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(v) =
        axum::http::HeaderValue::from_str(&crate::web_guard::page_policy(&nonce.to_string()))
    {
        res.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, v);
    }
}
