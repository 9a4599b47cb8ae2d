#!/usr/bin/env bash
# Runs upstream kro's own chainsaw suite (test/e2e/chainsaw of github.com/kubernetes-sigs/kro at
# the version below, taken from the Go module proxy, read in place from the module cache) against
# `kro controller` through scripts/e2e: the drop-in check, same CRDs, same conditions.
#
#   test/e2e/upstream_suite.sh        KRO_BIN: the kro binary (as for scripts/e2e)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
UPSTREAM_MODULE="github.com/kubernetes-sigs/kro"
UPSTREAM_VERSION="v0.9.3"

command -v go >/dev/null || { echo "upstream_suite: go is missing (run scripts/setup)" >&2; exit 1; }
# `go mod download` needs a module context only for its flags; an empty directory will do.
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
DIR="$(cd "$TMP" && go mod download -json "$UPSTREAM_MODULE@$UPSTREAM_VERSION" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
SUITE="$DIR/test/e2e/chainsaw"
[[ -d "$SUITE" ]] || { echo "upstream_suite: $SUITE not found in the module" >&2; exit 1; }
echo "upstream_suite: $UPSTREAM_MODULE@$UPSTREAM_VERSION $(ls "$SUITE" | wc -l) tests from $SUITE"
E2E_CHAINSAW_ARGS="${E2E_CHAINSAW_ARGS:---parallel 4}" exec "$ROOT/scripts/e2e" "$SUITE"
