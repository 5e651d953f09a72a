//! One libFuzzer binary for every target of `server::fuzz`: the target is named by
//! `INBOX_FUZZ_TARGET` (`bash .ci/fuzz.sh <target>` sets it), and its corpus is
//! `server/fuzz/corpus/<target>/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn target() -> server::fuzz::Target {
    static PICKED: OnceLock<server::fuzz::Target> = OnceLock::new();
    *PICKED.get_or_init(|| {
        let name = std::env::var("INBOX_FUZZ_TARGET").unwrap_or_default();
        server::fuzz::TARGETS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .unwrap_or_else(|| panic!("INBOX_FUZZ_TARGET must name a target of server::fuzz::TARGETS, not {name:?}"))
    })
}

fuzz_target!(|data: &[u8]| {
    target()(data);
});
