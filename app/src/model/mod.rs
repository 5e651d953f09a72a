//! Shared types: what the UI and the server functions exchange. Pure data, no I/O.

pub mod bulk;
mod campaigns;
mod creators;
mod imports;
mod reports;
mod review;
mod settings;
mod team;
mod views;
mod vocab;

pub use campaigns::*;
pub use creators::*;
pub use imports::*;
pub use reports::*;
pub use review::*;
pub use settings::*;
pub use team::*;
pub use views::*;
pub use vocab::*;
