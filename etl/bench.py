"""Benchmark: import a monthly file of 100,000 villages into a warehouse holding them; print time, rows/s, memory.

`python -m etl.bench [--villages N]` (or `make bench-etl`). The warehouse and file are built in a temporary
folder first (not timed); the import itself (read, validate, load) is timed end to end, then each phase again.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from etl import schema
from etl.load import import_path
from etl.read import read_grid
from etl.validate import validate
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

VILLAGES_PER_COMMUNE = 40
PERIOD = "2025-10"
TODAY = date(2025, 10, 20)


def build_warehouse(db: Warehouse, villages: int, rng: np.random.Generator) -> pd.DataFrame:
    """A warehouse holding `villages` villages in communes of 40; returns the villages."""
    communes = -(-villages // VILLAGES_PER_COMMUNE)
    commune_codes = [f"{number:05d}" for number in range(1, communes + 1)]
    village_frame = pd.DataFrame({
        "code": [f"{commune_codes[n // VILLAGES_PER_COMMUNE]}-{n % VILLAGES_PER_COMMUNE + 1:02d}"
                 for n in range(villages)],
        "commune_code": [commune_codes[n // VILLAGES_PER_COMMUNE] for n in range(villages)],
        "name": [f"Thôn Số {n % VILLAGES_PER_COMMUNE + 1}" for n in range(villages)],
        "households": rng.integers(150, 900, size=villages),
        "population": rng.integers(500, 3500, size=villages),
    })
    replace_communes(db, {
        "communes": pd.DataFrame({"code": commune_codes, "name": [f"Xã {code}" for code in commune_codes],
                                  "province": "Tỉnh thử", "is_demo": False}),
        "villages": village_frame,
    })
    return village_frame


def write_monthly_file(path: Path, villages: pd.DataFrame, rng: np.random.Generator) -> None:
    """A monthly CSV (semicolon-separated, Vietnamese headers, `1.234`-style numbers) for every village."""
    monthly = schema.kinds()["monthly"]
    frame = pd.DataFrame({"Mã thôn": villages["code"], "Kỳ báo cáo": f"{PERIOD[5:]}/{PERIOD[:4]}",
                          "Ngày báo cáo": "10/10/2025"})
    households = villages["households"].to_numpy()
    for column in monthly.columns:
        if column.indicator:
            values = (households * rng.uniform(0.1, 0.95, size=len(households))).astype(int) \
                if column.household_indicator else rng.integers(0, 40, size=len(households))
            frame[column.label] = [f"{value:,}".replace(",", ".") for value in values]
    frame.to_csv(path, sep=";", index=False, encoding="utf-8")


def as_workbook(path: Path) -> Path:
    """The CSV file at `path` saved as an .xlsx beside it (numbers kept as the text staff type, `1.234`)."""
    workbook_path = path.with_suffix(".xlsx")
    workbook = xlsxwriter.Workbook(workbook_path, {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("Bao cao")
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    sheet.write_row(0, 0, list(frame.columns))
    for number, row in enumerate(frame.itertuples(index=False), start=1):
        sheet.write_row(number, 0, row)
    workbook.close()
    return workbook_path


def peak_memory_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m etl.bench", description=__doc__)
    parser.add_argument("--villages", type=int, default=100_000)
    arguments = parser.parse_args()
    rng = np.random.default_rng(3)
    with tempfile.TemporaryDirectory() as folder:
        warehouse, upload = Path(folder) / "bench.duckdb", Path(folder) / "thang10.csv"
        started = time.perf_counter()
        db = Warehouse.open(warehouse)
        villages = build_warehouse(db, arguments.villages, rng)
        write_monthly_file(upload, villages, rng)
        print(f"set-up (not timed): {arguments.villages:,} villages, file {upload.stat().st_size / 1e6:.1f} MB, "
              f"{time.perf_counter() - started:.1f} s; peak memory so far {peak_memory_mb():.0f} MB")

        started = time.perf_counter()
        outcome = import_path(upload, db, uploaded_by="bench", today=TODAY)
        elapsed = time.perf_counter() - started
        assert outcome.status == "accepted", outcome.errors[:3]
        print(f"import end to end: {outcome.rows:,} rows in {elapsed:.2f} s = {outcome.rows / elapsed:,.0f} rows/s "
              f"(status {outcome.status}, {len(outcome.warnings)} warnings); peak memory {peak_memory_mb():.0f} MB")

        # The same file read and validated again, phase by phase (now against the loaded month).
        started = time.perf_counter()
        grid = read_grid(upload.read_bytes(), upload.name)
        read_seconds = time.perf_counter() - started
        validate(grid, db, today=TODAY, deadline_day=15)
        validate_seconds = time.perf_counter() - started - read_seconds
        started = time.perf_counter()
        again = import_path(upload, db, uploaded_by="bench", today=TODAY)
        print(f"phases: read {read_seconds:.2f} s, validate {validate_seconds:.2f} s; "
              f"re-import of the same file: {again.status} in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
