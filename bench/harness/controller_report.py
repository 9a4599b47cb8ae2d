"""Turns controller.py's measurements into report rows (controller.metrics.json, the format of
bench/report.py) and gnuplot PNGs (controller-*.png). Pure functions of the results document,
apart from the files they write and the gnuplot process."""
import json
import os
import shutil
import subprocess
import tempfile

VERBS = ("GET", "LIST", "POST", "APPLY", "PATCH", "PUT", "DELETE")


def _r(v, digits=2):
    if v is None:
        return None
    if float(v).is_integer() or abs(v) >= 100:
        return int(round(v))
    return round(v, digits if abs(v) >= 1 else digits + 1)


def write_metrics(doc, ours, ref, path):
    o, u = doc["controllers"][ours], doc["controllers"][ref]
    rows = []

    def row(metric, ov, rv, unit, target="-", better="lower"):
        ratio = None
        if isinstance(ov, (int, float)) and isinstance(rv, (int, float)) and ov and rv:
            ratio = rv / ov if better == "lower" else None
        rows.append({"metric": metric, "ours": _r(ov), "reference": _r(rv), "unit": unit,
                     "ratio": ratio, "target": target})

    n = o["scale"]["instances"]
    row(f"scale: {n} instances of a 5-resource RGD, create -> all ACTIVE",
        o["scale"]["all_active_s"], u["scale"]["all_active_s"], "s",
        "<= 1/2 of upstream (ratio >= 2)")
    row("scale: one instance create -> ACTIVE, p50", o["scale"]["instance_active_p50_s"],
        u["scale"]["instance_active_p50_s"], "s")
    row("scale: one instance create -> ACTIVE, p90", o["scale"]["instance_active_p90_s"],
        u["scale"]["instance_active_p90_s"], "s")
    row("scale: controller CPU (utime+stime), RGD apply -> settled", o["scale"]["cpu_s"],
        u["scale"]["cpu_s"], "s", "<= 1/3 of upstream (ratio >= 3)")
    row("scale: controller peak RSS (VmHWM)", o["scale"]["peak_rss_mb"],
        u["scale"]["peak_rss_mb"], "MB", "<= 1/5 of upstream (ratio >= 5)")
    if "rss_anon_mb" in o["scale"]:
        row("scale: controller RSS at settle, anonymous (heap, stacks)", o["scale"]["rss_anon_mb"],
            u["scale"]["rss_anon_mb"], "MB")
        row("scale: controller RSS at settle, file-backed (binary and shared libraries)",
            o["scale"]["rss_file_mb"], u["scale"]["rss_file_mb"], "MB")
    tot = lambda s: sum(s["requests_by_verb"].values())  # noqa: E731
    row("scale: API requests (apiserver_request_total, all verbs but WATCH)", tot(o["scale"]),
        tot(u["scale"]), "requests")
    for verb in VERBS:
        ov = o["scale"]["requests_by_verb"].get(verb, 0)
        rv = u["scale"]["requests_by_verb"].get(verb, 0)
        if ov or rv:
            # Per verb the mix differs (we POST Events, upstream GETs before it applies): no ratio.
            row(f"scale: API requests, {verb}", ov, rv, "requests", better="none")
    rows.append({"metric": "steady state: writes to children + instances (incl. status) during "
                 "a forced resync (controller restart)", "ours": _r(o["steady"]["writes"]),
                 "reference": _r(u["steady"]["writes"]), "unit": "requests", "ratio": None,
                 "target": "0 (ours)"})
    row("steady state: resync after restart, start -> apiserver quiet",
        o["steady"]["resync_s"], u["steady"]["resync_s"], "s")
    row("steady state: controller CPU for the resync", o["steady"]["cpu_s"],
        u["steady"]["cpu_s"], "s")
    k = o["registration"]["rgds"]
    row(f"RGD registration (apply -> Active), median of {k}",
        o["registration"]["median_s"] * 1000, u["registration"]["median_s"] * 1000, "ms")
    row(f"RGD registration (apply -> Active), p90 of {k}",
        o["registration"]["p90_s"] * 1000, u["registration"]["p90_s"] * 1000, "ms")
    ob, ub = o["big"], u["big"]
    row(f"{ob['resources']}-resource RGD ({ob['levels']} levels): instance create -> ACTIVE, "
        f"median of {len(ob['runs'])}", ob["median_s"], ub["median_s"], "s")
    rows.append({"metric": f"{ob['resources']}-resource RGD: time to ACTIVE / floor "
                 f"({ob['levels']} levels x API round trip)",
                 "ours": _r(ob["median_s"] / ob["floor_levels_s"]),
                 "reference": _r(ub["median_s"] / ub["floor_levels_s"]), "unit": "x floor",
                 "ratio": None, "target": "-"})
    rows.append({"metric": "API round trip (one server-side apply by the harness; the floor's "
                 "unit)", "ours": _r(o["round_trip_ms"]), "reference": _r(u["round_trip_ms"]),
                 "unit": "ms", "ratio": None, "target": "- (same machine, separate control planes)"})
    out = {
        "title": f"controller (issue 7): kro-cpp vs upstream kro {doc['upstream_version']}, "
                 f"{n} instances",
        "notes": ("One run; each controller against its own fresh local control plane (etcd + "
                  "kube-apiserver), one after the other, default flags (1 instance worker, "
                  "client QPS 100/burst 150). ratio > 1 is better for kro-cpp (reference/ours). "
                  "Request counts: apiserver_request_total deltas minus the harness's own "
                  "requests (leases excluded). Forced resync = restart of the controller, "
                  "which makes both reconcile every instance; writes = POST/PUT/PATCH/APPLY/"
                  "DELETE on the 5 child kinds and on the instances (status included). "
                  "Plots: controller-*.png."),
        "rows": rows,
    }
    with open(path, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")


def plot(doc, ours, ref, results):
    """Writes controller-scale.png, controller-requests.png, controller-registration.png."""
    gnuplot = shutil.which("gnuplot")
    if gnuplot is None:
        print("controller_report: gnuplot not installed (make bench-reference); no plots")
        return
    o, u = doc["controllers"][ours], doc["controllers"][ref]
    tmp = tempfile.mkdtemp(prefix="kro-controller-plot.")

    def dat(name, rows):
        p = os.path.join(tmp, name)
        with open(p, "w") as f:
            for r in rows:
                f.write(" ".join(str(x) for x in r) + "\n")
        return p

    n = o["scale"]["instances"]
    oc = dat("ours.dat", [(t, i + 1) for i, t in enumerate(o["scale"]["active_curve_s"])])
    uc = dat("ref.dat", [(t, i + 1) for i, t in enumerate(u["scale"]["active_curve_s"])])
    verbs = [v for v in VERBS if o["scale"]["requests_by_verb"].get(v) or
             u["scale"]["requests_by_verb"].get(v)]
    rq = dat("req.dat", [(v, o["scale"]["requests_by_verb"].get(v, 0),
                          u["scale"]["requests_by_verb"].get(v, 0)) for v in verbs])
    rg = dat("reg.dat", [(i + 1, a * 1000, b * 1000) for i, (a, b) in enumerate(
        zip(o["registration"]["latencies_s"], u["registration"]["latencies_s"]))])
    script = f"""
set terminal pngcairo size 900,540 font ",11" noenhanced
set grid
set key top left
set output "{results}/controller-scale.png"
set title "{n} instances of a 5-resource RGD: instances ACTIVE over time"
set xlabel "seconds since the first instance was created"
set ylabel "instances ACTIVE"
plot "{oc}" using 1:2 with lines lw 2 title "kro-cpp ({ours})", \\
     "{uc}" using 1:2 with lines lw 2 title "upstream kro {doc['upstream_version']}"
set output "{results}/controller-requests.png"
set title "API requests during the scale run, by verb (apiserver_request_total)"
set xlabel ""
set ylabel "requests"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key top right
plot "{rq}" using 2:xtic(1) title "kro-cpp", "" using 3 title "upstream kro"
set output "{results}/controller-registration.png"
set style data linespoints
set title "RGD registration latency (apply -> Active), one RGD at a time"
set xlabel "RGD"
set ylabel "ms"
set key top left
plot "{rg}" using 1:2 with linespoints lw 2 title "kro-cpp", \\
     "{rg}" using 1:3 with linespoints lw 2 title "upstream kro"
"""
    r = subprocess.run([gnuplot], input=script, text=True, capture_output=True)
    if r.returncode != 0:
        print("controller_report: gnuplot failed:\n" + r.stderr)
    shutil.rmtree(tmp, ignore_errors=True)
