"""Unit tests for cloud_sim's pure parts and its kubectl calls (with a fake runner).

Run: python3 -m unittest discover -s tools/cloud-sim -p 'test_*.py'
"""

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cloud_sim as sim  # noqa: E402

T0 = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def db(name="demo-db", ns="team-a", status=None, **spec):
    obj = {
        "apiVersion": "rds.services.k8s.aws/v1alpha1",
        "kind": "DBInstance",
        "metadata": {"name": name, "namespace": ns, "uid": "1234-abcd", "creationTimestamp": "2026-03-01T12:00:00Z"},
        "spec": {"dbInstanceIdentifier": name, "dbInstanceClass": "db.t4g.micro", "engine": "postgres", **spec},
    }
    if status is not None:
        obj["status"] = status
    return obj


def cache(name="demo-cache", ns="team-a", status=None):
    obj = {
        "apiVersion": "elasticache.services.k8s.aws/v1alpha1",
        "kind": "CacheCluster",
        "metadata": {"name": name, "namespace": ns, "creationTimestamp": "2026-03-01T12:00:00Z"},
        "spec": {"cacheClusterID": "demo-cache-id", "engine": "redis", "numCacheNodes": 1},
    }
    if status is not None:
        obj["status"] = status
    return obj


def apply(obj, patch):
    """What a merge patch of the status does to obj (status fields here are replaced whole)."""
    out = json.loads(json.dumps(obj))
    out.setdefault("status", {}).update(patch["status"])
    return out


class TimeTest(unittest.TestCase):
    def test_parse_forms(self):
        self.assertEqual(sim.parse_time("2026-03-01T12:00:00Z"), T0)
        self.assertEqual(sim.parse_time("2026-03-01T12:00:00.5Z"), at(0.5))
        self.assertEqual(sim.parse_time("2026-03-01T13:00:00+01:00"), T0)
        with self.assertRaises(ValueError):
            sim.parse_time("")

    def test_format_whole_seconds_utc(self):
        self.assertEqual(sim.format_time(at(1.7)), "2026-03-01T12:00:01Z")

    def test_target_state_uses_delay_since_creation(self):
        obj = db()
        self.assertEqual(sim.target_state(obj, at(2.9), 3), sim.CREATING)
        self.assertEqual(sim.target_state(obj, at(3), 3), sim.AVAILABLE)
        self.assertEqual(sim.target_state(obj, at(0), 0), sim.AVAILABLE)

    def test_target_state_without_or_with_bad_timestamp(self):
        obj = db()
        del obj["metadata"]["creationTimestamp"]
        self.assertEqual(sim.target_state(obj, at(100), 3), sim.CREATING)
        obj["metadata"]["creationTimestamp"] = "yesterday"
        self.assertEqual(sim.target_state(obj, at(100), 3), sim.CREATING)


class DBInstanceTest(unittest.TestCase):
    def test_creating_first(self):
        patch = sim.status_patch(sim.DB_INSTANCE, db(), at(1), 3, "us-west-2")
        st = patch["status"]
        self.assertEqual(st["dbInstanceStatus"], "creating")
        self.assertNotIn("endpoint", st)
        self.assertEqual(st["conditions"][0]["type"], "ACK.ResourceSynced")
        self.assertEqual(st["conditions"][0]["status"], "False")
        self.assertEqual(st["ackResourceMetadata"]["arn"], "arn:aws:rds:us-west-2:000000000000:db:demo-db")
        self.assertEqual(st["ackResourceMetadata"]["ownerAccountID"], "000000000000")

    def test_available_with_endpoint(self):
        st = sim.status_patch(sim.DB_INSTANCE, db(), at(5), 3, "eu-central-1")["status"]
        self.assertEqual(st["dbInstanceStatus"], "available")
        self.assertEqual(st["endpoint"]["address"], "demo-db.team-a.sim.local")
        self.assertEqual(st["endpoint"]["port"], 5432)
        self.assertEqual(st["conditions"][0]["status"], "True")
        self.assertEqual(st["conditions"][0]["lastTransitionTime"], "2026-03-01T12:00:05Z")
        self.assertEqual(st["instanceCreateTime"], "2026-03-01T12:00:00Z")
        self.assertIn(":eu-central-1:", st["ackResourceMetadata"]["arn"])

    def test_spec_port_wins(self):
        st = sim.status_patch(sim.DB_INSTANCE, db(port=6543), at(5), 3, "r")["status"]
        self.assertEqual(st["endpoint"]["port"], 6543)
        st = sim.status_patch(sim.DB_INSTANCE, db(port=True), at(5), 3, "r")["status"]
        self.assertEqual(st["endpoint"]["port"], 5432)

    def test_converges_and_then_stays_quiet(self):
        obj = db()
        p1 = sim.status_patch(sim.DB_INSTANCE, obj, at(1), 3, "r")
        obj = apply(obj, p1)
        self.assertIsNone(sim.status_patch(sim.DB_INSTANCE, obj, at(2), 3, "r"))
        p2 = sim.status_patch(sim.DB_INSTANCE, obj, at(4), 3, "r")
        self.assertEqual(p2["status"]["dbInstanceStatus"], "available")
        obj = apply(obj, p2)
        self.assertIsNone(sim.status_patch(sim.DB_INSTANCE, obj, at(60), 3, "r"))

    def test_condition_time_kept_while_status_unchanged(self):
        obj = apply(db(), sim.status_patch(sim.DB_INSTANCE, db(), at(1), 3, "r"))
        obj["status"]["arbitrary"] = "kept"  # e.g. a field a real controller would add
        obj["status"]["ackResourceMetadata"]["region"] = "other"  # drift is repaired
        p = sim.status_patch(sim.DB_INSTANCE, obj, at(2), 3, "r")
        self.assertEqual(p["status"]["conditions"][0]["lastTransitionTime"], "2026-03-01T12:00:01Z")
        self.assertEqual(p["status"]["ackResourceMetadata"]["region"], "r")

    def test_wiped_status_is_restored(self):
        obj = db()
        obj = apply(obj, sim.status_patch(sim.DB_INSTANCE, obj, at(5), 3, "r"))
        obj["status"] = {}
        p = sim.status_patch(sim.DB_INSTANCE, obj, at(6), 3, "r")
        self.assertEqual(p["status"]["dbInstanceStatus"], "available")

    def test_other_conditions_are_kept_in_place(self):
        other = {"type": "ACK.Terminal", "status": "False"}
        obj = db(status={"conditions": [{"type": "ACK.ResourceSynced", "status": "False"}, other]})
        conds = sim.status_patch(sim.DB_INSTANCE, obj, at(5), 3, "r")["status"]["conditions"]
        self.assertEqual([c["type"] for c in conds], ["ACK.ResourceSynced", "ACK.Terminal"])
        self.assertEqual(conds[1], other)

    def test_describe(self):
        obj = db()
        line = sim.describe(sim.DB_INSTANCE, obj, sim.status_patch(sim.DB_INSTANCE, obj, at(1), 3, "r"))
        self.assertEqual(line, "DBInstance team-a/demo-db: (none) -> creating")
        obj = apply(obj, sim.status_patch(sim.DB_INSTANCE, obj, at(1), 3, "r"))
        line = sim.describe(sim.DB_INSTANCE, obj, sim.status_patch(sim.DB_INSTANCE, obj, at(9), 3, "r"))
        self.assertEqual(line, "DBInstance team-a/demo-db: creating -> available endpoint=demo-db.team-a.sim.local:5432")


class CacheClusterTest(unittest.TestCase):
    def test_available_with_node_endpoint(self):
        st = sim.status_patch(sim.CACHE_CLUSTER, cache(), at(3), 3, "us-west-2")["status"]
        self.assertEqual(st["cacheClusterStatus"], "available")
        self.assertEqual(len(st["cacheNodes"]), 1)
        node = st["cacheNodes"][0]
        self.assertEqual(node["endpoint"], {"address": "demo-cache.team-a.sim.local", "port": 6379})
        self.assertEqual(node["cacheNodeStatus"], "available")
        self.assertEqual(st["ackResourceMetadata"]["arn"],
                         "arn:aws:elasticache:us-west-2:000000000000:cluster:demo-cache-id")
        self.assertNotIn("endpoint", st)

    def test_creating_has_no_nodes(self):
        st = sim.status_patch(sim.CACHE_CLUSTER, cache(), at(0), 3, "r")["status"]
        self.assertEqual(st["cacheClusterStatus"], "creating")
        self.assertNotIn("cacheNodes", st)

    def test_describe_uses_node_endpoint(self):
        obj = cache()
        line = sim.describe(sim.CACHE_CLUSTER, obj, sim.status_patch(sim.CACHE_CLUSTER, obj, at(9), 3, "r"))
        self.assertTrue(line.endswith("(none) -> available endpoint=demo-cache.team-a.sim.local:6379"), line)


class FakeRunner:
    def __init__(self, responses):
        self.calls = []
        self.responses = responses  # verb -> CompletedProcess or callable(argv)

    def __call__(self, argv):
        self.calls.append(argv)
        verb = argv[argv.index("get") if "get" in argv else argv.index("patch")]
        resp = self.responses[verb]
        return resp(argv) if callable(resp) else resp


def done(rc=0, out="", err=""):
    return subprocess.CompletedProcess([], rc, out, err)


class KubectlTest(unittest.TestCase):
    def args(self, **kw):
        base = dict(namespace=None, delay=3.0, region="us-west-2")
        base.update(kw)
        return argparse.Namespace(**base)

    def test_list_and_patch_argv(self):
        items = {"items": [db(), cache()]}

        def get(argv):
            if "dbinstances.rds.services.k8s.aws" in argv:
                return done(out=json.dumps({"items": items["items"][:1]}))
            return done(out=json.dumps({"items": items["items"][1:]}))

        runner = FakeRunner({"get": get, "patch": done()})
        k = sim.Kubectl("/bin/kubectl", "/tmp/kc", runner)
        out = []
        orig = sim.log
        sim.log = out.append
        try:
            n = sim.sync_once(k, self.args(), {})
        finally:
            sim.log = orig
        self.assertEqual(n, 2)
        get_calls = [c for c in runner.calls if "get" in c]
        self.assertEqual(get_calls[0][:3], ["/bin/kubectl", "--kubeconfig", "/tmp/kc"])
        self.assertIn("--all-namespaces", get_calls[0])
        patches = [c for c in runner.calls if "patch" in c]
        self.assertEqual(len(patches), 2)
        p = patches[0]
        self.assertEqual(p[3:6], ["patch", "dbinstances.rds.services.k8s.aws", "demo-db"])
        self.assertIn("--subresource=status", p)
        self.assertIn("--type=merge", p)
        self.assertEqual(p[p.index("-n") + 1], "team-a")
        body = json.loads(p[p.index("-p") + 1])
        self.assertEqual(body["status"]["dbInstanceStatus"], "available")  # the clock is real: long past T0
        self.assertEqual(len(out), 2)

    def test_list_error_reported_once_and_deleting_objects_skipped(self):
        dying = db()
        dying["metadata"]["deletionTimestamp"] = "2026-03-01T12:00:01Z"

        def get(argv):
            if "dbinstances.rds.services.k8s.aws" in argv:
                return done(out=json.dumps({"items": [dying]}))
            return done(rc=1, err='error: the server doesn\'t have a resource type "cacheclusters"')

        runner = FakeRunner({"get": get, "patch": done()})
        k = sim.Kubectl("kubectl", None, runner)
        out, errors = [], {}
        orig = sim.log
        sim.log = out.append
        try:
            self.assertEqual(sim.sync_once(k, self.args(namespace="ns1"), errors), 0)
            self.assertEqual(sim.sync_once(k, self.args(namespace="ns1"), errors), 0)
        finally:
            sim.log = orig
        self.assertEqual(len(out), 1)
        self.assertIn("cannot list cacheclusters", out[0])
        self.assertIn("CacheCluster", errors)
        self.assertFalse(any("patch" in c for c in runner.calls))
        self.assertIn(["-n", "ns1"], [c[3:5] for c in runner.calls])

    def test_patch_failure_is_logged_not_counted(self):
        runner = FakeRunner({"get": lambda argv: done(out=json.dumps({"items": [db()]}))
                             if "dbinstances.rds.services.k8s.aws" in argv else done(out='{"items": []}'),
                             "patch": done(rc=1, err="forbidden")})
        out = []
        orig = sim.log
        sim.log = out.append
        try:
            self.assertEqual(sim.sync_once(sim.Kubectl("kubectl", None, runner), self.args(), {}), 0)
        finally:
            sim.log = orig
        self.assertEqual(len(out), 1)
        self.assertIn("patch failed", out[0])
        self.assertIn("forbidden", out[0])


class ArgsTest(unittest.TestCase):
    def test_defaults_and_env(self):
        old = dict(os.environ)
        try:
            os.environ["KUBECTL"] = "/opt/kubectl"
            os.environ["KUBECONFIG"] = "/tmp/kc"
            os.environ["CLOUD_SIM_DELAY"] = "0.5"
            a = sim.parse_args([])
            self.assertEqual((a.kubectl, a.kubeconfig, a.delay, a.interval), ("/opt/kubectl", "/tmp/kc", 0.5, 1.0))
            a = sim.parse_args(["--kubectl", "k", "--kubeconfig", "c", "--delay", "7", "--once"])
            self.assertEqual((a.kubectl, a.kubeconfig, a.delay, a.once), ("k", "c", 7.0, True))
        finally:
            os.environ.clear()
            os.environ.update(old)

    def test_rejects_negative_delay(self):
        with self.assertRaises(SystemExit), contextlib.redirect_stderr(io.StringIO()):
            sim.parse_args(["--delay", "-1"])


if __name__ == "__main__":
    unittest.main()
