#!/usr/bin/env bash
# scripts/fuzz.sh SECONDS: builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan, the
# library instrumented too) in build/fuzz, then runs each target for SECONDS / number-of-targets
# seconds (ROLLGATE_FUZZ_TARGETS="fuzz_a fuzz_b" runs only those). The working corpus lives in
# build/fuzz/corpus/<target> (seeded from tests/fuzz/corpus and kept between runs, so later runs
# start where earlier ones stopped); nothing is written into the repository. Prints one line per
# target and "fuzz: N passed, M failed"; exits 1 on any finding, naming the reproducer: run it
# again with build/fuzz/tests/fuzz/<target> <reproducer>.
set -uo pipefail
cd "$(dirname "$0")/.."

total=${1:-60}
if ! [[ "$total" =~ ^[0-9]+$ ]] || [ "$total" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh SECONDS   (total fuzzing time, split between the targets)" >&2
  exit 2
fi
for tool in clang clang++ cmake; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool not found (apt-get install -y clang cmake)" >&2; exit 2; }
done

build=build/fuzz
mkdir -p "$build/logs"
# A separate folder: everything in it, librollgate.a included, is built with the sanitizers.
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DROLLGATE_FUZZ=ON -DROLLGATE_TESTS=OFF -DROLLGATE_BENCHMARKS=OFF -DROLLGATE_CLI=OFF \
  -DROLLGATE_INSTALL=OFF >"$build/logs/configure.log" 2>&1 || {
  cat "$build/logs/configure.log" >&2
  echo "fuzz: configure failed" >&2
  exit 1
}
if ! cmake --build "$build" --target fuzz_all -j2 >"$build/logs/build.log" 2>&1; then
  tail -n 40 "$build/logs/build.log" >&2
  echo "fuzz: build failed (full log: $build/logs/build.log)" >&2
  exit 1
fi

targets=()
for source in tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$source" .cpp)"); done
# ROLLGATE_FUZZ_TARGETS="fuzz_flagd fuzz_flags" narrows the run to those targets (all by default).
if [ -n "${ROLLGATE_FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$ROLLGATE_FUZZ_TARGETS"
fi
count=${#targets[@]}
per=$((total / count))
[ "$per" -lt 1 ] && per=1

# Inputs much larger than what a target does interesting work on only slow the search down.
max_len_of() {
  case "$1" in
    fuzz_json_input) echo 8192 ;;  # the target's size limit is 4096 bytes
    fuzz_bucket) echo 4096 ;;      # past 240 bytes XXH3 takes one code path for every length
    fuzz_flags) echo 32768 ;;      # the example configs are ~5 KB
    *) echo 16384 ;;
  esac
}

passed=0
failed=0
mkdir -p "$build/logs"
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  artifacts="$build/artifacts/$t"
  log="$build/logs/$t.log"
  mkdir -p "$corpus" "$artifacts"
  if [ -d "tests/fuzz/corpus/$t" ]; then cp -n "tests/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null; fi
  before=$(find "$artifacts" -type f | wc -l)
  dict=()  # tests/fuzz/<target>.dict: tokens that help the fuzzer write valid JSON and configs
  if [ -f "tests/fuzz/$t.dict" ]; then dict=(-dict="tests/fuzz/$t.dict"); fi
  "$build/tests/fuzz/$t" "$corpus" -max_total_time="$per" -max_len="$(max_len_of "$t")" \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts/" -print_final_stats=1 \
    "${dict[@]}" >"$log" 2>&1
  rc=$?
  runs=$(grep -Eo '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
  cov=$(grep -Eo ' cov: [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+')
  units=$(find "$corpus" -type f | wc -l)
  after=$(find "$artifacts" -type f | wc -l)
  if [ "$rc" -eq 0 ] && [ "$after" -eq "$before" ]; then
    passed=$((passed + 1))
    echo "fuzz: $t passed: ${runs:-?} runs in ${per}s, coverage ${cov:-?} edges, corpus $units inputs"
  else
    failed=$((failed + 1))
    reproducer=$(ls -t "$artifacts"/* 2>/dev/null | head -1)
    echo "fuzz: $t FAILED (exit $rc) after ${runs:-?} runs; reproducer: ${reproducer:-none, see $log}"
    grep -E 'ERROR: |runtime error|SUMMARY' "$log" | head -5 | sed 's/^/    /'
    echo "    reproduce: $build/tests/fuzz/$t ${reproducer:-<input>}   (log: $log)"
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
