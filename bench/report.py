#!/usr/bin/env python3
"""make bench report: OUT SUITE... -> the ratio table on stdout, and
OUT/results.csv (one row per kernel and mode), OUT/ratios.csv (one row per
kernel and ratio, with its goal), OUT/results.json and OUT/results.png.

Input: OUT/<suite>/bench.txt (the guest's BENCH lines, see bench/drvbench.c)
and OUT/<suite>/version. A mode's figure is the median of all its loop
samples (every pass of the guest run); spread is (max - min) / median.
Only ratios within one kernel's run mean anything (TCG, shared host)."""
import csv
import datetime
import json
import os
import statistics
import sys

MODES = [  # key, description
    ("nohook", "stub without hooks (floor)"),
    ("detached", "hooks compiled in, none attached"),
    ("structops_trivial", "struct_ops, trivial policy (fact_guard)"),
    ("structops_admission", "struct_ops, admission policy"),
    ("c_admission", "admission written in C in the stub"),
    ("fallback_trivial", "fentry fallback, trivial policy"),
    ("fallback_admission", "fentry fallback, admission policy"),
    ("kprobe", "kprobe program doing admission's work"),
    ("kprobe_trivial", "kprobe program doing fact_guard's work"),
    ("upcall", "upcall to a userspace daemon"),
]

# name, numerator, denominator, goal ("<=" or ">=", value)
RATIOS = [
    ("detached_vs_nohook", "detached", "nohook", ("<=", 1.02)),
    ("structops_vs_c", "structops_admission", "c_admission", ("<=", 1.3)),
    ("fallback_vs_c", "fallback_admission", "c_admission", ("<=", 2.0)),
    ("kprobe_vs_structops", "kprobe", "structops_admission", (">=", 10)),
    ("upcall_vs_structops", "upcall", "structops_admission", (">=", 100)),
    # the mechanisms alone, with the trivial policy
    ("kprobe_vs_structops_trivial", "kprobe_trivial", "structops_trivial", None),
    # 6.1 has no struct_ops: how the fallback compares there
    ("kprobe_vs_fallback", "kprobe", "fallback_admission", None),
    ("upcall_vs_fallback", "upcall", "fallback_admission", None),
]

# each ratio with a goal, then the same per ioctl
ALL_RATIOS = [r for n, a, b, g in RATIOS
              for r in [(n, a, b, g)] + ([(n + "_ioctl", a, b, g)] if g else [])]


def parse(path):
    modes, info, errors = {}, {}, []
    for line in open(path, errors="replace"):
        w = line.split()
        if not w:
            continue
        if w[0] == "BENCHINFO":
            info.update(kv.split("=", 1) for kv in w[1:] if "=" in kv)
        elif w[0] == "BENCHERR":
            errors.append(" ".join(w[1:]))
        elif w[0] == "BENCH" and len(w) > 2:
            kv = dict(x.split("=", 1) for x in w[2:] if "=" in x)
            m = modes.setdefault(w[1], {"samples": [], "ioctl": [], "refused": 0,
                                        "kprobe_runs": 0})
            m["samples"] += [float(x) for x in kv["samples"].split(",")]
            m["ioctl"].append(float(kv["ioctl_ns"]))
            m["refused"] += int(kv.get("refused", 0))
            m["kprobe_runs"] += int(kv.get("kprobe_runs", 0))
    return modes, info, errors


def goal_met(goal, r):
    op, v = goal
    return r <= v if op == "<=" else r >= v


def main():
    out, suites = sys.argv[1], sys.argv[2:]
    try:
        clock = open(os.path.join(out, "clock")).read().strip()
    except OSError:
        clock = "wall"
    unit = ("virtual ns: guest instructions (QEMU -icount shift=0)" if clock == "icount"
            else "ns of TCG guest time (host load shows)")
    print(f"clock: {clock}, {unit}; ratios only within one kernel's run")
    kernels, rows, ratio_rows, bad = [], [], [], 0
    for suite in suites:
        path = os.path.join(out, suite, "bench.txt")
        if not os.path.exists(path):
            print(f"kernel {suite}: no results")
            bad += 1
            continue
        modes, info, errors = parse(path)
        try:
            version = open(os.path.join(out, suite, "version")).read().strip()
        except OSError:
            version = "unknown"
        ns, detail = {}, {}
        for key, _ in MODES:
            m = modes.get(key)
            if not m or not m["samples"]:
                continue
            s = m["samples"]
            med = statistics.median(s)
            ns[key] = round(med, 1)
            detail[key] = {
                "median": round(med, 1), "min": round(min(s), 1),
                "max": round(max(s), 1), "samples": len(s),
                "spread_pct": round(100 * (max(s) - min(s)) / med, 1),
                "ioctl_ns": round(statistics.median(m["ioctl"]), 1),
                "ioctl_per_s": round(1e9 / statistics.median(m["ioctl"])),
                "refused": m["refused"],
            }
            if key == "kprobe":
                detail[key]["kprobe_runs"] = m["kprobe_runs"]
        ratios, goals = {}, {}
        for name, a, b, goal in RATIOS:
            if a in ns and b in ns and ns[b] > 0:
                ratios[name] = round(ns[a] / ns[b], 3)
            # per ioctl: a whole request as a user makes it (syscall
            # included), not the hook site alone; the same goal applies
            if goal and a in detail and b in detail:
                ratios[name + "_ioctl"] = round(detail[a]["ioctl_ns"] / detail[b]["ioctl_ns"], 4)
        for name, a, b, goal in ALL_RATIOS:
            if goal and name in ratios:
                goals[name] = {"goal": f"{goal[0]} {goal[1]}",
                               "met": goal_met(goal, ratios[name])}
        kernels.append({"suite": suite, "version": version,
                        "release": info.get("kernel", ""),
                        "struct_ops": info.get("struct_ops") == "yes",
                        "ns_per_request": ns, "ratios": ratios,
                        "goals": goals, "detail": detail, "errors": errors})

        # the table
        print(f"\nkernel {suite} {version} ({info.get('kernel', '?')}), "
              f"ns per request, median of {next(iter(detail.values()))['samples'] if detail else 0} loops")
        print(f"  {'mode':<21} {'ns':>9} {'spread':>7} {'x nohook':>9} {'x C':>7} "
              f"{'+ns':>8} {'ioctl/s':>9}  what")
        for key, what in MODES:
            if key not in ns:
                continue
            d = detail[key]
            vs_n = ns[key] / ns["nohook"] if "nohook" in ns else None
            vs_c = ns[key] / ns["c_admission"] if "c_admission" in ns else None
            extra = ns[key] - ns["nohook"] if "nohook" in ns else None
            f = lambda v, p: f"{v:.{p}f}" if v is not None else "-"
            print(f"  {key:<21} {ns[key]:>9.1f} {d['spread_pct']:>6.1f}% {f(vs_n, 3):>9} "
                  f"{f(vs_c, 2):>7} {f(extra, 1):>8} {d['ioctl_per_s']:>9}  {what}")
            rows.append([suite, version, key, ns[key], d["min"], d["max"], d["samples"],
                         d["spread_pct"], f(vs_n, 4), f(vs_c, 4), d["ioctl_ns"],
                         d["ioctl_per_s"], d["refused"]])
            if d["refused"]:
                print(f"    warning: {d['refused']} requests refused (expected none)")
                bad += 1
        if "kprobe" in detail and not detail["kprobe"]["kprobe_runs"]:
            print("    warning: the kprobe program never ran")
            bad += 1
        print("  ratios:")
        for name, a, b, goal in ALL_RATIOS:
            if name not in ratios:
                continue
            g = ""
            if goal:
                g = f"goal {goal[0]} {goal[1]}: " + ("met" if goals[name]["met"] else "MISSED")
            print(f"    {name:<28} {ratios[name]:>9.3f}  {g}")
            ratio_rows.append([suite, version, name, ratios[name],
                               f"{goal[0]} {goal[1]}" if goal else "",
                               ("met" if goals[name]["met"] else "missed") if goal else ""])
        for e in errors:
            print(f"  error: {e}")
            bad += 1

    with open(os.path.join(out, "results.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["suite", "version", "mode", "ns_median", "ns_min", "ns_max", "samples",
                    "spread_pct", "vs_nohook", "vs_c", "ioctl_ns", "ioctl_per_s",
                    "refused"])
        w.writerows(rows)
    with open(os.path.join(out, "ratios.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["suite", "version", "ratio", "value", "goal", "status"])
        w.writerows(ratio_rows)
    res = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "clock": clock, "unit": unit, "kernels": kernels}
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    chart(out, kernels, clock)
    print(f"\nresults: {out}/results.csv ratios.csv results.json results.png")
    return 1 if bad else 0


def chart(out, kernels, clock):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for k, _ in MODES if any(k in kk["ns_per_request"] for kk in kernels)]
    if not keys:
        return
    fig, ax = plt.subplots(figsize=(11, 5.5))
    width = 0.8 / max(len(kernels), 1)
    for i, k in enumerate(kernels):
        # normalised to each run's own floor: only ratios within a run count
        floor = k["ns_per_request"].get("nohook")
        vals = [k["ns_per_request"].get(m, 0) / floor if floor else 0 for m in keys]
        xs = [j + (i - (len(kernels) - 1) / 2) * width for j in range(len(keys))]
        bars = ax.bar(xs, vals, width, label=f"{k['suite']} {k['version']}")
        for x, v in zip(xs, vals):
            if v:
                ax.text(x, v * 1.05, f"{v:.3g}", ha="center", va="bottom",
                        fontsize=6, rotation=90)
    ax.set_yscale("log")
    ax.axhline(1, color="grey", linewidth=0.8)
    ax.set_xticks(range(len(keys)))
    ax.set_xticklabels(keys, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("cost per request / stub without hooks (log)")
    ax.set_title("drvhook: request-path cost per mode, relative to the no-hook build "
                 f"(QEMU TCG, clock {clock}; ratios within one run)", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "results.png"), dpi=110)


if __name__ == "__main__":
    sys.exit(main())
