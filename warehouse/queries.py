"""Read queries, one per question a page asks; each takes the Warehouse and returns data.

Definitions (DESIGN.md): coverage of a household indicator = value / households of the village; a domain's
coverage = the mean of its indicators' coverage; a village meets the target when `ho_da_huong_dan` reaches
the indicator's target share (80%). For a quarter, a household indicator takes the village's latest month
reported in the quarter and a monthly count is summed over the quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from warehouse.codes import (
    CORE_AFFILIATION,
    DIGITAL_DOMAINS,
    HEADLINE_INDICATOR,
    LATE,
    MISSING,
    NOT_DUE,
    ON_TIME,
)
from warehouse.database import Warehouse
from warehouse.periods import is_month, last_month, months_in, quarter_deadline, quarter_of

# Coverage under this share of households is flagged on the overview and drawn in the lowest class, whatever the target.
LOW_COVERAGE = 0.5

# The villages of some communes, and each indicator's value for the period per village.
_PERIOD_VALUES = """
WITH village AS (
    SELECT commune_code, code AS village_code, name AS village_name, households
    FROM villages WHERE commune_code IN (SELECT unnest($communes))
),
period_value AS (
    SELECT rv.village_code, rv.indicator_code,
           CASE WHEN any_value(i.kind) = 'cumulative' THEN arg_max(rv.value, rv.period)
                ELSE sum(rv.value) END AS value
    FROM report_values rv
    JOIN indicators i ON i.code = rv.indicator_code
    WHERE rv.village_code IN (SELECT village_code FROM village)
      AND rv.period IN (SELECT unnest($months))
    GROUP BY rv.village_code, rv.indicator_code
),
reported AS (
    SELECT DISTINCT village_code FROM reports
    WHERE village_code IN (SELECT village_code FROM village) AND period IN (SELECT unnest($months))
)
"""


@dataclass(frozen=True)
class CommuneSummary:
    villages: int
    households: int
    teams: int
    members: int
    villages_reported: int
    households_guided: int
    villages_meeting_target: int
    target_share: float
    quarter: str
    reports_on_time: int
    reports_due: int

    @property
    def guided_share(self) -> float | None:
        return self.households_guided / self.households if self.households else None


def communes(db: Warehouse) -> pd.DataFrame:
    """Communes in the warehouse, by name, with the newest month any of their villages reported (latest_report), how
    many villages they have, their province's name and its rank among the provinces in Vietnamese alphabetical order
    (province_rank)."""
    return db.read(
        """
        WITH latest AS (
            SELECT v.commune_code, max(r.period) AS latest_report
            FROM reports r JOIN villages v ON v.code = r.village_code GROUP BY v.commune_code
        ), village_counts AS (
            SELECT commune_code, count(*) AS villages FROM villages GROUP BY commune_code
        )
        SELECT c.code, c.name, c.province, c.is_demo, l.latest_report, coalesce(n.villages, 0) AS villages,
               coalesce(p.name, c.province, '') AS province_name,
               dense_rank() OVER (ORDER BY coalesce(p.name, c.province, '') COLLATE vi) AS province_rank
        FROM communes c
        LEFT JOIN provinces p ON p.code = c.province
        LEFT JOIN latest l ON l.commune_code = c.code
        LEFT JOIN village_counts n ON n.commune_code = c.code
        ORDER BY c.name COLLATE vi, c.code
        """,
    )


def indicator_catalogue(db: Warehouse) -> pd.DataFrame:
    """The indicator catalogue in its file's order."""
    return db.read("SELECT * FROM indicators ORDER BY sort_order")


def reported_months(db: Warehouse, commune: str) -> list[str]:
    """Months for which at least one village of the commune has reported, oldest first."""
    frame = db.read(
        "SELECT DISTINCT r.period FROM reports r JOIN villages v ON v.code = r.village_code "
        "WHERE v.commune_code = $commune ORDER BY r.period",
        {"commune": commune},
    )
    return frame["period"].tolist()


def villages(db: Warehouse, commune: str) -> pd.DataFrame:
    """The commune's villages in Vietnamese alphabetical order, with households, population and team code."""
    sql = """
    SELECT v.code AS village_code, v.name AS village_name, v.households, v.population,
           min(t.code) AS team_code
    FROM villages v LEFT JOIN teams t ON t.village_code = v.code
    WHERE v.commune_code = $commune
    GROUP BY ALL ORDER BY village_name COLLATE vi, v.code
    """
    return db.read(sql, {"commune": commune})


def coverage_by_village(
    db: Warehouse, commune: str, period: str, indicator: str = HEADLINE_INDICATOR
) -> pd.DataFrame:
    """Every village of the commune with the indicator's value and coverage for the period, best first.

    Villages that did not report have no value and `reported` false.
    """
    return coverage_by_village_of_communes(db, [commune], period, indicator).drop(columns="commune_code")


def coverage_by_village_of_communes(
    db: Warehouse, communes: list[str], period: str, indicator: str = HEADLINE_INDICATOR
) -> pd.DataFrame:
    """`coverage_by_village` for several communes at once, with a commune_code column (the city view's villages)."""
    sql = _PERIOD_VALUES + """
    SELECT v.commune_code, v.village_code, v.village_name, v.households, pv.value,
           pv.value / v.households AS coverage,
           coalesce(pv.value / v.households >= i.target_share, false) AS meets_target,
           v.village_code IN (SELECT village_code FROM reported) AS reported
    FROM village v
    CROSS JOIN (SELECT target_share FROM indicators WHERE code = $indicator) i
    LEFT JOIN period_value pv ON pv.village_code = v.village_code AND pv.indicator_code = $indicator
    ORDER BY v.commune_code, coverage DESC NULLS LAST, v.village_name COLLATE vi
    """
    frame = db.read(sql, {"communes": list(communes), "months": months_in(period), "indicator": indicator})
    frame["value"] = frame["value"].astype("Int64")
    return frame


def headline_by_commune(db: Warehouse, communes: list[str], period: str) -> pd.DataFrame:
    """`coverage_by_village_of_communes` of the headline summed per commune with villages, in DuckDB (a city's
    villages go to pandas no more): commune_code, villages, households, villages_reported, households_guided,
    villages_meeting_target."""
    sql = _PERIOD_VALUES + """
    SELECT v.commune_code, count(*) AS villages, sum(v.households)::BIGINT AS households,
           count(*) FILTER (WHERE v.village_code IN (SELECT village_code FROM reported)) AS villages_reported,
           coalesce(sum(pv.value), 0)::BIGINT AS households_guided,
           count(*) FILTER (WHERE pv.value / v.households >= i.target_share) AS villages_meeting_target
    FROM village v
    CROSS JOIN (SELECT target_share FROM indicators WHERE code = $indicator) i
    LEFT JOIN period_value pv ON pv.village_code = v.village_code AND pv.indicator_code = $indicator
    GROUP BY v.commune_code ORDER BY v.commune_code
    """
    return db.read(sql, {"communes": list(communes), "months": months_in(period), "indicator": HEADLINE_INDICATOR})


def coverage_by_village_of_indicators(
    db: Warehouse, communes: list[str], period: str, indicators: list[str]
) -> pd.DataFrame:
    """`coverage_by_village_of_communes` of several indicators in one query (where a query each cost 15 ms at national
    scale), with an indicator_code column first; in the order of `indicators`, then as that function's."""
    sql = _PERIOD_VALUES + """
    SELECT i.code AS indicator_code, v.commune_code, v.village_code, v.village_name, v.households, pv.value,
           pv.value / v.households AS coverage,
           coalesce(pv.value / v.households >= i.target_share, false) AS meets_target,
           v.village_code IN (SELECT village_code FROM reported) AS reported
    FROM village v
    CROSS JOIN (SELECT code, target_share FROM indicators WHERE code IN (SELECT unnest($indicators))) i
    LEFT JOIN period_value pv ON pv.village_code = v.village_code AND pv.indicator_code = i.code
    ORDER BY list_position($indicators, i.code), v.commune_code, coverage DESC NULLS LAST, v.village_name COLLATE vi
    """
    frame = db.read(sql, {"communes": list(communes), "months": months_in(period), "indicators": list(indicators)})
    frame["value"] = frame["value"].astype("Int64")
    return frame


def domain_coverage_by_village(db: Warehouse, commune: str, period: str) -> pd.DataFrame:
    """Each reporting village's coverage per digital domain: the mean of the domain's indicators' coverage."""
    sql = _PERIOD_VALUES + """
    SELECT v.village_code, v.village_name, i.domain,
           avg(pv.value / v.households) AS coverage, count(*) AS indicators
    FROM period_value pv
    JOIN village v USING (village_code)
    JOIN indicators i ON i.code = pv.indicator_code
    WHERE i.kind = 'cumulative' AND i.domain IN (SELECT unnest($domains))
    GROUP BY v.village_code, v.village_name, i.domain
    ORDER BY v.village_name COLLATE vi, i.domain
    """
    return db.read(sql, {"communes": [commune], "months": months_in(period), "domains": list(DIGITAL_DOMAINS)})


def domain_coverage_of_commune(db: Warehouse, commune: str, period: str) -> pd.DataFrame:
    """Commune coverage per digital domain: the mean over its indicators of their households / all households."""
    frame = domain_coverage_of_communes(db, [commune], period)
    return frame.drop(columns="commune_code")


def domain_coverage_of_communes(db: Warehouse, communes: list[str], period: str) -> pd.DataFrame:
    """`domain_coverage_of_commune` of every commune with villages among `communes`: commune_code, domain, coverage,
    indicators; by commune, then in the domains' order."""
    sql = _PERIOD_VALUES + """
    , commune_households AS (
        SELECT commune_code, sum(households) AS households FROM village GROUP BY commune_code
    ),
    commune_value AS (
        SELECT v.commune_code, pv.indicator_code, sum(pv.value) AS value
        FROM period_value pv JOIN village v USING (village_code) GROUP BY ALL
    ),
    indicator_coverage AS (
        SELECT ch.commune_code, i.domain, i.code, coalesce(cv.value, 0) / ch.households AS coverage
        FROM commune_households ch
        CROSS JOIN indicators i
        LEFT JOIN commune_value cv ON cv.commune_code = ch.commune_code AND cv.indicator_code = i.code
        WHERE i.kind = 'cumulative' AND i.domain IN (SELECT unnest($domains))
    )
    SELECT commune_code, domain, avg(coverage) AS coverage, count(*) AS indicators
    FROM indicator_coverage GROUP BY commune_code, domain
    """
    frame = db.read(sql, {"communes": list(communes), "months": months_in(period),
                          "domains": list(DIGITAL_DOMAINS)})
    order = {domain: position for position, domain in enumerate(DIGITAL_DOMAINS)}
    return frame.sort_values(["commune_code", "domain"], key=lambda column: column.map(order)
                             if column.name == "domain" else column).reset_index(drop=True)


def team_sizes(db: Warehouse, commune: str) -> pd.DataFrame:
    """Each village's team with its number of members and whether a Youth Union member is on it."""
    sql = """
    SELECT v.code AS village_code, v.name AS village_name, t.code AS team_code,
           count(m.code) AS members,
           coalesce(bool_or(m.affiliation = $core), false) AS has_core_member
    FROM villages v
    LEFT JOIN teams t ON t.village_code = v.code
    LEFT JOIN members m ON m.team_code = t.code
    WHERE v.commune_code = $commune
    GROUP BY ALL
    ORDER BY village_name COLLATE vi
    """
    return db.read(sql, {"commune": commune, "core": CORE_AFFILIATION})


def report_timeliness(
    db: Warehouse, commune: str, quarter: str, deadline_day: int, today: date
) -> pd.DataFrame:
    """Each village's quarterly report (its report for the quarter's last month) against the deadline."""
    return report_timeliness_of_communes(db, [commune], quarter, deadline_day, today).drop(columns="commune_code")


def report_timeliness_of_communes(
    db: Warehouse, communes: list[str], quarter: str, deadline_day: int, today: date
) -> pd.DataFrame:
    """`report_timeliness` of the villages of several communes, with a commune_code column."""
    deadline = quarter_deadline(quarter, deadline_day)
    sql = """
    SELECT v.commune_code, v.code AS village_code, v.name AS village_name, r.reported_on
    FROM villages v
    LEFT JOIN reports r ON r.village_code = v.code AND r.period = $month
    WHERE v.commune_code IN (SELECT unnest($communes))
    ORDER BY v.commune_code, v.name COLLATE vi
    """
    frame = db.read(sql, {"communes": list(communes), "month": last_month(quarter)})
    frame["deadline"] = deadline
    frame["status"] = timeliness_of(frame["reported_on"], deadline, today)
    return frame


def timeliness_of(reported_on: pd.Series, deadline: date, today: date) -> list[str]:
    """`timeliness` of every report of a column at once (a loop over a country's 93,000 villages took 0.3 s)."""
    received = reported_on.notna().to_numpy()
    by_deadline = (pd.to_datetime(reported_on).dt.normalize() <= pd.Timestamp(deadline)).to_numpy()
    return np.select([received & by_deadline, received], [ON_TIME, LATE],
                     NOT_DUE if today <= deadline else MISSING).tolist()


def timeliness(reported_on: object, deadline: date, today: date) -> str:
    """A quarterly report's status: on time or late when received, else missing once the deadline has passed."""
    if pd.isna(reported_on):
        return NOT_DUE if today <= deadline else MISSING
    return ON_TIME if pd.Timestamp(reported_on).date() <= deadline else LATE


def commune_summary(
    db: Warehouse, commune: str, period: str, deadline_day: int, today: date
) -> CommuneSummary:
    """The overview's headline numbers for one commune and period."""
    coverage = coverage_by_village(db, commune, period)
    # The same reads as the overview's alerts (team_sizes) and headline (the catalogue): a cache sends them once.
    teams = team_sizes(db, commune)
    target_share = indicator_catalogue(db).set_index("code").loc[HEADLINE_INDICATOR, "target_share"]
    quarter = quarter_of(period) if is_month(period) else period
    quarterly_reports = report_timeliness(db, commune, quarter, deadline_day, today)
    return CommuneSummary(
        villages=len(coverage),
        households=int(coverage["households"].sum()),
        teams=int(teams["team_code"].notna().sum()),
        members=int(teams["members"].sum()),
        villages_reported=int(coverage["reported"].sum()),
        households_guided=int(coverage["value"].sum()),
        villages_meeting_target=int(coverage["meets_target"].sum()),
        target_share=float(target_share),
        quarter=quarter,
        reports_on_time=int((quarterly_reports["status"] == ON_TIME).sum()),
        reports_due=int(quarterly_reports["status"].isin([ON_TIME, LATE, MISSING]).sum()),
    )


def alerts(
    db: Warehouse, commune: str, period: str, full_team_size: int, low_share: float = LOW_COVERAGE
) -> pd.DataFrame:
    """Villages needing attention: coverage under `low_share`, no report for the period, an incomplete team,
    or a team without its Youth Union core. Columns: kind, village_code, village_name, value."""
    coverage = coverage_by_village(db, commune, period)
    teams = team_sizes(db, commune)
    parts = [
        coverage.loc[coverage["coverage"] < low_share].assign(kind="low_coverage", value=lambda f: f["coverage"]),
        coverage.loc[~coverage["reported"]].assign(kind="no_report", value=None),
        teams.loc[teams["members"] < full_team_size].assign(kind="small_team", value=lambda f: f["members"]),
        teams.loc[(teams["members"] > 0) & ~teams["has_core_member"]].assign(kind="no_core_member", value=None),
    ]
    columns = ["kind", "village_code", "village_name", "value"]
    return pd.concat([part[columns].astype({"value": "object"}) for part in parts], ignore_index=True)
