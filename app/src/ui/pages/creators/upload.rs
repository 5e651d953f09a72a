//! Sends a chosen CSV file to `POST /imports` from the browser (the file's bytes as they are:
//! the server reads and checks them) and reads the answer.

use crate::model::ImportUpload;

/// Uploads the file chosen in the `<input type=file>` with this id.
#[cfg(feature = "hydrate")]
pub async fn upload_chosen(input_id: &str) -> Result<ImportUpload, String> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window().ok_or("no window")?;
    let input = window
        .document()
        .and_then(|d| d.get_element_by_id(input_id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .ok_or("no file field")?;
    let file = input
        .files()
        .and_then(|f| f.get(0))
        .ok_or("choose a CSV file first")?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    init.set_body(&file);
    let url = format!(
        "{}?name={}",
        crate::api::UPLOAD_PATH,
        crate::domain::filter::encode_component(&file.name())
    );
    let sent = window.fetch_with_str_and_init(&url, &init);
    let resp: web_sys::Response = wasm_bindgen_futures::JsFuture::from(sent)
        .await
        .map_err(|_| "could not reach the server".to_string())?
        .dyn_into()
        .map_err(|_| "unexpected answer".to_string())?;
    let text = wasm_bindgen_futures::JsFuture::from(resp.text().map_err(|_| "unreadable answer")?)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    match resp.status() {
        200 => serde_json::from_str(&text).map_err(|e| format!("unexpected answer: {e}")),
        413 => Err("the file is larger than 10 MB".into()),
        401 => Err("please sign in again".into()),
        _ => Err(if text.is_empty() {
            format!("upload failed ({})", resp.status())
        } else {
            text
        }),
    }
}

#[cfg(not(feature = "hydrate"))]
pub async fn upload_chosen(_input_id: &str) -> Result<ImportUpload, String> {
    Err("uploading needs the browser".into())
}
