#!/usr/bin/env bash
# One entry point for everything: setup | build | serve | test | bench.
# Idempotent and safe to rerun; installs only what is missing (as root, or through sudo).
set -euo pipefail

cd "$(dirname "$0")"
ROOT=$(pwd)
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
export PATH="$HOME/.cargo/bin:$PATH"
WASM_TARGET=wasm32-unknown-unknown
APT_PACKAGES=(chromium chromium-driver mesa-vulkan-drivers)

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "need root to run: $*" >&2
        return 1
    fi
}

# The wasm-bindgen version the crate resolved to; the CLI must match it to the patch.
wasm_bindgen_version() {
    if [ ! -f Cargo.lock ]; then cargo generate-lockfile >/dev/null; fi
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

setup() {
    if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
        log "adding rust target $WASM_TARGET"
        rustup target add "$WASM_TARGET"
    fi
    local want have
    want=$(wasm_bindgen_version)
    have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
    if [ "$have" != "$want" ]; then
        log "installing wasm-bindgen-cli $want (found '${have:-none}'; takes several minutes once)"
        cargo install wasm-bindgen-cli --version "$want" --force
    fi
    local missing=()
    for p in "${APT_PACKAGES[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing Debian packages: ${missing[*]}"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
    fi
    if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.setup-stamp; then
        log "installing npm packages (package-lock.json)"
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
        cp package-lock.json node_modules/.setup-stamp
    fi
}

build_wasm() {
    log "building wasm (release)"
    cargo build --release --lib --target "$WASM_TARGET"
    wasm-bindgen --target web --no-typescript --out-dir www/pkg \
        "target/$WASM_TARGET/release/automl.wasm"
    mkdir -p www/vendor
    cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css www/vendor/
}

build() {
    build_wasm
    log "building native CLI (release)"
    cargo build --release --bin automl
}

serve() {
    local port=${PORT:-${1:-8080}}
    setup
    build
    log "serving www/ at http://127.0.0.1:$port/ (Ctrl-C to stop)"
    exec python3 -m http.server --bind 127.0.0.1 --directory www "$port"
}

# --- test layers -------------------------------------------------------------------------------
RESULTS=()
FAILED=0
layer() {
    local name=$1
    shift
    log "test layer: $name"
    local start=$SECONDS
    if "$@"; then
        RESULTS+=("PASS  $name ($((SECONDS - start)) s)")
    else
        RESULTS+=("FAIL  $name ($((SECONDS - start)) s)")
        FAILED=1
    fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wasm_tests() {
    CHROMEDRIVER=/usr/bin/chromedriver \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
        WASM_BINDGEN_TEST_TIMEOUT=300 \
        cargo test --target "$WASM_TARGET" --release \
        $(for f in tests/wasm_*.rs; do printf -- '--test %s ' "$(basename "$f" .rs)"; done)
}

e2e_tests() {
    local port pid status=0
    port=$(free_port)
    python3 -m http.server --bind 127.0.0.1 --directory www "$port" >target/e2e-server.log 2>&1 &
    pid=$!
    for _ in $(seq 50); do
        python3 - "$port" <<'EOF' && break
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
except OSError:
    sys.exit(1)
EOF
        sleep 0.1
    done
    E2E_BASE_URL="http://127.0.0.1:$port" node --test --test-concurrency=1 tests/e2e/ || status=$?
    kill "$pid" 2>/dev/null || true
    return "$status"
}

test_all() {
    setup
    mkdir -p target/e2e
    layer "cargo fmt --check" cargo fmt --all -- --check
    layer "clippy native (-D warnings)" cargo clippy --all-targets -- -D warnings
    layer "clippy wasm32 (-D warnings)" cargo clippy --lib --tests --target "$WASM_TARGET" -- -D warnings
    layer "native tests (unit + integration, GPU on lavapipe)" cargo test
    layer "wasm tests in headless Chromium (page + worker, WebGPU)" wasm_tests
    if build_wasm; then
        layer "end-to-end (Playwright, Chromium with and without WebGPU)" e2e_tests
    else
        RESULTS+=("FAIL  wasm build for end-to-end tests")
        FAILED=1
    fi
    echo
    log "summary"
    printf '  %s\n' "${RESULTS[@]}"
    if [ "$FAILED" = 0 ]; then log "all test layers passed"; else log "SOME TEST LAYERS FAILED"; fi
    return "$FAILED"
}

bench() {
    setup
    build
    mkdir -p target/bench
    log "native benchmark (output also in target/bench/native.txt)"
    ./target/release/automl bench "$@" | tee target/bench/native.txt
    log "browser benchmark: headless Chromium, WebGPU + wasm + TF.js (JSON in target/bench/browser.json)"
    node bench/browser.mjs | tee target/bench/browser.txt
}

case "${1:-}" in
setup) setup ;;
build) setup && build ;;
serve) shift && serve "$@" ;;
test) test_all ;;
bench) shift && bench "$@" ;;
*)
    echo "usage: ./build.sh setup|build|serve [PORT]|test|bench" >&2
    exit 2
    ;;
esac
