#!/usr/bin/env python3
"""Summarises bench/results/ into summary.md.

Conventions (every benchmark follows them):
  <name>.json            Google Benchmark JSON from build/bench/<name> (ours)
  <name>.reference.json  the same benchmark names measured with the Go reference implementation
                         (cel-go, client-go, ...), also in Google Benchmark JSON
  <name>.metrics.json    {"title": str, "rows": [{"metric": str, "ours": num, "reference": num,
                          "unit": str, "target": str}]} for cluster harnesses
Medians are used when repetitions were run; ratio = reference / ours for times (higher is better
for us) and ours / reference for sizes, as stated in each row.
"""
import json
import pathlib
import sys


STANDARD_KEYS = {"name", "family_index", "per_family_instance_index", "run_name", "run_type",
                 "repetitions", "repetition_index", "threads", "aggregate_name", "aggregate_unit",
                 "iterations", "real_time", "cpu_time", "time_unit", "label", "error_occurred",
                 "error_message"}


def load(path):
    """run_name -> {"time": ns, "counters": {name: value}, "error": str|None} (medians)."""
    data = json.loads(path.read_text())
    if not isinstance(data, dict) or "benchmarks" not in data:
        raise ValueError(f"{path} is not Google Benchmark JSON")
    out = {}
    for b in data.get("benchmarks", []):
        agg = b.get("aggregate_name")
        name = b.get("run_name", b["name"])
        if b.get("error_occurred"):
            out.setdefault(name, {"time": None, "counters": {},
                                  "error": b.get("error_message", "error")})
            continue
        if agg not in (None, "median"):
            continue
        if agg is None and name in out:
            continue
        unit = b.get("time_unit", "ns")
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]
        counters = {k: v for k, v in b.items()
                    if k not in STANDARD_KEYS and isinstance(v, (int, float))}
        out[name] = {"time": b["real_time"] * scale, "cpu": b.get("cpu_time", 0) * scale or None,
                     "counters": counters, "error": None}
    return out


def medians(path):
    return {k: v["time"] for k, v in load(path).items() if v["time"] is not None}


def fmt_count(v):
    if abs(v) >= 1e6:
        return f"{v / 1e6:.2f}M"
    if abs(v) >= 1e4:
        return f"{v / 1e3:.1f}k"
    return f"{v:g}"


def fmt_ns(v):
    if v is None:
        return "-"
    if v < 1e3:
        return f"{v:.1f} ns"
    if v < 1e6:
        return f"{v / 1e3:.2f} µs"
    if v < 1e9:
        return f"{v / 1e6:.2f} ms"
    return f"{v / 1e9:.2f} s"


def main():
    results = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "bench/results")
    lines = ["# Benchmark summary", "",
             "Medians of the repetitions in one run on this machine. Ratio = reference time / "
             "our time (2.0 means we are twice as fast). 'ours'/'reference' are wall-clock times; "
             "the CPU columns are CPU time per iteration (ours: the benchmark thread, which does "
             "all the work; reference: the whole Go process, garbage collector included). On a "
             "shared, oversubscribed machine the CPU columns are the steadier comparison.", ""]
    for ours_path in sorted(results.glob("*.json")):
        if ours_path.name.endswith((".reference.json", ".metrics.json")):
            continue
        name = ours_path.stem
        try:
            ours = load(ours_path)
        except (ValueError, KeyError):
            continue
        ref_path = results / f"{name}.reference.json"
        ref = load(ref_path) if ref_path.exists() else {}
        has_counters = any(v["counters"] for v in ours.values())
        header = ("| benchmark | ours | reference | ratio | ours CPU | reference CPU | CPU ratio |"
                  + (" counters (ours) |" if has_counters else ""))
        lines += [f"## {name}", "", header,
                  "|---|---|---|---|---|---|---|" + ("---|" if has_counters else "")]
        for bench, v in ours.items():
            rv = ref.get(bench, {})
            t, r = v["time"], rv.get("time")
            c, rc = v.get("cpu"), rv.get("cpu")
            ratio = f"{r / t:.2f}x" if r and t else "-"
            cratio = f"{rc / c:.2f}x" if rc and c else "-"
            ours_s = fmt_ns(t) if v["error"] is None else f"error: {v['error'][:80]}"
            row = (f"| {bench} | {ours_s} | {fmt_ns(r)} | {ratio} | {fmt_ns(c)} | {fmt_ns(rc)} | "
                   f"{cratio} |")
            if has_counters:
                row += " " + ", ".join(f"{k}={fmt_count(c)}" for k, c in v["counters"].items()) + " |"
            lines.append(row)
        lines.append("")
    for m in sorted(results.glob("*.metrics.json")):
        data = json.loads(m.read_text())
        lines += [f"## {data.get('title', m.stem)}", "",
                  "| metric | ours | reference | ratio | target |", "|---|---|---|---|---|"]
        if data.get("notes"):
            lines[-2:-2] = [data["notes"], ""]
        for row in data.get("rows", []):
            ours, ref = row.get("ours"), row.get("reference")
            ratio = row.get("ratio")
            # A row that carries "ratio" (even null: not meaningful) decides it; otherwise ref/ours.
            if "ratio" not in row and isinstance(ours, (int, float)) \
                    and isinstance(ref, (int, float)) and ours:
                ratio = ref / ours
            ratio_s = f"{ratio:.2f}x" if isinstance(ratio, (int, float)) else "-"
            unit = row.get("unit", "")
            lines.append(f"| {row['metric']} | {ours} {unit} | {ref if ref is not None else '-'} "
                         f"{unit if ref is not None else ''} | {ratio_s} | "
                         f"{row.get('target', '')} |")
        lines.append("")
    (results / "summary.md").write_text("\n".join(lines) + "\n")
    print((results / "summary.md").read_text())


if __name__ == "__main__":
    main()
