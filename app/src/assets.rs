//! The browser bundle's file names. A release build (`cargo leptos build --release`, with
//! `hash-files`) puts each file's content hash in its name and lists the hashes in a hash file
//! (`css: …`, `js: …`, `wasm: …`); the server points `LeptosOptions::hash_file` at it, the
//! hydration scripts name the js and wasm from it, and the shell names the stylesheet from it.
//! A development build keeps plain names.

use leptos::config::LeptosOptions;
use std::sync::OnceLock;

/// The hash a hash file gives for files ending in `ext` (`css`, `js`, `wasm`).
pub fn hash_for<'a>(hash_file: &'a str, ext: &str) -> Option<&'a str> {
    hash_file.lines().find_map(|line| {
        let (kind, hash) = line.split_once(':')?;
        let hash = hash.trim();
        (kind.trim() == ext && !hash.is_empty()).then_some(hash)
    })
}

/// `/pkg/creator-inbox.<hash>.css` when the build hashed its files, else `/pkg/creator-inbox.css`.
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    static HASHES: OnceLock<Option<String>> = OnceLock::new();
    let hashes = HASHES.get_or_init(|| {
        options
            .hash_files
            .then(|| std::fs::read_to_string(options.hash_file.as_ref()).ok())
            .flatten()
    });
    let name = match hashes.as_deref().and_then(|h| hash_for(h, "css")) {
        Some(hash) => format!("{}.{hash}", options.output_name),
        None => options.output_name.to_string(),
    };
    format!("/{}/{name}.css", options.site_pkg_dir)
}

#[cfg(test)]
mod tests {
    use super::hash_for;

    #[test]
    fn hashes_are_read_by_kind() {
        let file = "js: aB_1\nwasm: Zz-9\ncss: Cc3\n";
        let cases = [
            ("js", Some("aB_1")),
            ("wasm", Some("Zz-9")),
            ("css", Some("Cc3")),
            ("ts", None),
        ];
        for (ext, want) in cases {
            assert_eq!(hash_for(file, ext), want, "{ext}");
        }
        assert_eq!(hash_for("css: \n", "css"), None, "an empty hash is no hash");
        assert_eq!(hash_for("", "css"), None);
    }
}
