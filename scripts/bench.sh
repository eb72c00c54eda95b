#!/usr/bin/env bash
# `npm run bench`: every benchmark, each beside the peer a user would pick instead, in one run.
#   native  Google Benchmark (build/native/tests/bench/native/rollgate_bench)
#   scipy   tests/bench/*.py time scipy on the same data the native benchmark uses
#   wasm    tests/bench/node/goals.mjs: each node benchmark in its own process (the package against
#           flagd-core, GrowthBook, Unleash, LaunchDarkly, Flipt, xxhash-wasm), then the table of
#           issue 15's goals, each beside its peer with the ratio
#   edge    tests/bench/edge/*.mjs (workerd with the rollgate worker against a passthrough worker)
# Pass a regex to run only matching native benchmarks: npm run bench -- BM_Bucket
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
filter=${1:-.}

say "native benchmarks (Google Benchmark)"
build/native/tests/bench/native/rollgate_bench --benchmark_filter="$filter" --benchmark_min_time=0.2

for script in tests/bench/*.py; do
  [ -e "$script" ] || continue
  if /usr/bin/python3 -c 'import scipy' 2>/dev/null; then
    say "reference: /usr/bin/python3 $script"
    /usr/bin/python3 "$script"
  else
    say "skipping $script: python3-scipy is not installed (apt-get install -y python3-scipy)"
  fi
done

say "node tests/bench/node/goals.mjs"
node tests/bench/node/goals.mjs

for script in tests/bench/edge/*.mjs; do
  [ -e "$script" ] || continue
  say "node $script"
  node "$script"
done
