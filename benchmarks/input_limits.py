"""The upload limits on hostile files and on the real national monthly file: time and peak memory of each.

    python -m benchmarks.input_limits [--villages 100000]

Each file is built first (not timed) and then read with the default limits in a fresh Python process, so that the
peak resident memory printed is that file's alone (the interpreter with pandas and openpyxl loaded is the floor).
The hostile files must be refused in at most 2 s under 300 MB; the national files must be read.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from etl.read import ReadRefused, read_sheets


def national_files(folder: Path, villages: int) -> list[Path]:
    """The monthly file of `villages` villages as staff send it: a semicolon CSV and the same as .xlsx."""
    from etl import bench

    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"code": [f"{n // 40 + 1:05d}-{n % 40 + 1:02d}" for n in range(villages)],
                          "households": rng.integers(150, 900, size=villages)})
    csv_path = folder / "toan_quoc.csv"
    bench.write_monthly_file(csv_path, frame, rng)
    return [csv_path, bench.as_workbook(csv_path)]


def measure(path: Path) -> None:
    """Read `path` with the default limits and print the outcome, the time and this process's peak memory."""
    data = path.read_bytes()
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    try:
        sheets = list(read_sheets(data, path.name))
        outcome = f"read, {sum(len(sheet.cells) for sheet in sheets):,} rows"
    except ReadRefused as refused:
        outcome = f"refused: {refused.key} {refused.values}"
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            outcome += f"; unpacked {sum(part.file_size for part in archive.infolist()) / 1e6:,.0f} MB declared"
    print(f"{path.name:<30} {len(data) / 1e6:8.2f} MB  {elapsed:6.2f} s  peak {peak:5.0f} MB "
          f"(floor {floor:.0f} MB)  {outcome}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.input_limits", description=__doc__)
    parser.add_argument("--villages", type=int, default=100_000)
    parser.add_argument("--hostile-only", action="store_true", help="leave out the national files")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process's part
    arguments = parser.parse_args()
    if arguments.measure:
        measure(arguments.measure)
        return
    # Imported here, so that the measuring process loads only what reading a file needs.
    from tests import hostile_files

    with tempfile.TemporaryDirectory() as folder:
        hostile = {"comma_line.csv": hostile_files.comma_line_csv(),
                   "shared_string_300mb.xlsx": hostile_files.shared_string_bomb(),
                   "dimension_A1_XFD1048576.xlsx": hostile_files.dimension_bomb(),
                   "zip_bomb_10gb.xlsx": hostile_files.zip_bomb()}
        paths = []
        for name, data in hostile.items():
            paths.append(Path(folder) / name)
            paths[-1].write_bytes(data)
        if not arguments.hostile_only:
            paths += national_files(Path(folder), arguments.villages)
        for path in paths:
            subprocess.run([sys.executable, "-m", "benchmarks.input_limits", "--measure", str(path)], check=True)


if __name__ == "__main__":
    main()
