"""Import one uploaded file: read, validate, and load it in one transaction through the write layer; undo an upload.

`import_file` is the one entry point the command line and the upload page share. A refused file changes nothing;
an accepted one replaces, for its villages and periods (or sessions), what the warehouse held, keeping what it
replaced so that `undo` puts it back exactly. The raw file is kept under `uploads/` next to the warehouse for
CDS_RAW_UPLOAD_DAYS after its latest upload.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

import pandas as pd

import i18n
from etl import schema, storage
from etl.read import DEFAULT_LIMITS, Grid, ReadRefused, check_file_size, read_sheets, read_sheets_elsewhere
from etl.validate import CLEARED, LOWERED, Checked, validate
from problems import Problem
from settings import UploadLimits, load_settings
from warehouse import registry as stored_registry
from warehouse import uploads as upload_queries
from warehouse.database import Warehouse
from warehouse.files import make_private, private_folder
from warehouse.write import uploads as upload_writes
from warehouse.write.uploads import UndoRefused

ACCEPTED, REFUSED, UNCHANGED = "accepted", "refused", "unchanged"
KEPT_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")
# A commune's file reads in milliseconds; from this size on, starting a process of its own is worth its second.
READ_ELSEWHERE_FROM = 1024 * 1024


@dataclass
class FileOutcome:
    """What happened to one file: its kind, status, rows, upload id, and every error and warning."""

    path: str
    kind: str | None
    status: str
    rows: int = 0
    upload_id: int | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    preview: pd.DataFrame | None = None
    # Files with figures: their cells counted by how they change the stored figures (etl.validate.CHANGE_KINDS),
    # and the raised, lowered and cleared cells (row, column, village_code, village_name, period, indicator_code,
    # old, new, change).
    changes: dict[str, int] | None = None
    changed_cells: pd.DataFrame | None = None

    @property
    def needs_confirmation(self) -> bool:
        """Whether loading the file lowers or clears stored figures (allowed only when the user confirms)."""
        return bool(self.changes and (self.changes[LOWERED] or self.changes[CLEARED]))

    def document(self, language: str = i18n.DEFAULT_LANGUAGE) -> dict:
        """The outcome as the `--json` document describes a file."""
        return {
            "path": self.path, "kind": self.kind, "status": self.status, "rows": self.rows,
            "upload_id": self.upload_id, "changes": self.changes,
            "errors": [problem_document(problem, language) for problem in self.errors],
            "warnings": [problem_document(problem, language) for problem in self.warnings],
        }


def message(problem: Problem, language: str = i18n.DEFAULT_LANGUAGE) -> str:
    """The problem as a sentence in `language`."""
    values = dict(problem.values)
    for name in ("previous_period", "current_period"):
        if values.get(name):
            values[name] = i18n.period_label(values[name], language)
    for name in ("amount", "households", "previous", "median", "maximum", "old", "new", "size", "found", "limit",
                 "rows", "columns", "limit_rows", "limit_columns"):
        if str(values.get(name, "")).isdigit():
            values[name] = i18n.number(int(values[name]), language)
    if problem.key == "import.error.choice":
        values["choices"] = i18n.t(values["choices"], language)
    if "cause" in values:
        values["cause"] = i18n.t(values["cause"], language)
    if "row_list" in values:
        values["row_list"] = i18n.t("import.rows", language,
                                    rows=_first_few(str(row) for row in values["row_list"]))
    if "skipped" in values:
        values["skipped"] = _first_few(f"{i18n.t('import.cli.where_row', language, row=row)} ({village})"
                                       for row, village in values["skipped"])
    if "figures" in values:
        values["figures"] = "; ".join(f"{i18n.period_label(period, language)}: {i18n.number(value, language)}"
                                      for period, value in values["figures"])
    if isinstance(values.get("expected"), list):
        values["expected"] = "; ".join(f"{i18n.t(f'import.kind.{kind}', language)}: {columns}"
                                       for kind, columns in values["expected"])
    return i18n.t(problem.key, language, **values)


def _first_few(items: Iterable[str], most: int = 20) -> str:
    """The items joined by commas, the first `most` of them and `…` for the rest (a file may list 100,000 rows)."""
    listed = list(itertools.islice(items, most + 1))
    return ", ".join(listed[:most]) + (", …" if len(listed) > most else "")


def problem_document(problem: Problem, language: str = i18n.DEFAULT_LANGUAGE) -> dict:
    return {"row": problem.row, "column": problem.column, "message": message(problem, language)}


def import_path(path: Path | str, db: Warehouse, **options: Any) -> FileOutcome:
    """`import_file` for a file on disk; a file that cannot be opened, or is too large to read, is refused."""
    try:
        # Too large is refused from its size alone, before a byte is read.
        check_file_size(Path(path).stat().st_size, options.get("limits", DEFAULT_LIMITS))
        data = Path(path).read_bytes()
    except OSError as error:
        return FileOutcome(str(path), None, REFUSED,
                           errors=[Problem(None, None, "import.read.cannot_open", {"reason": error.strerror})])
    except ReadRefused as refused:
        return FileOutcome(str(path), None, REFUSED, errors=[Problem(None, None, refused.key, refused.values)])
    return import_file(data, Path(path).name, db, display_path=str(path), **options)


def _one_load_at_a_time(function: Callable[..., FileOutcome]) -> Callable[..., FileOutcome]:
    """A load holds the write lock from its first check to its commit: an upload made at the same moment waits,
    then is checked against what the first one stored. Dry runs do not wait."""

    @functools.wraps(function)
    def locked(data: bytes, file_name: str, db: Warehouse, **options: Any) -> FileOutcome:
        if options.get("dry_run"):
            return function(data, file_name, db, **options)
        with db.writing():
            return function(data, file_name, db, **options)

    return locked


@_one_load_at_a_time
def import_file(
    data: bytes, file_name: str, db: Warehouse, *, uploaded_by: str, kind: str | None = None,
    dry_run: bool = False, allowed_communes: set[str] | None = None, today: date | None = None,
    deadline_day: int = 15, display_path: str | None = None, limits: UploadLimits = DEFAULT_LIMITS,
    read_elsewhere: bool = False, allow_lower: bool = False,
) -> FileOutcome:
    """Validate one file and, unless refused, a dry run or already loaded, load it in one transaction
    (`read_elsewhere`: parse a large file in a process of its own, as a server serving other users does).

    A file lowering or clearing stored figures is refused unless `allow_lower` (the user confirmed it).
    """
    today = today or date.today()
    shown = display_path or file_name
    checksum = hashlib.sha256(data).hexdigest()
    earlier = upload_queries.accepted_upload_with_checksum(db, checksum, kind)
    # The same bytes were loaded and are still in force: nothing to check or write again.
    if earlier is not None and (allowed_communes is None or set(
            upload_queries.upload_communes(db, earlier.id)) <= allowed_communes):
        return FileOutcome(shown, earlier.kind, UNCHANGED, earlier.rows, earlier.id)
    try:
        sheets = (read_sheets_elsewhere(data, file_name, limits) if read_elsewhere and len(data) > READ_ELSEWHERE_FROM
                  else read_sheets(data, file_name, limits))
        checked = _validate_first_report_sheet(sheets, db, kind=kind,
                                               allowed_communes=allowed_communes, today=today,
                                               deadline_day=deadline_day, allow_lower=allow_lower)
    except ReadRefused as refused:
        return FileOutcome(shown, kind, REFUSED, errors=[Problem(None, None, refused.key, refused.values)])
    preview = _preview(checked)
    outcome = FileOutcome(shown, checked.kind, REFUSED, len(checked.rows), None, checked.errors, checked.warnings,
                          preview, checked.changes, checked.changed_cells)
    if checked.errors:
        return outcome
    outcome.status = ACCEPTED
    if dry_run:
        return outcome
    assert db.path is not None and checked.kind is not None  # a warehouse on disk; a file accepted has a kind
    folder = db.path.parent
    keep_days = load_settings().raw_upload_days
    stored: Path | None = None
    written_now = False
    try:
        if keep_days:
            stored, written_now = _keep_raw_file(data, file_name, checksum, db.path)
        tables, scope = TABLE_BUILDERS[checked.kind](checked, db)
        communes = sorted({str(code) for code in _communes_of(checked) if code})
        upload = {
            "file_name": file_name, "checksum": checksum, "kind": checked.kind,
            "commune_code": communes[0] if len(communes) == 1 else None, "uploaded_by": uploaded_by,
            "status": ACCEPTED, "rows_accepted": len(checked.rows), "rows_rejected": 0,
            "messages": json.dumps([problem_document(problem) for problem in checked.warnings], ensure_ascii=False),
            "stored_path": None if stored is None else str(stored),
        }
        outcome.upload_id = upload_writes.load_upload(db, kind=checked.kind, upload=upload, scope=scope,
                                                      rows=tables, communes=communes)
    except Exception as error:
        if stored is not None and written_now:
            stored.unlink(missing_ok=True)  # nothing refers to it: the load did not happen
        if not storage.disk_full(error):
            raise
        # A sentence, built without writing anything (the disk is full): the file is refused and nothing changed.
        outcome.status = REFUSED
        outcome.errors = [Problem(None, None, "storage.disk_full", {"folder": folder})]
        return outcome
    _remove_expired_raw_files(db, folder / "uploads", keep_days)
    return outcome


def _validate_first_report_sheet(sheets: Iterable[Grid], db: Warehouse, **options: Any) -> Checked:
    """The validation of the first sheet with a recognisable header (a workbook may start with instructions)."""
    first: Checked | None = None
    for position, grid in enumerate(sheets):
        checked = validate(grid, db, **options)
        if not any(error.key == "import.error.no_header" for error in checked.errors):
            if position:
                checked.warnings.insert(0, Problem(None, None, "import.warning.sheet", {"sheet": grid.sheet}))
            return checked
        first = first or checked
    assert first is not None  # the reader refuses a file without a sheet
    return first


def undo(db: Warehouse, upload_id: int, undone_by: str, language: str = i18n.DEFAULT_LANGUAGE,
         allowed_communes: set[str] | None = None) -> str:
    """Undo an upload (only one touching none but the `allowed_communes`, when given); return the sentence to
    show. Raises UndoRefused (with a translated reason)."""
    try:
        kind = upload_writes.undo_upload(db, upload_id, undone_by, allowed_communes)
    except UndoRefused as refused:
        details = dict(refused.details)
        if "figures" in details:
            figures = cast(list[tuple[str, str, int, int]], details["figures"])
            details["figures"] = "; ".join(
                f"{village} {i18n.period_label(period, language)}: {i18n.number(value, language)} > "
                f"{i18n.number(households, language)}" for village, period, value, households in figures)
        raise UndoRefused(i18n.t(f"import.undo.{refused.reason}", language, **details)) from None
    return i18n.t("import.undo.done", language, upload=upload_id, kind=i18n.t(f"import.kind.{kind}", language))


def _preview(checked: Checked) -> pd.DataFrame | None:
    """The file's rows as written, with each row's errors and warnings in words, for the upload page."""
    if checked.raw is None:
        return None
    preview = checked.raw.copy()
    for column, problems in (("errors", checked.errors), ("warnings", checked.warnings)):
        worded = pd.DataFrame([(problem.row, f"{problem.column}: {message(problem)}" if problem.column
                                else message(problem)) for problem in problems if problem.row is not None],
                              columns=["row", "text"])
        by_row = pd.Series(worded.groupby("row")["text"].agg(" · ".join).to_dict(), dtype=object)
        preview[column] = by_row.reindex(preview["row"]).fillna("").to_numpy()
    return preview


def _keep_raw_file(data: bytes, file_name: str, checksum: str, warehouse: Path) -> tuple[Path, bool]:
    """Keep the uploaded bytes under `uploads/` beside the warehouse (private), named by checksum; whether they
    were written now. Written under a temporary name, then renamed: a full disk leaves no truncated copy."""
    folder = private_folder(warehouse.resolve().parent / "uploads")
    suffix = Path(file_name).suffix.lower()
    stored = folder / f"{checksum}{suffix if suffix in KEPT_SUFFIXES else ''}"
    if stored.exists() and hashlib.sha256(stored.read_bytes()).hexdigest() == checksum:
        os.utime(stored)  # kept for CDS_RAW_UPLOAD_DAYS from its latest upload
        return stored, False
    partial = folder / f".{stored.name}.partial"
    try:
        partial.write_bytes(data)
        make_private(partial)
        partial.replace(stored)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return stored, True


def _remove_expired_raw_files(db: Warehouse, folder: Path, days: int) -> None:
    """Remove the files kept in `folder` not uploaded again for `days` days, and forget where they were (undo does
    not need them: it puts back the rows kept in the warehouse's replaced_* tables)."""
    cutoff = time.time() - days * 24 * 3600
    kept = [path for path in folder.glob("*") if path.is_file()]
    expired = [path for path in kept if path.stat().st_mtime < cutoff]
    for path in kept:
        make_private(path)  # older versions kept them readable by everyone
    for path in expired:
        path.unlink(missing_ok=True)
    if expired:
        upload_writes.forget_raw_files(db, [str(path) for path in expired])


def _communes_of(checked: Checked) -> set[str]:
    rows = checked.rows
    column = "ma_xa" if "ma_xa" in rows else "commune_code"
    return set(rows[column].dropna().unique()) if column in rows else set()


def _scope(part: str, keys: pd.Series, sub_keys: pd.Series | None = None) -> pd.DataFrame:
    scope = pd.DataFrame({"part": part, "key": keys.to_numpy(),
                          "sub_key": "" if sub_keys is None else sub_keys.to_numpy()})
    return scope.drop_duplicates()


def _monthly_tables(checked: Checked, db: Warehouse) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The file's reports with their dates and notes resolved by the validator, and their figures: the file's
    filled cells, and the stored figures of indicators the file has no column for."""
    rows = checked.rows
    indicators = [column.code for column in schema.kinds()["monthly"].columns
                  if column.indicator and column.code in rows]
    reports = pd.DataFrame({
        "village_code": rows["ma_thon"], "period": rows["ky_bao_cao"],
        "reported_on": pd.to_datetime(rows["ngay_bao_cao"]).dt.date, "note": rows["ghi_chu"],
    })
    values = rows[["ma_thon", "ky_bao_cao", *indicators]].melt(
        id_vars=["ma_thon", "ky_bao_cao"], var_name="indicator_code", value_name="value",
    ).dropna(subset=["value"])
    values = values.rename(columns={"ma_thon": "village_code", "ky_bao_cao": "period"})
    stored = checked.stored
    assert stored is not None  # a monthly file's validation reads the stored figures of its reports
    kept = stored[~stored["indicator_code"].isin(indicators)]
    values = pd.concat([values, kept], ignore_index=True) if len(kept) else values
    values["value"] = values["value"].astype("int64")
    return ({"reports": reports, "report_values": values},
            _scope("village_period", rows["ma_thon"], rows["ky_bao_cao"]))


def _roster_tables(checked: Checked, db: Warehouse) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    rows = checked.rows
    villages = rows["ma_thon"].drop_duplicates()
    existing = upload_queries.teams_of_villages(db, villages.tolist()).set_index("village_code")
    team_of = villages.map(existing["code"]).fillna("TO-" + villages)
    established = existing["established_on"]
    if "ngay_thanh_lap" in rows:
        from_file = rows.groupby("ma_thon")["ngay_thanh_lap"].max().dt.date
        established = from_file.combine_first(established) if len(established) else from_file
    teams = pd.DataFrame({"code": team_of.to_numpy(), "village_code": villages.to_numpy(),
                          "established_on": villages.map(established).to_numpy() if len(established) else None})
    team_codes = rows["ma_thon"].map(dict(zip(villages, team_of, strict=True)))
    # Members the validator recognised keep their code; newcomers are numbered by the writer, never reusing one.
    members = pd.DataFrame({
        "code": rows["member_code"], "team_code": team_codes, "full_name": rows["ho_ten"], "role": rows["vai_tro"],
        "affiliation": rows["don_vi"], "phone": rows["so_dien_thoai"] if "so_dien_thoai" in rows else None,
    })
    return {"teams": teams, "members": members}, _scope("village", villages)


def _training_tables(checked: Checked, db: Warehouse) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    rows = checked.rows
    first = rows.groupby("ma_buoi", sort=False).first()
    sessions = pd.DataFrame({
        "code": first.index, "commune_code": first["commune_code"].to_numpy(),
        "held_on": pd.to_datetime(first["ngay_tap_huan"]).dt.date.to_numpy(), "topic": first["chu_de"].to_numpy(),
        "organiser": first["don_vi_to_chuc"].to_numpy() if "don_vi_to_chuc" in first else None,
        "place": first["dia_diem"].to_numpy() if "dia_diem" in first else None,
    })
    attendance = pd.DataFrame({"commune_code": rows["commune_code"], "session_code": rows["ma_buoi"],
                               "member_code": rows["ma_thanh_vien"], "attended": rows["co_mat"].astype(bool)})
    # A session is its commune's: the same code in another commune is another session.
    return ({"training_sessions": sessions, "training_attendance": attendance},
            _scope("commune_session", sessions["commune_code"], sessions["code"]))


def _villages_tables(checked: Checked, db: Warehouse) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    rows = checked.rows
    known = set(stored_registry.communes(db)["code"])
    new = rows[~rows["ma_xa"].isin(known)].drop_duplicates("ma_xa")
    names = new["ten_xa"] if "ten_xa" in new else pd.Series(None, index=new.index, dtype=object)
    communes = pd.DataFrame({"code": new["ma_xa"], "name": names.fillna(new["ma_xa"]), "province": None,
                             "is_demo": False})
    # Without a population column, each village keeps the population the registry has.
    stored_population = stored_registry.villages(db).set_index("code")["population"]
    villages = pd.DataFrame({
        "code": rows["ma_thon"], "commune_code": rows["ma_xa"], "name": rows["ten_thon"],
        "households": rows["so_ho"].astype("int64"),
        "population": rows["dan_so"] if "dan_so" in rows else rows["ma_thon"].map(stored_population),
    })
    scope = pd.concat([_scope("new_commune", new["ma_xa"]), _scope("village", rows["ma_thon"])])
    return {"communes": communes, "villages": villages}, scope


TABLE_BUILDERS = {
    "monthly": _monthly_tables, "roster": _roster_tables, "training": _training_tables,
    "villages": _villages_tables,
}
