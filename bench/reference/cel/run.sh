#!/usr/bin/env bash
# Builds the cel-go reference benchmark into .cache/bench/ and runs it:
#   bench/reference/cel/run.sh RESULTS_DIR   -> RESULTS_DIR/cel_bench.reference.json
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
RESULTS="$(cd "${1:?usage: run.sh RESULTS_DIR}" && pwd)"
mkdir -p "$ROOT/.cache/bench"
(cd "$HERE" && go build -o "$ROOT/.cache/bench/cel-reference" .)
"$ROOT/.cache/bench/cel-reference" -reps "${BENCH_REPETITIONS:-5}" "$RESULTS/cel_bench.reference.json"
