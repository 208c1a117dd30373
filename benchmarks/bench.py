"""`make bench`: the three benchmark warehouses (one commune, Hải Phòng, the nation, with history), every
per-commune page cold and warm at each scale with the ratio nation ÷ commune, the national imports (new month,
correction, undo, peak memory, file ÷ data), the figures' bytes, and simultaneous sessions on the national one.

    python -m benchmarks.bench [--json] [--months 12] [--sessions 20] [--rounds 2] [--repeat 3] [--skip imports]

The warehouses are built once by benchmarks/warehouses.py (cached under .cache/); every measure works on a copy.
Gia Lộc (10999) is the commune shown at every scale, with its demo village boundaries (and Hải Phòng's commune
layer where Hải Phòng is). Ends with the issue's targets, each met or not.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from benchmarks import imports, load, pages, warehouses
from cli.boundaries import store_commune_layer
from etl import demo
from geo import demo as demo_geography
from geo.shipped import HAI_PHONG_COMMUNES
from warehouse.database import Warehouse
from warehouse.write import boundaries as boundary_writes

PAGE_WARM_TARGET_S = 0.3
PAGE_RATIO_TARGET = 1.5
IMPORT_TARGET_S = 5.0
FILE_TARGET = 2.0
FIGURE_TARGET_BYTES = 1_000_000
CONCURRENT_TARGET_S = 1.5


def prepared_copy(scale: str, folder: Path) -> Path:
    """A copy of the scale's warehouse with Gia Lộc's village boundaries and, where it is, Hải Phòng's communes."""
    path = warehouses.copy_of(scale, folder)
    db = Warehouse.open(path)
    villages = db.read("SELECT code FROM villages WHERE commune_code = $c ORDER BY code", {"c": demo.COMMUNE_CODE})
    shapes = demo_geography.village_boundaries(villages["code"].tolist(), seed=demo.DEFAULT_SEED)
    boundary_writes.replace_village_boundaries(db, demo.COMMUNE_CODE, shapes, is_demo=True)
    if scale != "commune":
        store_commune_layer(db, HAI_PHONG_COMMUNES)
    db.close()
    return path


def measure(arguments: argparse.Namespace) -> dict:
    """Every figure of the table, as a dict (what `--json` prints)."""
    figures: dict = {"pages": {}, "cache_bytes": {}}
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        for scale in warehouses.SCALES:
            path = prepared_copy(scale, Path(folder))
            found = pages.measure(path, arguments.repeat)
            figures["cache_bytes"][scale] = found.pop("cache")["bytes"]
            figures["pages"][scale] = found
            if scale == "nation" and "concurrency" not in arguments.skip:
                with load.serving(path) as (url, pid):
                    figures["concurrency"] = load.measure(url, arguments.sessions, arguments.rounds, pid=pid)
            path.unlink()
    if "imports" not in arguments.skip:
        figures["imports"] = imports.measure(arguments.months)
    return figures


def targets(figures: dict) -> list[tuple[str, bool]]:
    """Each of the issue's targets and whether it is met."""
    commune, nation = figures["pages"]["commune"], figures["pages"]["nation"]
    met = [(f"every page warm ≤ {PAGE_WARM_TARGET_S} s nationally",
            all(page["warm"] <= PAGE_WARM_TARGET_S for page in nation.values())),
           (f"every page warm nationally ≤ {PAGE_RATIO_TARGET}× its commune time",
            all(nation[name]["warm"] <= PAGE_RATIO_TARGET * commune[name]["warm"] for name in nation)),
           ("every figure ≤ 1 MB", all(page["figure_bytes"] <= FIGURE_TARGET_BYTES
                                       for scale in figures["pages"].values() for page in scale.values()))]
    if "imports" in figures:
        found = figures["imports"]
        met += [(f"national {label} ≤ {IMPORT_TARGET_S:.0f} s", found[key] <= IMPORT_TARGET_S)
                for label, key in (("month", "new_month_s"), ("correction", "correction_s"), ("undo", "undo_s"))]
        met.append((f"file ≤ {FILE_TARGET:.0f}× its data", found["file_per_data"] <= FILE_TARGET))
    if "concurrency" in figures:
        met.append((f"{figures['concurrency']['sessions']} simultaneous overviews: median ≤ {CONCURRENT_TARGET_S} s",
                    figures["concurrency"]["median_s"] <= CONCURRENT_TARGET_S))
    return met


def table(figures: dict) -> str:
    """The figures as one plain-text table."""
    scales = list(figures["pages"])
    lines = [f"{'page':10}" + "".join(f"{scale + ' cold':>15}{scale + ' warm':>15}" for scale in scales)
             + f"{'warm n÷c':>10}{'cold n÷c':>10}{'figure kB':>11}"]
    for name in pages.PAGES:
        row = [figures["pages"][scale][name] for scale in scales]
        commune, nation = figures["pages"]["commune"][name], figures["pages"]["nation"][name]
        lines.append(f"{name:10}" + "".join(f"{page['cold']:14.3f}s{page['warm']:14.3f}s" for page in row)
                     + f"{nation['warm'] / commune['warm']:10.2f}{nation['cold'] / commune['cold']:10.2f}"
                     + f"{max(page['figure_bytes'] for page in row) / 1e3:11.1f}")
    lines.append("cached reads after every page of one commune: " + ", ".join(
        f"{scale} {size / 1e3:.0f} kB" for scale, size in figures["cache_bytes"].items()))
    if "imports" in figures:
        found = figures["imports"]
        lines.append(f"national imports ({found['villages']:,} villages, {found['history_months']} months of history): "
                     f"new month {found['new_month_s']:.2f} s (peak {found['new_month_peak_mb']:.0f} MB), "
                     f"correction {found['correction_s']:.2f} s (peak {found['correction_peak_mb']:.0f} MB), "
                     f"undo {found['undo_s']:.2f} s (peak {found['undo_peak_mb']:.0f} MB)")
        lines.append(f"after {found['months']} months: file {found['file_bytes'] / 1e6:.0f} MB for "
                     f"{found['data_bytes'] / 1e6:.0f} MB of data = {found['file_per_data']:.2f}×")
    if "concurrency" in figures:
        found = figures["concurrency"]
        lines.append(f"{found['sessions']} simultaneous national overviews × {found['rounds']} rounds: median "
                     f"{found['median_s']:.2f} s, p95 {found['p95_s']:.2f} s (server CPU "
                     f"{found['server_cpu_per_load_s']:.3f} s per load; machine load average "
                     f"{figures['load_average']:.1f} on {os.cpu_count()} cores)")
    lines += [f"{'met' if ok else 'NOT MET':8} {label}" for label, ok in targets(figures)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--months", type=int, default=12, help="months of imports for the file's size")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="runs per page, cold and warm")
    parser.add_argument("--skip", action="append", default=[], choices=("imports", "concurrency"))
    arguments = parser.parse_args()
    for scale in warehouses.SCALES:
        warehouses.cached(scale)  # built once, in linear time; prints its own time
    figures = measure(arguments)
    figures["load_average"] = os.getloadavg()[0]
    figures["targets"] = {label: ok for label, ok in targets(figures)}
    print(json.dumps(figures, indent=2, default=str) if arguments.json else table(figures))


if __name__ == "__main__":
    main()
