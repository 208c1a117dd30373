"""Every SQL query the per-commune pages run, with DuckDB's EXPLAIN ANALYZE: its time and the most rows any step of
its plan handled (a query filtered to the commune first handles hundreds; one that joins the country first, 100,000s).

    python -m benchmarks.query_plans WAREHOUSE [--commune 10999] [--plans]

Each read query of the pages is called once (through the query functions, as the pages call them); every statement
they send is explained. `--plans` prints the whole plan of each.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from etl import demo
from warehouse import analysis, queries
from warehouse.codes import DIGITAL_DOMAINS
from warehouse.database import Warehouse

ROWS = re.compile(r"│\s*([\d,]+) rows")
TOTAL = re.compile(r"Total Time:\s*([\d.]+)s")


def page_queries(db: Warehouse, commune: str) -> dict[str, Callable[[], object]]:
    """The query functions the per-commune pages call, with this commune's arguments."""
    month = max(queries.reported_months(db, commune))
    today = date.today()
    village = queries.villages(db, commune)["village_code"].iloc[0]
    return {
        "queries.communes": lambda: queries.communes(db),
        "queries.reported_months": lambda: queries.reported_months(db, commune),
        "queries.commune_summary": lambda: queries.commune_summary(db, commune, month, 15, today),
        "queries.domain_coverage_of_commune": lambda: queries.domain_coverage_of_commune(db, commune, month),
        "queries.alerts": lambda: queries.alerts(db, commune, month, 5),
        "queries.domain_coverage_by_village": lambda: queries.domain_coverage_by_village(db, commune, month),
        "analysis.indicator_coverage_by_village": lambda: analysis.indicator_coverage_by_village(
            db, commune, month, DIGITAL_DOMAINS[0]),
        "analysis.training_attendance_by_session": lambda: analysis.training_attendance_by_session(db, commune),
        "analysis.training_attendance_by_team": lambda: analysis.training_attendance_by_team(db, commune),
        "analysis.members_never_trained": lambda: analysis.members_never_trained(db, commune),
        "analysis.affiliation_mix_by_team": lambda: analysis.affiliation_mix_by_team(db, commune),
        "analysis.reporting_rates": lambda: analysis.reporting_rates(db, commune, 15, today),
        "analysis.village_members": lambda: analysis.village_members(db, village),
        "analysis.village_series": lambda: analysis.village_series(db, village),
        "analysis.village_training_attendance": lambda: analysis.village_training_attendance(db, village),
        "analysis.village_report_history": lambda: analysis.village_report_history(db, village, 15, today),
        "analysis.commune_coverage_over_time": lambda: analysis.commune_coverage_over_time(db, commune),
        "analysis.quarter_over_quarter_change": lambda: analysis.quarter_over_quarter_change(db, commune),
        "analysis.projected_coverage": lambda: analysis.projected_coverage(db, commune),
    }


def statements_of(db: Warehouse, call: Callable[[], object]) -> list[tuple[str, object]]:
    """The statements (with parameters) one call sends to the warehouse."""
    sent: list[tuple[str, object]] = []
    read, rows = Warehouse.read, Warehouse.rows
    Warehouse.read = lambda self, sql, parameters=None, **options: (sent.append((sql, parameters)),  # type: ignore
                                                                    read(self, sql, parameters, **options))[1]
    Warehouse.rows = lambda self, sql, parameters=None: (sent.append((sql, parameters)),  # type: ignore
                                                         rows(self, sql, parameters))[1]
    try:
        call()
    finally:
        Warehouse.read, Warehouse.rows = read, rows  # type: ignore[method-assign]
    return sent


def explained(db: Warehouse, sql: str, parameters: object) -> tuple[float, int, str]:
    """The query's time in EXPLAIN ANALYZE, the most rows one step of its plan handled, and the plan."""
    plan = db.rows("EXPLAIN ANALYZE " + sql, parameters)[0][1]
    most = max((int(found.replace(",", "")) for found in ROWS.findall(plan)), default=0)
    total = TOTAL.search(plan)
    return float(total.group(1)) if total else 0.0, most, plan


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.query_plans", description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--commune", default=demo.COMMUNE_CODE)
    parser.add_argument("--plans", action="store_true")
    arguments = parser.parse_args()
    db = Warehouse.open(arguments.warehouse)
    print(f"{'query function':44} {'stmt':>4} {'ms':>8} {'most rows':>11}")
    for name, call in page_queries(db, arguments.commune).items():
        for number, (sql, parameters) in enumerate(statements_of(db, call), start=1):
            seconds, most, plan = explained(db, sql, parameters)
            print(f"{name:44} {number:4} {seconds * 1000:8.1f} {most:11,}")
            if arguments.plans:
                print(plan)


if __name__ == "__main__":
    main()
