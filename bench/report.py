#!/usr/bin/env python3
"""make bench report: OUT SUITE... -> the ratio table on stdout, and
OUT/results.csv (one row per kernel and mode), OUT/ratios.csv (one row per
kernel and ratio, with its goal), OUT/derived.csv (the chain's slope and
what one policy costs), OUT/results.json and OUT/results.png.

Input: OUT/<suite>/bench.txt (the guest's BENCH lines, see bench/drvbench.c,
and BENCHBLK lines, bench/blkbench.c) and OUT/<suite>/version. A mode's figure is the median of all its loop
samples (every pass of the guest run); spread is (max - min) / median.
Only ratios within one kernel's run mean anything (TCG, shared host).
BENCH_BASELINE=FILE (an earlier run's results.json; bench.sh's default is
bench/baseline.json, the recorded run before the framework split) adds
each mode's ioctls/s against that run's, flagging a drop of more than 2 %
(with the icount clock, guest instruction counts: comparable across runs
of the same kernel package, unlike wall-clock figures)."""
import csv
import datetime
import json
import os
import statistics
import sys

# an earlier run's ioctl rates (BENCH_BASELINE): worse by more than this is flagged
BASE_TOLERANCE = 0.02

MODES = [  # key, description
    ("nohook", "stub without hooks (no-hook floor)"),
    ("detached", "hooks compiled in, none attached"),
    ("structops_trivial", "struct_ops, trivial policy (fact_guard)"),
    ("structops_admission", "struct_ops, admission policy"),
    ("c_admission", "admission written in C in the stub"),
    ("fallback_trivial", "fentry fallback, trivial policy"),
    ("fallback_admission", "fentry fallback, admission policy"),
    ("kprobe", "kprobe program doing admission's work"),
    ("kprobe_trivial", "kprobe program doing fact_guard's work"),
    ("upcall", "upcall to a userspace daemon"),
    ("floor_trivial", "floor: fact_guard called straight from the hook site"),
    ("floor_nop", "floor: nop called straight from the hook site"),
] + [(f"chain_{n}", f"hook core, chain of {n} nop polic{'y' if n == 1 else 'ies'}")
     for n in (1, 2, 4, 8, 15)]

CHAIN = [1, 2, 4, 8, 15]

# Figures derived from the modes (per request, and the same per ioctl):
#   chain_slope  least-squares slope of chain_N over N: what each policy
#                of a chain adds
#   chain_one    chain_1 - detached: what one attached policy adds to a
#                request, the hook core's dispatch included
#   floor_one    floor_nop - nohook: one policy called straight from the
#                hook site, its context included
DERIVED = ["chain_slope", "chain_one", "floor_one"]

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
    # the hook core's dispatch over the floor (DRVHOOK_FLOOR=y: the same
    # program called straight from the hook site), one policy attached
    ("dispatch_vs_floor", "structops_trivial", "floor_trivial", ("<=", 1.10)),
    ("dispatch_vs_floor_nop", "chain_1", "floor_nop", ("<=", 1.10)),
    # each further policy of a chain against the first one
    ("slope_vs_one_policy", "chain_slope", "chain_one", ("<=", 1.05)),
    ("slope_vs_floor_policy", "chain_slope", "floor_one", None),
    ("chain15_vs_chain1", "chain_15", "chain_1", None),
]

# the vblk part (bench/guest-run vblk_part, bench/blkbench.c): 4 KiB
# O_DIRECT random reads at these depths, one disk switched between drivers
VBLK_MODES = [  # key, description
    ("intree", "in-tree virtio_blk (the kernel package's module)"),
    ("vblk", "drvhook_vblk, no policy"),
    ("vblk_nop", "drvhook_vblk, trivial policy (bench/vblk_nop.bpf.c)"),
    ("vblk_latency", "drvhook_vblk, the latency policy (BENCHINFO vblk_latency_policy)"),
]
VBLK_DEPTHS = [1, 32]
# name, numerator mode, denominator mode, figure, goal; per depth (_qdN).
# Figures: iops, lat_ns (mean submit-to-reap), cpu_ns (guest busy CPU per
# I/O: instructions with the icount clock, whatever the host's load). A
# policy's per-I/O cost is cpu_ns; lat_ns includes the emulated disk's
# service time, which passes in host time.
VBLK_RATIOS = [
    ("vblk_vs_intree_iops", "vblk", "intree", "iops", (">=", 1.0)),
    ("vblk_vs_intree_lat", "vblk", "intree", "lat_ns", None),
    ("vblk_vs_intree_cpu", "vblk", "intree", "cpu_ns", None),
    ("nop_vs_vblk_cpu", "vblk_nop", "vblk", "cpu_ns", ("<=", 1.02)),
    ("nop_vs_vblk_lat", "vblk_nop", "vblk", "lat_ns", None),
    ("nop_vs_vblk_iops", "vblk_nop", "vblk", "iops", None),
    ("latency_vs_vblk_cpu", "vblk_latency", "vblk", "cpu_ns", None),
    ("latency_vs_vblk_lat", "vblk_latency", "vblk", "lat_ns", None),
    ("latency_vs_vblk_iops", "vblk_latency", "vblk", "iops", None),
]


def parse_blk(path):
    """BENCHBLK lines: LABEL -> iops and lat_ns samples, (cpu_ns, ios) per line, ios, errors."""
    blk = {}
    for line in open(path, errors="replace"):
        w = line.split()
        if len(w) < 3 or w[0] != "BENCHBLK" or w[1].startswith("warmup_"):
            continue
        kv = dict(x.split("=", 1) for x in w[2:] if "=" in x)
        m = blk.setdefault(w[1], {"iops": [], "lat_ns": [], "cpu_ns": [], "ios": 0, "errors": 0})
        m["iops"] += [float(x) for x in kv["iops"].split(",")]
        m["lat_ns"] += [float(x) for x in kv["lat_ns"].split(",")]
        if float(kv.get("cpu_ns", -1)) >= 0:
            m["cpu_ns"].append((float(kv["cpu_ns"]), int(kv.get("ios", 0))))
        m["ios"] += int(kv.get("ios", 0))
        m["errors"] += int(kv.get("errors", 0))
    return blk


def vblk_figures(blk):
    """mode_qdN -> medians and spread; ratio name_qdN -> value; goals."""
    fig, ratios, goals = {}, {}, {}
    for mode, _ in VBLK_MODES:
        for q in VBLK_DEPTHS:
            m = blk.get(f"{mode}_qd{q}")
            if not m or not m["iops"]:
                continue
            iops = statistics.median(m["iops"])
            fig[f"{mode}_qd{q}"] = {
                "iops": round(iops), "lat_ns": round(statistics.median(m["lat_ns"])),
                # /proc/stat counts in 10 ms ticks: all lines' busy time
                # over all their I/Os, not a median of coarse figures
                "cpu_ns": (round(sum(c * n for c, n in m["cpu_ns"]) /
                                 sum(n for _, n in m["cpu_ns"]))
                           if m["cpu_ns"] and sum(n for _, n in m["cpu_ns"]) else None),
                "iops_spread_pct": round(100 * (max(m["iops"]) - min(m["iops"])) / iops, 1),
                "lat_min": round(min(m["lat_ns"])), "lat_max": round(max(m["lat_ns"])),
                "samples": len(m["iops"]), "ios": m["ios"], "errors": m["errors"],
            }
    for name, a, b, what, goal in VBLK_RATIOS:
        for q in VBLK_DEPTHS:
            fa, fb = fig.get(f"{a}_qd{q}"), fig.get(f"{b}_qd{q}")
            if not fa or not fb or not fa[what] or not fb[what]:
                continue
            r = f"{name}_qd{q}"
            ratios[r] = round(fa[what] / fb[what], 4)
            if goal:
                goals[r] = {"goal": f"{goal[0]} {goal[1]}", "met": goal_met(goal, ratios[r])}
    return fig, ratios, goals


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


def slope(points):
    """Least-squares slope of [(x, y)]."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def derive(f):
    """The DERIVED figures of f (mode -> cost), where its modes are there."""
    d = {}
    if all(f"chain_{n}" in f for n in CHAIN):
        d["chain_slope"] = slope([(n, f[f"chain_{n}"]) for n in CHAIN])
    if "chain_1" in f and "detached" in f:
        d["chain_one"] = f["chain_1"] - f["detached"]
    if "floor_nop" in f and "nohook" in f:
        d["floor_one"] = f["floor_nop"] - f["nohook"]
    return d


def baseline_rates(path):
    """suite -> mode -> ioctls/s of an earlier run's results.json."""
    res = json.load(open(path))
    return res.get("run", res.get("date", path)), {k["suite"]: {m: d["ioctl_per_s"] for m, d in k["detail"].items()}
                                for k in res["kernels"]}


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
    kernels, rows, ratio_rows, derived_rows, bad = [], [], [], [], 0
    base, base_run = None, None
    if os.environ.get("BENCH_BASELINE"):
        base_run, base = baseline_rates(os.environ["BENCH_BASELINE"])
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
        fig = dict(ns)
        fig_ioctl = {k: d["ioctl_ns"] for k, d in detail.items()}
        derived = derive(fig)
        derived_ioctl = derive(fig_ioctl)
        fig.update(derived)
        fig_ioctl.update(derived_ioctl)
        for name, a, b, goal in RATIOS:
            if a in fig and b in fig and fig[b] > 0:
                ratios[name] = round(fig[a] / fig[b], 3)
            # per ioctl: a whole request as a user makes it (syscall
            # included), not the hook site alone; the same goal applies
            if goal and a in fig_ioctl and b in fig_ioctl and fig_ioctl[b] > 0:
                ratios[name + "_ioctl"] = round(fig_ioctl[a] / fig_ioctl[b], 4)
        for name, a, b, goal in ALL_RATIOS:
            if goal and name in ratios:
                goals[name] = {"goal": f"{goal[0]} {goal[1]}",
                               "met": goal_met(goal, ratios[name])}
        vs_base = {}
        if base and suite in base:
            for key, d in detail.items():
                if key in base[suite]:
                    vs_base[key] = round(d["ioctl_per_s"] / base[suite][key], 4)
        blk_fig, blk_ratios, blk_goals = vblk_figures(parse_blk(path))
        vblk = {}
        if blk_fig:
            vblk = {"latency_policy": info.get("vblk_latency_policy", ""),
                    "mode": info.get("vblk_mode", ""), "figures": blk_fig,
                    "ratios": blk_ratios, "goals": blk_goals}
        kernels.append({"suite": suite, "version": version,
                        "release": info.get("kernel", ""),
                        "struct_ops": info.get("struct_ops") == "yes",
                        "ns_per_request": ns, "ratios": ratios,
                        "derived": {k: round(v, 2) for k, v in derived.items()},
                        "derived_ioctl": {k: round(v, 2) for k, v in derived_ioctl.items()},
                        "goals": goals, "detail": detail, "errors": errors,
                        **({"ioctl_rate_vs_baseline": vs_base} if base else {}),
                        **({"vblk": vblk} if vblk else {})})

        if blk_fig:
            bad += vblk_table(suite, version, info, vblk, rows, ratio_rows)
        if not detail:
            for e in errors:
                print(f"  error: {e}")
                bad += 1
            continue
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
        if derived:
            print("  derived (ns per request; per ioctl):")
            for k in DERIVED:
                if k in derived:
                    print(f"    {k:<28} {derived[k]:>9.1f}  {derived_ioctl.get(k, float('nan')):>9.1f}")
                    derived_rows.append([suite, version, k, round(derived[k], 2),
                                         round(derived_ioctl[k], 2) if k in derived_ioctl else ""])
        if vs_base:
            print(f"  ioctls/s against the baseline run ({base_run}; "
                  f"worse by more than {BASE_TOLERANCE:.0%} flagged):")
            for key, _ in MODES:
                if key in vs_base:
                    r = vs_base[key]
                    flag = "  WORSE" if r < 1 - BASE_TOLERANCE else ""
                    print(f"    {key:<28} {detail[key]['ioctl_per_s']:>9} / "
                          f"{base[suite][key]:>9}  {r:.4f}{flag}")
        for e in errors:
            print(f"  error: {e}")
            bad += 1

    with open(os.path.join(out, "results.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["suite", "version", "mode", "ns_median", "ns_min", "ns_max", "samples",
                    "spread_pct", "vs_nohook", "vs_c", "ioctl_ns", "ioctl_per_s",
                    "refused", "iops", "cpu_ns_per_io", "iops_vs_intree"])
        w.writerows(rows)
    with open(os.path.join(out, "ratios.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["suite", "version", "ratio", "value", "goal", "status"])
        w.writerows(ratio_rows)
    with open(os.path.join(out, "derived.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["suite", "version", "figure", "ns_per_request", "ns_per_ioctl"])
        w.writerows(derived_rows)
    res = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "clock": clock, "unit": unit, "kernels": kernels}
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    chart(out, kernels, clock)
    print(f"\nresults: {out}/results.csv ratios.csv derived.csv results.json results.png")
    return 1 if bad else 0


def vblk_table(suite, version, info, vblk, rows, ratio_rows):
    """Prints the vblk part of a kernel; its rows for results.csv (mode
    vblk:MODE_qdN, ns = mean latency) and ratios.csv. Returns the number
    of problems (I/O errors)."""
    fig, bad = vblk["figures"], 0
    print(f"\nkernel {suite} {version} ({info.get('kernel', '?')}), vblk: 4 KiB O_DIRECT "
          f"random reads, policies in mode {vblk['mode'] or '?'}, latency policy "
          f"{vblk['latency_policy'] or '?'}")
    print(f"  {'mode':<18} {'IOPS':>8} {'spread':>7} {'x intree':>9} {'lat ns':>9} "
          f"{'cpu ns/IO':>10}  what")
    for q in VBLK_DEPTHS:
        base = fig.get(f"intree_qd{q}")
        for mode, what in VBLK_MODES:
            k = f"{mode}_qd{q}"
            if k not in fig:
                continue
            d = fig[k]
            vs = d["iops"] / base["iops"] if base else None
            print(f"  {k:<18} {d['iops']:>8} {d['iops_spread_pct']:>6.1f}% "
                  f"{(f'{vs:.3f}' if vs else '-'):>9} {d['lat_ns']:>9} "
                  f"{(d['cpu_ns'] if d['cpu_ns'] is not None else '-'):>10}  {what}")
            rows.append([suite, version, f"vblk:{k}", d["lat_ns"], d["lat_min"], d["lat_max"],
                         d["samples"], d["iops_spread_pct"], "", "", "", "", d["errors"],
                         d["iops"], d["cpu_ns"] if d["cpu_ns"] is not None else "",
                         round(vs, 4) if vs else ""])
            if d["errors"]:
                print(f"    warning: {d['errors']} reads failed (expected none)")
                bad += 1
    print("  vblk ratios:")
    for name, _, _, _, goal in VBLK_RATIOS:
        for q in VBLK_DEPTHS:
            r = f"{name}_qd{q}"
            if r not in vblk["ratios"]:
                continue
            g = vblk["goals"].get(r)
            gs = f"goal {g['goal']}: " + ("met" if g["met"] else "MISSED") if g else ""
            print(f"    {r:<28} {vblk['ratios'][r]:>9.3f}  {gs}")
            ratio_rows.append([suite, version, r, vblk["ratios"][r], g["goal"] if g else "",
                               ("met" if g["met"] else "missed") if g else ""])
    return bad


def vblk_chart(ax, kernels):
    """Per kernel and depth: IOPS and CPU per I/O of each drvhook_vblk
    mode relative to the in-tree driver of the same run."""
    bars = [(k, q, what) for k in kernels if "vblk" in k for q in VBLK_DEPTHS
            for what in ("iops", "cpu_ns")]
    modes = [m for m, _ in VBLK_MODES if m != "intree"]
    width = 0.8 / max(len(bars), 1)
    for i, (k, q, what) in enumerate(bars):
        f = k["vblk"]["figures"]
        base = f.get(f"intree_qd{q}", {}).get(what)
        vals = [f[f"{m}_qd{q}"][what] / base if base and f.get(f"{m}_qd{q}", {}).get(what)
                else 0 for m in modes]
        xs = [j + (i - (len(bars) - 1) / 2) * width for j in range(len(modes))]
        ax.bar(xs, vals, width, label=f"{k['suite']} qd{q} {'IOPS' if what == 'iops' else 'CPU/IO'}")
        for x, v in zip(xs, vals):
            if v:
                ax.text(x, v + 0.01, f"{v:.3f}", ha="center", va="bottom", fontsize=6, rotation=90)
    ax.axhline(1, color="grey", linewidth=0.8)
    ax.set_xticks(range(len(modes)))
    ax.set_xticklabels(modes, fontsize=8)
    ax.set_ylabel("x in-tree virtio_blk (same run)")
    ax.set_title("vblk: 4 KiB O_DIRECT random reads, IOPS and guest CPU per I/O "
                 "relative to the in-tree driver", fontsize=9)
    ax.legend(fontsize=6, ncol=2)


def chart(out, kernels, clock):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for k, _ in MODES if any(k in kk["ns_per_request"] for kk in kernels)]
    has_vblk = any("vblk" in k for k in kernels)
    if not keys and not has_vblk:
        return
    if not keys:
        fig, ax = plt.subplots(figsize=(11, 5.5))
        vblk_chart(ax, kernels)
        fig.tight_layout()
        fig.savefig(os.path.join(out, "results.png"), dpi=110)
        return
    chains = [k for k in kernels if any(f"chain_{n}" in k["ns_per_request"] for n in CHAIN)]
    fig, axes = plt.subplots(2 if has_vblk else 1, 2 if chains else 1,
                             figsize=(15 if chains else 11, 11 if has_vblk else 5.5),
                             gridspec_kw={"width_ratios": [3, 1]} if chains else None,
                             squeeze=False)
    if has_vblk:
        vblk_chart(axes[1][0], kernels)
        if chains:
            axes[1][1].axis("off")
    ax = axes[0][0]
    width = 0.8 / max(len(kernels), 1)
    for i, k in enumerate(kernels):
        # normalised to each run's own floor: only ratios within a run count
        floor = k["ns_per_request"].get("nohook")
        vals = [k["ns_per_request"].get(m, 0) / floor if floor else 0 for m in keys]
        xs = [j + (i - (len(kernels) - 1) / 2) * width for j in range(len(keys))]
        ax.bar(xs, vals, width, label=f"{k['suite']} {k['version']}")
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
    if chains:
        # the chain: cost per request against its length, the floor (one
        # policy called straight) and the detached hook as references
        ax = axes[0][1]
        for k in chains:
            f = k["ns_per_request"]
            pts = [(n, f[f"chain_{n}"]) for n in CHAIN if f"chain_{n}" in f]
            line, = ax.plot([n for n, _ in pts], [v for _, v in pts], "o-",
                            label=f"{k['suite']}: chain of N nop")
            if "floor_nop" in f:
                ax.plot([1], [f["floor_nop"]], "x", color=line.get_color(), markersize=9,
                        label=f"{k['suite']}: floor (nop called straight)")
            if "detached" in f:
                ax.axhline(f["detached"], color=line.get_color(), linewidth=0.6, linestyle=":")
        ax.set_xticks(CHAIN)
        ax.set_xlabel("policies in the chain")
        ax.set_ylabel(f"cost per request ({'virtual ' if clock == 'icount' else ''}ns)")
        ax.set_title("chain of N trivial policies (dotted: detached)", fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "results.png"), dpi=110)


if __name__ == "__main__":
    sys.exit(main())
