#!/usr/bin/env bash
# Runs `kro controller` under the Helm chart's ServiceAccount identity (its RBAC, nothing more)
# against a local control plane and checks that the voting app reaches ACTIVE and that the
# controller was never denied (no 403 in its log).
#
#   test/deploy/chart_identity.sh [KRO_BINARY]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${KRO_BIN_DIR:-$ROOT/.cache/bin}"
KRO_BIN="${1:-${KRO:-$ROOT/build/cmd/kro/kro}}"
for tool in etcd kube-apiserver kubectl helm kwok; do
  [[ -x "$BIN/$tool" ]] || { echo "chart_identity: $BIN/$tool missing (run scripts/setup)" >&2; exit 1; }
done
[[ -x "$KRO_BIN" ]] || { echo "chart_identity: $KRO_BIN missing (make build)" >&2; exit 1; }

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  "$ROOT/scripts/controlplane" down "$WORK/cp" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# --full: the controller-manager aggregates the chart's ClusterRoles and signs tokens.
ADMIN="$("$ROOT/scripts/controlplane" up --full "$WORK/cp" | tail -n 1)"
K=("$BIN/kubectl" --kubeconfig "$ADMIN")
NS=kro-system

# 1. Install the chart's objects (the CRD, RBAC, ServiceAccount) as the admin.
"${K[@]}" create namespace "$NS"
"${K[@]}" apply -f "$ROOT/deploy/helm/kro-cpp/crds/"
"$BIN/helm" template kro "$ROOT/deploy/helm/kro-cpp" --namespace "$NS" >"$WORK/chart.yaml"
"${K[@]}" apply -n "$NS" -f "$WORK/chart.yaml" >/dev/null
SA="$("${K[@]}" get serviceaccounts -n "$NS" -o jsonpath='{.items[?(@.metadata.name!="default")].metadata.name}')"
[[ -n "$SA" ]] || { echo "chart_identity: the chart created no ServiceAccount" >&2; exit 1; }

# 2. A kubeconfig that is only that ServiceAccount.
TOKEN="$("${K[@]}" create token "$SA" -n "$NS" --duration=1h)"
SERVER="$("${K[@]}" config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
"${K[@]}" config view --raw --minify --flatten -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' \
  | base64 -d >"$WORK/ca.crt"
SAK=("$BIN/kubectl" --kubeconfig "$WORK/sa-kubeconfig")
"${SAK[@]}" config set-cluster local --server="$SERVER" --certificate-authority="$WORK/ca.crt" \
  --embed-certs=true >/dev/null
"${SAK[@]}" config set-credentials sa --token="$TOKEN" >/dev/null
"${SAK[@]}" config set-context sa --cluster=local --user=sa --namespace="$NS" >/dev/null
"${SAK[@]}" config use-context sa >/dev/null
echo "chart_identity: running kro controller as system:serviceaccount:$NS:$SA"
# The aggregated ClusterRole fills in asynchronously: wait until the identity can list RGDs.
for _ in $(seq 1 60); do
  [[ "$("${SAK[@]}" auth can-i list resourcegraphdefinitions.kro.run 2>/dev/null)" == yes ]] && break
  sleep 1
done

# 3. The controller under that identity with the flags the chart's Deployment passes (leader
#    election in kro-system included); only the listen addresses move to free loopback ports.
mapfile -t ARGS < <("${K[@]}" get deployments -n "$NS" -o json | python3 -c '
import json, sys
for d in json.load(sys.stdin)["items"]:
    for arg in d["spec"]["template"]["spec"]["containers"][0].get("args", []):
        if arg.startswith(("--metrics-bind-address=", "--health-probe-bind-address=")):
            arg = arg.split("=")[0] + "=127.0.0.1:0"
        print(arg)
')
[[ ${#ARGS[@]} -gt 0 ]] || { echo "chart_identity: no container args in the chart's Deployment" >&2; exit 1; }
echo "chart_identity: kro controller ${ARGS[*]}"
"$KRO_BIN" controller --kubeconfig "$WORK/sa-kubeconfig" "${ARGS[@]}" >"$WORK/controller.log" 2>&1 &
PIDS+=($!)
"${K[@]}" apply -f "$ROOT/examples/voting-app/crds/" >/dev/null
python3 "$ROOT/tools/cloud-sim/cloud_sim.py" --kubectl "$BIN/kubectl" --kubeconfig "$ADMIN" \
  --delay 1 --interval 0.5 >"$WORK/sim.log" 2>&1 &
PIDS+=($!)
"${K[@]}" apply -f "$ROOT/examples/voting-app/rgd.yaml" >/dev/null
if ! "${K[@]}" wait --for=jsonpath='{.status.state}'=Active --timeout=120s \
    resourcegraphdefinitions.kro.run/votingapp.kro.run; then
  echo "chart_identity: RGD not Active; controller log:" >&2; tail -40 "$WORK/controller.log" >&2; exit 1
fi
"${K[@]}" apply -f "$ROOT/examples/voting-app/instance.yaml" >/dev/null
if ! "${K[@]}" wait --for=jsonpath='{.status.state}'=ACTIVE --timeout=180s votingapp/demo; then
  echo "chart_identity: instance not ACTIVE; controller log:" >&2; tail -40 "$WORK/controller.log" >&2
  exit 1
fi
if grep -Eq 'forbidden|PERMISSION_DENIED|HTTP 403' "$WORK/controller.log"; then
  echo "chart_identity: the controller was denied something:" >&2
  grep -E 'forbidden|PERMISSION_DENIED|HTTP 403' "$WORK/controller.log" | head -20 >&2
  exit 1
fi
echo "chart_identity: voting app ACTIVE under the chart's ServiceAccount; no request denied"
