#!/usr/bin/env bash
# `npm start`: the main job. Until the live rollout demo lands, it builds everything and runs the
# CLI over the example configs: validate each, evaluate every flag for the example contexts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
cli=build/native/core/rollgate
for config in examples/configs/*.json; do
  [ -e "$config" ] || continue
  say "rollgate validate $config"
  "$cli" validate "$config"
  for context in examples/contexts/*.json; do
    [ -e "$context" ] || continue
    say "rollgate eval --config $config --all --context $context"
    "$cli" eval --config "$config" --all --context "$(cat "$context")"
  done
done
