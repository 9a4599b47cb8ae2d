#!/usr/bin/env bash
# deploy/helm/check.sh: lint and render the kro-cpp chart with default and non-default
# values, and check what comes out (RBAC by mode, flags, probes, security context).
# Needs only helm (.cache/bin/helm, built by scripts/setup; or $HELM). No cluster.
# Exits 77 (ctest: skipped) when helm is missing.
#
# With KRO_CHECK_KUBECONFIG=<kubeconfig> it also server-side dry-run applies each rendering
# (needs kubectl and a reachable API server).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CHART="$ROOT/deploy/helm/kro-cpp"
HELM="${HELM:-$ROOT/.cache/bin/helm}"
KUBECTL="${KUBECTL:-$ROOT/.cache/bin/kubectl}"
NS=kro-system

if [[ ! -x "$HELM" ]]; then
  echo "check: no helm at $HELM (run scripts/setup, or set HELM)" >&2
  exit 77
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# Keep helm away from the user's config, cache and repositories.
export HELM_CONFIG_HOME="$WORK/config" HELM_CACHE_HOME="$WORK/cache" HELM_DATA_HOME="$WORK/data"

failures=0
pass() { echo "ok    $*"; }
fail() { echo "FAIL  $*" >&2; failures=$((failures + 1)); }

# has FILE STRING DESCRIPTION / lacks FILE STRING DESCRIPTION: fixed-string checks.
has() { if grep -qF -- "$2" "$1"; then pass "$3"; else fail "$3: missing '$2' in $(basename "$1")"; fi; }
lacks() { if grep -qF -- "$2" "$1"; then fail "$3: unexpected '$2' in $(basename "$1")"; else pass "$3"; fi; }
# kind FILE KIND: the rendering has an object of that kind; nokind: it has none.
kind() { if grep -qxF -- "kind: $2" "$1"; then pass "$3"; else fail "$3: no $2 in $(basename "$1")"; fi; }
nokind() { if grep -qxF -- "kind: $2" "$1"; then fail "$3: unexpected $2 in $(basename "$1")"; else pass "$3"; fi; }
# block FILE START: the lines of the YAML list item that contains START (up to the next item
# at the same indentation).
block() {
  awk -v start="$2" '
    index($0, start) { on = 1; print; next }
    on && /^  - / { exit }
    on { print }' "$1"
}

render() { # NAME ARGS...: render into $WORK/NAME.yaml
  local name="$1"; shift
  if "$HELM" template kro "$CHART" --namespace "$NS" "$@" >"$WORK/$name.yaml" 2>"$WORK/$name.err"; then
    pass "helm template ($name)"
  else
    fail "helm template ($name): $(cat "$WORK/$name.err")"
  fi
}

# --- the chart's CRDs match config/crd -----------------------------------------------------
if "$ROOT/deploy/helm/sync-crds.sh" --check; then pass "crds/ in sync with config/crd/"; else fail "crds/ out of sync"; fi

# --- lint ------------------------------------------------------------------------------
for args in "" "--values $ROOT/deploy/helm/test-values/custom.yaml" "--set rbac.mode=unrestricted"; do
  # shellcheck disable=SC2086
  if out="$("$HELM" lint --strict "$CHART" --namespace "$NS" $args 2>&1)"; then
    pass "helm lint --strict ${args:-(defaults)}"
  else
    fail "helm lint --strict ${args:-(defaults)}: $out"
  fi
done

# --- defaults: aggregation RBAC, least privilege -------------------------------------------
render default
D="$WORK/default.yaml"
kind "$D" Deployment "default: a Deployment"
kind "$D" ServiceAccount "default: a ServiceAccount"
has "$D" "aggregationRule:" "default: aggregated controller ClusterRole"
has "$D" 'rbac.kro.run/aggregate-to-controller: "true"' "default: aggregation label"
has "$D" "name: kro-kro-cpp:controller:static" "default: static ClusterRole"
has "$D" "name: kro-kro-cpp:controller:managed-resources" "default: managed-resources ClusterRole"
lacks "$D" 'verbs: ["*"]' "default: no wildcard verbs"
block "$D" "resources: [customresourcedefinitions]" >"$WORK/crd-rule"
has "$WORK/crd-rule" "- create" "default: kro may create CRDs"
lacks "$WORK/crd-rule" "- delete" "default: kro may not delete CRDs"
block "$D" "resources: [resourcegraphdefinitions]" >"$WORK/rgd-rule"
has "$WORK/rgd-rule" "watch" "default: kro watches RGDs"
has "$D" "resources: [resourcegraphdefinitions/status]" "default: RGD status"
has "$D" "resources: [resourcegraphdefinitions/finalizers]" "default: RGD finalizers"
has "$D" 'resources: ["*/status"]' "default: instance status"
has "$D" "resources: [events]" "default: events"
kind "$D" Role "default: leader-election Role"
has "$D" "resources: [leases]" "default: leases"
kind "$D" ClusterRoleBinding "default: ClusterRoleBinding"
kind "$D" RoleBinding "default: RoleBinding"
has "$D" "name: kro-kro-cpp-metrics" "default: metrics Service"
for flag in --metrics-bind-address=:8078 --health-probe-bind-address=:8079 --leader-elect \
    --leader-election-namespace=kro-system --client-qps=100 --client-burst=150 \
    --zap-log-level=info --rgd-max-graph-revisions=5 --instance-requeue-interval=3s; do
  has "$D" "- $flag" "default: flag $flag"
done
lacks "$D" "--allow-crd-deletion" "default: CRD deletion off"
lacks "$D" "--feature-gates" "default: no feature gates"
has "$D" 'image: "kro-cpp:0.1.0"' "default: image tag from appVersion"
has "$D" "path: /healthz" "default: liveness probe"
has "$D" "path: /readyz" "default: readiness probe"
has "$D" "containerPort: 8079" "default: health port"
has "$D" "containerPort: 8078" "default: metrics port"
has "$D" "runAsNonRoot: true" "default: runAsNonRoot"
has "$D" "runAsUser: 65532" "default: uid 65532"
has "$D" "readOnlyRootFilesystem: true" "default: read-only root"
has "$D" "allowPrivilegeEscalation: false" "default: no privilege escalation"
has "$D" "- ALL" "default: drop ALL capabilities"
has "$D" "type: RuntimeDefault" "default: seccomp RuntimeDefault"
has "$D" "mountPath: /tmp" "default: writable /tmp"
has "$D" "name: kro-kro-cpp:view" "default: view aggregation role"

# --- unrestricted, CRD deletion on -------------------------------------------------------
render unrestricted --set rbac.mode=unrestricted --set config.allowCRDDeletion=true
U="$WORK/unrestricted.yaml"
has "$U" 'verbs: ["*"]' "unrestricted: wildcard rule"
lacks "$U" "aggregationRule:" "unrestricted: no aggregation"
nokind "$U" Role "unrestricted: no separate leader-election Role"
has "$U" "- --allow-crd-deletion" "unrestricted: --allow-crd-deletion"

# --- non-default values ----------------------------------------------------------------
render custom --values "$ROOT/deploy/helm/test-values/custom.yaml"
C="$WORK/custom.yaml"
block "$C" "resources: [customresourcedefinitions]" >"$WORK/crd-rule"
has "$WORK/crd-rule" "- delete" "custom: CRD delete granted with allowCRDDeletion"
has "$C" "- --allow-crd-deletion" "custom: --allow-crd-deletion"
has "$C" "aggregationRule:" "custom: 'aggregated' means aggregation"
has "$C" "- platform.example.com" "custom: extra instance group"
has "$C" "- cronjobs" "custom: custom managed-resource rules"
lacks "$C" "- deployments" "custom: default managed-resource rules replaced"
nokind "$C" ServiceAccount "custom: no ServiceAccount when create=false"
has "$C" "serviceAccountName: kro-controller" "custom: named ServiceAccount"
has "$C" "name: kro-controller" "custom: binding subject"
has "$C" "namespace: kro-leases" "custom: leader-election Role in its namespace"
has "$C" "- --leader-election-namespace=kro-leases" "custom: leader-election namespace flag"
has "$C" "- --feature-gates=CELOmitFunction=true,InstanceConditionEvents=false" "custom: feature gates"
has "$C" "- --zap-log-level=debug" "custom: log level"
has "$C" "- --client-qps=50" "custom: client qps"
has "$C" "- --client-burst=75" "custom: client burst"
has "$C" '- "--enable-controller-warmup"' "custom: extra args"
has "$C" "containerPort: 9091" "custom: health port from bind address"
has "$C" "containerPort: 9090" "custom: metrics port from bind address"
has "$C" 'image: "registry.example.com/kro-cpp:v9.9.9"' "custom: image"
has "$C" "replicas: 2" "custom: replicas"
has "$C" "team: platform" "custom: additional labels"
has "$C" "name: regcred" "custom: image pull secret"
nokind "$C" Service "custom: no metrics Service"
lacks "$C" "mountPath: /tmp" "custom: no /tmp volume"
lacks "$C" ":view" "custom: no user roles"
has "$C" "name: kro:controller" "custom: fullnameOverride"

render no-leader --set config.enableLeaderElection=false
lacks "$WORK/no-leader.yaml" "--leader-elect" "no-leader: no --leader-elect"
nokind "$WORK/no-leader.yaml" Role "no-leader: no Role"

# --- invalid values fail ---------------------------------------------------------------
if "$HELM" template kro "$CHART" --set rbac.mode=admin >/dev/null 2>"$WORK/bad.err"; then
  fail "rbac.mode=admin must be rejected"
else
  has "$WORK/bad.err" "rbac.mode must be" "rbac.mode=admin rejected"
fi
if "$HELM" template kro "$CHART" --set config.healthProbeBindAddress=nowhere >/dev/null 2>"$WORK/bad.err"; then
  fail "a bind address without port must be rejected"
else
  has "$WORK/bad.err" "cannot find a port" "bind address without port rejected"
fi

# --- optional: server-side dry run -------------------------------------------------------
if [[ -n "${KRO_CHECK_KUBECONFIG:-}" ]]; then
  for name in default unrestricted custom; do
    # Namespaces the renderings use, then the objects themselves.
    for ns in $NS kro-leases; do
      "$KUBECTL" --kubeconfig "$KRO_CHECK_KUBECONFIG" create namespace "$ns" --dry-run=client -o yaml |
        "$KUBECTL" --kubeconfig "$KRO_CHECK_KUBECONFIG" apply -f - >/dev/null
    done
    if out="$("$KUBECTL" --kubeconfig "$KRO_CHECK_KUBECONFIG" apply --dry-run=server -f "$WORK/$name.yaml" 2>&1)"; then
      pass "server dry-run ($name)"
    else
      fail "server dry-run ($name): $out"
    fi
  done
fi

if ((failures)); then
  echo "check: $failures failure(s)" >&2
  exit 1
fi
echo "check: all passed"
