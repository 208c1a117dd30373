"""Read queries the quarterly report needs beyond warehouse/queries.py, one per question.

The quarterly report (quarterly_report/) calls these only through its builder, so that they can be swapped for the
analysis pages' equivalents without touching the renderers. Numbers that the pages already show are taken from
warehouse/queries.py, never recomputed here.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from warehouse import queries
from warehouse.codes import HEADLINE_INDICATOR
from warehouse.periods import last_month, months_in

INFO_SESSIONS, PRINTED_MATERIALS = "luot_tuyen_truyen", "an_pham_phat_hanh"


@dataclass(frozen=True)
class ReportTexts:
    """What staff type for a quarterly report: its free-text sections, number and signatory."""

    difficulties: str = ""
    next_tasks: str = ""
    proposals: str = ""
    report_number: str = ""
    signatory: str = ""


def _read(con: duckdb.DuckDBPyConnection, sql: str, parameters: dict | None = None) -> pd.DataFrame:
    return con.cursor().execute(sql, parameters or {}).df()


def report_texts(con: duckdb.DuckDBPyConnection, commune: str, quarter: str) -> ReportTexts:
    """The texts staff saved for the commune's report of the quarter (empty texts when none were saved)."""
    frame = _read(
        con,
        "SELECT difficulties, next_tasks, proposals, report_number, signatory FROM report_texts "
        "WHERE commune_code = $commune AND quarter = $quarter",
        {"commune": commune, "quarter": quarter},
    )
    return ReportTexts(**frame.iloc[0].to_dict()) if len(frame) else ReportTexts()


def members_by_affiliation(con: duckdb.DuckDBPyConnection, commune: str) -> pd.DataFrame:
    """How many team members of the commune come from each affiliation. Columns: affiliation, members."""
    return _read(
        con,
        """
        SELECT m.affiliation, count(*) AS members
        FROM members m JOIN teams t ON t.code = m.team_code JOIN villages v ON v.code = t.village_code
        WHERE v.commune_code = $commune
        GROUP BY m.affiliation ORDER BY members DESC, m.affiliation
        """,
        {"commune": commune},
    )


def training_attendance_by_session(con: duckdb.DuckDBPyConnection, commune: str, quarter: str) -> pd.DataFrame:
    """Each training session the commune held in the quarter, with its attendance.

    Columns: session_code, held_on, topic, organiser, place, members_listed (members on the session's attendance
    list), members_attended, attendance_rate (attended ÷ listed; None for an empty list).
    """
    months = months_in(quarter)
    frame = _read(
        con,
        """
        SELECT s.code AS session_code, s.held_on, s.topic, s.organiser, s.place,
               count(a.member_code) AS members_listed,
               count(a.member_code) FILTER (WHERE a.attended) AS members_attended
        FROM training_sessions s LEFT JOIN training_attendance a ON a.session_code = s.code
        WHERE s.commune_code = $commune AND strftime(s.held_on, '%Y-%m') IN (SELECT unnest($months))
        GROUP BY ALL ORDER BY s.held_on, s.code
        """,
        {"commune": commune, "months": months},
    )
    listed = frame["members_listed"].where(frame["members_listed"] > 0)
    frame["attendance_rate"] = frame["members_attended"] / listed
    frame["held_on"] = pd.to_datetime(frame["held_on"]).dt.date
    return frame


def communication_by_village(con: duckdb.DuckDBPyConnection, commune: str, quarter: str) -> pd.DataFrame:
    """Information sessions and printed materials of each village summed over the quarter (pages' own sums).

    Columns: village_code, village_name, info_sessions, printed_materials (missing when the village reported none).
    """
    parts = []
    for indicator, column in ((INFO_SESSIONS, "info_sessions"), (PRINTED_MATERIALS, "printed_materials")):
        sums = queries.coverage_by_village(con, commune, quarter, indicator)
        parts.append(sums.set_index(["village_code", "village_name"])["value"].rename(column))
    return pd.concat(parts, axis=1).reset_index().sort_values("village_name", ignore_index=True)


def guided_projection_to_year_end(con: duckdb.DuckDBPyConnection, commune: str, quarter: str) -> pd.DataFrame:
    """Each village's households guided projected to 31/12 of the quarter's year at its average monthly pace.

    Method: pace = the village's latest value (up to the quarter's last month) ÷ the months from the commune's
    first reported month to that latest month, both counted; projection = latest value + pace × the months left
    until December, capped at the village's households. A village without any report has no projection.
    Columns: village_code, village_name, households, latest_period, latest_value, monthly_pace, months_left,
    projected_value, projected_coverage, target_share, on_track (projected coverage reaches the target).
    """
    end = last_month(quarter)
    frame = _read(
        con,
        """
        WITH village AS (SELECT code, name, households FROM villages WHERE commune_code = $commune),
        latest AS (
            SELECT rv.village_code, max(rv.period) AS latest_period, arg_max(rv.value, rv.period) AS latest_value
            FROM report_values rv
            WHERE rv.indicator_code = $headline AND rv.period <= $end
              AND rv.village_code IN (SELECT code FROM village)
            GROUP BY rv.village_code
        ),
        first_month AS (
            SELECT min(period) AS first_period FROM reports
            WHERE village_code IN (SELECT code FROM village) AND period <= $end
        )
        SELECT v.code AS village_code, v.name AS village_name, v.households,
               l.latest_period, l.latest_value, f.first_period,
               (SELECT target_share FROM indicators WHERE code = $headline) AS target_share
        FROM village v LEFT JOIN latest l ON l.village_code = v.code CROSS JOIN first_month f
        ORDER BY v.name
        """,
        {"commune": commune, "headline": HEADLINE_INDICATOR, "end": end},
    )
    december = _month_number(f"{quarter[:4]}-12")
    reported = frame["latest_period"].notna()
    # Plain floats (NaN for villages without a report) keep the arithmetic free of pandas' NA ambiguity.
    latest_value = frame["latest_value"].astype("float64")
    latest_month = frame["latest_period"].map(_month_number, na_action="ignore").astype("float64")
    first_month = frame["first_period"].map(_month_number, na_action="ignore").astype("float64")
    frame["monthly_pace"] = latest_value / (latest_month - first_month + 1)
    months_left = (december - latest_month).clip(lower=0)
    projected = (latest_value + frame["monthly_pace"] * months_left).clip(upper=frame["households"]).round()
    frame["projected_coverage"] = projected / frame["households"]
    frame["on_track"] = reported & (frame["projected_coverage"] >= frame["target_share"])
    frame["latest_value"] = latest_value.astype("Int64")
    frame["months_left"] = months_left.astype("Int64")
    frame["projected_value"] = projected.astype("Int64")
    return frame.drop(columns="first_period")


def _month_number(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:7])
