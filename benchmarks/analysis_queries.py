"""Time the analysis pages' queries for one commune inside a warehouse holding many communes.

    python -m benchmarks.analysis_queries --communes 300 [--villages-per-commune 28]

Every commune is a copy of the demo commune under another code, so the warehouse grows like a province or the
country while each page still asks about one commune. Prints one line per query: the median of five runs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from etl import demo
from warehouse import analysis
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

RUNS = 5
TODAY = date(2026, 1, 10)


def _copy_of_demo(tables: dict[str, pd.DataFrame], number: int) -> dict[str, pd.DataFrame]:
    """The demo commune's tables with every code moved to commune `number`, so that copies never collide."""
    code = f"{number:05d}"

    def recode(column: pd.Series) -> pd.Series:
        return column.astype(str).str.replace(demo.COMMUNE_CODE, code, regex=False)

    copied = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for column in frame.columns:
            if column in ("code", "commune_code", "village_code", "team_code", "member_code", "session_code"):
                frame[column] = recode(frame[column])
        copied[name] = frame
    copied["communes"]["is_demo"] = False
    return copied


def build(db: Warehouse, communes: int) -> None:
    tables = demo.generate()
    replace_communes(db, tables)
    for number in range(1, communes):
        replace_communes(db, _copy_of_demo(tables, 20_000 + number))


def median_seconds(query: Callable[[], object]) -> float:
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        query()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=300)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        db = Warehouse.open(Path(folder) / "benchmark.duckdb")
        build(db, arguments.communes)
        villages = db.scalar("SELECT count(*) FROM villages")
        print(f"warehouse: {arguments.communes} communes, {villages} villages, "
              f"built in {time.perf_counter() - started:.1f} s")
        commune, village = demo.COMMUNE_CODE, f"{demo.COMMUNE_CODE}-05"
        queries: dict[str, Callable[[], object]] = {
            "indicator_coverage_by_village": lambda: analysis.indicator_coverage_by_village(
                db, commune, "2025-12", "chinh_quyen_so"),
            "village_series": lambda: analysis.village_series(db, village),
            "village_report_history": lambda: analysis.village_report_history(db, village, 15, TODAY),
            "training_attendance_by_session": lambda: analysis.training_attendance_by_session(db, commune),
            "training_attendance_by_team": lambda: analysis.training_attendance_by_team(db, commune),
            "members_never_trained": lambda: analysis.members_never_trained(db, commune),
            "affiliation_mix_by_team": lambda: analysis.affiliation_mix_by_team(db, commune),
            "reporting_matrix": lambda: analysis.reporting_matrix(db, commune, 15, TODAY),
            "reporting_rates": lambda: analysis.reporting_rates(db, commune, 15, TODAY),
            "coverage_over_time (quarterly)": lambda: analysis.coverage_over_time(db, commune, quarterly=True),
            "quarter_over_quarter_change": lambda: analysis.quarter_over_quarter_change(db, commune),
            "projected_coverage": lambda: analysis.projected_coverage(db, commune),
        }
        for name, query in queries.items():
            print(f"{name:34s} {median_seconds(query) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
