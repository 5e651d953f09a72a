use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// Every error a server function can return, as the browser sees it. Messages are safe to show:
/// internal details are logged on the server and never sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("please sign in")]
    Unauthorized,
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    #[error("too many failed sign-ins; try again in {0} seconds")]
    Throttled(u64),
    #[error("the server is busy; try again in {0} seconds")]
    Busy(u64),
    #[error("too many messages in a short time; try again in {0} seconds")]
    TooFast(u64),
    #[error("something went wrong on our side; it has been logged")]
    Internal,
    #[error("could not reach the server: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m)
            | ServerFnErrorErr::MissingArg(m)
            | ServerFnErrorErr::Deserialization(m) => {
                AppError::Invalid(format!("bad request: {m}"))
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}
