"""Every per-commune page, cold (nothing cached: the first visit after a write) and warm (the same page again), as
the server runs it (Streamlit's AppTest, no browser), for Gia Lộc in a warehouse given on the command line.

    python -m benchmarks.pages WAREHOUSE [--repeat 3] [--commune 10999] [--json]

Pages are compiled once, as by a server. Prints seconds per page: cold is the median of `repeat` runs each after
clearing the cache, warm the median of `repeat` reruns of a session that has just shown the page.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from streamlit.runtime.caching import cache_data_api
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

from etl import demo
from settings import PROJECT_ROOT
from ui import cached
from warehouse.database import Warehouse

PAGES = {
    "overview": "pages/overview.py", "map": "pages/map.py", "domains": "pages/domains.py",
    "village": "pages/village.py", "training": "pages/training.py", "reporting": "pages/reporting.py",
    "trends": "pages/trends.py",
}


def compile_once() -> None:
    """Pages compiled once, as a server does (one script cache per server); AppTest would compile them every run."""
    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared  # type: ignore[assignment,misc]


def _session(page: str, commune: str) -> AppTest:
    app = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=600)
    app.query_params["commune"] = commune
    app.run()
    if page != "pages/overview.py":
        app.switch_page(page)
    return app


def _timed_run(app: AppTest) -> float:
    started = time.perf_counter()
    app.run()
    elapsed = time.perf_counter() - started
    if app.exception:
        raise RuntimeError(f"the page failed: {app.exception[0].message}")
    return elapsed


def cached_bytes() -> int:
    """The bytes the process's cached read results take (Streamlit's own count)."""
    return sum(stat.byte_length for stats in cache_data_api._data_caches.get_stats().values() for stat in stats)


def figure_bytes(app: AppTest) -> list[int]:
    """The size of each Plotly figure the page sent (its JSON specification)."""
    return [len(chart.proto.spec) for chart in app.get("plotly_chart")]


def measure(warehouse: Path, repeat: int = 3, commune: str = demo.COMMUNE_CODE) -> dict[str, dict[str, float]]:
    """Each page's cold and warm seconds (medians of `repeat`) in the warehouse at `warehouse`, the largest figure
    it sent (bytes), and the bytes cached once every page of the commune has been shown (key `cache`)."""
    os.environ["CDS_WAREHOUSE"] = str(warehouse)
    os.environ["CDS_PUBLIC_VIEW"] = "1"
    Warehouse.close_all()
    compile_once()
    found: dict[str, dict[str, float]] = {}
    for name, page in PAGES.items():
        app = _session(page, commune)
        cold, warm = [], []
        for _ in range(repeat):
            cached.clear()
            cold.append(_timed_run(app))
        for _ in range(repeat):
            warm.append(_timed_run(app))
        found[name] = {"cold": statistics.median(cold), "warm": statistics.median(warm),
                       "figure_bytes": max(figure_bytes(app), default=0)}
    cached.clear()
    for page in PAGES.values():
        _session(page, commune)
    found["cache"] = {"bytes": cached_bytes()}
    Warehouse.close_all()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pages", description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--commune", default=demo.COMMUNE_CODE)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    found = measure(arguments.warehouse, arguments.repeat, arguments.commune)
    if arguments.json:
        print(json.dumps(found, indent=2))
        return
    for name, seconds in found.items():
        if name in PAGES:
            print(f"{name:10} cold {seconds['cold']:6.3f} s   warm {seconds['warm']:6.3f} s   "
                  f"figure {seconds['figure_bytes'] / 1e3:7.1f} kB")
    print(f"cached reads once every page was shown: {found['cache']['bytes'] / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
