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


def page_runs(warehouse: Path, page: str, runs: int) -> list[float]:
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
        seconds, _ = timed(app.run)
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
        seconds, done = timed(lambda: subprocess.run([sys.executable, "-m", "etl", "demo", "--db", str(warehouse)],
                                                     cwd=PROJECT_ROOT, capture_output=True, text=True))
        if done.returncode:
            raise SystemExit(done.stderr)
        print(f"demo build (python -m etl demo, Gia Lộc and the city's 114 communes): {seconds:.1f} s")

        db = Warehouse.open(warehouse)
        province, today = demo.PROVINCE_CODE, date.today()
        for name, action in {
            "commune_table": lambda: city.commune_table(db, province, "2025-12", 15, today),
            "city_series": lambda: city.city_series(db, province),
            "projected_communes": lambda: city.projected_communes(db, province),
            "indicator_medians": lambda: city.indicator_medians(db, province, "2025-12"),
        }.items():
            times = [timed(action)[0] for _ in range(3)]
            print(f"query {name}: median {statistics.median(times) * 1000:.0f} ms of 3")
        table = city.commune_table(db, province, "2025-12", 15, today)
        figure = commune_headline_map_figure(city.province_map(db, province, table), "vi")
        print(f"city map figure: {len(figure.to_json().encode()):,} bytes (114 communes)")
        Warehouse.close_all()

        for page in ("pages/city.py", "pages/city_trends.py"):
            times = page_runs(warehouse, page, arguments.runs)
            warm = statistics.median(times[1:]) if len(times) > 1 else times[0]
            print(f"{page} as demo-reviewer: first {times[0]:.2f} s, then median {warm:.2f} s "
                  f"({len(times) - 1} more runs, AppTest, server time)")


if __name__ == "__main__":
    main()
