#!/usr/bin/env python3
"""Draws the benchmark charts from the Markdown reports that hold the results (nothing is measured here).

  charts.py peers REPORT.md PNG          docs/benchmarks-peers.png from docs/benchmarks-peers.md (run-all.sh calls it)
  charts.py session-http BENCH.md PNG    docs/benchmarks-session-http.png from docs/benchmarks.md

One panel per kind of experiment (one JVM under JMH; processes under the drivers; HTTP runs), each system's bar
beside the others of the same workload, fastmmap in its own colour, numbers written as people read them (421k)
and the ratio that is the point of the panel. Needs python3 and matplotlib (Debian: python3-matplotlib).
"""
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FASTMMAP = "#d9541e"
PEERS = ["#3b75af", "#6a9fd4", "#9bbfe3", "#7f7f7f", "#b0b0b0", "#555555"]


def tables(markdown, heading):
    """Every table of the section whose heading starts with `heading`, as lists of dicts (column -> cell)."""
    lines = markdown.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("#") and
                  line.lstrip("#").strip().startswith(heading)), None)
    if start is None:
        return []
    level = len(lines[start]) - len(lines[start].lstrip("#"))
    found, rows, header = [], None, None
    for line in lines[start + 1:]:
        if line.startswith("#") and len(line) - len(line.lstrip("#")) <= level:
            break
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if header is None:
                header, rows = cells, []
            elif not set("".join(cells)) <= set("-: "):
                rows.append(dict(zip(header, cells)))
        elif header is not None:
            found.append(rows)
            header = None
    if header is not None:
        found.append(rows)
    return found


def number(cell):
    return float(re.sub(r"[^0-9.]", "", cell.split("(")[0]) or "nan")


def readable(value):
    """421336 -> 421k, 1346799 -> 1.35M, 948 -> 948."""
    if value >= 1e6:
        return f"{value / 1e6:.2f}M"
    if value >= 1e4:
        return f"{value / 1e3:.0f}k"
    if value >= 1e3:
        return f"{value / 1e3:.1f}k"
    return f"{value:.0f}"


def bars(ax, groups, title, unit, ratio_note):
    """groups: [(group label, [(system, value, is_fastmmap, ratio text or None)])]: one cluster per group."""
    width = 0.8 / max(len(systems) for _, systems in groups)
    peer_colour = {}
    top = max(v for _, systems in groups for _, v, _, _ in systems)
    for g, (label, systems) in enumerate(groups):
        offset = g - width * (len(systems) - 1) / 2
        for s, (system, value, mine, ratio) in enumerate(systems):
            if mine:
                colour = FASTMMAP
            else:
                colour = peer_colour.setdefault(system, PEERS[len(peer_colour) % len(PEERS)])
            x = offset + s * width
            ax.bar(x, value, width * 0.92, color=colour, edgecolor="black", linewidth=0.4)
            text = readable(value) + ("" if ratio is None else f"\n{ratio}")
            ax.text(x, value + top * 0.01, text, ha="center", va="bottom", fontsize=7.5,
                    fontweight="bold" if mine else "normal")
            ax.text(x, -top * 0.015, system, ha="right", va="top", rotation=35, fontsize=7.5,
                    color=FASTMMAP if mine else "black", rotation_mode="anchor")
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels([label for label, _ in groups], fontsize=8.5)
    ax.tick_params(axis="x", length=0, pad=62)
    ax.set_ylim(0, top * 1.18)
    ax.set_ylabel(unit)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: readable(v)))
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    ax.set_title(title, fontsize=10.5, loc="left")
    ax.text(0, -0.47, ratio_note, transform=ax.transAxes, fontsize=7.5, color="#444444", va="top")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def peers(report, png):
    markdown = open(report, encoding="utf-8").read()
    quick = re.search(r"^run: QUICK", markdown, re.M) is not None
    panels = []

    jmh = tables(markdown, "One JVM, the primary workload")
    if jmh and jmh[0]:
        groups = []
        for jdk in ("25", "17"):
            rows = [r for r in jmh[0] if r.get("JDK") == jdk and r.get("threads") == "1"]
            if rows:
                groups.append((f"JDK {jdk}", [(r["store"], number(r["ops/s"]), r["store"] == "fastmmap",
                                                None if r["store"] == "fastmmap"
                                                else r["fastmmap ÷ store"])
                                               for r in rows]))
        panels.append(("One JVM (JMH): 1 KiB values, 10,000 keys, 90 % gets, 1 thread",
                       "operations per second", groups,
                       "Over each peer: fastmmap's ops/s ÷ the peer's (above 1: fastmmap is faster). floor = "
                       "a plain mapped array, the upper bound; Redis: one connection, batch16 = pipelines of 16."))

    drivers = tables(markdown, "Processes on one file")
    if drivers and drivers[0]:
        groups = {}
        for r in drivers[0]:
            mine = r["implementation"].startswith("fastmmap")
            mode = r["mode"]
            processes = r["processes"]
            label = {"raw": "raw bytes", "session": "session map", "session-json": "session map"}[mode] + \
                f"\n{processes} process{'es' if processes != '1' else ''}"
            name = ("fastmmap" + (" (JSON)" if mode == "session-json" else "")) if mine else "Cache::FastMmap"
            ratio = None
            groups.setdefault(label, [])
            groups[label].append((name, number(r["ops/s"]), mine, ratio))
        for label, systems in groups.items():
            perl = next((v for n, v, m, _ in systems if not m), None)
            if perl:
                systems[:] = [(n, v, m, f"{v / perl:.1f}×" if m else None) for n, v, m, _ in systems]
        panels.append(("Processes on one file (drivers): fastmmap vs Perl's Cache::FastMmap 1.57, 1 KiB, 90 % gets",
                       "operations per second (all processes)", list(groups.items()),
                       "Over each fastmmap bar: its ops/s ÷ Cache::FastMmap's in the same workload. Session map: "
                       "~1 KiB map, fastmmap's plainData (or JSON) codec vs Perl's Storable."))

    draw(panels, png, "fastmmap beside its peers" + (" — QUICK RUN: a smoke test, not a measurement" if quick
                                                      else " (docs/benchmarks-peers.md)"))


def mean_by_store(rows):
    by = {}
    for r in rows:
        by.setdefault(r["store"], []).append(number(r["requests/s"]))
    return {store: sum(v) / len(v) for store, v in by.items()}


def session_http(benchmarks, png):
    markdown = open(benchmarks, encoding="utf-8").read()
    names = {"fastmmap": "fastmmap", "map": "in-memory map", "redis": "Spring Session\nData Redis"}
    runs = []
    quiet = tables(markdown, "Results on a quiet machine (2026-11-30)")
    for caption, rows in zip(["20 s rounds, ext4", "20 s rounds, tmpfs"], quiet):
        runs.append((caption, rows))
    longer = tables(markdown, "A longer warm-up (2026-11-30")
    if longer:
        runs.append(("60 s rounds, 60 s warm-up", longer[0]))
    groups = []
    for caption, rows in runs:
        means = mean_by_store(rows)
        systems = []
        for store in ("fastmmap", "map", "redis"):
            if store in means:
                ratio = None if store == "fastmmap" else f"fastmmap ÷ it\n{means['fastmmap'] / means[store]:.2f}×"
                systems.append((names[store], means[store], store == "fastmmap", ratio))
        groups.append((caption, systems))
    panels = [("Spring demo, GET /api/visits (reads and writes the session), 2026-11-30, mean of the rounds",
               "requests per second", groups,
               "One store at a time, app on JDK 17, wrk on the same 2 cores. Goals: fastmmap ÷ Redis ≥ 2 (met), "
               "fastmmap ÷ in-memory ≥ 0.9 (0.87–0.90; 0.94 side by side, see docs/benchmarks.md).")]

    tier = tables(markdown, "The Redis tier vs Spring Session Data Redis over HTTP")
    if tier and tier[0]:
        groups = []
        for r in tier[0]:
            label = re.sub(r"\s*\(.*\)", "", r["traffic"]).replace("`", "").replace(", ", "\n")
            tier_mean = number(re.search(r"mean ([0-9,]+)", r["tier requests/s (rounds)"]).group(1))
            plain_mean = number(re.search(r"mean ([0-9,]+)", r["plain requests/s (rounds)"]).group(1))
            commands = r["Redis commands per request, tier / plain"].replace("*", "").split("/")
            groups.append((label, [
                ("fastmmap tier", tier_mean, True, f"{tier_mean / plain_mean:.2f}×\n{commands[0].strip()} cmd/req"),
                ("plain Spring Session\nData Redis", plain_mean, False, f"{commands[1].strip()} cmd/req")]))
        panels.append(("The Redis tier (fastmmap copy per host) vs plain Spring Session Data Redis, 2026-12-06",
                       "requests per second", groups,
                       "Over the tier's bars: tier ÷ plain requests/s, and Redis commands per request. Goals: "
                       "read-mostly ≥ 2× (missed) at ≤ 0.2 commands (met); write-heavy not slower (missed)."))
    draw(panels, png, "Sessions over HTTP (docs/benchmarks.md)")


def draw(panels, png, title):
    if not panels:
        sys.exit(f"charts.py: no results found for {png}")
    fig, axes = plt.subplots(len(panels), 1, figsize=(11, 5.6 * len(panels)), squeeze=False)
    for ax, (panel_title, unit, groups, note) in zip(axes[:, 0], panels):
        bars(ax, groups, panel_title, unit, note)
    fig.suptitle(title, fontsize=12, fontweight="bold", x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0, 1, 0.97), h_pad=4)
    fig.savefig(png, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("peers", "session-http"):
        sys.exit(__doc__)
    (peers if sys.argv[1] == "peers" else session_http)(sys.argv[2], sys.argv[3])
