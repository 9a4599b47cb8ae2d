#!/usr/bin/env bash
# deploy/helm/sync-crds.sh: copy kro's CRDs from config/crd/ (the source of truth, written
# with the API types) into the chart's crds/ directory, which helm installs before the
# templates.
#
#   deploy/helm/sync-crds.sh           copy (and remove chart CRDs that config/crd no longer has)
#   deploy/helm/sync-crds.sh --check   change nothing; exit 1 if crds/ differs from config/crd/
#
# With no CRD in config/crd/ yet it says so and exits 0, leaving crds/ as it is.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SRC="$ROOT/config/crd"
DST="$ROOT/deploy/helm/kro-cpp/crds"
check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
  *) echo "sync-crds: unknown argument: $1" >&2; exit 2 ;;
esac

shopt -s nullglob
sources=("$SRC"/*.yaml)
if ((${#sources[@]} == 0)); then
  echo "sync-crds: no CRDs in config/crd/ yet; the chart ships none until they exist" >&2
  exit 0
fi

mkdir -p "$DST"
status=0
for src in "${sources[@]}"; do
  dst="$DST/$(basename "$src")"
  if cmp -s "$src" "$dst"; then
    continue
  fi
  if ((check)); then
    echo "sync-crds: $dst is out of date with config/crd/ (run deploy/helm/sync-crds.sh)" >&2
    status=1
  else
    cp "$src" "$dst"
    echo "sync-crds: updated ${dst#"$ROOT"/}"
  fi
done
for dst in "$DST"/*.yaml; do
  if [[ ! -e "$SRC/$(basename "$dst")" ]]; then
    if ((check)); then
      echo "sync-crds: $dst has no source in config/crd/" >&2
      status=1
    else
      rm "$dst"
      echo "sync-crds: removed ${dst#"$ROOT"/}"
    fi
  fi
done
exit "$status"
