#!/usr/bin/env python3
"""Controller benchmark (issue 7): the same scenarios for kro-cpp's `kro controller` and for
upstream kro v0.9.3's controller (.cache/bin/kro-upstream, `make bench-reference`), one after
the other in the same run, each against a fresh local control plane (scripts/controlplane up:
etcd + kube-apiserver) so both start from the same state.

  bench/harness/controller.py RESULTS_DIR [--controller NAME=COMMAND ...]

  -> RESULTS_DIR/controller.json          everything measured (raw)
     RESULTS_DIR/controller.metrics.json  rows for bench/report.py (ours vs reference)
     RESULTS_DIR/controller-*.png         plots (gnuplot), when gnuplot is installed

The first --controller is "ours", the second the reference (default: ours = $BUILD/cmd/kro/kro
controller, upstream = .cache/bin/kro-upstream). Both run with their default flags (1 instance
worker, client QPS 100 / burst 150) plus metrics and probes turned off.

Scenarios, in this order, per controller:
  1. API round trip: the median of 30 server-side applies of a ConfigMap by the harness.
  2. scale: register the 5-resource RGD (controller_rgds.scale_rgd), create N instances
     (CONTROLLER_BENCH_N, default 500), wait until all are ACTIVE (a watch records when each
     one first is); then wait until the apiserver has had no request for 5 s (settled).
     Measured: time until all ACTIVE, controller CPU (utime+stime from /proc) and peak RSS
     (VmHWM) at settle, apiserver_request_total deltas by verb minus the harness's own.
  3. steady state: SIGTERM the controller and start it again (a restart makes both
     implementations reconcile every instance from their initial list), wait until settled, and
     count writes (POST/PUT/PATCH/APPLY/DELETE) on the child resources and on the instances
     (status included). The new process's CPU for the resync is recorded too.
  4. RGD registration: CONTROLLER_BENCH_RGDS (default 20) small RGDs, one at a time:
     apply -> status.state Active (median, p90).
  5. a CONTROLLER_BENCH_BIG-resource RGD (default 50 ConfigMaps in levels of 5): instance
     create -> ACTIVE, CONTROLLER_BENCH_BIG_RUNS (default 3) instances one after the other;
     compared with the floor levels x round trip.
"""
import argparse
import collections
import json
import os
import pathlib
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import controller_kube as kube  # noqa: E402
import controller_rgds as rgds  # noqa: E402
import controller_report as report  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONTROLPLANE = ROOT / "scripts" / "controlplane"
BIN = ROOT / ".cache" / "bin"
UPSTREAM_VERSION = "v0.9.3"
WRITE_VERBS = ("POST", "PUT", "PATCH", "APPLY", "DELETE", "DELETECOLLECTION")
# Requests that neither controller makes: the apiserver's own identity lease heartbeats.
# WATCH requests are left out everywhere: the apiserver counts a watch only when it ends.
IGNORED_RESOURCES = ("leases",)


def log(msg):
    print(f"[controller-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def graphrevision_crd():
    """Upstream v0.9.3 also needs its internal GraphRevision CRD, shipped in its Go module."""
    modcache = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True,
                              check=True).stdout.strip()
    path = (pathlib.Path(modcache) / f"github.com/kubernetes-sigs/kro@{UPSTREAM_VERSION}" /
            "helm/crds/internal.kro.run_graphrevisions.yaml")
    if not path.exists():
        subprocess.run(["go", "mod", "download", f"github.com/kubernetes-sigs/kro@{UPSTREAM_VERSION}"],
                       cwd=ROOT / "tools" / "kro-upstream", check=True)
    return path


def percentile(vals, p):
    vals = sorted(vals)
    if not vals:
        return None
    k = (len(vals) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(vals) - 1)
    return vals[lo] + (vals[hi] - vals[lo]) * (k - lo)


class Controller:
    """A controller process started in its own session, logging to a file."""

    def __init__(self, command, kubeconfig, log_path):
        self.command, self.kubeconfig, self.log_path = command, kubeconfig, log_path
        self.proc = None

    def start(self):
        env = dict(os.environ, KUBECONFIG=self.kubeconfig)
        args = shlex.split(self.command) + ["--metrics-bind-address=0",
                                            "--health-probe-bind-address=0"]
        self.logf = open(self.log_path, "a")
        self.proc = subprocess.Popen(args, env=env, stdout=self.logf, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        time.sleep(0.2)
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.command} exited at once (log {self.log_path})")

    def cpu(self):
        return kube.proc_cpu_seconds(self.proc.pid)

    def hwm_mb(self):
        return kube.proc_status_kb(self.proc.pid, "VmHWM") / 1024

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if not self.alive():
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.logf.close()


class Bench:
    def __init__(self, name, command, cp_dir, workdir, opts):
        self.name, self.command, self.cp_dir, self.opts = name, command, cp_dir, opts
        self.workdir = workdir
        self.c = kube.Client(cp_dir)
        self.kubeconfig = os.path.join(cp_dir, "kubeconfig")
        self.ctrl = None
        self.out = {"command": command}

    # ---- helpers ---------------------------------------------------------------------------
    def kubectl(self, *args):
        subprocess.run([str(BIN / "kubectl"), "--kubeconfig", self.kubeconfig, *args], check=True,
                       stdout=subprocess.DEVNULL)

    def requests(self):
        """apiserver request counts minus the harness's own, without the ignored resources."""
        m = self.c.metrics()
        with self.c.lock:
            mine = dict(self.c.counts)
        out = collections.Counter()
        for (verb, res, sub), v in m.items():
            if res and res not in IGNORED_RESOURCES and verb != "WATCH":
                out[(verb, res, sub)] += v
        for (verb, res), v in mine.items():
            # The harness's requests are not on subresources.
            out[(verb, res, "")] -= v
        return out

    @staticmethod
    def delta(a, b):
        return {k: b.get(k, 0) - a.get(k, 0) for k in set(a) | set(b) if b.get(k, 0) != a.get(k, 0)}

    @staticmethod
    def by_verb(d):
        out = collections.Counter()
        for (verb, _res, _sub), v in d.items():
            out[verb] += v
        return dict(out)

    def settle(self, quiet=5.0, timeout=900):
        """Waits until no (non-WATCH) request reached the apiserver for `quiet` seconds; returns
        the seconds waited minus the quiet period."""
        t0 = time.monotonic()
        prev, quiet_since = None, time.monotonic()
        while time.monotonic() - t0 < timeout:
            cur = sum(v for (verb, _r, _s), v in self.requests().items() if verb != "WATCH")
            if cur != prev:
                prev, quiet_since = cur, time.monotonic()
            elif time.monotonic() - quiet_since >= quiet:
                return quiet_since - t0
            time.sleep(0.5)
        log(f"{self.name}: not settled after {timeout} s")
        return time.monotonic() - t0

    def namespace(self, name):
        self.c.create("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                             "metadata": {"name": name}}, "namespaces")

    def register(self, rgd, timeout=120):
        """Applies an RGD; returns seconds from the apply request to status.state Active."""
        name = rgd["metadata"]["name"]
        t0 = time.monotonic()
        self.c.apply(f"/apis/kro.run/v1alpha1/resourcegraphdefinitions/{name}", rgd,
                     "resourcegraphdefinitions")
        if not self.rgd_watch.wait_for([name], timeout):
            raise RuntimeError(f"{self.name}: RGD {name} not Active after {timeout} s")
        return self.rgd_watch.first[name] - t0

    def wait_served(self, ns, plural, obj, timeout=60):
        """Waits until the instance kind accepts a (dry-run) create, so that the clocks below
        measure the controller only: an RGD can be Active a moment before its CRD is served, and
        the first create of a new kind takes kube-apiserver ~2 s (dry run or not) however long
        ago the CRD was established."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            path = f"/apis/kro.run/v1alpha1/namespaces/{ns}/{plural}?dryRun=All"
            st, _ = self.c.request("POST", path, obj, count=("POST", plural))
            if st < 300:
                return
            time.sleep(0.05)
        raise RuntimeError(f"{plural} not served after {timeout} s")

    def create_instance(self, ns, plural, obj):
        path = f"/apis/kro.run/v1alpha1/namespaces/{ns}/{plural}"
        for _ in range(100):  # the CRD may not be served for a moment after Active
            try:
                return self.c.create(path, obj, plural)
            except kube.ApiError as e:
                if e.status != 404:
                    raise
                time.sleep(0.1)
        raise RuntimeError(f"{plural} not served")

    # ---- scenarios -------------------------------------------------------------------------
    def round_trip(self):
        self.namespace("bench-rtt")
        cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "rtt"},
              "data": {"k": "v"}}
        times = []
        for i in range(31):
            cm["data"]["k"] = str(i)
            t = time.monotonic()
            self.c.apply("/api/v1/namespaces/bench-rtt/configmaps/rtt", cm, "configmaps")
            times.append(time.monotonic() - t)
        self.out["round_trip_ms"] = statistics.median(times[1:]) * 1000

    def scale(self):
        n = self.opts.n
        self.namespace("scale")
        watch = kube.Watcher(self.c, f"/apis/kro.run/v1alpha1/{rgds.SCALE_PLURAL}",
                             rgds.SCALE_PLURAL,
                             lambda o: o.get("status", {}).get("state") == "ACTIVE")
        r0, cpu0 = self.requests(), self.ctrl.cpu()
        t_reg = self.register(rgds.scale_rgd())
        self.wait_served("scale", rgds.SCALE_PLURAL, rgds.scale_instance("warm-up"))
        watch.start()
        names = [f"app-{i:04d}" for i in range(n)]
        created = {}
        t0 = time.monotonic()
        for name in names:
            self.create_instance("scale", rgds.SCALE_PLURAL, rgds.scale_instance(name))
            created[name] = time.monotonic()
        t_created = time.monotonic() - t0
        ok = watch.wait_for(names, max(600, n * 2))
        t_all = time.monotonic() - t0
        cpu_active = self.ctrl.cpu() - cpu0
        if not ok:
            log(f"{self.name}: only {len(watch.first)} of {n} ACTIVE")
        self.settle()
        d = self.delta(r0, self.requests())
        per = [watch.first[x] - created[x] for x in names if x in watch.first]
        curve = sorted(watch.first[x] - t0 for x in names if x in watch.first)
        self.out["scale"] = {
            "instances": n, "active": len(watch.first), "rgd_register_s": t_reg,
            "create_s": t_created, "all_active_s": t_all,
            "instance_active_p50_s": percentile(per, 0.5),
            "instance_active_p90_s": percentile(per, 0.9),
            "cpu_s_until_active": cpu_active, "cpu_s": self.ctrl.cpu() - cpu0,
            "peak_rss_mb": self.ctrl.hwm_mb(),
            "rss_anon_mb": kube.proc_status_kb(self.ctrl.proc.pid, "RssAnon") / 1024,
            "rss_file_mb": kube.proc_status_kb(self.ctrl.proc.pid, "RssFile") / 1024,
            "requests_by_verb": self.by_verb(d),
            "requests": {"/".join(k): v for k, v in sorted(d.items())},
            "active_curve_s": curve,
        }
        self.scale_watch = watch
        log(f"{self.name}: scale {n}: all ACTIVE in {t_all:.1f} s, CPU "
            f"{self.out['scale']['cpu_s']:.1f} s, peak RSS {self.ctrl.hwm_mb():.0f} MB")

    def steady(self):
        r0 = self.requests()
        self.ctrl.stop()
        self.ctrl = Controller(self.command, self.kubeconfig, self.log_path)
        t0 = time.monotonic()
        self.ctrl.start()
        took = self.settle()
        d = self.delta(r0, self.requests())
        child = set(rgds.SCALE_CHILD_RESOURCES) | {rgds.SCALE_PLURAL}
        writes = {"/".join(k): v for k, v in d.items() if k[0] in WRITE_VERBS and k[1] in child}
        all_writes = {"/".join(k): v for k, v in d.items() if k[0] in WRITE_VERBS}
        lst = self.c.list(f"/apis/kro.run/v1alpha1/{rgds.SCALE_PLURAL}", rgds.SCALE_PLURAL)
        still = sum(1 for o in lst.get("items", [])
                    if o.get("status", {}).get("state") == "ACTIVE")
        self.out["steady"] = {
            "method": "controller restart (SIGTERM, start again): full reconcile of every instance",
            "resync_s": took, "cpu_s": self.ctrl.cpu(), "peak_rss_mb": self.ctrl.hwm_mb(),
            "writes": sum(writes.values()), "writes_by_request": writes,
            "all_writes_by_request": all_writes,
            "requests_by_verb": self.by_verb(d), "still_active": still,
            "wall_s": time.monotonic() - t0,
        }
        log(f"{self.name}: steady state: {sum(writes.values()):g} writes on children/instances "
            f"during a {took:.1f} s resync")

    def registration(self):
        lat = [self.register(rgds.registration_rgd(i)) for i in range(self.opts.rgds)]
        self.out["registration"] = {"rgds": len(lat), "latencies_s": lat,
                                    "median_s": statistics.median(lat),
                                    "p90_s": percentile(lat, 0.9)}
        log(f"{self.name}: RGD registration median {statistics.median(lat) * 1000:.0f} ms")

    def big(self):
        res, width = self.opts.big, 5
        self.namespace("big")
        watch = kube.Watcher(self.c, f"/apis/kro.run/v1alpha1/{rgds.BIG_PLURAL}", rgds.BIG_PLURAL,
                             lambda o: o.get("status", {}).get("state") == "ACTIVE")
        self.register(rgds.big_rgd(res, width))
        self.wait_served("big", rgds.BIG_PLURAL, rgds.big_instance("warm-up"))
        watch.start()
        times = []
        for i in range(self.opts.big_runs):
            name = f"big-{i}"
            t0 = time.monotonic()
            self.create_instance("big", rgds.BIG_PLURAL, rgds.big_instance(name))
            if not watch.wait_for([name], 300):
                raise RuntimeError(f"{self.name}: {name} not ACTIVE after 300 s")
            times.append(watch.first[name] - t0)
        levels = rgds.big_levels(res, width)
        rtt = self.out["round_trip_ms"] / 1000
        self.out["big"] = {"resources": res, "levels": levels, "runs": times,
                           "median_s": statistics.median(times),
                           "floor_levels_s": levels * rtt, "floor_sequential_s": res * rtt}
        log(f"{self.name}: {res}-resource instance ACTIVE in {statistics.median(times):.2f} s "
            f"(floor {levels} levels x {rtt * 1000:.1f} ms)")

    def run(self):
        self.log_path = os.path.join(self.workdir, f"{self.name}.log")
        self.kubectl("apply", "-f", str(ROOT / "config" / "crd"))
        self.kubectl("apply", "-f", str(graphrevision_crd()))
        self.round_trip()
        self.rgd_watch = kube.Watcher(self.c, "/apis/kro.run/v1alpha1/resourcegraphdefinitions",
                                      "resourcegraphdefinitions",
                                      lambda o: o.get("status", {}).get("state") == "Active")
        self.rgd_watch.start()
        self.ctrl = Controller(self.command, self.kubeconfig, self.log_path)
        self.ctrl.start()
        try:
            self.scale()
            self.steady()
            self.registration()
            self.big()
        finally:
            self.ctrl.stop()
            self.rgd_watch.stopped = True
        return self.out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results")
    ap.add_argument("--controller", action="append", default=[],
                    help="NAME=COMMAND (first: ours, second: reference)")
    args = ap.parse_args()
    build = os.environ.get("BUILD", "build")
    if not os.path.isabs(build):
        build = str(ROOT / build)
    sides = [tuple(s.split("=", 1)) for s in args.controller] or [
        ("ours", f"{build}/cmd/kro/kro controller"),
        ("upstream", str(BIN / "kro-upstream")),
    ]
    for _, cmd in sides:
        exe = shlex.split(cmd)[0]
        if not os.access(exe, os.X_OK):
            sys.exit(f"controller.py: {exe} is missing (make build / make bench-reference)")
    opts = argparse.Namespace(
        n=int(os.environ.get("CONTROLLER_BENCH_N", "500")),
        rgds=int(os.environ.get("CONTROLLER_BENCH_RGDS", "20")),
        big=int(os.environ.get("CONTROLLER_BENCH_BIG", "50")),
        big_runs=int(os.environ.get("CONTROLLER_BENCH_BIG_RUNS", "3")))
    results = pathlib.Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="kro-controller-bench.")
    doc = {"instances": opts.n, "upstream_version": UPSTREAM_VERSION, "controllers": {},
           "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    for name, cmd in sides:
        cp_dir = os.path.join(workdir, f"cp-{name}")
        log(f"{name}: control plane in {cp_dir}")
        subprocess.run([str(CONTROLPLANE), "up", "--owner-pid", str(os.getpid()), cp_dir],
                       check=True, stdout=subprocess.DEVNULL)
        try:
            doc["controllers"][name] = Bench(name, cmd, cp_dir, workdir, opts).run()
        finally:
            subprocess.run([str(CONTROLPLANE), "down", cp_dir], check=False)
    (results / "controller.json").write_text(json.dumps(doc, indent=2) + "\n")
    names = [n for n, _ in sides]
    if len(names) >= 2:
        report.write_metrics(doc, names[0], names[1], results / "controller.metrics.json")
        report.plot(doc, names[0], names[1], results)
    log(f"done; controller logs in {workdir}")


if __name__ == "__main__":
    main()
