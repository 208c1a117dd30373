"""Time of writing the quarterly Word report, for the demo commune and for a commune with many more villages.

    python -m benchmarks.quarterly_report [--repeat 5] [--times 10]

Builds the demo warehouse in a temporary folder, gathers the demo commune's report of 2025-Q4 (timed once), then
prints the median time of `render_docx` over `--repeat` runs, in Vietnamese and in English, and the same for the
report with its village tables `--times` as long (the demo's villages repeated), as a commune of several hundred
villages would have.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

from etl import demo
from quarterly_report import QuarterlyReport, build_quarterly_report, render_docx
from settings import Settings
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

QUARTER = "2025-Q4"
ISSUED_ON = date(2026, 1, 5)


def longer(report: QuarterlyReport, times: int) -> QuarterlyReport:
    """The report with its village and projection tables `times` as long (every village's row repeated)."""
    return dataclasses.replace(
        report,
        villages=pd.concat([report.villages] * times, ignore_index=True),
        projection=pd.concat([report.projection] * times, ignore_index=True),
    )


def median_seconds(action, repeat: int) -> float:
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--times", type=int, default=10)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.duckdb"
        db = Warehouse.open(path)
        replace_communes(db, demo.generate())
        started = time.perf_counter()
        report = build_quarterly_report(db, demo.COMMUNE_CODE, QUARTER, Settings(),
                                        ISSUED_ON)
        print(f"build_quarterly_report (demo, {len(report.villages)} villages): "
              f"{time.perf_counter() - started:.3f} s")
        started = time.perf_counter()
        size = len(render_docx(report))
        print(f"render_docx, first call (demo): {time.perf_counter() - started:.3f} s, {size / 1000:.0f} kB")
        big = longer(report, arguments.times)
        for name, subject in (("demo", report), (f"{len(big.villages)} villages", big)):
            for language in ("vi", "en"):
                seconds = median_seconds(lambda subject=subject, language=language: render_docx(subject, language),
                                         arguments.repeat)
                print(f"render_docx ({name}, {language}): median {seconds:.3f} s of {arguments.repeat}")
        Warehouse.close_all()


if __name__ == "__main__":
    main()
