//! The browser bundle under `/pkg` as `cargo leptos build` left it in the site root:
//! - served **precompressed** (the `.br` / `.gz` files a release build writes beside each asset,
//!   chosen by the request's `Accept-Encoding`; without them, as is);
//! - **cached for a year as immutable** when the build put content hashes in the names (its hash
//!   file is in the site root: `HASH_FILE`), else revalidated on every load, since a development
//!   build keeps the same names across builds.
//!
//! The hash file is cargo-leptos' own (`css: …`, `js: …`, `wasm: …`), copied into the site root
//! by the build scripts; `app::assets` reads the names from it.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;

/// The hash file's name in the site root.
pub const HASH_FILE: &str = "hash.txt";
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const REVALIDATE: &str = "no-cache";

/// The hash file of the site under `site_root`, when the build hashed its asset names.
pub fn hash_file(site_root: &str) -> Option<PathBuf> {
    let path = Path::new(site_root).join(HASH_FILE);
    let path = std::path::absolute(&path).unwrap_or(path);
    path.is_file().then_some(path)
}

/// The `/pkg` routes: the bundle's files, precompressed where the build compressed them.
pub fn pkg_router(site_root: &str, pkg_dir: &str, hashed: bool) -> Router {
    let files = ServeDir::new(Path::new(site_root).join(pkg_dir))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .fallback_service(files)
        .layer(axum::middleware::from_fn_with_state(hashed, cache_lifetime))
}

/// A found file's lifetime in caches (errors are not cached).
async fn cache_lifetime(State(hashed): State<bool>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == axum::http::StatusCode::NOT_MODIFIED {
        let value = if hashed { IMMUTABLE } else { REVALIDATE };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    async fn fetch(app: &Router, path: &str, accept: &str) -> Response {
        let req = Request::get(path)
            .header(header::ACCEPT_ENCODING, accept)
            .body(Body::empty())
            .unwrap();
        app.clone().oneshot(req).await.unwrap()
    }

    fn header_of(res: &Response, name: header::HeaderName) -> Option<&str> {
        res.headers().get(name).and_then(|v| v.to_str().ok())
    }

    #[tokio::test]
    async fn precompressed_files_are_chosen_by_accept_encoding_and_hashed_names_kept_a_year() {
        let site = std::env::temp_dir().join(format!("site-assets-{}", std::process::id()));
        let pkg = site.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("app.h1.wasm"), b"plain wasm").unwrap();
        std::fs::write(pkg.join("app.h1.wasm.br"), b"br").unwrap();
        std::fs::write(pkg.join("app.h1.wasm.gz"), b"gz").unwrap();
        let root = site.to_str().unwrap();
        assert_eq!(hash_file(root), None, "no hash file: plain names");
        std::fs::write(site.join(HASH_FILE), "wasm: h1\n").unwrap();
        assert!(hash_file(root).is_some_and(|p| p.is_absolute()));

        let hashed = nested(pkg_router(root, "pkg", true));
        for (accept, encoding, len) in [
            ("br, gzip", Some("br"), 2),
            ("gzip", Some("gzip"), 2),
            ("identity", None, 10),
        ] {
            let res = fetch(&hashed, "/pkg/app.h1.wasm", accept).await;
            assert_eq!(res.status(), StatusCode::OK, "{accept}");
            assert_eq!(
                header_of(&res, header::CONTENT_ENCODING),
                encoding,
                "{accept}"
            );
            assert_eq!(
                header_of(&res, header::CONTENT_TYPE),
                Some("application/wasm")
            );
            assert_eq!(header_of(&res, header::CACHE_CONTROL), Some(IMMUTABLE));
            let body = axum::body::to_bytes(res.into_body(), 1024).await.unwrap();
            assert_eq!(body.len(), len, "{accept}");
        }
        let missing = fetch(&hashed, "/pkg/app.h2.wasm", "br").await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            header_of(&missing, header::CACHE_CONTROL),
            None,
            "a miss is not cached"
        );

        let plain = nested(pkg_router(root, "pkg", false));
        let res = fetch(&plain, "/pkg/app.h1.wasm", "br").await;
        assert_eq!(header_of(&res, header::CACHE_CONTROL), Some(REVALIDATE));
        std::fs::remove_dir_all(&site).unwrap();
    }

    /// The `/pkg` router nested as `http::router` nests it.
    fn nested(pkg: Router) -> Router {
        Router::new().nest_service("/pkg", pkg)
    }
}
