#[cfg(feature = "ssr")]
use super::backend::{Caller, NewSession};
#[cfg(feature = "ssr")]
use super::context;
use super::AppError;
use crate::model::SessionInfo;
use leptos::prelude::*;

/// Signs in with email and password, sets the session cookie and sends the browser to the inbox.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<SessionInfo, AppError> {
    let backend = context::backend()?;
    let email = email.trim().to_lowercase();
    if email.is_empty() || !email.contains('@') || email.len() > 254 {
        return Err(AppError::Invalid(
            "enter the email address you were invited with".into(),
        ));
    }
    if password.is_empty() || password.len() > 1024 {
        return Err(AppError::Invalid("enter your password".into()));
    }
    let address = context::client_address();
    let session = backend
        .sign_in(
            &email,
            &password,
            context::user_agent().as_deref(),
            address.as_deref(),
        )
        .await
        .inspect_err(context::answer_too_many)?;
    let info = context::start_session(&backend, session);
    leptos_axum::redirect("/");
    Ok(info)
}

/// Ends the session (server side too) and clears the cookie.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    let backend = context::backend()?;
    if let Some(token) = context::session_token() {
        backend.sign_out(&token).await?;
    }
    context::set_cookie(context::session_cookie("", 0, backend.secure_cookies()));
    leptos_axum::redirect("/login");
    Ok(())
}

/// Who is signed in, or `None`.
#[server(endpoint = "current_session")]
pub async fn current_session() -> Result<Option<SessionInfo>, AppError> {
    match context::caller().await {
        // An embedded frame is nobody's teammate session (`api::embed` tells it what it shows).
        Ok((_, caller)) if caller.scope != super::backend::Scope::Workspace => Ok(None),
        Ok((backend, caller)) => Ok(Some(backend.session_info(&caller).await?)),
        Err(AppError::Unauthorized) => Ok(None),
        Err(e) => Err(e),
    }
}

/// What signing in, signing out and resolving a session need from the server: implemented once, in
/// `server::backend::auth`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AuthApi: Send + Sync {
    /// Whether cookies must carry `Secure` (the public URL is https).
    fn secure_cookies(&self) -> bool;
    async fn sign_in(
        &self,
        email: &str,
        password: &str,
        agent: Option<&str>,
        address: Option<&str>,
    ) -> Result<NewSession, AppError>;
    async fn sign_out(&self, session_token: &str) -> Result<(), AppError>;
    async fn authenticate(&self, session_token: &str) -> Result<Caller, AppError>;
    async fn session_info(&self, caller: &Caller) -> Result<SessionInfo, AppError>;
}
