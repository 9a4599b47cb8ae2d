#!/usr/bin/env python3
"""cloud-sim: a stand-in for AWS Controllers for Kubernetes (ACK) in test clusters.

It is NOT a cloud and talks to no cloud. It only plays the part of the ACK RDS and
ElastiCache controllers for the objects kro creates from examples/voting-app: it polls
DBInstance (rds.services.k8s.aws) and CacheCluster (elasticache.services.k8s.aws) objects in
all namespaces and writes the status ACK would write, through the status subresource:

  first seen                  -> "creating", condition ACK.ResourceSynced=False
  --delay seconds after the
  object's creationTimestamp  -> "available", an endpoint <name>.<namespace>.sim.local
                                 (port 5432 / 6379 unless spec.port says otherwise),
                                 ackResourceMetadata, condition ACK.ResourceSynced=True

The status is a pure function of the object and the clock, so the simulator keeps no state:
restart it, or wipe an object's status, and it converges again. It prints one line per
transition it writes. It needs only python3 and kubectl.

  cloud_sim.py [--kubectl PATH] [--kubeconfig FILE] [--delay 3] [--interval 1] [--once]

kubectl: --kubectl, else $KUBECTL, else <repo>/.cache/bin/kubectl when present, else `kubectl`
on PATH. kubeconfig: --kubeconfig, else $KUBECONFIG, else kubectl's default.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from typing import Any, Callable, Optional

SYNCED = "ACK.ResourceSynced"
ACCOUNT_ID = "000000000000"
ENDPOINT_DOMAIN = "sim.local"

# ---------------------------------------------------------------------------------------
# Pure part: what status an object should have at a given time.
# ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Kind:
    """One ACK resource kind the simulator serves."""

    kind: str
    resource: str  # plural.group, as kubectl takes it
    service: str  # the ARN service name
    arn_type: str  # the ARN resource type
    id_field: str  # spec field with the AWS identifier
    state_field: str  # status field with the lifecycle state
    default_port: int


DB_INSTANCE = Kind(
    kind="DBInstance",
    resource="dbinstances.rds.services.k8s.aws",
    service="rds",
    arn_type="db",
    id_field="dbInstanceIdentifier",
    state_field="dbInstanceStatus",
    default_port=5432,
)
CACHE_CLUSTER = Kind(
    kind="CacheCluster",
    resource="cacheclusters.elasticache.services.k8s.aws",
    service="elasticache",
    arn_type="cluster",
    id_field="cacheClusterID",
    state_field="cacheClusterStatus",
    default_port=6379,
)
KINDS = (DB_INSTANCE, CACHE_CLUSTER)

CREATING = "creating"
AVAILABLE = "available"


def parse_time(value: str) -> dt.datetime:
    """Parses a Kubernetes RFC 3339 timestamp ("2026-01-02T03:04:05Z", optional fraction)."""
    if not value:
        raise ValueError("empty timestamp")
    text = value.strip()
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed


def format_time(when: dt.datetime) -> str:
    """Formats a time the way Kubernetes does for metav1.Time: UTC, whole seconds, 'Z'."""
    return when.astimezone(dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def endpoint_address(name: str, namespace: str) -> str:
    return f"{name}.{namespace}.{ENDPOINT_DOMAIN}"


def endpoint_port(kind: Kind, obj: dict) -> int:
    port = (obj.get("spec") or {}).get("port")
    if isinstance(port, int) and not isinstance(port, bool) and 0 < port < 65536:
        return port
    return kind.default_port


def identifier(kind: Kind, obj: dict) -> str:
    ident = (obj.get("spec") or {}).get(kind.id_field)
    if isinstance(ident, str) and ident:
        return ident
    return obj["metadata"]["name"]


def arn(kind: Kind, obj: dict, region: str) -> str:
    return f"arn:aws:{kind.service}:{region}:{ACCOUNT_ID}:{kind.arn_type}:{identifier(kind, obj)}"


def current_state(kind: Kind, obj: dict) -> Optional[str]:
    state = (obj.get("status") or {}).get(kind.state_field)
    return state if isinstance(state, str) and state else None


def target_state(obj: dict, now: dt.datetime, delay: float) -> str:
    """CREATING until `delay` seconds after creationTimestamp, then AVAILABLE."""
    created = obj.get("metadata", {}).get("creationTimestamp")
    if not created:
        return CREATING
    try:
        age = (now - parse_time(created)).total_seconds()
    except ValueError:
        return CREATING
    return AVAILABLE if age >= delay else CREATING


def synced_condition(state: str, now: dt.datetime, previous: Optional[dict]) -> dict:
    status = "True" if state == AVAILABLE else "False"
    if previous and previous.get("status") == status and previous.get("lastTransitionTime"):
        since = previous["lastTransitionTime"]
    else:
        since = format_time(now)
    cond = {"type": SYNCED, "status": status, "lastTransitionTime": since}
    if state == AVAILABLE:
        cond["message"] = "Resource synced successfully"
    else:
        cond["message"] = "Resource not synced"
        cond["reason"] = f"resource is in '{state}' state, cannot be modified until '{AVAILABLE}'"
    return cond


def _merge_conditions(existing: Any, synced: dict) -> list:
    """Replaces the ACK.ResourceSynced entry, keeps any other condition as it is."""
    out = [c for c in existing if isinstance(c, dict)] if isinstance(existing, list) else []
    for i, cond in enumerate(out):
        if cond.get("type") == SYNCED:
            out[i] = synced
            return out
    return out + [synced]


def desired_status(kind: Kind, obj: dict, now: dt.datetime, delay: float, region: str) -> dict:
    """The status ACK would report for obj at time now (only the fields the simulator owns)."""
    meta = obj["metadata"]
    old = obj.get("status") or {}
    state = target_state(obj, now, delay)
    previous_synced = next(
        (c for c in old.get("conditions") or [] if isinstance(c, dict) and c.get("type") == SYNCED),
        None,
    )
    status: dict = {
        kind.state_field: state,
        "ackResourceMetadata": {
            "arn": arn(kind, obj, region),
            "ownerAccountID": ACCOUNT_ID,
            "region": region,
        },
        "conditions": _merge_conditions(old.get("conditions"), synced_condition(state, now, previous_synced)),
    }
    if state != AVAILABLE:
        return status
    created = meta.get("creationTimestamp") or format_time(now)
    address = endpoint_address(meta["name"], meta.get("namespace", "default"))
    port = endpoint_port(kind, obj)
    if kind is DB_INSTANCE:
        status["endpoint"] = {"address": address, "port": port, "hostedZoneID": "ZSIMULATED0000"}
        status["instanceCreateTime"] = created
        status["dbiResourceID"] = "db-sim-" + (meta.get("uid") or meta["name"]).replace("-", "")[:20]
    else:
        status["cacheClusterCreateTime"] = created
        status["cacheNodes"] = [
            {
                "cacheNodeID": "0001",
                "cacheNodeStatus": AVAILABLE,
                "cacheNodeCreateTime": created,
                "endpoint": {"address": address, "port": port},
            }
        ]
    return status


def _subset(want: Any, have: Any) -> bool:
    """True when every field of want is present in have with the same value."""
    if isinstance(want, dict):
        return isinstance(have, dict) and all(k in have and _subset(v, have[k]) for k, v in want.items())
    if isinstance(want, list):
        return isinstance(have, list) and len(want) == len(have) and all(_subset(a, b) for a, b in zip(want, have))
    return want == have


def status_patch(kind: Kind, obj: dict, now: dt.datetime, delay: float, region: str) -> Optional[dict]:
    """A merge patch for the status subresource, or None when the status is already right."""
    want = desired_status(kind, obj, now, delay, region)
    if _subset(want, obj.get("status") or {}):
        return None
    return {"status": want}


def describe(kind: Kind, obj: dict, patch: dict) -> str:
    """The one log line for a transition."""
    meta = obj["metadata"]
    new = patch["status"]
    line = (
        f"{kind.kind} {meta.get('namespace', '')}/{meta['name']}: "
        f"{current_state(kind, obj) or '(none)'} -> {new[kind.state_field]}"
    )
    endpoint = new.get("endpoint") or ((new.get("cacheNodes") or [{}])[0]).get("endpoint")
    if endpoint:
        line += f" endpoint={endpoint['address']}:{endpoint['port']}"
    return line


# ---------------------------------------------------------------------------------------
# Impure part: kubectl.
# ---------------------------------------------------------------------------------------

Runner = Callable[[list], "subprocess.CompletedProcess[str]"]


def default_kubectl() -> str:
    env = os.environ.get("KUBECTL")
    if env:
        return env
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cached = os.path.join(repo, ".cache", "bin", "kubectl")
    if os.access(cached, os.X_OK):
        return cached
    return "kubectl"


class Kubectl:
    def __init__(self, path: str, kubeconfig: Optional[str], runner: Optional[Runner] = None):
        self.base = [path] + (["--kubeconfig", kubeconfig] if kubeconfig else [])
        self.run = runner or (lambda argv: subprocess.run(argv, capture_output=True, text=True, timeout=30))

    def list(self, resource: str, namespace: Optional[str]) -> tuple[list, Optional[str]]:
        scope = ["-n", namespace] if namespace else ["--all-namespaces"]
        proc = self.run(self.base + ["get", resource] + scope + ["-o", "json"])
        if proc.returncode != 0:
            return [], proc.stderr.strip() or f"kubectl exited {proc.returncode}"
        try:
            return json.loads(proc.stdout).get("items") or [], None
        except json.JSONDecodeError as err:
            return [], f"bad JSON from kubectl: {err}"

    def patch_status(self, resource: str, obj: dict, patch: dict) -> Optional[str]:
        meta = obj["metadata"]
        argv = self.base + ["patch", resource, meta["name"]]
        if meta.get("namespace"):
            argv += ["-n", meta["namespace"]]
        argv += ["--subresource=status", "--type=merge", "-p", json.dumps(patch, separators=(",", ":"))]
        proc = self.run(argv)
        if proc.returncode != 0:
            return proc.stderr.strip() or f"kubectl exited {proc.returncode}"
        return None


def log(message: str) -> None:
    print(f"{format_time(dt.datetime.now(dt.timezone.utc))} cloud-sim: {message}", flush=True)


def sync_once(kubectl: Kubectl, args: argparse.Namespace, errors: dict) -> int:
    """One pass over every kind; returns the number of transitions written."""
    written = 0
    for kind in KINDS:
        items, err = kubectl.list(kind.resource, args.namespace)
        if err:
            if errors.get(kind.kind) != err:  # say it once, not every second
                log(f"cannot list {kind.resource}: {err}")
                errors[kind.kind] = err
            continue
        if kind.kind in errors:
            log(f"listing {kind.resource} works again")
            del errors[kind.kind]
        for obj in items:
            if obj.get("metadata", {}).get("deletionTimestamp"):
                continue
            now = dt.datetime.now(dt.timezone.utc)
            patch = status_patch(kind, obj, now, args.delay, args.region)
            if patch is None:
                continue
            perr = kubectl.patch_status(kind.resource, obj, patch)
            if perr:
                log(f"patch failed for {kind.kind} {obj['metadata'].get('namespace', '')}/{obj['metadata']['name']}: {perr}")
                continue
            log(describe(kind, obj, patch))
            written += 1
    return written


def parse_args(argv: list) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kubectl", default=default_kubectl(), help="kubectl binary (env KUBECTL)")
    p.add_argument("--kubeconfig", default=os.environ.get("KUBECONFIG") or None, help="kubeconfig (env KUBECONFIG)")
    p.add_argument("--delay", type=float, default=float(os.environ.get("CLOUD_SIM_DELAY", "3")),
                   help="seconds after creation before a resource becomes available (env CLOUD_SIM_DELAY, default 3)")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between polls (default 1)")
    p.add_argument("--namespace", default=None, help="only this namespace (default: all)")
    p.add_argument("--region", default=os.environ.get("AWS_REGION", "us-west-2"), help="region written into ARNs")
    p.add_argument("--once", action="store_true", help="one pass, then exit")
    args = p.parse_args(argv)
    if args.delay < 0 or args.interval <= 0:
        p.error("--delay must be >= 0 and --interval > 0")
    return args


def main(argv: Optional[list] = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    kubectl = Kubectl(args.kubectl, args.kubeconfig)
    stop = {"now": False}

    def on_signal(signum, _frame):
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    errors: dict = {}
    if args.once:
        sync_once(kubectl, args, errors)
        return 1 if errors else 0
    log(f"serving {', '.join(k.kind for k in KINDS)} (delay {args.delay:g}s, poll {args.interval:g}s)")
    while not stop["now"]:
        sync_once(kubectl, args, errors)
        deadline = time.monotonic() + args.interval
        while not stop["now"] and time.monotonic() < deadline:
            time.sleep(min(0.1, args.interval))
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
