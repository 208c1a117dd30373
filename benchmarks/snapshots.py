"""Cost of snapshots, backups, read copies and restores, on the demo warehouse and on a national-scale one.

    python -m benchmarks.snapshots [--villages 100000] [--months 4]

The national warehouse holds `--villages` villages in communes of 40, each with `--months` monthly reports of every
indicator, loaded directly (not timed). For each warehouse it prints the file's size and the time of: the automatic
snapshot the writer takes before every upload and undo (file copy and every table's fingerprint), a backup (copy,
open, fingerprints), the copy a reading command makes while the dashboard holds the file, and a restore.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from etl import bench, demo
from warehouse import backup
from warehouse.catalogue import read_catalogue
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes
from warehouse.write.migrations import latest_version

PERIODS = ["2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"]


def national(path: Path, villages: int, months: int) -> None:
    """Villages as `etl.bench` builds them, and a monthly report of every indicator for each village and month."""
    rng = np.random.default_rng(3)
    db = Warehouse.open(path)
    village_frame = bench.build_warehouse(db, villages, rng)
    indicators = read_catalogue()["code"].tolist()
    periods = PERIODS[:months]
    reports = pd.DataFrame({
        "village_code": np.repeat(village_frame["code"].to_numpy(), len(periods)),
        "period": np.tile(periods, len(village_frame)), "reported_on": pd.Timestamp("2025-12-10").date(),
        "note": None,
    })
    values = pd.DataFrame({
        "village_code": np.repeat(reports["village_code"].to_numpy(), len(indicators)),
        "period": np.repeat(reports["period"].to_numpy(), len(indicators)),
        "indicator_code": np.tile(indicators, len(reports)),
        "value": rng.integers(0, 500, size=len(reports) * len(indicators)),
    })
    communes = db.read("SELECT * FROM communes")
    replace_communes(db, {"communes": communes, "villages": village_frame, "reports": reports,
                          "report_values": values})


def timed(label: str, action: Callable[[], object]) -> None:
    started = time.perf_counter()
    action()
    print(f"  {label}: {time.perf_counter() - started:.2f} s")


def measure(name: str, path: Path, scratch: Path) -> None:
    Warehouse.close_all()  # the file is copied as a closed, checkpointed file would be after a restart
    db = Warehouse.open(path)
    rows = sum(count for count, _ in backup.fingerprints(db).values())
    print(f"{name}: {path.stat().st_size / 1e6:.1f} MB, {rows:,} rows")
    timed("automatic snapshot before an upload (copy + fingerprints)",
          lambda: backup.snapshot_before_write(db, "bench"))
    timed("python -m etl backup (copy, open, fingerprints)", lambda: backup.backup(path, scratch / f"{name}-backup"))

    def read_copy() -> None:
        with backup.readable_copy(path) as copy:
            Warehouse.open(copy)

    timed("copy a reading command makes while the dashboard holds the file", read_copy)
    timed("python -m etl restore (check fingerprints, replace)",
          lambda: backup.restore(scratch / f"{name}-backup", path, force=True, latest_version=latest_version()))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.snapshots", description=__doc__)
    parser.add_argument("--villages", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=4, choices=range(1, len(PERIODS) + 1))
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        demo_path = scratch / "demo" / "warehouse.duckdb"
        replace_communes(Warehouse.open(demo_path), demo.generate())
        measure("demo", demo_path, scratch)
        started = time.perf_counter()
        national_path = scratch / "national" / "warehouse.duckdb"
        national(national_path, arguments.villages, arguments.months)
        print(f"(national warehouse built in {time.perf_counter() - started:.0f} s, not timed below)")
        measure("national", national_path, scratch)


if __name__ == "__main__":
    main()
