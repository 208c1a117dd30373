"""The three benchmark warehouses, built in linear time: one commune, Hải Phòng, the nation, each with history.

    python -m benchmarks.warehouses {commune,haiphong,nation} [--months 4] [--path FILE] [--no-cache]

Every commune of the official registry in the scale (Gia Lộc alone; Hải Phòng's 114; the country's 3,321) holds
a copy of the demo commune's 28 villages, teams (5 members each: about 462,000 members nationally) and training,
under its own codes; Gia Lộc (10999) is the demo commune itself at every scale, so that its pages can be compared.
The registry, teams and training are loaded as one batch; then each month's reports as one upload through the
write layer (so that the upload history, scopes and undo copies are those real uploads leave), and from the
second month on a correction of the month before for one village in twenty. `build` prints its own time.

Built files are kept under `.cache/warehouses/` (not committed), keyed by a version of the builder and of the
storage (the migrations and the write layer), so that `make bench` builds each one once; `cached(scale)` returns
the file, building it when missing. Open a copy of it for anything that writes (`copy_of`).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from etl import demo, registry
from settings import PROJECT_ROOT
from warehouse.catalogue import read_catalogue
from warehouse.database import Warehouse
from warehouse.write.accounts import add_user
from warehouse.write.communes import replace_communes
from warehouse.write.registry import register_provinces
from warehouse.write.uploads import load_upload

SCALES = ("commune", "haiphong", "nation")
HAI_PHONG = "31"
FIRST_PERIOD = "2025-09"
DEFAULT_MONTHS = 4
# Accounts the benchmarks sign in with: an admin (every commune) and Gia Lộc's staff.
PASSWORD = "bench-do-tre-2025"
ACCOUNTS = [("bench-admin", "admin", None), ("bench-staff", "staff", [demo.COMMUNE_CODE])]
# One village in twenty is corrected the month after it reported; one in a hundred misses a month.
CORRECTED_SHARE = 0.05
MISSED_SHARE = 0.01
SEED = 17
# Bumped whenever what `build` puts in a warehouse changes (the cache key also follows the storage's code).
BUILDER_VERSION = 1
CACHE = PROJECT_ROOT / ".cache" / "warehouses"
_STORAGE_SOURCES = [Path(__file__), PROJECT_ROOT / "warehouse" / "write" / "uploads.py",
                    PROJECT_ROOT / "warehouse" / "write" / "upload_scopes.py"]
_CODE_COLUMNS = ("code", "commune_code", "village_code", "team_code", "member_code", "session_code")


@dataclass(frozen=True)
class Built:
    """What `build` made: the file, its communes, villages, members, report values and uploads, and its time."""

    path: Path
    scale: str
    months: int
    communes: int
    villages: int
    members: int
    values: int
    uploads: int
    seconds: float


def periods(count: int, start: int = 0) -> list[str]:
    """`count` months as YYYY-MM, from the `start`-th month after FIRST_PERIOD."""
    first = pd.Period(FIRST_PERIOD, freq="M") + start
    return [str(first + offset) for offset in range(count)]


def scale_communes(scale: str) -> pd.DataFrame:
    """The registry's communes of a scale (code, name, unit_type, province), by code."""
    if scale not in SCALES:
        raise ValueError(f"not a scale: {scale!r} (one of {', '.join(SCALES)})")
    if scale == "commune":
        return registry.communes([HAI_PHONG]).query("code == @demo.COMMUNE_CODE").reset_index(drop=True)
    return registry.communes([HAI_PHONG]) if scale == "haiphong" else registry.all_communes()


def _recoded(frame: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    """The demo commune's rows once per commune of `codes`, every code column naming that commune instead."""
    repeated = {}
    for column in frame.columns:
        values = frame[column].to_numpy()
        if column in _CODE_COLUMNS:
            text = pd.Series(values, dtype=object).astype(str)
            parts = text.str.partition(demo.COMMUNE_CODE)
            repeated[column] = (pd.Series(np.tile(parts[0].to_numpy(), len(codes)))
                                + np.repeat(codes, len(frame)).astype(object)
                                + np.tile(parts[2].to_numpy(), len(codes)))
        else:
            repeated[column] = np.tile(values, len(codes))
    return pd.DataFrame(repeated)


def registry_tables(communes: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Communes, villages, teams, members and training of every commune: copies of the demo commune's, with
    households varied per village (Gia Lộc keeps the demo's own)."""
    base = demo.generate()
    codes = communes["code"].to_numpy(dtype=object)
    tables = {name: _recoded(base[name], codes) for name in
              ("villages", "teams", "members", "training_sessions", "training_attendance")}
    villages = tables["villages"]
    rng = np.random.default_rng(SEED)
    factor = np.where(villages["commune_code"].eq(demo.COMMUNE_CODE), 1.0,
                      rng.uniform(0.8, 1.25, size=len(villages)))
    villages["households"] = np.maximum(np.round(villages["households"] * factor), 150).astype("int64")
    villages["population"] = np.round(villages["population"] * factor).astype("int64")
    tables["communes"] = communes.assign(is_demo=False)[["code", "name", "province", "unit_type", "is_demo"]]
    return tables


def month_tables(villages: pd.DataFrame, month: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reports and figures of every village of `villages` (code, households; by code) for the `month`-th month:
    cumulative figures rise month by month towards each village's own final share of its households."""
    rng = np.random.default_rng(SEED)  # the same per-village shares whichever month is asked for
    count = len(villages)
    final_share = np.select([rng.uniform(size=count) < 0.45, rng.uniform(size=count) < 0.7],
                            [rng.uniform(0.81, 0.97, count), rng.uniform(0.58, 0.79, count)],
                            rng.uniform(0.32, 0.48, count))
    uptake = {code: np.minimum(1.0, share * rng.uniform(0.8, 1.15, count))
              for code, share in demo.INDICATOR_UPTAKE.items()}
    progress = 1 - 0.8 * 0.75 ** month
    guided = np.floor(villages["households"].to_numpy() * final_share * progress).astype("int64")
    monthly = np.random.default_rng([SEED, month])
    figures = {"ho_da_huong_dan": guided} | {code: np.floor(guided * share).astype("int64")
                                             for code, share in uptake.items()}
    figures |= {"luot_tuyen_truyen": monthly.integers(2, 9, count),
                "an_pham_phat_hanh": monthly.integers(20, 151, count)}
    period = periods(1, month)[0]
    year, number = int(period[:4]), int(period[5:])
    late = monthly.uniform(size=count) < 0.05
    days = np.where(late, monthly.integers(16, 23, count), monthly.integers(5, 15, count))
    codes = villages["code"].to_numpy(dtype=object)
    reports = pd.DataFrame({"village_code": codes, "period": period,
                            "reported_on": [date(year, number, int(day)) for day in days],
                            "note": np.where(monthly.uniform(size=count) < 0.2,
                                             np.asarray(demo.NOTES, dtype=object)[monthly.integers(0, 4, count)],
                                             None)})
    indicators = [code for code in read_catalogue()["code"] if code in figures]
    values = pd.DataFrame({"village_code": np.repeat(codes, len(indicators)), "period": period,
                           "indicator_code": np.tile(np.asarray(indicators, dtype=object), count),
                           "value": np.column_stack([figures[code] for code in indicators]).ravel()})
    return reports, values


@contextmanager
def _no_snapshots() -> Iterator[None]:
    """Uploads without the automatic snapshot (a built warehouse has nothing to go back to)."""
    before = os.environ.get("CDS_SNAPSHOTS_KEPT")
    os.environ["CDS_SNAPSHOTS_KEPT"] = "0"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("CDS_SNAPSHOTS_KEPT", None)
        else:
            os.environ["CDS_SNAPSHOTS_KEPT"] = before


def load_month(db: Warehouse, reports: pd.DataFrame, values: pd.DataFrame, *, file_name: str,
               uploaded_by: str = "bench") -> int:
    """Load reports and figures as one monthly upload through the write layer (as an accepted file would be)."""
    communes = sorted(reports["village_code"].str.split("-").str[0].unique())
    upload = {"file_name": file_name, "checksum": hashlib.sha256(file_name.encode()).hexdigest(), "kind": "monthly",
              "commune_code": communes[0] if len(communes) == 1 else None, "uploaded_by": uploaded_by,
              "status": "accepted", "rows_accepted": len(reports), "rows_rejected": 0, "messages": "[]",
              "stored_path": None}
    scope = pd.DataFrame({"part": "village_period", "key": reports["village_code"].to_numpy(),
                          "sub_key": reports["period"].to_numpy()})
    return load_upload(db, kind="monthly", upload=upload, scope=scope,
                       rows={"reports": reports, "report_values": values}, communes=communes)


def _correction(reports: pd.DataFrame, values: pd.DataFrame, month: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One report in twenty of a month sent again: more outreach sessions and leaflets than first reported."""
    count = max(1, round(len(reports) * CORRECTED_SHARE))
    chosen = np.random.default_rng([SEED, month, 1]).choice(len(reports), size=count, replace=False)
    corrected = reports.iloc[np.sort(chosen)]
    raised = values[values["village_code"].isin(set(corrected["village_code"]))].copy()
    monthly = raised["indicator_code"].isin(["luot_tuyen_truyen", "an_pham_phat_hanh"])
    raised.loc[monthly, "value"] += 1
    return corrected.reset_index(drop=True), raised.reset_index(drop=True)


def build(scale: str, path: Path | str, months: int = DEFAULT_MONTHS, *, quiet: bool = False) -> Built:
    """Build the warehouse of `scale` with `months` months of reports (and corrections) at `path` (a new file)."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    started = time.perf_counter()
    communes = scale_communes(scale)
    db = Warehouse.open(path)
    register_provinces(db, registry.provinces())
    tables = registry_tables(communes)
    replace_communes(db, tables)
    for username, role, scope in ACCOUNTS:
        add_user(db, username, role, scope, PASSWORD)
    villages = tables["villages"][["code", "households"]]
    previous = None
    with _no_snapshots():
        for month in range(months):
            reports, values = month_tables(villages, month)
            missed = np.random.default_rng([SEED, month, 2]).uniform(size=len(reports)) < MISSED_SHARE
            reports = reports[~missed]
            values = values[values["village_code"].isin(set(reports["village_code"]))]
            load_month(db, reports, values, file_name=f"bao-cao-{scale}-{periods(1, month)[0]}.csv")
            if previous is not None:
                load_month(db, *_correction(*previous, month - 1),
                           file_name=f"dinh-chinh-{scale}-{periods(1, month - 1)[0]}.csv")
            previous = reports, values
    built = Built(path, scale, months, len(communes), len(villages), len(tables["members"]),
                  db.scalar("SELECT count(*) FROM report_values"), db.scalar("SELECT count(*) FROM uploads"), 0.0)
    db.close()
    built = Built(**{**built.__dict__, "seconds": time.perf_counter() - started})
    if not quiet:
        print(f"built {scale} ({built.communes:,} communes, {built.villages:,} villages, {built.members:,} members, "
              f"{built.months} months: {built.values:,} figures, {built.uploads} uploads) in {built.seconds:.1f} s, "
              f"{path.stat().st_size / 1e6:.0f} MB")
    return built


def cache_key() -> str:
    """The version the cached files are kept under: the builder's and the storage's (migrations, write layer)."""
    digest = hashlib.sha256()
    for source in sorted(_STORAGE_SOURCES) + sorted((PROJECT_ROOT / "warehouse" / "migrations").glob("*.sql")):
        digest.update(source.name.encode() + source.read_bytes())
    return f"v{BUILDER_VERSION}-{digest.hexdigest()[:12]}"


def cached(scale: str, months: int = DEFAULT_MONTHS) -> Path:
    """The built warehouse of `scale` with `months` months, from the cache (built there when missing)."""
    folder = CACHE / cache_key()
    path = folder / f"{scale}-{months}m.duckdb"
    if not path.exists():
        for old in CACHE.glob("v*") if CACHE.is_dir() else ():
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)  # built by an older builder or storage
        # Built aside and moved in whole: an interrupted build leaves no file that looks complete.
        building = folder / f".building-{path.stem}"
        shutil.rmtree(building, ignore_errors=True)
        build(scale, building / path.name, months)
        (building / path.name).replace(path)
        shutil.rmtree(building, ignore_errors=True)
    return path


def copy_of(scale: str, folder: Path | str, months: int = DEFAULT_MONTHS) -> Path:
    """A copy of the cached warehouse of `scale` in `folder`, to write to."""
    copy = Path(folder) / f"{scale}.duckdb"
    shutil.copyfile(cached(scale, months), copy)
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.warehouses", description=__doc__.splitlines()[0])
    parser.add_argument("scale", choices=SCALES)
    parser.add_argument("--months", type=int, default=DEFAULT_MONTHS)
    parser.add_argument("--path", type=Path, help="build here (a new file) instead of the cache")
    arguments = parser.parse_args()
    if arguments.path:
        build(arguments.scale, arguments.path, arguments.months)
    else:
        started = time.perf_counter()
        path = cached(arguments.scale, arguments.months)
        print(f"{path} ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
