"""The city view on the demo warehouse: how long the demo takes to build, how long the city pages take to run, and
how large the city map's figure is.

    python -m benchmarks.city_view [--runs 3]

Builds the demo (`python -m etl demo`, as `make run` does) in a temporary folder and prints its wall time; then the
city query layer's times; then runs the city page and the city trends page as demo-reviewer in Streamlit's AppTest
(the first run cold, the others warm) and prints the median warm run; then the map figure's size as sent (JSON).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from streamlit.testing.v1 import AppTest

from etl import demo
from settings import PROJECT_ROOT
from ui.maps import commune_headline_map_figure
from warehouse import city
from warehouse.database import Warehouse


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def cpu_timed(action) -> tuple[float, float]:
    """Wall and CPU seconds (this process, all threads) of `action`: on a shared machine the CPU time is steadier."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def page_runs(warehouse: Path, page: str, runs: int) -> list[tuple[float, float]]:
    """Seconds of each run of `page` for a signed-in demo-reviewer (after the reviewer's first page)."""
    os.environ["CDS_WAREHOUSE"] = str(warehouse)
    os.environ["CDS_PUBLIC_VIEW"] = ""
    app = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=300)
    app.session_state["role"] = "reviewer"
    app.session_state["username"] = "demo-reviewer"
    app.session_state["user_communes"] = None
    app.session_state["auth_last_active"] = datetime.now()
    app.run()  # the reviewer's first page: the city's
    times = []
    for _ in range(runs):
        app.session_state["auth_last_active"] = datetime.now()
        app.switch_page(page)
        seconds = cpu_timed(app.run)
        if app.exception or not app.title:
            raise RuntimeError(f"{page} did not run: {[item.message for item in app.exception]}")
        times.append(seconds)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each page (the first is cold)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        warehouse = Path(folder) / "demo.duckdb"
        command = [sys.executable, "-m", "etl", "demo", "--db", str(warehouse)]
        before = os.times()
        seconds, done = timed(lambda: subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True))
        after = os.times()
        if done.returncode:
            raise SystemExit(done.stderr)
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        print(f"demo build (python -m etl demo: Gia Lộc and the city's 114 communes): {seconds:.1f} s wall, "
              f"{cpu:.1f} s CPU; load average {os.getloadavg()[0]:.1f}")

        db = Warehouse.open(warehouse)
        province, today = demo.PROVINCE_CODE, date.today()
        for name, action in {
            "commune_table": lambda: city.commune_table(db, province, "2025-12", 15, today),
            "city_series": lambda: city.city_series(db, province),
            "projected_communes": lambda: city.projected_communes(db, province),
            "indicator_medians": lambda: city.indicator_medians(db, province, "2025-12"),
        }.items():
            times = [cpu_timed(action) for _ in range(3)]
            print(f"query {name}: median of 3 {statistics.median(wall for wall, _ in times) * 1000:.0f} ms wall, "
                  f"{statistics.median(cpu for _, cpu in times) * 1000:.0f} ms CPU")
        table = city.commune_table(db, province, "2025-12", 15, today)
        figure = commune_headline_map_figure(city.province_map(db, province, table), "vi")
        print(f"city map figure: {len(figure.to_json().encode()):,} bytes (114 communes)")
        Warehouse.close_all()

        for page in ("pages/city.py", "pages/city_trends.py"):
            times = page_runs(warehouse, page, arguments.runs)
            wall = statistics.median(wall for wall, _ in times)
            cpu = statistics.median(cpu for _, cpu in times)
            print(f"{page} as demo-reviewer: median of {len(times)} runs {wall:.2f} s wall, {cpu:.2f} s CPU "
                  f"(AppTest, server time)")


if __name__ == "__main__":
    main()
