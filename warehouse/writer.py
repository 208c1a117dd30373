"""The one module that writes to the warehouse: migrations, the catalogue, and data loads, each one transaction."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from settings import DEFAULT_CATALOGUE
from warehouse import accounts, backup
from warehouse.connection import WarehouseLocked, make_private, shared_connection, writing
from warehouse.periods import is_quarter
from warehouse.report_queries import ReportTexts
from warehouse.uploads import LATER_OVERLAPPING_UPLOADS

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
CATALOGUE_COLUMNS = [
    "code", "domain", "kind", "target_share", "name_vi", "name_en",
    "short_vi", "short_en", "unit_vi", "unit_en",
]
# Tables of one commune's data, in the order they are loaded.
COMMUNE_TABLES = [
    "communes", "villages", "teams", "members", "reports", "report_values",
    "training_sessions", "training_attendance",
]

_prepared: set[Path] = set()
_prepare_lock = threading.Lock()


class WarehouseNewerThanProgram(RuntimeError):
    """The database was written by a newer version of this program."""


class CatalogueError(ValueError):
    """The indicator catalogue file is unusable; the message says which row and why."""


def migrations() -> list[tuple[int, Path]]:
    """The numbered migrations shipped with the program, oldest first."""
    found = []
    for path in MIGRATIONS_DIR.glob("*.sql"):
        match = MIGRATION_NAME.match(path.name)
        if match is None:
            raise RuntimeError(f"migration file name must look like 0001_name.sql: {path.name}")
        found.append((int(match.group(1)), path))
    return sorted(found)


def latest_version() -> int:
    return migrations()[-1][0]


def schema_version(path: Path | str) -> int:
    """The highest migration applied to the warehouse (0 for a new file)."""
    cursor = shared_connection(path).cursor()
    exists = cursor.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return 0
    return cursor.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


@contextmanager
def transaction(path: Path | str, take_pending_audit: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside one transaction, holding the write lock: committed when the block ends, rolled back if it
    raises. Audit rows that commands left while another process held the warehouse are written with it."""
    with writing(path):
        cursor = shared_connection(path).cursor()
        cursor.execute("BEGIN TRANSACTION")
        try:
            pending = _take_pending_audit(cursor, path) if take_pending_audit else None
            yield cursor
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")
        if pending is not None:
            pending.unlink(missing_ok=True)


def upgrade(path: Path | str, up_to: int | None = None) -> int:
    """Apply the migrations the warehouse lacks (up to `up_to`), each in its own transaction; return the version."""
    version = schema_version(path)
    if version > latest_version():
        raise WarehouseNewerThanProgram(
            f"{path} has schema version {version}; this program knows up to {latest_version()}."
        )
    with transaction(path, take_pending_audit=False) as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
        )
    # Every missing number is applied, not only those above the highest: a warehouse may predate a lower one.
    applied = set(shared_connection(path).cursor().execute("SELECT version FROM schema_migrations").fetchall())
    for number, migration in migrations():
        if (number,) in applied or (up_to is not None and number > up_to):
            continue
        with transaction(path, take_pending_audit=False) as cursor:
            cursor.execute(migration.read_text(encoding="utf-8"))
            cursor.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [number, migration.stem])
    return schema_version(path)


def read_catalogue(catalogue_path: Path | str = DEFAULT_CATALOGUE) -> pd.DataFrame:
    """The indicator catalogue file, checked: unique codes, a known kind, a target share for household indicators."""
    catalogue = pd.read_csv(catalogue_path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [column for column in CATALOGUE_COLUMNS if column not in catalogue.columns]
    if missing:
        raise CatalogueError(f"{catalogue_path}: missing columns {', '.join(missing)}")
    catalogue = catalogue[CATALOGUE_COLUMNS].apply(lambda column: column.str.strip())
    for row_number, row in enumerate(catalogue.itertuples(index=False), start=2):
        if row.kind not in ("cumulative", "monthly"):
            raise CatalogueError(f"{catalogue_path} row {row_number}: kind must be cumulative or monthly")
        if row.kind == "cumulative" and not row.target_share:
            raise CatalogueError(f"{catalogue_path} row {row_number}: a household indicator needs a target share")
    duplicated = catalogue["code"][catalogue["code"].duplicated()].tolist()
    if duplicated:
        raise CatalogueError(f"{catalogue_path}: indicator codes repeated: {', '.join(duplicated)}")
    catalogue["target_share"] = pd.to_numeric(catalogue["target_share"].replace("", None))
    catalogue["sort_order"] = range(1, len(catalogue) + 1)
    return catalogue


def sync_catalogue(path: Path | str, catalogue: pd.DataFrame) -> bool:
    """Make the warehouse's catalogue equal to `catalogue`; return whether anything changed."""
    columns = [*CATALOGUE_COLUMNS, "sort_order"]
    stored = shared_connection(path).cursor().execute(
        f"SELECT {', '.join(columns)} FROM indicators ORDER BY sort_order"
    ).df()
    wanted = catalogue[columns].reset_index(drop=True)
    if stored.astype(str).equals(wanted.astype(str)):
        return False
    with transaction(path) as cursor:
        cursor.execute("DELETE FROM indicators")
        _insert(cursor, "indicators", wanted)
    return True


def prepare(path: Path | str, catalogue_path: Path | str = DEFAULT_CATALOGUE) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, upgrade its schema and sync the catalogue (once per process); return the connection."""
    key = Path(path).resolve()
    with _prepare_lock:
        if key not in _prepared:
            upgrade(key)
            sync_catalogue(key, read_catalogue(catalogue_path))
            _prepared.add(key)
    return shared_connection(key)


def forget_prepared(path: Path | str | None = None) -> None:
    """Make the next `prepare` of `path` (of every file, when None) check the file again."""
    with _prepare_lock:
        if path is None:
            _prepared.clear()
        else:
            _prepared.discard(Path(path).resolve())


def replace_communes(path: Path | str, tables: Mapping[str, pd.DataFrame]) -> None:
    """Replace everything stored for the communes in `tables['communes']` by the given rows, in one transaction."""
    unknown = set(tables) - set(COMMUNE_TABLES)
    if unknown:
        raise ValueError(f"not commune tables: {sorted(unknown)}")
    codes = tables["communes"]["code"].tolist()
    with transaction(path) as cursor:
        _delete_communes(cursor, codes)
        for table in COMMUNE_TABLES:
            if table in tables and len(tables[table]):
                _insert(cursor, table, tables[table])


def _delete_communes(cursor: duckdb.DuckDBPyConnection, codes: list[str]) -> None:
    villages = "SELECT code FROM villages WHERE commune_code IN (SELECT unnest($codes))"
    teams = f"SELECT code FROM teams WHERE village_code IN ({villages})"
    statements = [
        "DELETE FROM training_attendance WHERE commune_code IN (SELECT unnest($codes))",
        "DELETE FROM training_sessions WHERE commune_code IN (SELECT unnest($codes))",
        f"DELETE FROM report_values WHERE village_code IN ({villages})",
        f"DELETE FROM reports WHERE village_code IN ({villages})",
        f"DELETE FROM members WHERE team_code IN ({teams})",
        f"DELETE FROM teams WHERE village_code IN ({villages})",
        "DELETE FROM villages WHERE commune_code IN (SELECT unnest($codes))",
        "DELETE FROM communes WHERE code IN (SELECT unnest($codes))",
    ]
    for statement in statements:
        cursor.execute(statement, {"codes": codes})


def _insert(cursor: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    columns = ", ".join(frame.columns)
    incoming_rows = frame  # noqa: F841 (read by DuckDB's replacement scan, by name)
    cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming_rows")


# ---------------------------------------------------------------------------------------------------------------
# The official registry (issue 11): provinces and communes with their official names and types, from `etl/registry`.
# ---------------------------------------------------------------------------------------------------------------

REGISTRY_COLUMNS = ["code", "name", "unit_type", "province"]


def register_communes(
    path: Path | str, provinces: pd.DataFrame, added: pd.DataFrame, changed: pd.DataFrame, *,
    user: str | None = None, detail: str | None = None,
) -> None:
    """Store provinces (code, name, unit_type), add communes and update the official fields of `changed` ones.

    Only name, unit_type and province are written: a commune's data (villages, reports) and its demo mark stay.
    """
    with transaction(path) as cursor:
        _register(cursor, provinces, added)
        if len(changed):
            incoming_rows = changed[REGISTRY_COLUMNS]  # noqa: F841 (read by DuckDB's replacement scan, by name)
            cursor.execute("UPDATE communes SET name = i.name, unit_type = i.unit_type, province = i.province "
                           "FROM incoming_rows i WHERE communes.code = i.code")
        _audit(cursor, user, "register_communes", detail, datetime.now())


def _register(cursor: duckdb.DuckDBPyConnection, provinces: pd.DataFrame | None, added: pd.DataFrame | None) -> None:
    if provinces is not None and len(provinces):
        incoming_rows = provinces[["code", "name", "unit_type"]]  # noqa: F841 (read by DuckDB by name)
        cursor.execute("INSERT INTO provinces SELECT code, name, unit_type FROM incoming_rows ON CONFLICT (code) "
                       "DO UPDATE SET name = excluded.name, unit_type = excluded.unit_type")
    if added is not None and len(added):
        rows = added.reindex(columns=REGISTRY_COLUMNS).astype(object)
        _insert(cursor, "communes", rows.where(rows.notna(), None).assign(is_demo=False))


# ---------------------------------------------------------------------------------------------------------------
# Boundaries (issue 4: maps). Geometry comes checked and simplified from `geo/`; these functions only store it.
# ---------------------------------------------------------------------------------------------------------------

BOUNDARY_COLUMNS = ["level", "code", "commune_code", "geometry", "display", "area_km2", "is_demo", "upload_id"]


def replace_village_boundaries(
    path: Path | str, commune: str, boundaries: pd.DataFrame, is_demo: bool = False, upload: Mapping | None = None,
) -> int | None:
    """Replace the village boundaries of `commune` by `boundaries` (code, geometry, display, area_km2).

    With an upload (file_name, checksum, uploaded_by, messages) it is recorded, undoable, and its id returned.
    """
    rows = _boundary_rows(boundaries, "village", commune, is_demo, None)
    if upload is not None:
        scope = pd.DataFrame({"part": ["village_boundaries"], "key": [commune], "sub_key": [""]})
        record = {**upload, "kind": "boundaries_village", "commune_code": commune, "status": "accepted",
                  "rows_accepted": len(boundaries)}
        return load_upload(path, kind="boundaries_village", upload=record, scope=scope, rows={"boundaries": rows},
                           communes=[commune])
    with transaction(path) as cursor:
        cursor.execute("DELETE FROM boundaries WHERE level = 'village' AND commune_code = ?", [commune])
        _insert(cursor, "boundaries", rows)
    return None


def store_commune_boundaries(
    path: Path | str, boundaries: pd.DataFrame, new_communes: pd.DataFrame | None = None,
    upload: Mapping | None = None, provinces: pd.DataFrame | None = None,
) -> int | None:
    """Store commune boundaries (replacing those of the same codes) and register `new_communes` (code, name, and
    unit_type and province when known) with their `provinces` (code, name, unit_type).

    With an upload (file_name, checksum, uploaded_by, messages) it is recorded, undoable, and its id returned.
    """
    rows = _boundary_rows(boundaries, "commune", None, False, None)
    added = (new_communes if new_communes is not None else pd.DataFrame(columns=["code", "name"]))
    added = added.reindex(columns=REGISTRY_COLUMNS).astype(object)
    added = added.where(added.notna(), None).assign(is_demo=False)
    if provinces is not None and len(provinces):
        # Provinces are the official list, not data of the upload: undoing it keeps them.
        with transaction(path) as cursor:
            _register(cursor, provinces, None)
    if upload is not None:
        codes = boundaries["code"].tolist()
        scope = pd.DataFrame({"part": ["commune_boundary"] * len(codes) + ["new_commune"] * len(added),
                              "key": codes + added["code"].tolist(), "sub_key": ""})
        record = {**upload, "kind": "boundaries_commune", "commune_code": codes[0] if len(codes) == 1 else None,
                  "status": "accepted", "rows_accepted": len(boundaries)}
        return load_upload(path, kind="boundaries_commune", upload=record, scope=scope,
                           rows={"communes": added, "boundaries": rows}, communes=set(codes))
    with transaction(path) as cursor:
        if len(added):
            _insert(cursor, "communes", added)
        cursor.execute("DELETE FROM boundaries WHERE level = 'commune' AND code IN (SELECT unnest($codes))",
                       {"codes": boundaries["code"].tolist()})
        _insert(cursor, "boundaries", rows)
    return None


def _boundary_rows(
    boundaries: pd.DataFrame, level: str, commune: str | None, is_demo: bool, upload_id: int | None
) -> pd.DataFrame:
    rows = boundaries[["code", "geometry", "display", "area_km2"]].assign(
        level=level, commune_code=commune, is_demo=is_demo, upload_id=upload_id)
    return rows[BOUNDARY_COLUMNS]


# --- Quarterly report texts (issue 8) -------------------------------------------------------------------------------


def save_report_texts(
    path: Path | str, commune: str, quarter: str, texts: ReportTexts, saved_by: str | None = None,
) -> None:
    """Keep what staff typed for the commune's report of the quarter, replacing what was saved before (audited)."""
    if not is_quarter(quarter):
        raise ValueError(f"not a quarter (YYYY-Qn): {quarter!r}")
    values = {name: value.strip() for name, value in asdict(texts).items()}
    with transaction(path) as cursor:
        cursor.execute(
            """
            INSERT INTO report_texts (commune_code, quarter, difficulties, next_tasks, proposals, report_number,
                                      signatory, saved_at)
            VALUES ($commune, $quarter, $difficulties, $next_tasks, $proposals, $report_number, $signatory,
                    current_timestamp)
            ON CONFLICT (commune_code, quarter) DO UPDATE SET
                difficulties = excluded.difficulties, next_tasks = excluded.next_tasks,
                proposals = excluded.proposals, report_number = excluded.report_number,
                signatory = excluded.signatory, saved_at = excluded.saved_at
            """,
            {"commune": commune, "quarter": quarter, **values},
        )
        _audit(cursor, saved_by, "report_texts_saved", f"{commune} {quarter}", datetime.now())
# ---------------------------------------------------------------------------------------------------------------------
# Accounts, sign-ins and the audit log (issue 6: sign-in and roles). Passwords are stored as argon2 hashes only.
# ---------------------------------------------------------------------------------------------------------------------


def add_user(
    path: Path | str, username: str, role: str, communes: Collection[str] | None, password: str,
    *, is_demo: bool = False, replace: bool = False, at: datetime | None = None,
) -> None:
    """Store an account with its commune scope (None: every commune); `replace` overwrites one of the same name."""
    at = at or datetime.now()
    with transaction(path) as cursor:
        if replace:
            _delete_user(cursor, username)
        cursor.execute(
            "INSERT INTO users (username, role, password_hash, is_demo, created_at, password_changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [username, role, accounts.hash_password(password), is_demo, at, at],
        )
        for code in sorted(set(communes or ())):
            cursor.execute("INSERT INTO user_communes VALUES (?, ?)", [username, code])


def set_password(path: Path | str, username: str, password: str, at: datetime | None = None) -> bool:
    """Replace the user's password (and forget their failed sign-ins); False when there is no such user."""
    with transaction(path) as cursor:
        found = cursor.execute(
            "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE username = ? RETURNING username",
            [accounts.hash_password(password), at or datetime.now(), username],
        ).fetchall()
        cursor.execute("DELETE FROM sign_in_failures WHERE username = ?", [username])
    return bool(found)


def remove_user(path: Path | str, username: str) -> bool:
    """Delete the account and its scope; False when there is no such user."""
    with transaction(path) as cursor:
        return _delete_user(cursor, username)


def _delete_user(cursor: duckdb.DuckDBPyConnection, username: str) -> bool:
    cursor.execute("DELETE FROM user_communes WHERE username = ?", [username])
    return bool(cursor.execute("DELETE FROM users WHERE username = ? RETURNING username", [username]).fetchall())


def record_audit(
    path: Path | str, user: str | None, action: str, detail: str | None = None, at: datetime | None = None,
    address: str | None = None,
) -> None:
    """Append one row to the audit log (action: sign_in, sign_out, sign_in_failed, session_expired, upload, …)."""
    with transaction(path) as cursor:
        _audit(cursor, user, action, detail, at or datetime.now(), address)


def record_audit_soon(path: Path | str, user: str | None, action: str, detail: str | None = None) -> None:
    """Write an audit row now or, while another process (the dashboard) has the warehouse open, leave it beside the
    warehouse for that process's next write."""
    at = datetime.now()
    try:
        record_audit(path, user, action, detail, at)
    except WarehouseLocked:
        pending = pending_audit_path(path)
        with writing(path), pending.open("a", encoding="utf-8") as file:
            file.write(json.dumps({"at": at.isoformat(), "user": user, "action": action, "detail": detail},
                                  ensure_ascii=False) + "\n")
        make_private(pending)


def pending_audit_path(path: Path | str) -> Path:
    """Where audit rows wait while another process has the warehouse open."""
    key = Path(path).resolve()
    return key.with_name(key.name + ".audit-pending")


def _take_pending_audit(cursor: duckdb.DuckDBPyConnection, path: Path | str) -> Path | None:
    """Write the waiting audit rows inside the cursor's transaction; the file to remove once it commits."""
    pending = pending_audit_path(path)
    if not pending.exists():
        return None
    for line in pending.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            _audit(cursor, row["user"], row["action"], row["detail"], datetime.fromisoformat(row["at"]))
    return pending


def _audit(
    cursor: duckdb.DuckDBPyConnection, user: str | None, action: str, detail: str | None, at: datetime,
    address: str | None = None,
) -> None:
    cursor.execute(
        "INSERT INTO audit_log (happened_at, username, action, detail, client_address) VALUES (?, ?, ?, ?, ?)",
        [at, user, action, detail, address],
    )


def record_failed_sign_in(
    path: Path | str, username: str | None, at: datetime, detail: str | None = None, address: str | None = None,
) -> None:
    """Count a failed sign-in for the slow-down and write it to the audit log, in one transaction.

    `username` is None when no such user exists: what was typed is not kept (it may be a password).
    """
    with transaction(path) as cursor:
        cursor.execute("INSERT INTO sign_in_failures (username, failed_at, client_address) VALUES (?, ?, ?)",
                       [username, at, address])
        _audit(cursor, username, "sign_in_failed", detail, at, address)


def record_sign_in(path: Path | str, username: str, at: datetime, address: str | None = None) -> None:
    """Forget the user's failed sign-ins and write the sign-in to the audit log, in one transaction."""
    with transaction(path) as cursor:
        cursor.execute("DELETE FROM sign_in_failures WHERE username = ?", [username])
        _audit(cursor, username, "sign_in", None, at, address)


# ---------------------------------------------------------------------------------------------------------------
# Uploads (issue 3): load one validated file in one transaction, keeping what it replaced; undo restores it.
# ---------------------------------------------------------------------------------------------------------------

# The rows of each table that an upload of a kind replaces, as a condition on its scope (table upload_scope,
# parts named after what the key is). Tables are listed parents first; deletes run in the reverse order.
_SCOPE = "SELECT key FROM upload_scope WHERE upload_id = $upload AND part = '{part}'"
_MONTHS_SCOPE = "SELECT key, sub_key FROM upload_scope WHERE upload_id = $upload AND part = 'village_period'"
# A session is its commune (key) and its code (sub_key): codes are unique within a commune only.
_SESSIONS_SCOPE = "SELECT key, sub_key FROM upload_scope WHERE upload_id = $upload AND part = 'commune_session'"
UPLOAD_SCOPES: dict[str, list[tuple[str, str]]] = {
    "monthly": [
        ("reports", f"(village_code, period) IN ({_MONTHS_SCOPE})"),
        ("report_values", f"(village_code, period) IN ({_MONTHS_SCOPE})"),
    ],
    "villages": [
        ("communes", f"code IN ({_SCOPE.format(part='new_commune')})"),
        ("villages", f"code IN ({_SCOPE.format(part='village')})"),
    ],
    "roster": [
        ("teams", f"village_code IN ({_SCOPE.format(part='village')})"),
        ("members", f"team_code IN (SELECT code FROM teams WHERE village_code IN ({_SCOPE.format(part='village')}))"),
    ],
    "training": [
        ("training_sessions", f"(commune_code, code) IN ({_SESSIONS_SCOPE})"),
        ("training_attendance", f"(commune_code, session_code) IN ({_SESSIONS_SCOPE})"),
    ],
    "boundaries_village": [
        ("boundaries", f"level = 'village' AND commune_code IN ({_SCOPE.format(part='village_boundaries')})"),
    ],
    "boundaries_commune": [
        ("communes", f"code IN ({_SCOPE.format(part='new_commune')})"),
        ("boundaries", f"level = 'commune' AND code IN ({_SCOPE.format(part='commune_boundary')})"),
    ],
}
# Tables whose rows remember the upload that wrote them.
_TABLES_WITH_UPLOAD_ID = {"reports", "training_sessions", "boundaries"}
# Boundary uploads recorded before migration 0010 kept no scope: undoing one would restore nothing.
_KINDS_SCOPED_SINCE_0010 = {"boundaries_village", "boundaries_commune"}


class UndoRefused(ValueError):
    """The upload cannot be undone (unknown, already undone, or a later upload replaced its rows)."""

    def __init__(self, reason: str, **details: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


def load_upload(
    path: Path | str, *, kind: str, upload: Mapping[str, object], scope: pd.DataFrame,
    rows: Mapping[str, pd.DataFrame], communes: Collection[str] = (),
) -> int:
    """Record an upload of the `communes` it touches and replace the rows in its `scope` (part, key, sub_key) by
    `rows`, in one transaction. Members without a code get their team's next number (`<team>-<n>`)."""
    with transaction(path) as cursor:
        upload_id = cursor.execute("SELECT nextval('upload_ids')").fetchone()[0]
        backup.snapshot_before_write(path, f"upload-{upload_id}")
        record = pd.DataFrame([{**upload, "id": upload_id}])
        _insert(cursor, "uploads", record)
        _insert(cursor, "upload_communes", pd.DataFrame({"upload_id": upload_id, "commune_code": sorted(communes)}))
        scope_rows = scope.assign(upload_id=upload_id)[["upload_id", "part", "key", "sub_key"]]
        _insert(cursor, "upload_scope", scope_rows)
        if "members" in rows:
            rows = {**rows, "members": _number_new_members(cursor, rows["members"])}
        tables = UPLOAD_SCOPES[kind]
        for table, condition in tables:
            cursor.execute(
                f"INSERT INTO replaced_{table} BY NAME SELECT $upload AS replaced_by_upload, * FROM {table} "
                f"WHERE {condition}", {"upload": upload_id},
            )
        for table, condition in reversed(tables):
            cursor.execute(f"DELETE FROM {table} WHERE {condition}", {"upload": upload_id})
        for table, _ in tables:
            frame = rows.get(table)
            if frame is not None and len(frame):
                if table in _TABLES_WITH_UPLOAD_ID:
                    frame = frame.assign(upload_id=upload_id)
                _insert(cursor, table, frame)
        _audit(cursor, str(upload["uploaded_by"]), "upload", f"#{upload_id} {upload['file_name']}", datetime.now())
    return upload_id


def forget_raw_files(path: Path | str, removed: list[str]) -> None:
    """Clear where uploads kept their raw file, for the files removed (kept longer than CDS_RAW_UPLOAD_DAYS)."""
    with transaction(path) as cursor:
        cursor.execute("UPDATE uploads SET stored_path = NULL WHERE stored_path IN (SELECT unnest($paths))",
                       {"paths": removed})


def _number_new_members(cursor: duckdb.DuckDBPyConnection, members: pd.DataFrame) -> pd.DataFrame:
    """The members with a code each: those without one get the next numbers of their team, above every number the
    team's codes ever had (in members, replaced members or attendance) and above `member_numbers`."""
    new = members["code"].isna()
    if not new.any():
        return members
    members = members.copy()
    for team, rows in members[new].groupby("team_code", sort=True):
        used = cursor.execute(
            """
            SELECT greatest(
                coalesce((SELECT last_number FROM member_numbers WHERE team_code = $team), 0),
                coalesce((SELECT max(TRY_CAST(substr(code, length($team) + 2) AS INTEGER)) FROM (
                    SELECT code FROM members UNION ALL SELECT code FROM replaced_members
                    UNION ALL SELECT member_code FROM training_attendance
                    UNION ALL SELECT member_code FROM replaced_training_attendance
                ) WHERE starts_with(code, $team || '-')), 0))
            """, {"team": team}).fetchone()[0]
        numbers = range(used + 1, used + 1 + len(rows))
        members.loc[rows.index, "code"] = [f"{team}-{number}" for number in numbers]
        cursor.execute("INSERT OR REPLACE INTO member_numbers VALUES ($team, $last)",
                       {"team": team, "last": numbers[-1]})
    return members


def undo_upload(path: Path | str, upload_id: int, undone_by: str,
                allowed_communes: Collection[str] | None = None) -> str:
    """Put back exactly what upload `upload_id` replaced and mark it undone, in one transaction; return its kind."""
    with transaction(path) as cursor:
        found = cursor.execute(
            "SELECT kind, status FROM uploads WHERE id = $upload", {"upload": upload_id}
        ).fetchone()
        if found is None:
            raise UndoRefused("unknown", upload=upload_id)
        kind, status = found
        if status != "accepted":
            raise UndoRefused("not_accepted", upload=upload_id)
        scoped = cursor.execute("SELECT count(*) FROM upload_scope WHERE upload_id = $upload",
                                {"upload": upload_id}).fetchone()[0]
        if kind not in UPLOAD_SCOPES or (kind in _KINDS_SCOPED_SINCE_0010 and not scoped):
            raise UndoRefused("not_undoable", upload=upload_id)
        if allowed_communes is not None:
            communes = [code for (code,) in cursor.execute(
                "SELECT commune_code FROM upload_communes WHERE upload_id = $upload ORDER BY 1",
                {"upload": upload_id}).fetchall()]
            outside = [code for code in communes if code not in allowed_communes]
            if outside:
                raise UndoRefused("other_communes", upload=upload_id, communes=", ".join(outside))
        later = cursor.execute(f"SELECT min(upload_id) FROM ({LATER_OVERLAPPING_UPLOADS})",
                               {"upload": upload_id}).fetchone()[0]
        if later is not None:
            raise UndoRefused("replaced_later", upload=upload_id, later=later)
        if kind == "villages":
            _refuse_undoing_a_registry_others_rely_on(cursor, upload_id)
        backup.snapshot_before_write(path, f"undo-{upload_id}")
        tables = UPLOAD_SCOPES[kind]
        for table, condition in reversed(tables):
            cursor.execute(f"DELETE FROM {table} WHERE {condition}", {"upload": upload_id})
        for table, _ in tables:
            cursor.execute(
                f"INSERT INTO {table} BY NAME SELECT * EXCLUDE (replaced_by_upload) FROM replaced_{table} "
                "WHERE replaced_by_upload = $upload", {"upload": upload_id},
            )
        cursor.execute(
            "UPDATE uploads SET status = 'undone', undone_at = current_timestamp, undone_by = $user WHERE id = $upload",
            {"upload": upload_id, "user": undone_by},
        )
        _audit(cursor, undone_by, "undo", f"#{upload_id}", datetime.now())
    return kind


def _refuse_undoing_a_registry_others_rely_on(cursor: duckdb.DuckDBPyConnection, upload_id: int) -> None:
    """A registry upload cannot be undone while later uploads use the villages it added, nor when the households it
    replaced are fewer than household figures reported since."""
    added = ("SELECT key FROM upload_scope WHERE upload_id = $upload AND part = 'village' AND key NOT IN "
             "(SELECT code FROM replaced_villages WHERE replaced_by_upload = $upload)")
    users = cursor.execute(
        f"""
        SELECT list(DISTINCT u.id ORDER BY u.id), list(DISTINCT scope.key ORDER BY scope.key)
        FROM upload_scope scope JOIN uploads u ON u.id = scope.upload_id
        WHERE u.id > $upload AND u.status = 'accepted' AND scope.part IN ('village', 'village_period')
          AND scope.key IN ({added})
        """, {"upload": upload_id}).fetchone()
    if users[0]:
        raise UndoRefused("registry_in_use", upload=upload_id, later=", ".join(map(str, users[0])),
                          villages=", ".join(users[1]))
    above = cursor.execute(
        """
        SELECT old.code, rv.period, max(rv.value), any_value(old.households)
        FROM replaced_villages old
        JOIN report_values rv ON rv.village_code = old.code
        JOIN indicators i ON i.code = rv.indicator_code AND i.kind = 'cumulative'
        WHERE old.replaced_by_upload = $upload AND rv.value > old.households
        GROUP BY ALL ORDER BY ALL
        """, {"upload": upload_id}).fetchall()
    if above:
        raise UndoRefused("registry_households", upload=upload_id,
                          figures=[(village, period, int(value), int(households))
                                   for village, period, value, households in above])
