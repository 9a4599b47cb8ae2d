#!/usr/bin/env bash
# test/deploy/cluster_check.sh: checks the deploy artifacts against a throw-away control
# plane (scripts/controlplane, etcd + kube-apiserver only):
#   1. examples/voting-app/crds/ install and become Established;
#   2. tools/cloud-sim/cloud_sim.py moves a DBInstance and a CacheCluster through
#      creating -> available with ACK-shaped endpoints, and restores a wiped status;
#   3. every template of examples/voting-app/rgd.yaml, with ${...} replaced by sample
#      values, passes a server-side dry run (catches field-name and schema mistakes in
#      the non-CEL parts);
#   3b. examples/voting-app/rgd.yaml passes a server-side dry run against
#      config/crd/kro.run_resourcegraphdefinitions.yaml (when that exists);
#   4. deploy/helm/check.sh with its optional server-side dry runs.
# Exits 77 (ctest: skipped) when the control-plane binaries are missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${KRO_BIN_DIR:-$ROOT/.cache/bin}"
for tool in etcd kube-apiserver kubectl; do
  [[ -x "$BIN/$tool" ]] || { echo "cluster_check: $BIN/$tool missing (run scripts/setup)" >&2; exit 77; }
done

WORK="$(mktemp -d)"
SIM_PID=""
cleanup() {
  [[ -n "$SIM_PID" ]] && kill "$SIM_PID" 2>/dev/null || true
  "$ROOT/scripts/controlplane" down "$WORK/cp" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

KUBECONFIG="$("$ROOT/scripts/controlplane" up "$WORK/cp" | tail -n 1)"
export KUBECONFIG
K=("$BIN/kubectl")
echo "cluster_check: control plane up ($KUBECONFIG)"

# 1. CRDs
"${K[@]}" apply -f "$ROOT/examples/voting-app/crds/"
"${K[@]}" wait --for=condition=Established --timeout=60s \
  crd/dbinstances.rds.services.k8s.aws crd/cacheclusters.elasticache.services.k8s.aws

# 2. cloud-sim
python3 "$ROOT/tools/cloud-sim/cloud_sim.py" --kubectl "$BIN/kubectl" --kubeconfig "$KUBECONFIG" \
  --delay 2 --interval 0.5 >"$WORK/sim.log" 2>&1 &
SIM_PID=$!
"${K[@]}" create namespace sim-test
"${K[@]}" apply -n sim-test -f - <<'YAML'
apiVersion: rds.services.k8s.aws/v1alpha1
kind: DBInstance
metadata: {name: t-db}
spec: {dbInstanceIdentifier: t-db, dbInstanceClass: db.t4g.micro, engine: postgres, allocatedStorage: 20}
---
apiVersion: elasticache.services.k8s.aws/v1alpha1
kind: CacheCluster
metadata: {name: t-cache}
spec: {cacheClusterID: t-cache, cacheNodeType: cache.t4g.micro, engine: redis, numCacheNodes: 1}
YAML
"${K[@]}" wait -n sim-test --timeout=30s --for=jsonpath='{.status.dbInstanceStatus}'=available dbinstance/t-db
"${K[@]}" wait -n sim-test --timeout=30s --for=jsonpath='{.status.cacheClusterStatus}'=available cachecluster/t-cache
"${K[@]}" wait -n sim-test --timeout=30s \
  --for=jsonpath='{.status.conditions[?(@.type=="ACK.ResourceSynced")].status}'=True dbinstance/t-db
addr="$("${K[@]}" get -n sim-test dbinstance/t-db -o jsonpath='{.status.endpoint.address}:{.status.endpoint.port}')"
[[ "$addr" == "t-db.sim-test.sim.local:5432" ]] || { echo "unexpected db endpoint $addr" >&2; exit 1; }
addr="$("${K[@]}" get -n sim-test cachecluster/t-cache -o jsonpath='{.status.cacheNodes[0].endpoint.address}:{.status.cacheNodes[0].endpoint.port}')"
[[ "$addr" == "t-cache.sim-test.sim.local:6379" ]] || { echo "unexpected cache endpoint $addr" >&2; exit 1; }
"${K[@]}" patch -n sim-test dbinstance/t-db --subresource=status --type=merge \
  -p '{"status":{"dbInstanceStatus":"deleting","endpoint":null}}'
"${K[@]}" wait -n sim-test --timeout=30s --for=jsonpath='{.status.dbInstanceStatus}'=available dbinstance/t-db
# The simulator logs a transition just after it patches the status: give the line a moment.
for _ in $(seq 1 50); do
  lines="$(grep -c -- '->' "$WORK/sim.log" || true)"
  [[ "$lines" -ge 5 ]] && break
  sleep 0.2
done
[[ "$lines" == 5 ]] || { echo "expected 5 transitions, got $lines:" >&2; cat "$WORK/sim.log" >&2; exit 1; }
echo "cluster_check: cloud-sim ok"; cat "$WORK/sim.log"

# 3. the example's templates
python3 - "$ROOT/examples/voting-app/rgd.yaml" >"$WORK/rendered.json" <<'PY'
import json, re, sys
try:
    import yaml
except ImportError:
    sys.exit(0)  # without PyYAML, skip this step (prints nothing)
rgd = yaml.safe_load(open(sys.argv[1]))
EXPR = re.compile(r"\$\{[^}]*\}")
def sample(value, key):
    if isinstance(value, dict):
        return {k: sample(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [sample(v, key) for v in value]
    if isinstance(value, str) and "${" in value:
        if EXPR.fullmatch(value):
            if key in ("replicas", "allocatedStorage", "numCacheNodes"):
                return 1
            if key == "optional":
                return False
            if key == "selector":
                return {"app.kubernetes.io/name": "sample"}
        return EXPR.sub("sample", value)
    return value
items = []
for res in rgd["spec"]["resources"]:
    obj = sample(res["template"], None)
    obj["metadata"]["namespace"] = "sim-test"
    items.append(obj)
print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
PY
if [[ -s "$WORK/rendered.json" ]]; then
  "${K[@]}" apply --dry-run=server -f "$WORK/rendered.json"
  echo "cluster_check: voting-app templates ok"
else
  echo "cluster_check: no PyYAML; skipped the voting-app template dry run"
fi

# 3b. the RGD itself against kro's own CRD, when config/crd has it
if [[ -f "$ROOT/config/crd/kro.run_resourcegraphdefinitions.yaml" ]]; then
  "${K[@]}" apply -f "$ROOT/config/crd/kro.run_resourcegraphdefinitions.yaml"
  "${K[@]}" wait --for=condition=Established --timeout=60s crd/resourcegraphdefinitions.kro.run
  "${K[@]}" apply --dry-run=server -f "$ROOT/examples/voting-app/rgd.yaml"
  echo "cluster_check: voting-app RGD accepted by the RGD CRD"
fi

# 4. the chart
if [[ -x "$ROOT/.cache/bin/helm" || -n "${HELM:-}" ]]; then
  KRO_CHECK_KUBECONFIG="$KUBECONFIG" "$ROOT/deploy/helm/check.sh" | grep -E "dry-run|check:"
else
  echo "cluster_check: no helm; skipped the chart dry runs"
fi
echo "cluster_check: all passed"
