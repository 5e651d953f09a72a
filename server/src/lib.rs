#![recursion_limit = "512"]

//! The creator inbox server: configuration, SurrealDB storage, sign-in, the backend behind the
//! server functions, demo data and the axum router. The binary in `main.rs` is a thin CLI.

pub mod auth;
pub mod automation;
pub mod backend;
pub mod bench_args;
pub mod bench_rig;
pub mod bulk_sends;
pub mod channels;
pub mod client_address;
pub mod clock;
pub mod config;
pub mod db;
pub mod embed;
pub mod errors;
pub mod exports;
pub mod fuzz;
pub mod health;
pub mod hook_limit;
pub mod http;
pub mod ids;
pub mod imports;
pub mod labels;
pub mod live;
pub mod memory_trim;
pub mod model_provider;
pub mod outbound;
pub mod phone;
pub mod rollup;
pub mod sealed;
pub mod secret_rotation;
pub mod seed;
pub mod site_assets;
pub mod state;
pub mod store;
pub mod time_zones;
pub mod web_guard;
