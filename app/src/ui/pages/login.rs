use crate::api::{signup_open, AppError, SignIn};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let open = Resource::new(|| (), |_| signup_open());
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    // Signing in answers with a redirect to the inbox: the router follows it when the app runs
    // in the browser, the browser itself when the form was posted before hydration. (A second,
    // full-page navigation here used to land after the router's, undoing what the person had
    // already done in the inbox.)
    view! {
        <Title text="Sign in · Creator Inbox"/>
        <main class="login-page">
            <div class="login-card">
                <div class="brand"><span class="brand-mark">"CI"</span>" Creator Inbox"</div>
                <h1>"Sign in to your workspace"</h1>
                <ActionForm action=action attr:class="login-form">
                    <label>
                        "Email"
                        <input type="email" name="email" autocomplete="username" required autofocus/>
                    </label>
                    <label>
                        "Password"
                        <input type="password" name="password" autocomplete="current-password" required/>
                    </label>
                    {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
                <p class="login-foot"><a href="/forgot">"Forgot your password?"</a></p>
                <Suspense fallback=|| ()>
                    {move || open.get().and_then(|r| r.ok()).filter(|o| *o).map(|_| view! {
                        <p class="login-foot"><a href="/signup">"New here? Create a workspace"</a></p>
                    })}
                </Suspense>
                <p class="login-foot">"Every conversation with your creators, one thread per campaign."</p>
            </div>
        </main>
    }
}

/// True when an error means the session is gone and the person should sign in again.
pub fn is_signed_out(e: &AppError) -> bool {
    matches!(e, AppError::Unauthorized)
}
