"""Read queries of the analysis pages (domains, village, training, reporting, trends), one per table or chart.

They build on warehouse/queries.py: coverage per village and period, the quarterly report's timeliness rule
(the report for the quarter's last month, due by the deadline day of that month) and the team registry.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from warehouse import queries
from warehouse.codes import HEADLINE_INDICATOR, MISSING, NOT_DUE
from warehouse.collation import sort_by_name
from warehouse.database import Warehouse
from warehouse.periods import last_month, months_in, quarter_deadline, quarter_of, quarters_of

# Status of a month that does not close a quarter: its report has arrived or not (no deadline applies).
RECEIVED = "received"
# The day the campaign ends (the plan: 31/12/2025): projections are made to the end of its month.
CAMPAIGN_END = date(2025, 12, 31)
CAMPAIGN_END_MONTH = CAMPAIGN_END.strftime("%Y-%m")
# How many of a village's latest reported months the projection's straight line is fitted to.
PROJECTION_MONTHS = 3


def household_indicators(db: Warehouse, domain: str | None = None) -> pd.DataFrame:
    """The cumulative (household) indicators of the catalogue, of one domain when given, in catalogue order."""
    catalogue = queries.indicator_catalogue(db)
    chosen = catalogue[catalogue["kind"] == "cumulative"]
    if domain is not None:
        chosen = chosen[chosen["domain"] == domain]
    return chosen.reset_index(drop=True)


def indicator_coverage_by_village(
    db: Warehouse, commune: str, period: str, domain: str
) -> pd.DataFrame:
    """Each village's coverage of every household indicator of the domain for the period (long form).

    Columns: indicator_code, village_code, village_name, households, value, coverage, reported.
    """
    columns = ["indicator_code", "village_code", "village_name", "households", "value", "coverage", "reported"]
    indicators = household_indicators(db, domain)["code"].tolist()
    if not indicators:
        return pd.DataFrame(columns=columns)
    return queries.coverage_by_village_of_indicators(db, [commune], period, indicators)[columns]


def village_members(db: Warehouse, village: str) -> pd.DataFrame:
    """The members of the village's team(s): team, name, role, affiliation and phone."""
    sql = """
    SELECT m.code AS member_code, t.code AS team_code, m.full_name, m.role, m.affiliation, m.phone
    FROM teams t JOIN members m ON m.team_code = t.code
    WHERE t.village_code = $village
    ORDER BY t.code, CASE m.role WHEN 'to_truong' THEN 0 WHEN 'to_pho' THEN 1 ELSE 2 END, m.code
    """
    return db.read(sql, {"village": village})


def village_series(db: Warehouse, village: str) -> pd.DataFrame:
    """Every household indicator of the village month by month: period, indicator_code, value, coverage."""
    sql = """
    SELECT rv.period, rv.indicator_code, rv.value, rv.value / v.households AS coverage
    FROM report_values rv
    JOIN villages v ON v.code = rv.village_code
    JOIN indicators i ON i.code = rv.indicator_code
    WHERE rv.village_code = $village AND i.kind = 'cumulative'
    ORDER BY i.sort_order, rv.period
    """
    return db.read(sql, {"village": village})


def village_training_attendance(db: Warehouse, village: str) -> pd.DataFrame:
    """Each member of the village's team with the commune's training sessions attended and held."""
    sql = """
    WITH sessions AS (
        SELECT s.code FROM training_sessions s
        JOIN villages v ON v.commune_code = s.commune_code WHERE v.code = $village
    )
    SELECT m.code AS member_code, m.full_name, m.role,
           count(a.session_code) FILTER (WHERE a.attended) AS sessions_attended,
           (SELECT count(*) FROM sessions) AS sessions_held
    FROM teams t JOIN members m ON m.team_code = t.code
    LEFT JOIN training_attendance a ON a.member_code = m.code AND a.session_code IN (SELECT code FROM sessions)
    WHERE t.village_code = $village
    GROUP BY ALL ORDER BY m.code
    """
    return db.read(sql, {"village": village})


def village_report_history(
    db: Warehouse, village: str, deadline_day: int, today: date
) -> pd.DataFrame:
    """The village's row of the reporting matrix as a list: period, reported_on, status, note, newest first."""
    commune = db.read("SELECT commune_code FROM villages WHERE code = $village", {"village": village})
    if commune.empty:
        return pd.DataFrame(columns=["period", "reported_on", "status", "note"])
    matrix = reporting_matrix(db, commune["commune_code"].iloc[0], deadline_day, today)
    history = matrix[matrix["village_code"] == village]
    notes = db.read("SELECT period, note FROM reports WHERE village_code = $village", {"village": village})
    history = history.merge(notes, on="period", how="left")
    return history[["period", "reported_on", "status", "note"]].sort_values("period", ascending=False).reset_index(
        drop=True
    )


def training_attendance_by_session(db: Warehouse, commune: str) -> pd.DataFrame:
    """Each training session of the commune with its attendance: members present / all members of the commune."""
    sql = """
    WITH commune_members AS (
        SELECT m.code FROM members m JOIN teams t ON t.code = m.team_code
        JOIN villages v ON v.code = t.village_code WHERE v.commune_code = $commune
    )
    SELECT s.code AS session_code, s.held_on, s.topic, s.organiser, s.place,
           count(a.member_code) FILTER (WHERE a.attended) AS attended,
           (SELECT count(*) FROM commune_members) AS members
    FROM training_sessions s
    LEFT JOIN training_attendance a ON a.session_code = s.code AND a.member_code IN (SELECT code FROM commune_members)
    WHERE s.commune_code = $commune
    GROUP BY ALL ORDER BY s.held_on, s.code
    """
    frame = db.read(sql, {"commune": commune})
    frame["rate"] = frame["attended"] / frame["members"].where(frame["members"] > 0)
    return frame


def training_attendance_by_team(db: Warehouse, commune: str) -> pd.DataFrame:
    """Each team's attendance: attendances of its members / (members × sessions held in the commune)."""
    # The commune's teams and members are found first: joined the other way, every member of the country is
    # matched with its attendance before the commune filters them.
    sql = """
    WITH sessions AS (SELECT code FROM training_sessions WHERE commune_code = $commune),
    team AS (
        SELECT v.code AS village_code, v.name AS village_name, t.code AS team_code
        FROM villages v JOIN teams t ON t.village_code = v.code WHERE v.commune_code = $commune
    ),
    member AS (SELECT code, team_code FROM members WHERE team_code IN (SELECT team_code FROM team)),
    attended AS (
        SELECT member_code, count(*) AS attendances FROM training_attendance
        WHERE attended AND session_code IN (SELECT code FROM sessions)
          AND member_code IN (SELECT code FROM member)
        GROUP BY member_code
    )
    SELECT t.village_code, t.village_name, t.team_code,
           count(DISTINCT m.code) AS members,
           (SELECT count(*) FROM sessions) AS sessions_held,
           CAST(coalesce(sum(a.attendances), 0) AS BIGINT) AS attendances
    FROM team t
    LEFT JOIN member m ON m.team_code = t.team_code
    LEFT JOIN attended a ON a.member_code = m.code
    GROUP BY ALL ORDER BY village_name COLLATE vi, t.team_code
    """
    frame = db.read(sql, {"commune": commune})
    possible = frame["members"] * frame["sessions_held"]
    frame["rate"] = frame["attendances"] / possible.where(possible > 0)
    return frame


def members_never_trained(db: Warehouse, commune: str) -> pd.DataFrame:
    """Members of the commune's teams who attended no training session."""
    sql = """
    SELECT v.name AS village_name, t.code AS team_code, m.code AS member_code, m.full_name, m.role, m.affiliation
    FROM members m
    JOIN teams t ON t.code = m.team_code
    JOIN villages v ON v.code = t.village_code
    WHERE v.commune_code = $commune
      AND NOT EXISTS (SELECT 1 FROM training_attendance a JOIN training_sessions s ON s.code = a.session_code
                      WHERE a.member_code = m.code AND a.attended AND s.commune_code = $commune)
    ORDER BY v.name COLLATE vi, m.code
    """
    return db.read(sql, {"commune": commune})


def affiliation_mix_by_team(db: Warehouse, commune: str) -> pd.DataFrame:
    """Members of each team per affiliation (one column per affiliation), with `has_core_member` from the registry."""
    sql = """
    SELECT t.code AS team_code, m.affiliation, count(*) AS members
    FROM members m JOIN teams t ON t.code = m.team_code JOIN villages v ON v.code = t.village_code
    WHERE v.commune_code = $commune GROUP BY ALL
    """
    counts = db.read(sql, {"commune": commune})
    teams = queries.team_sizes(db, commune)
    teams = teams[teams["team_code"].notna()]
    mix = counts.pivot_table(index="team_code", columns="affiliation", values="members", fill_value=0)
    mix.columns = [str(column) for column in mix.columns]
    return teams.merge(mix.reset_index(), on="team_code", how="left").fillna(
        {column: 0 for column in mix.columns}
    ).astype({column: "int64" for column in mix.columns})


def reporting_months(db: Warehouse, commune: str) -> list[str]:
    """The months the reporting matrix shows: from the first to the last month any village reported."""
    reported = queries.reported_months(db, commune)
    if not reported:
        return []
    months, month = [], reported[0]
    while month <= reported[-1]:
        months.append(month)
        year, number = int(month[:4]), int(month[5:])
        month = f"{year + number // 12}-{number % 12 + 1:02d}"
    return months


def reporting_matrix(db: Warehouse, commune: str, deadline_day: int, today: date) -> pd.DataFrame:
    """Every village × month: received or missing, and for a quarter's last month on time / late / missing / not due.

    Long form: village_code, village_name, team_code, period, reported_on, closes_quarter, status.
    """
    months = reporting_months(db, commune)
    villages = queries.villages(db, commune)[["village_code", "village_name", "team_code"]]
    if not months:
        return pd.DataFrame(columns=[*villages.columns, "period", "reported_on", "closes_quarter", "status"])
    sql = """
    SELECT r.village_code, r.period, r.reported_on FROM reports r JOIN villages v ON v.code = r.village_code
    WHERE v.commune_code = $commune AND r.period IN (SELECT unnest($months))
    """
    reports = db.read(sql, {"commune": commune, "months": months})
    grid = villages.merge(pd.DataFrame({"period": months}), how="cross")
    grid = grid.merge(reports, on=["village_code", "period"], how="left")
    grid["closes_quarter"] = grid["period"].map(lambda month: last_month(quarter_of(month)) == month)
    # A quarter's last month is judged against the quarter's deadline, as queries.report_timeliness does.
    grid["status"] = [
        queries.timeliness(row.reported_on, quarter_deadline(quarter_of(row.period), deadline_day), today)
        if row.closes_quarter
        else RECEIVED if pd.notna(row.reported_on) else _missing_or_not_due(row.period, today)
        for row in grid.itertuples()
    ]
    return grid


def _missing_or_not_due(month: str, today: date) -> str:
    # A month without a deadline of its own counts as missing once it is over.
    return MISSING if today.strftime("%Y-%m") > month else NOT_DUE


def reporting_rates(db: Warehouse, commune: str, deadline_day: int, today: date) -> pd.DataFrame:
    """Per month, DHIS2-style: expected reports, received (completeness) and, for a quarter's last month, on time.

    A report is expected once it is due; completeness = received / expected; timeliness = on time / expected.
    """
    matrix = reporting_matrix(db, commune, deadline_day, today)
    columns = ["period", "closes_quarter", "expected", "received", "on_time", "completeness", "timeliness"]
    if matrix.empty:
        return pd.DataFrame(columns=columns)
    due = matrix.assign(
        expected=matrix["status"] != NOT_DUE,
        received=matrix["reported_on"].notna() & (matrix["status"] != NOT_DUE),
        on_time=matrix["status"] == "on_time",
    )
    rates = due.groupby(["period", "closes_quarter"], as_index=False)[["expected", "received", "on_time"]].sum()
    expected = rates["expected"].where(rates["expected"] > 0)
    rates["completeness"] = rates["received"] / expected
    rates["timeliness"] = (rates["on_time"] / expected).where(rates["closes_quarter"])
    return rates[columns]


def coverage_over_time(
    db: Warehouse, commune: str, indicator: str = HEADLINE_INDICATOR, quarterly: bool = False
) -> pd.DataFrame:
    """Each village's coverage of the indicator per month (or quarter), oldest first; unreported has no value."""
    months = queries.reported_months(db, commune)
    periods = quarters_of(months) if quarterly else months
    if not periods:
        return pd.DataFrame(columns=["period", "village_code", "village_name", "households", "value", "coverage"])
    # One query for every period (each period's months listed beside it), as coverage_by_village counts one.
    covered = [(month, period) for period in periods for month in months_in(period)]
    sql = """
    WITH village AS (
        SELECT code AS village_code, name AS village_name, households FROM villages WHERE commune_code = $commune
    ),
    period_month AS (SELECT unnest($months) AS month, unnest($periods) AS period),
    period_value AS (
        SELECT rv.village_code, pm.period,
               CASE WHEN any_value(i.kind) = 'cumulative' THEN arg_max(rv.value, rv.period)
                    ELSE sum(rv.value) END AS value
        FROM report_values rv
        JOIN period_month pm ON pm.month = rv.period
        JOIN indicators i ON i.code = rv.indicator_code
        WHERE rv.village_code IN (SELECT village_code FROM village) AND rv.indicator_code = $indicator
        GROUP BY rv.village_code, pm.period
    )
    SELECT p.period, v.village_code, v.village_name, v.households, pv.value, pv.value / v.households AS coverage
    FROM (SELECT DISTINCT period FROM period_month) p
    CROSS JOIN village v
    LEFT JOIN period_value pv ON pv.village_code = v.village_code AND pv.period = p.period
    ORDER BY p.period, coverage DESC NULLS LAST, v.village_name COLLATE vi
    """
    frame = db.read(sql, {"commune": commune, "indicator": indicator, "months": [month for month, _ in covered],
                          "periods": [period for _, period in covered]})
    frame["value"] = frame["value"].astype("Int64")
    return frame


def commune_coverage_over_time(
    db: Warehouse, commune: str, indicator: str = HEADLINE_INDICATOR, quarterly: bool = False
) -> pd.DataFrame:
    """The commune's coverage per period: the villages' values summed over all households (unreported = 0)."""
    villages = coverage_over_time(db, commune, indicator, quarterly)
    totals = villages.groupby("period", as_index=False).agg(
        value=("value", lambda values: values.fillna(0).sum()), households=("households", "sum")
    )
    totals["coverage"] = totals["value"] / totals["households"]
    return totals


def quarter_over_quarter_change(
    db: Warehouse, commune: str, indicator: str = HEADLINE_INDICATOR
) -> pd.DataFrame:
    """Each village's coverage in the last two quarters with data and the change between them (in points)."""
    quarterly = coverage_over_time(db, commune, indicator, quarterly=True)
    quarters = sorted(quarterly["period"].unique())
    if len(quarters) < 2:
        return pd.DataFrame(columns=["village_code", "village_name", "previous", "latest", "change"])
    previous, latest = quarters[-2], quarters[-1]
    columns = ["village_code", "village_name", "coverage"]
    frame = quarterly.loc[quarterly["period"] == previous, columns].rename(columns={"coverage": "previous"}).merge(
        quarterly.loc[quarterly["period"] == latest, columns].rename(columns={"coverage": "latest"}),
        on=["village_code", "village_name"], how="outer",
    )
    frame["change"] = frame["latest"] - frame["previous"]
    frame.attrs.update(previous=previous, latest=latest)
    return sort_by_name(frame, "village_name")


def _month_number(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:]) - 1


def project_value(series: list[tuple[str, float]], households: int, to_month: str = CAMPAIGN_END_MONTH) -> float:
    """The value a cumulative series reaches at the end of `to_month`.

    Method: a least-squares straight line through the last PROJECTION_MONTHS reported months (by calendar month),
    extended to `to_month`; never below the last value, never above the village's households. A single month, or a
    series already at `to_month`, projects its last value.
    """
    if not series:
        return 0.0
    recent = sorted(series)[-PROJECTION_MONTHS:]
    last_period, last_value = recent[-1]
    if len(recent) < 2 or _month_number(last_period) >= _month_number(to_month):
        return float(min(last_value, households))
    x = np.array([_month_number(period) for period, _ in recent], dtype=float)
    y = np.array([value for _, value in recent], dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    projected = slope * _month_number(to_month) + intercept
    return float(min(max(projected, last_value), households))


def projected_coverage(
    db: Warehouse, commune: str, to_month: str = CAMPAIGN_END_MONTH,
    indicator: str = HEADLINE_INDICATOR,
) -> pd.DataFrame:
    """Each village's coverage projected to the end of `to_month` (see `project_value`) and whether it is at risk.

    A village without a report projects 0 (the commune counts it as 0 until it reports); at risk = below target.
    """
    frame = projected_coverage_of_communes(db, [commune], to_month, indicator)
    return frame.drop(columns="commune_code")


def projected_coverage_of_communes(
    db: Warehouse, communes: list[str], to_month: str = CAMPAIGN_END_MONTH,
    indicator: str = HEADLINE_INDICATOR,
) -> pd.DataFrame:
    """`projected_coverage` of the villages of several communes, with a commune_code column, commune by commune."""
    sql = """
    SELECT rv.village_code, rv.period, rv.value FROM report_values rv JOIN villages v ON v.code = rv.village_code
    WHERE v.commune_code IN (SELECT unnest($communes)) AND rv.indicator_code = $indicator AND rv.period <= $to_month
    """
    reported = db.read(sql, {"communes": list(communes), "indicator": indicator, "to_month": to_month})
    villages = db.read(
        "SELECT commune_code, code AS village_code, name AS village_name, households FROM villages "
        "WHERE commune_code IN (SELECT unnest($communes)) ORDER BY commune_code, name COLLATE vi, code",
        {"communes": list(communes)})
    target = queries.indicator_catalogue(db).set_index("code").loc[indicator, "target_share"]
    series_by_village = {
        code: list(zip(rows["period"], rows["value"].astype(float), strict=True))
        for code, rows in reported.groupby("village_code")
    }
    rows = []
    for village in villages.itertuples():
        series = sorted(series_by_village.get(village.village_code, []))
        projected = project_value(series, village.households, to_month)
        rows.append({
            "commune_code": village.commune_code,
            "village_code": village.village_code, "village_name": village.village_name,
            "households": village.households,
            "last_period": series[-1][0] if series else None, "last_value": series[-1][1] if series else None,
            "value": projected, "coverage": projected / village.households,
        })
    frame = pd.DataFrame(rows, columns=["commune_code", "village_code", "village_name", "households", "last_period",
                                        "last_value", "value", "coverage"])
    frame["at_risk"] = frame["coverage"] < target
    frame.attrs["target_share"] = float(target)
    return frame
