# Shared by the project's scripts: where builds go and how tools are installed (idempotently).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
# Builds live outside the clone so a fresh clone (CI) reuses what an earlier run compiled.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/creator-inbox-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

CARGO_LEPTOS_VERSION="0.3.2"
# wasm-opt for release wasm builds (Debian's binaryen is too old for current Rust output).
BINARYEN_VERSION="132"
step() { printf '\n==> %s\n' "$*"; }

wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

install_build_tools() {
  if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
    step "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  for c in rustfmt clippy; do
    rustup component list --installed | grep -q "^$c" || rustup component add "$c"
  done
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
    step "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 13 minutes, once)"
    cargo install "cargo-leptos@$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
  if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "$BINARYEN_VERSION" ]; then
    step "installing wasm-opt (binaryen $BINARYEN_VERSION from npm, seconds, once)"
    npm install --global --no-audit --no-fund "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
  local wbg
  wbg="$(wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg" ]; then
    step "installing wasm-bindgen-cli $wbg (about 3 minutes, once)"
    # Not --locked: its lockfile pins a webpki-roots version the registry here does not serve.
    cargo install "wasm-bindgen-cli@$wbg"
  fi
}

# The browser bundle as users get it: the wasm in the size-optimized `wasm-release` profile through
# wasm-opt, content hashes in the file names, a brotli and a gzip copy beside each file. cargo-leptos
# writes the hash file beside the server binary (`serve` profile); the server reads the names from
# the site root, so it is copied there. Arguments go to cargo leptos (for example --frontend-only).
build_release_site() {
  LEPTOS_HASH_FILES=true cargo leptos build --release --precompress "$@"
  cp "$CARGO_TARGET_DIR/serve/hash.txt" target/site/hash.txt
}

install_test_tools() {
  local packages=()
  command -v chromium >/dev/null 2>&1 || packages+=(chromium)
  # Real mail servers for the email tests: Dovecot (IMAP); the SMTP server is aiosmtpd (PyPI).
  command -v dovecot >/dev/null 2>&1 || packages+=(dovecot-imapd)
  if [ ${#packages[@]} -gt 0 ]; then
    step "installing Debian's ${packages[*]}"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${packages[@]}" >/dev/null
    # The package starts a system Dovecot on the standard ports; the tests run their own.
    $SUDO systemctl disable --now dovecot >/dev/null 2>&1 || $SUDO service dovecot stop >/dev/null 2>&1 || true
  fi
  if ! python3 -c "import twilio, aiosmtpd" >/dev/null 2>&1; then
    step "installing Twilio's Python helper library (the tests sign webhooks with it, as Twilio does) and aiosmtpd (a real SMTP server)"
    python3 -m pip install --quiet "twilio==9.13.0" "aiosmtpd==1.4.6" 2>/dev/null \
      || python3 -m pip install --quiet --break-system-packages "twilio==9.13.0" "aiosmtpd==1.4.6"
  fi
  if [ ! -x end2end/node_modules/.bin/playwright ]; then
    step "installing Playwright (no browser download; Debian's chromium is used)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
}
