"""Imports at national scale, against the national warehouse with its history (benchmarks/warehouses.py).

    python -m benchmarks.imports [--months 12] [--json] [--stages]

On a copy of the cached national warehouse (92,988 villages, four months of uploads and corrections), times end to
end (read, validate, load through `etl`, the automatic snapshot included), with the peak memory of each:
- a new national month (a CSV of every village, as staff send it);
- the same month sent again as a correction (one village in twenty raised: only the figures that differ are
  written);
- the undo of that correction.
`--stages` splits each into its stages (reading the file, checking its cells, the history check, comparing with
the stored figures, building the rows, writing, the snapshot, the commit). Then imports a new month and its
correction each month up to `--months` months, and compares the file's size with its data's: the same tables'
rows written afresh to a new file, without indexes (`data_bytes`).
`measure()` returns the figures as a dict (what `--json` prints).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from datetime import date
from pathlib import Path
from unittest.mock import patch

import numpy as np
import pandas as pd

from benchmarks import warehouses
from etl import load, schema, validate
from etl.load import ACCEPTED, FileOutcome, import_path, undo
from warehouse import backup
from warehouse import uploads as upload_queries
from warehouse.database import Warehouse
from warehouse.write import uploads as upload_writes

SCALE = "nation"
CORRECTED_SHARE = 0.05


def _peak_reset() -> None:
    """Start measuring the process's peak resident memory afresh (Linux; elsewhere the peak since start)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_mb() -> float:
    """The process's peak resident memory since `_peak_reset`, in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# What each stage of an import or undo took (`--stages`): the functions timed, by the stage they stand for.
STAGES = {"read": "reading the file", "validate": "checking its cells", "history": "the history check",
          "compare": "comparing with the stored figures", "build": "building the rows", "write": "writing",
          "snapshot": "the snapshot", "commit": "the commit (and checkpoint)"}


@contextmanager
def _stage_clocks(spent: dict[str, list[float]]) -> Iterator[None]:
    """Add to `spent` (stage: wall and processor seconds) the time of the functions each stage is made of, while
    the block runs; the outer stages are given without their inner ones."""
    def clocked(stage: str, function: Callable[..., object]) -> Callable[..., object]:
        def timed(*arguments: object, **options: object) -> object:
            started, processor = time.perf_counter(), time.process_time()
            try:
                return function(*arguments, **options)
            finally:
                clock = spent.setdefault(stage, [0.0, 0.0])
                clock[0] += time.perf_counter() - started
                clock[1] += time.process_time() - processor
        return timed

    @contextmanager
    def transaction(db: Warehouse) -> Iterator[object]:
        with original_transaction(db) as cursor:
            yield cursor
            started, processor = time.perf_counter(), time.process_time()  # what follows is the commit
        clock = spent.setdefault("commit", [0.0, 0.0])
        clock[0] += time.perf_counter() - started
        clock[1] += time.process_time() - processor

    original_transaction = Warehouse.transaction
    wrapped = [(load, "_validate_first_report_sheet", "read"), (load, "validate", "validate"),
               (upload_queries, "figures_against_history", "history"), (validate._Checker, "compare_reports",
                                                                       "compare"),
               (upload_writes, "load_upload", "write"), (upload_writes, "undo_upload", "write"),
               (backup, "snapshot_before_write", "snapshot")]
    with ExitStack() as patches:
        for owner, name, stage in wrapped:
            patches.enter_context(patch.object(owner, name, clocked(stage, getattr(owner, name))))
        patches.enter_context(patch.dict(load.TABLE_BUILDERS, {kind: clocked("build", builder) for kind, builder
                                                               in load.TABLE_BUILDERS.items()}))
        patches.enter_context(patch.object(Warehouse, "transaction", transaction))
        yield
    for outer, inner in (("read", "validate"), ("validate", "history"), ("validate", "compare"),
                         ("write", "snapshot"), ("write", "commit")):
        if outer in spent and inner in spent:
            spent[outer] = [whole - part for whole, part in zip(spent[outer], spent[inner], strict=True)]


def _timed(action: Callable[[], object]) -> tuple[object, float, float, float]:
    """What `action` returns, its seconds, the processor seconds of all its threads (the work done, whatever else
    runs on the machine) and the peak memory (MB) while it ran."""
    _peak_reset()
    started, processor = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - started, time.process_time() - processor, _peak_mb()


def write_month_file(path: Path, reports: pd.DataFrame, values: pd.DataFrame) -> Path:
    """A monthly CSV as staff write it (semicolons, Vietnamese headers and dates, `1.234`-style numbers)."""
    columns = {column.code: column.label for column in schema.kinds()["monthly"].columns}
    wide = values.pivot(index="village_code", columns="indicator_code", values="value")
    frame = pd.DataFrame({
        columns["ma_thon"]: reports["village_code"].to_numpy(),
        columns["ky_bao_cao"]: reports["period"].str[5:] + "/" + reports["period"].str[:4],
        columns["ngay_bao_cao"]: pd.to_datetime(reports["reported_on"]).dt.strftime("%d/%m/%Y").to_numpy(),
    })
    for code in wide.columns:
        figures = wide[code].reindex(reports["village_code"]).astype("int64").to_numpy()
        frame[columns[code]] = [f"{figure:,}".replace(",", ".") for figure in figures]
    frame[columns["ghi_chu"]] = reports["note"].fillna("").to_numpy()
    frame.to_csv(path, sep=";", index=False, encoding="utf-8")
    return path


def _corrected(values: pd.DataFrame, month: int) -> pd.DataFrame:
    """The month's figures with one village in twenty reporting more outreach sessions than first sent."""
    villages = values["village_code"].unique()
    rng = np.random.default_rng([warehouses.SEED, month, 3])
    chosen = set(villages[rng.uniform(size=len(villages)) < CORRECTED_SHARE])
    raised = values.copy()
    raised.loc[raised["village_code"].isin(chosen) & raised["indicator_code"].eq("luot_tuyen_truyen"), "value"] += 1
    return raised


def _today(month: int) -> date:
    """A day in the month after the `month`-th: when its reports and their corrections arrive."""
    following = warehouses.periods(1, month + 1)[0]
    return date(int(following[:4]), int(following[5:]), 20)


def _accepted(outcome: FileOutcome) -> FileOutcome:
    if outcome.status != ACCEPTED:
        raise RuntimeError(f"{outcome.path}: {outcome.status} {outcome.errors[:3]}")
    return outcome


def data_bytes(path: Path, scratch: Path) -> int:
    """The size of the warehouse's rows alone: every table copied to a new file, without indexes."""
    fresh = scratch / "data-only.duckdb"
    fresh.unlink(missing_ok=True)
    with Warehouse.inspect(path) as db:
        tables = [name for (name,) in db.rows("SELECT table_name FROM duckdb_tables() WHERE "
                                              "database_name = current_database() AND schema_name = 'main'")]
        db.rows(f"ATTACH '{fresh}' AS fresh")
        for table in tables:
            db.rows(f'CREATE TABLE fresh."{table}" AS SELECT * FROM "{table}"')
        db.rows("DETACH fresh")
    size = fresh.stat().st_size
    fresh.unlink()
    return size


def measure(months: int = 12, quiet: bool = True, stages: bool = False) -> dict:
    """Time a new national month, its correction and the undo (`stages`: each split into its stages, wall and
    processor seconds), then import and correct months up to `months`; the figures as a dict (seconds, MB, bytes)."""
    history = warehouses.DEFAULT_MONTHS
    figures: dict[str, object] = {"scale": SCALE, "history_months": history}
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as folder:
        scratch = Path(folder)
        path = warehouses.copy_of(SCALE, scratch, history)
        db = Warehouse.open(path)
        villages = db.read("SELECT code, households FROM villages ORDER BY code")
        figures["villages"] = len(villages)
        figures["values_before"] = db.scalar("SELECT count(*) FROM report_values")
        figures["file_bytes_before"] = path.stat().st_size

        def month_files(month: int) -> tuple[Path, Path]:
            reports, values = warehouses.month_tables(villages, month)
            period = reports["period"].iloc[0]
            return (write_month_file(scratch / f"bao-cao-{period}.csv", reports, values),
                    write_month_file(scratch / f"dinh-chinh-{period}.csv", reports, _corrected(values, month)))

        def load(file: Path, month: int) -> FileOutcome:
            return _accepted(import_path(file, db, uploaded_by="bench", today=_today(month)))

        new_file, correction_file = month_files(history)
        for name, action in (("new_month", lambda: load(new_file, history)),
                             ("correction", lambda: load(correction_file, history)),
                             ("undo", lambda: undo(db, figures["correction_upload"], "bench"))):
            spent: dict[str, list[float]] = {}
            with _stage_clocks(spent) if stages else nullcontext():
                outcome, seconds, processor, peak = _timed(action)
            figures.update({f"{name}_s": seconds, f"{name}_cpu_s": processor, f"{name}_peak_mb": peak})
            if stages:
                figures[f"{name}_stages"] = {stage: spent[stage] for stage in STAGES if stage in spent}
            if name == "correction":
                figures.update(correction_upload=outcome.upload_id, correction_changes=outcome.changes)
        if not quiet:
            print(f"new month {figures['new_month_s']:.2f} s, correction {figures['correction_s']:.2f} s, "
                  f"undo {figures['undo_s']:.2f} s", flush=True)
        # The correction again (it was undone), then each later month and its correction.
        started = time.perf_counter()
        timings = []
        later: list[dict] = []
        load(correction_file, history)
        for month in range(history + 1, months):
            new_file, correction_file = month_files(month)
            new_spent: dict[str, list[float]] = {}
            with _stage_clocks(new_spent) if stages else nullcontext():
                _, new_seconds, new_processor, _ = _timed(lambda file=new_file, month=month: load(file, month))
            correction_spent: dict[str, list[float]] = {}
            with _stage_clocks(correction_spent) if stages else nullcontext():
                _, correction_seconds, correction_processor, _ = _timed(
                    lambda file=correction_file, month=month: load(file, month))
            timings.append((new_seconds, correction_seconds))
            later.append({"month": month + 1, "new_month_s": new_seconds, "new_month_cpu_s": new_processor,
                          "correction_s": correction_seconds, "correction_cpu_s": correction_processor})
            if stages:
                later[-1].update({f"{name}_stages": {stage: spent[stage] for stage in STAGES if stage in spent}
                                  for name, spent in (("new_month", new_spent), ("correction", correction_spent))})
            if not quiet:
                print(f"month {month + 1}: new {new_seconds:.2f} s (processor {new_processor:.2f} s), correction "
                      f"{correction_seconds:.2f} s (processor {correction_processor:.2f} s)", flush=True)
        figures["later_months_s"] = time.perf_counter() - started
        figures["later_months"] = later
        if timings:
            figures["later_new_month_max_s"] = max(new for new, _ in timings)
            figures["later_correction_max_s"] = max(correction for _, correction in timings)
        figures["months"] = months
        figures["values_after"] = db.scalar("SELECT count(*) FROM report_values")
        db.close()  # checkpointed, as after a restart
        figures["file_bytes"] = path.stat().st_size
        figures["data_bytes"] = data_bytes(path, scratch)
        figures["file_per_data"] = figures["file_bytes"] / figures["data_bytes"]
    return figures


def _report(figures: dict) -> str:
    megabytes = 1e6
    return "\n".join([
        f"national warehouse: {figures['villages']:,} villages, {figures['history_months']} months of history "
        f"({figures['values_before']:,} figures, {figures['file_bytes_before'] / megabytes:.0f} MB)",
        *(f"{label:21s}{figures[f'{name}_s']:6.2f} s (processor {figures[f'{name}_cpu_s']:6.2f} s), "
          f"peak memory {figures[f'{name}_peak_mb']:5.0f} MB"
          for name, label in (("new_month", "new month"), ("correction", "correction (replace)"), ("undo", "undo"))),
        *_stage_lines(figures),
        f"the correction's cells: {figures['correction_changes']}",
        *_later_lines(figures),
        f"after {figures['months']} months of imports and corrections ({figures['values_after']:,} figures): file "
        f"{figures['file_bytes'] / megabytes:.0f} MB, data {figures['data_bytes'] / megabytes:.0f} MB, "
        f"file ÷ data {figures['file_per_data']:.2f}",
    ])


def _stage_lines(figures: dict, heading: str = "") -> list[str]:
    lines = []
    for name in ("new_month", "correction", "undo"):
        if f"{name}_stages" in figures:
            lines.append(f"{heading}{name.replace('_', ' ')}, by stage:")
            lines += [f"  {STAGES[stage]:34s}{wall:6.2f} s (processor {processor:6.2f} s)"
                      for stage, (wall, processor) in figures[f"{name}_stages"].items()]
    return lines


def _later_lines(figures: dict) -> list[str]:
    """Each later month's new month and correction; with `--stages`, the stages of the one with most history."""
    later = figures.get("later_months", [])
    lines = [f"month {month['month']:2d}: new {month['new_month_s']:5.2f} s (processor {month['new_month_cpu_s']:5.2f} "
             f"s), correction {month['correction_s']:5.2f} s (processor {month['correction_cpu_s']:5.2f} s)"
             for month in later]
    if later:
        lines += _stage_lines(later[-1], heading=f"month {later[-1]['month']}, ")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.imports", description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=12, help="months held when the file size is measured")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--stages", action="store_true", help="split each import and the undo into its stages")
    arguments = parser.parse_args()
    figures = measure(arguments.months, quiet=arguments.json, stages=arguments.stages)
    print(json.dumps(figures, indent=2) if arguments.json else _report(figures))


if __name__ == "__main__":
    main()
