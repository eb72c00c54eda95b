#!/usr/bin/env bash
# `npm start`: builds what is missing (scripts/bootstrap.sh), then runs the live progressive
# rollout demo (examples/live-rollout/run.mjs, docs/demo.md): local origins, workerd running the
# edge worker and its coordinator, simulated users, and the rollout's decisions as they happen.
# Options pass through: `npm start -- --scenario latency --speed 2` (`npm start -- --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec node examples/live-rollout/run.mjs "$@"
