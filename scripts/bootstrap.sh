#!/usr/bin/env bash
# Sets up everything `npm start` and `npm test` need on a fresh Debian 12 machine, idempotently:
#   1. Debian packages (compilers' libraries, Emscripten, Chromium, ...) that are missing;
#   2. npm packages, when package-lock.json changed since the last install;
#   3. the native build (CMake: library, CLI, tests, benchmarks) in build/native;
#   4. the WebAssembly build (emcmake) in build/wasm, copied into dist/ for the npm package;
#   5. the Fastly Compute service (clang --target=wasm32-wasi) in build/fastly;
#   6. the package's clients (web/, edge/cloudflare/): npm ci and their builds.
# Each step says what it does and skips itself when there is nothing to do.
# Environment: ROLLGATE_SKIP_APT=1 skips step 1; ROLLGATE_NO_WASM=1 skips steps 4 and 5 (every
#              WebAssembly build) and the clients' builds;
#              ROLLGATE_JOBS (default 2) sets build parallelism.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${ROLLGATE_JOBS:-2}
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
# Runs a build, hiding its per-file progress lines. The filter must not hide a failure: under
# pipefail a failing build fails the pipeline (and set -e stops here); only grep's "no lines left"
# is forgiven.
quiet_build() { "$@" 2>&1 | { grep -Ev '^\[ *[0-9]+%\] (Building|Linking|Built)' || true; }; }

# --- 1. Debian packages -------------------------------------------------------------------------
apt_packages=(
  cmake g++ make clang libclang-rt-14-dev   # native toolchain (+ libFuzzer via clang)
  clang-format                              # the format check in tests/node (clang-format.test.mjs)
  nlohmann-json3-dev libxxhash-dev libboost-dev   # header-only dependencies
  libgtest-dev libbenchmark-dev             # GoogleTest, Google Benchmark
  emscripten binaryen                       # WebAssembly build
  wasi-libc libc++-14-dev-wasm32 libc++abi-14-dev-wasm32 libclang-rt-14-dev-wasm32 lld-14
                                            # wasm32-wasi build of the Fastly service
  nodejs npm                                # JS package, tests, edge runtime
  chromium                                  # browser tests (Playwright drives Debian's Chromium)
  gzip
)
if [ "${ROLLGATE_SKIP_APT:-0}" != 1 ]; then
  missing=()
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # node/npm may come from elsewhere than Debian (this image has its own); accept any working one.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
  fi
  missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    say "Debian packages: all present"
  fi
fi

# --- 2. npm packages -----------------------------------------------------------------------------
if [ -f package-lock.json ]; then
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  else
    say "npm packages: up to date"
  fi
fi

# The dashboard (web/) and the edge worker (edge/cloudflare/) are clients of the package with
# their own package.json, installed after the WASM build below has populated dist/.
client_packages=(web edge/cloudflare)

# --- 3. native build -----------------------------------------------------------------------------
# Configure unless an earlier configure succeeded (it writes the Makefile last; the cache alone may
# be left by one that failed).
if [ ! -f build/native/Makefile ]; then
  say "configuring the native build (build/native)"
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
say "building native library, CLI, tests and benchmarks (-j$jobs)"
quiet_build cmake --build build/native -j"$jobs"

# --- 4. WebAssembly build ------------------------------------------------------------------------
if [ "${ROLLGATE_NO_WASM:-0}" != 1 ] && [ -f wasm/CMakeLists.txt ]; then
  # Debian's acorn is not on node's default path; Emscripten's JS optimiser needs it.
  export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
  for flavour in release debug; do
    dir=build/wasm-$flavour
    if [ ! -f "$dir/Makefile" ]; then
      say "configuring the WebAssembly build ($flavour; the first build fills Emscripten's cache: a few minutes, once)"
      emcmake cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DROLLGATE_WASM_FLAVOUR=$flavour >/dev/null
    fi
    say "building WebAssembly ($flavour)"
    quiet_build cmake --build "$dir" -j"$jobs"
  done
fi
# --- 5. Fastly Compute service ---------------------------------------------------------------------
if [ "${ROLLGATE_NO_WASM:-0}" != 1 ] && [ -f edge/fastly/CMakeLists.txt ]; then
  if [ ! -f build/fastly/Makefile ]; then
    say "configuring the Fastly Compute service (build/fastly, wasm32-wasi)"
    cmake -S edge/fastly -B build/fastly -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_TOOLCHAIN_FILE="$root/edge/fastly/cmake/wasm32-wasi.cmake" >/dev/null
  fi
  say "building the Fastly Compute service (wasm32-wasi)"
  quiet_build cmake --build build/fastly -j"$jobs"
fi
# --- 6. package clients ---------------------------------------------------------------------------
for client in "${client_packages[@]}"; do
  [ -f "$client/package-lock.json" ] || continue
  if [ ! -f "$client/node_modules/.package-lock.json" ] ||
     [ "$client/package-lock.json" -nt "$client/node_modules/.package-lock.json" ]; then
    say "installing npm packages for $client"
    npm ci --prefix "$client" --no-audit --no-fund --loglevel=error
  fi
  if [ "${ROLLGATE_NO_WASM:-0}" != 1 ] && node -e "process.exit(require('./$client/package.json').scripts?.build ? 0 : 1)"; then
    say "building $client"
    npm run --silent build --prefix "$client"
  fi
done
say "build ready"
