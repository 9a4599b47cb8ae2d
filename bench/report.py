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


def medians(path):
    data = json.loads(path.read_text())
    out = {}
    for b in data.get("benchmarks", []):
        agg = b.get("aggregate_name")
        name = b.get("run_name", b["name"])
        if agg not in (None, "median"):
            continue
        if agg is None and name in out:
            continue
        unit = b.get("time_unit", "ns")
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]
        out[name] = b["real_time"] * scale
    return out


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
             "our time (2.0 means we are twice as fast).", ""]
    for ours_path in sorted(results.glob("*.json")):
        if ours_path.name.endswith((".reference.json", ".metrics.json")):
            continue
        name = ours_path.stem
        try:
            ours = medians(ours_path)
        except (ValueError, KeyError):
            continue
        ref_path = results / f"{name}.reference.json"
        ref = medians(ref_path) if ref_path.exists() else {}
        lines += [f"## {name}", "", "| benchmark | ours | reference | ratio |", "|---|---|---|---|"]
        for bench, t in ours.items():
            r = ref.get(bench)
            ratio = f"{r / t:.2f}x" if r else "-"
            lines.append(f"| {bench} | {fmt_ns(t)} | {fmt_ns(r)} | {ratio} |")
        lines.append("")
    for m in sorted(results.glob("*.metrics.json")):
        data = json.loads(m.read_text())
        lines += [f"## {data.get('title', m.stem)}", "",
                  "| metric | ours | reference | ratio | target |", "|---|---|---|---|---|"]
        for row in data.get("rows", []):
            ours, ref = row.get("ours"), row.get("reference")
            ratio = row.get("ratio")
            if ratio is None and isinstance(ours, (int, float)) and isinstance(ref, (int, float)) \
                    and ours:
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
