"""Read queries about uploads: their history, and what validating a new upload needs from the warehouse."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from warehouse.database import Warehouse
from warehouse.write.tables import plain_name
from warehouse.write.upload_scopes import replaced, tables_replaced_by, written_by_upload


def members_of_commune(db: Warehouse, commune: str) -> pd.DataFrame:
    """The commune's team members with their village, role, affiliation and phone, to pre-fill templates."""
    return db.read(
        # Codes end in a number: shorter codes first puts `-2` before `-10`.
        "SELECT m.code, m.full_name, m.role, m.affiliation, m.phone, v.code AS village_code, "
        "v.name AS village_name FROM members m "
        "JOIN teams t ON t.code = m.team_code JOIN villages v ON v.code = t.village_code "
        "WHERE v.commune_code = $commune ORDER BY v.code, length(m.code), m.code",
        {"commune": commune},
    )


def members_of_villages(db: Warehouse, villages: list[str]) -> pd.DataFrame:
    """The members of the given villages' teams: code, village_code, full_name, phone."""
    return db.read(
        "SELECT m.code, t.village_code, m.full_name, m.phone FROM members m JOIN teams t ON t.code = m.team_code "
        "WHERE t.village_code IN (SELECT unnest($villages)) ORDER BY t.village_code, length(m.code), m.code",
        {"villages": villages},
    )


def members_with_commune(db: Warehouse, codes: list[str]) -> pd.DataFrame:
    """The given members (those that exist) with the commune of their team's village."""
    return db.read(
        "SELECT m.code, v.commune_code FROM members m JOIN teams t ON t.code = m.team_code "
        "JOIN villages v ON v.code = t.village_code WHERE m.code IN (SELECT unnest($codes))",
        {"codes": codes},
    )


def teams_of_villages(db: Warehouse, villages: list[str]) -> pd.DataFrame:
    """Each given village's team (its first by code) and the day it was established."""
    return db.read(
        "SELECT village_code, min(code) AS code, arg_min(established_on, code) AS established_on FROM teams "
        "WHERE village_code IN (SELECT unnest($villages)) GROUP BY village_code",
        {"villages": villages},
    )


def figures_against_history(db: Warehouse, figures: pd.DataFrame, household_indicators: list[str], *,
                            factor: float, least_months: int) -> pd.DataFrame:
    """The cells of a file that its village's earlier months make doubtful: a household figure below the latest
    earlier one (`fell`), or a figure above `factor` times the median of at least `least_months` earlier ones
    (`unusual`). `figures` holds the file's rows: position, village_code, period, then one column per indicator.
    Returns position, indicator_code, previous_value, previous_period, median_value, fell, unusual."""
    file_figures = figures.dropna(subset=["village_code", "period"])
    # Most rows are cleared by their villages' recent months alone; only the others are read against every month.
    doubtful = _rows_not_cleared_by_recent_months(db, file_figures, household_indicators, factor)
    return _figures_against_every_earlier_month(db, file_figures[file_figures["position"].isin(doubtful)],
                                                household_indicators, factor=factor, least_months=least_months)


def _recent_months(db: Warehouse, periods: pd.Series) -> pd.DataFrame:
    """For each of the `periods`: the first and the last of the latest ⌊N/2⌋ + 1 months stored before it (N: how
    many months are stored before it, in any village), and that number of months."""
    stored = db.read("SELECT DISTINCT period FROM report_values ORDER BY period")["period"].tolist()
    windows = []
    for period in sorted(set(periods)):
        earlier = [month for month in stored if month < period]
        if earlier:
            months = len(earlier) // 2 + 1
            windows.append((period, earlier[-months], earlier[-1], months))
    return pd.DataFrame(windows, columns=["period", "window_start", "window_end", "window_months"])


def _rows_not_cleared_by_recent_months(db: Warehouse, file_figures: pd.DataFrame, household_indicators: list[str],
                                       factor: float) -> pd.Series:
    """The positions of the rows that their villages' recent months (`_recent_months`) do not clear.

    A row is cleared when its village holds a figure in each of those months for each indicator of the file (one
    figure per village, month and indicator: `UNIQUE_KEYS`), none of its cells is above `factor` times any of them,
    and none of its household cells is below the last month's. Those figures are more than half of the village's
    earlier ones for each indicator (at most N), so their median is at least the smallest of them: no cell can be
    unusual, nor fallen. Only about half of the history is read, grouped by row rather than by cell."""
    indicators = [plain_name(str(column)) for column in file_figures.columns
                  if column not in ("position", "village_code", "period")]
    windows = _recent_months(db, file_figures["period"])  # noqa: F841 (read by DuckDB, by name)
    cell = "k.cells[list_position($indicators, rv.indicator_code)]"
    return db.read(
        f"""
        WITH recent AS (
            SELECT k.position, count(*) AS figures,
                   bool_or(coalesce({cell} > $factor * rv.value OR (rv.period = k.window_end
                       AND rv.indicator_code IN (SELECT unnest($households)) AND {cell} < rv.value), false))
                       AS doubtful
            FROM (SELECT f.position, f.village_code, f.period, w.window_start, w.window_end,
                         [{", ".join(indicators)}] AS cells
                  FROM file_figures f JOIN windows w USING (period)) k
            JOIN report_values rv ON rv.village_code = k.village_code AND rv.period >= k.window_start
                AND rv.period < k.period AND rv.indicator_code IN (SELECT unnest($indicators))
            GROUP BY k.position
        )
        SELECT f.position FROM file_figures f JOIN windows w USING (period) LEFT JOIN recent r USING (position)
        WHERE r.position IS NULL OR r.doubtful OR r.figures < w.window_months * len($indicators)
        """,
        {"indicators": indicators, "households": household_indicators, "factor": factor},
        frames={"file_figures": file_figures, "windows": windows},
    )["position"]


def _figures_against_every_earlier_month(db: Warehouse, file_figures: pd.DataFrame, household_indicators: list[str],
                                         *, factor: float, least_months: int) -> pd.DataFrame:
    """`figures_against_history` for the given rows, each cell against every earlier month of its village."""
    # Compared here, not in pandas: a national file has a million cells, of which a handful are doubtful.
    return db.read(
        """
        WITH cells AS (
            UNPIVOT file_figures ON COLUMNS(* EXCLUDE (position, village_code, period))
            INTO NAME indicator_code VALUE value
        ), history AS (
            SELECT k.position, rv.indicator_code, arg_max(rv.value, rv.period) AS previous_value,
                   max(rv.period) AS previous_period, median(rv.value) AS median_value, count(*) AS months
            FROM (SELECT DISTINCT position, village_code, period FROM file_figures) k
            JOIN report_values rv ON rv.village_code = k.village_code AND rv.period < k.period
            GROUP BY ALL
        )
        SELECT * FROM (
            SELECT h.position, h.indicator_code, h.previous_value, h.previous_period, h.median_value,
                   coalesce(h.indicator_code IN (SELECT unnest($households)) AND c.value < h.previous_value, false)
                       AS fell,
                   coalesce(h.months >= $least_months AND c.value > $factor * h.median_value, false) AS unusual
            FROM history h JOIN cells c USING (position, indicator_code)
        ) WHERE fell OR unusual ORDER BY position
        """,
        {"households": household_indicators, "least_months": least_months, "factor": factor},
        frames={"file_figures": file_figures},
    )


def stored_reports(db: Warehouse, keys: pd.DataFrame) -> pd.DataFrame:
    """The stored reports of the given (village_code, period) pairs: their report date and note."""
    return db.read(
        "SELECT r.village_code, r.period, r.reported_on, r.note FROM reports r "
        "JOIN file_keys k ON k.village_code = r.village_code AND k.period = r.period",
        frames={"file_keys": keys.dropna().drop_duplicates()},
    )


def stored_report_values(db: Warehouse, keys: pd.DataFrame, indicators: list[str]) -> pd.DataFrame:
    """The stored figures (village_code, period, indicator_code, value) of the given indicators for the given
    (village_code, period) pairs."""
    return db.read(
        "SELECT rv.village_code, rv.period, rv.indicator_code, rv.value FROM report_values rv "
        "JOIN file_keys k ON k.village_code = rv.village_code AND k.period = rv.period "
        "WHERE rv.indicator_code IN (SELECT unnest($indicators))", {"indicators": indicators},
        frames={"file_keys": keys.dropna().drop_duplicates()},
    )


def stored_figures(db: Warehouse, keys: pd.DataFrame, indicators: list[str]) -> pd.DataFrame:
    """One row per stored report of the given (village_code, period) pairs, with one column per given indicator
    (missing where the report has no figure for it)."""
    # One column per indicator, pivoted here: a million long rows would cost seconds to hand over and reshape.
    columns = "".join(f", max(rv.value) FILTER (WHERE rv.indicator_code = $i{position}) AS figure_{position}"
                      for position in range(len(indicators)))
    wide = db.read(
        f"SELECT rv.village_code, rv.period{columns} FROM report_values rv "
        "JOIN file_keys k ON k.village_code = rv.village_code AND k.period = rv.period GROUP BY ALL",
        {f"i{position}": code for position, code in enumerate(indicators)},
        frames={"file_keys": keys.dropna().drop_duplicates()},
    )
    return wide.rename(columns={f"figure_{position}": code for position, code in enumerate(indicators)})


def household_figures_above(db: Warehouse, households: pd.DataFrame) -> pd.DataFrame:
    """Per village of `households` (village_code, households) and period: the largest stored household figure
    above that number of households, oldest period first."""
    return db.read(
        "SELECT h.village_code, rv.period, max(rv.value) AS value FROM new_households h "
        "JOIN report_values rv ON rv.village_code = h.village_code "
        "JOIN indicators i ON i.code = rv.indicator_code AND i.kind = 'cumulative' "
        "WHERE rv.value > h.households GROUP BY ALL ORDER BY h.village_code, rv.period",
        frames={"new_households": households.dropna()},
    )


@dataclass(frozen=True)
class EarlierUpload:
    id: int
    kind: str
    commune_code: str | None
    rows: int


# Accepted uploads of the same kind, later than upload `$upload`, that replaced some of the same rows (the same
# village and month, village, or session): until they are undone, they hold what `$upload` loaded.
LATER_OVERLAPPING_UPLOADS = """
    SELECT DISTINCT later.upload_id FROM upload_scope later
    JOIN upload_scope mine ON later.part = mine.part AND later.key = mine.key AND later.sub_key = mine.sub_key
    JOIN uploads u ON u.id = later.upload_id
    WHERE mine.upload_id = $upload AND later.upload_id > $upload AND u.status = 'accepted'
      AND u.kind = (SELECT kind FROM uploads WHERE id = $upload)
"""


def accepted_upload_with_checksum(
    db: Warehouse, checksum: str, kind: str | None = None
) -> EarlierUpload | None:
    """The latest upload of a file with this checksum (and kind, if given) that is still in force and whose rows
    no later upload replaced, or None."""
    found = db.row(
        "SELECT id, kind, commune_code, rows_accepted FROM uploads WHERE checksum = $checksum "
        "AND ($kind IS NULL OR kind = $kind) AND status = 'accepted' ORDER BY id DESC LIMIT 1",
        {"checksum": checksum, "kind": kind},
    )
    if found is None or db.rows(LATER_OVERLAPPING_UPLOADS, {"upload": found[0]}):
        return None
    return EarlierUpload(*found)


def upload_history(db: Warehouse, communes: list[str] | None = None) -> pd.DataFrame:
    """Uploads (of any of the `communes`, when given), newest first: file, kind, who, when, outcome, rows, and
    whether and when they were undone. An upload touching several communes is in the history of each."""
    return db.read(
        "SELECT id, file_name, kind, commune_code, uploaded_by, uploaded_at, status, rows_accepted, "
        "stored_path, undone_at, undone_by FROM uploads "
        "WHERE $communes IS NULL OR id IN (SELECT upload_id FROM upload_communes "
        "WHERE commune_code IN (SELECT unnest($communes))) ORDER BY id DESC",
        {"communes": communes},
    )


def upload_communes(db: Warehouse, upload_id: int) -> list[str]:
    """The communes an upload touched."""
    return db.read("SELECT commune_code FROM upload_communes WHERE upload_id = $upload ORDER BY 1",
                      {"upload": upload_id})["commune_code"].tolist()


def undo_preview(db: Warehouse, upload_id: int) -> pd.DataFrame:
    """What undoing an upload would do, table by table (its kind's tables, parents first): the rows it wrote
    (`removed`: taken out) and the rows it replaced, kept since (`restored`: put back). Empty for an unknown upload."""
    kind = db.scalar("SELECT kind FROM uploads WHERE id = $upload", {"upload": upload_id})
    if kind is None:
        return pd.DataFrame(columns=["table", "removed", "restored"])
    rows = [(table,
             db.scalar(f"SELECT count(*) FROM {table} WHERE {written_by_upload(table, condition)}",
                       {"upload": upload_id}),
             db.scalar(f"SELECT count(*) FROM {replaced(table)} WHERE replaced_by_upload = $upload",
                       {"upload": upload_id}))
            for table, condition in tables_replaced_by(kind)]
    return pd.DataFrame(rows, columns=["table", "removed", "restored"])
