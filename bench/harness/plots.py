"""PNG plots of a results document (matplotlib from Debian's python3-matplotlib).

  mpps-vs-flows.png   Mpps against flow count (l2-1k / l2-64k / l2-200k) per contender
  replay-mpps.png     Mpps of every replay scenario per contender (grouped bars)

Written next to latest.json; returns [{"file", "title"}] for the report (paths relative to it),
or [] when matplotlib is missing (the report then says so in the JSON).
"""

import os

from .scenarios import FLOW_SWEEP

CONTENDERS = [("vswitchd", "vswitch", "#1f77b4"), ("ovs-dpdk", "Open vSwitch (DPDK)", "#d62728"),
              ("testpmd", "testpmd io (ceiling)", "#7f7f7f")]


def _rows(doc, kind="replay"):
    """{scenario: {contender: mpps}} for ok rows of that kind."""
    out = {}
    for sc in doc["scenarios"]:
        if sc.get("kind", "replay") != kind:
            continue
        out[sc["name"]] = {r["contender"]: r["mpps"] for r in sc["results"]
                           if r["status"] == "ok" and r["mpps"]}
        out[sc["name"]]["_flows"] = sc["flows"]
    return out


def write(doc, out_dir):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        doc.setdefault("notes", []).append("no plots: python3-matplotlib is not installed "
                                           "(apt-get install python3-matplotlib)")
        return []
    os.makedirs(out_dir, exist_ok=True)
    rows = _rows(doc)
    size = doc["settings"].get("frame_size", 64)
    plots = []

    sweep = [n for n in FLOW_SWEEP if n in rows]
    if len(sweep) >= 2:
        fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
        for name, label, color in CONTENDERS:
            pts = [(rows[n]["_flows"], rows[n][name]) for n in sweep if name in rows[n]]
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=label,
                        color=color)
                for x, y in pts:
                    ax.annotate(f"{y:.1f}", (x, y), textcoords="offset points", xytext=(4, 4),
                                fontsize=8)
        ax.set_xscale("log")
        ax.set_xlabel("distinct flows in the replayed capture")
        ax.set_ylabel("Mpps (one forwarding core)")
        ax.set_title(f"L2 forwarding, 1 rule, {size}-byte frames")
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, "mpps-vs-flows.png"))
        plt.close(fig)
        plots.append({"file": "mpps-vs-flows.png", "title": "Mpps against flow count"})

    names = [n for n in rows if any(c in rows[n] for c, _, _ in CONTENDERS)]
    if names:
        fig, ax = plt.subplots(figsize=(max(7, 1.2 * len(names) + 2), 4.5), dpi=110)
        width = 0.27
        for i, (name, label, color) in enumerate(CONTENDERS):
            xs = [j + (i - 1) * width for j in range(len(names))]
            ys = [rows[n].get(name, 0) for n in names]
            bars = ax.bar(xs, ys, width, label=label, color=color)
            for bar, y in zip(bars, ys):
                if y:
                    ax.annotate(f"{y:.1f}", (bar.get_x() + bar.get_width() / 2, y),
                                textcoords="offset points", xytext=(0, 2), ha="center", fontsize=7)
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names, rotation=20, ha="right")
        ax.set_ylabel("Mpps (one forwarding core)")
        ax.set_title(f"Every replay scenario, {size}-byte frames (missing bar = not run)")
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, "replay-mpps.png"))
        plt.close(fig)
        plots.append({"file": "replay-mpps.png", "title": "Mpps per replay scenario"})
    return plots
