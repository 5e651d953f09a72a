//! Server functions: the only doors from the browser to the server, one file per area. Each one
//! is thin: validate its arguments, resolve the caller from the session, authorize, call its
//! area's trait (declared at the foot of the same file), return. The server crate implements the
//! traits and injects them through Leptos context, so this crate never links a database.

mod error;
pub use error::AppError;

#[cfg(feature = "ssr")]
pub mod backend;
#[cfg(feature = "ssr")]
mod context;
#[cfg(feature = "ssr")]
pub use context::session_token_in;

mod account;
mod auth;
mod bulk;
mod campaigns;
mod channels;
mod creators;
mod embed;
mod imports;
mod inbox;
mod policies;
mod portal;
mod reports;
mod review;
mod team;
mod thread;
mod unmatched;

pub use account::*;
pub use auth::*;
pub use bulk::*;
pub use campaigns::*;
pub use channels::*;
pub use creators::*;
pub use embed::*;
pub use imports::*;
pub use inbox::*;
pub use policies::*;
pub use portal::*;
pub use reports::*;
pub use review::*;
pub use team::*;
pub use thread::*;
pub use unmatched::*;

/// An id from the browser that is not shaped like ours names nothing: `NotFound`, before any
/// read.
#[cfg(feature = "ssr")]
fn check_id(id: &str) -> Result<(), AppError> {
    if crate::domain::filter::is_valid_id(id) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The session cookie's name in local development over http.
pub const SESSION_COOKIE: &str = "inbox_session";
/// The session cookie's name when the app is served over https: a `__Host-` cookie is only
/// accepted by browsers with `Secure`, `Path=/` and no `Domain`, so no other host (a sibling
/// subdomain, a plain-http page) can set or shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-inbox_session";

/// The session cookie's name for this server.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}
