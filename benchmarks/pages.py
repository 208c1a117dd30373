"""Every per-commune page, cold (nothing cached: the first visit after a write) and warm (the same page again), as
the server runs it (Streamlit's AppTest, no browser), for Gia Lộc in a warehouse given on the command line; then
every map the dashboard draws (the village map, the city maps, the national map), with its figure's bytes.

    python -m benchmarks.pages WAREHOUSE [--repeat 3] [--commune 10999] [--json]

Pages are compiled once, as by a server. Prints seconds per page: cold is the median of `repeat` runs each after
clearing the cache, warm the median of `repeat` reruns of a session that has just shown the page. Per-commune pages
are shown to a visitor (public view); maps to an admin of every commune, who sees them all.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import time
from datetime import datetime
from pathlib import Path

from streamlit.runtime.caching import cache_data_api
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

from benchmarks.warehouses import ACCOUNTS
from etl import demo
from settings import PROJECT_ROOT
from ui import cached
from warehouse.database import Warehouse

PAGES = {
    "overview": "pages/overview.py", "map": "pages/map.py", "domains": "pages/domains.py",
    "village": "pages/village.py", "training": "pages/training.py", "reporting": "pages/reporting.py",
    "trends": "pages/trends.py",
}
# Every map a page draws: its page and the URL's query that shows it. The commune's village map is the map page's.
MAPS = {
    "village map": ("pages/map.py", {}),
    "city map (map page)": ("pages/map.py", {"map_view": "city"}),
    "city page map": ("pages/city.py", {}),
    "national map": ("pages/national.py", {}),
}
# Drawn only where the warehouse has the city's commune boundaries.
CITY_MAPS = ("city map (map page)", "city page map")
APP_TEST_WARNINGS = ("streamlit.runtime.scriptrunner_utils.script_run_context",
                     "streamlit.runtime.state.session_state_proxy", "streamlit.runtime.caching.cache_data_api")
ADMIN = next(name for name, role, _ in ACCOUNTS if role == "admin")


def compile_once() -> None:
    """Pages compiled once, as a server does (one script cache per server); AppTest would compile them every run."""
    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared  # type: ignore[assignment,misc]
    # AppTest sets a session's state from outside its run, which Streamlit warns about for every session: hundreds
    # of lines between the benchmark's own. A filter, because Streamlit resets its loggers' levels.
    for name in APP_TEST_WARNINGS:
        logging.getLogger(name).addFilter(lambda record: False)


def _session(page: str, commune: str, query: dict[str, str] | None = None, *, admin: bool = False) -> AppTest:
    app = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=600)
    if admin:
        app.session_state["username"] = ADMIN
        app.session_state["auth_last_active"] = datetime.now()
    app.query_params["commune"] = commune
    for name, value in (query or {}).items():
        app.query_params[name] = value
    app.run()
    if page != "pages/overview.py":
        app.switch_page(page)
    return app


def timed_run(app: AppTest) -> tuple[float, float]:
    """Wall and CPU seconds (this process, every thread: what other work on the machine does not change) of a run."""
    started, used = time.perf_counter(), time.process_time()
    app.run()
    elapsed, used = time.perf_counter() - started, time.process_time() - used
    if app.exception:
        raise RuntimeError(f"the page failed: {app.exception[0].message}")
    return elapsed, used


def cached_bytes() -> int:
    """The bytes the process's cached read results take (Streamlit's own count)."""
    return sum(stat.byte_length for stats in cache_data_api._data_caches.get_stats().values() for stat in stats)


def figure_bytes(app: AppTest) -> list[int]:
    """The size of each Plotly figure the page sent (its JSON specification)."""
    return [len(chart.proto.spec) for chart in app.get("plotly_chart")]


def _timings(app: AppTest, repeat: int, before: AppTest | None = None) -> dict[str, float]:
    """The median cold and warm run of the session's page (wall and CPU seconds), and the largest figure it sent;
    given `before` (the same page of another commune), its first visit too: cold, but after `before` has run (what
    every commune shares, e.g. the sidebar's list, is read; its own data is not)."""
    cold, warm, first = [], [], []
    for _ in range(repeat):
        cached.clear()
        cold.append(timed_run(app))
    for _ in range(repeat if before is not None else 0):
        cached.clear()
        before.run()
        first.append(timed_run(app))
    first = first or cold
    for _ in range(repeat):
        warm.append(timed_run(app))
    return {"cold": statistics.median(wall for wall, _ in cold), "warm": statistics.median(wall for wall, _ in warm),
            "cold_cpu": statistics.median(cpu for _, cpu in cold),
            "warm_cpu": statistics.median(cpu for _, cpu in warm),
            "first": statistics.median(wall for wall, _ in first),
            "first_cpu": statistics.median(cpu for _, cpu in first),
            "figure_bytes": max(figure_bytes(app), default=0)}


def other_commune(warehouse: Path, commune: str) -> str | None:
    """A commune with villages other than `commune`, of another province where there is one (nothing of the
    province is read yet), None when `commune` is the only one."""
    with Warehouse.inspect(warehouse) as db:
        return db.scalar(
            "SELECT c.code FROM communes c WHERE c.code <> $commune "
            "AND EXISTS (SELECT 1 FROM villages v WHERE v.commune_code = c.code) "
            "ORDER BY c.province IS NOT DISTINCT FROM (SELECT province FROM communes WHERE code = $commune), "
            "hash(c.code) LIMIT 1", {"commune": commune})


def measure_maps(warehouse: Path, repeat: int = 3, commune: str = demo.COMMUNE_CODE, *,
                 city_maps: bool = True) -> dict[str, dict[str, float]]:
    """Each of MAPS shown to an admin (CITY_MAPS only when `city_maps`: the warehouse has commune boundaries): cold
    and warm seconds of its page and its figure's bytes."""
    os.environ["CDS_WAREHOUSE"] = str(warehouse)
    os.environ["CDS_PUBLIC_VIEW"] = "0"
    Warehouse.close_all()
    compile_once()
    found = {name: _timings(_session(page, commune, query, admin=True), repeat)
             for name, (page, query) in MAPS.items() if city_maps or name not in CITY_MAPS}
    Warehouse.close_all()
    return found


def measure(warehouse: Path, repeat: int = 3, commune: str = demo.COMMUNE_CODE) -> dict[str, dict[str, float]]:
    """Each page's cold, first-visit (after another commune's, `_timings`; cold in a warehouse of one commune) and
    warm seconds (medians of `repeat`) in the warehouse at `warehouse`, the largest figure it sent (bytes), and the
    bytes cached once every page of the commune has been shown (key `cache`)."""
    other = other_commune(warehouse, commune)
    os.environ["CDS_WAREHOUSE"] = str(warehouse)
    os.environ["CDS_PUBLIC_VIEW"] = "1"
    Warehouse.close_all()
    compile_once()
    found = {name: _timings(_session(page, commune), repeat, None if other is None else _session(page, other))
             for name, page in PAGES.items()}
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
    parser.add_argument("--no-city", action="store_true", help="the warehouse has no commune boundaries")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    found = measure(arguments.warehouse, arguments.repeat, arguments.commune)
    maps = measure_maps(arguments.warehouse, arguments.repeat, arguments.commune, city_maps=not arguments.no_city)
    if arguments.json:
        print(json.dumps({"pages": found, "maps": maps}, indent=2))
        return
    for name, seconds in [*found.items(), *maps.items()]:
        if name != "cache":
            first = (f"first visit {seconds['first']:6.3f} s (CPU {seconds['first_cpu']:6.3f} s)   "
                     if "first" in seconds else "")
            print(f"{name:20} cold {seconds['cold']:6.3f} s (CPU {seconds['cold_cpu']:6.3f} s)   {first}warm "
                  f"{seconds['warm']:6.3f} s (CPU {seconds['warm_cpu']:6.3f} s)   "
                  f"figure {seconds['figure_bytes'] / 1e3:7.1f} kB")
    print(f"cached reads once every page was shown: {found['cache']['bytes'] / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
