"""Everything the quarterly report shows, gathered from the warehouse's query functions in one place.

The builder is the only code of the report that reads the warehouse; the renderers (word.py, excel.py) only lay
out what it returns, so the document, the workbook and the dashboard's pages show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from i18n import ROMAN_QUARTERS
from problems import Refused
from settings import Settings
from warehouse import analysis, queries, report_queries
from warehouse.codes import AFFILIATIONS, CORE_AFFILIATION, DIGITAL_DOMAINS, LATE, MISSING, NOT_DUE, ON_TIME
from warehouse.collation import sort_by_name
from warehouse.database import Warehouse
from warehouse.periods import is_quarter, last_month, months_in, quarter_deadline, quarter_parts
from warehouse.report_queries import ReportTexts


class ReportRefused(Refused):
    """The report cannot be made; `key` and `values` word the reason through the translation table."""


class OfQuarter:
    """A report of one quarter (`quarter`, "2025-Q4"), with the quarter's year and number."""

    quarter: str

    @property
    def year(self) -> int:
        return quarter_parts(self.quarter)[0]

    @property
    def quarter_number(self) -> int:
        return quarter_parts(self.quarter)[1]


@dataclass(frozen=True)
class QuarterlyReport(OfQuarter):
    """The numbers, tables and texts of one commune's quarterly report."""

    commune_code: str
    commune_name: str
    is_demo: bool
    quarter: str
    issued_on: date
    target_share: float
    full_team_size: int
    deadline: date
    summary: queries.CommuneSummary
    # village_code, village_name, team_code, members, has_core_member, full_team
    teams: pd.DataFrame
    # affiliation, members, share (of all members): the Training page's affiliation_mix_by_team summed over teams
    affiliations: pd.DataFrame
    # analysis.training_attendance_by_session (the Training page's rows), the sessions held in the quarter only
    training: pd.DataFrame
    # analysis.training_attendance_by_team: every session held so far, as on the Training page
    training_by_team: pd.DataFrame
    # analysis.members_never_trained
    never_trained: pd.DataFrame
    # queries.coverage_by_village for the quarter plus one coverage column per digital domain
    villages: pd.DataFrame
    # queries.domain_coverage_of_commune: domain, coverage, indicators
    domains: pd.DataFrame
    # report_queries.communication_by_village
    communication: pd.DataFrame
    # queries.report_timeliness: village_code, village_name, reported_on, deadline, status
    timeliness: pd.DataFrame
    # The Reporting page's timeliness rate (analysis.reporting_rates) of the quarter's last month; None when the
    # page has no column for that month (no village has reported it yet).
    timeliness_rate: float | None
    # analysis.projected_coverage, as on the Trends page: village_code, village_name, households, last_period,
    # last_value, value, coverage, at_risk
    projection: pd.DataFrame
    texts: ReportTexts

    @property
    def villages_below_target(self) -> int:
        """Villages whose households guided are under the target (a village without a report included)."""
        return int((~self.villages["meets_target"]).sum())

    @property
    def villages_without_full_team(self) -> list[str]:
        return self.teams.loc[~self.teams["full_team"], "village_name"].tolist()

    @property
    def villages_without_core_member(self) -> list[str]:
        return self.teams.loc[~self.teams["has_core_member"], "village_name"].tolist()

    @property
    def core_members(self) -> int:
        return int(self.affiliations.loc[self.affiliations["affiliation"] == CORE_AFFILIATION, "members"].sum())

    @property
    def training_possible(self) -> int:
        """Attendances possible in the quarter: each session's members of the commune's teams, summed."""
        return int(self.training["members"].sum())

    @property
    def training_attended(self) -> int:
        return int(self.training["attended"].sum())

    @property
    def training_rate(self) -> float | None:
        """Attendance over every session of the quarter: attendances ÷ attendances possible."""
        return self.training_attended / self.training_possible if self.training_possible else None

    @property
    def info_sessions(self) -> int:
        return int(self.communication["info_sessions"].sum())

    @property
    def printed_materials(self) -> int:
        return int(self.communication["printed_materials"].sum())

    def villages_with_status(self, status: str) -> list[str]:
        """Villages whose quarterly report has `status` (codes.ON_TIME, LATE, MISSING, NOT_DUE)."""
        return self.timeliness.loc[self.timeliness["status"] == status, "village_name"].tolist()

    @property
    def timeliness_counts(self) -> dict[str, int]:
        return {status: len(self.villages_with_status(status)) for status in (ON_TIME, LATE, MISSING, NOT_DUE)}

    @property
    def villages_at_risk(self) -> pd.DataFrame:
        """The Trends page's villages at risk (projected coverage below the target), the furthest behind first."""
        at_risk = self.projection.loc[self.projection["at_risk"]]
        return sort_by_name(at_risk, "village_name", ["coverage"])


def build_quarterly_report(
    db: Warehouse, commune: str, quarter: str, settings: Settings, today: date
) -> QuarterlyReport:
    """Gather the commune's quarterly report; refuse an unknown commune, a malformed quarter or one without data."""
    if not is_quarter(quarter):
        raise ReportRefused("report.refused.bad_quarter", quarter=quarter)
    communes = queries.communes(db).set_index("code")
    if commune not in communes.index:
        raise ReportRefused("report.refused.unknown_commune", commune=commune)
    name = str(communes.loc[commune, "name"])
    if not set(months_in(quarter)) & set(queries.reported_months(db, commune)):
        year, number = quarter_parts(quarter)
        raise ReportRefused("report.refused.no_data", commune=name, quarter=ROMAN_QUARTERS[number], year=year)

    summary = queries.commune_summary(db, commune, quarter, settings.report_deadline_day, today)
    teams = queries.team_sizes(db, commune)
    teams["full_team"] = teams["members"] >= settings.full_team_size
    sessions = analysis.training_attendance_by_session(db, commune)
    held_in_quarter = pd.to_datetime(sessions["held_on"]).dt.strftime("%Y-%m").isin(months_in(quarter))
    return QuarterlyReport(
        commune_code=commune,
        commune_name=name,
        is_demo=bool(communes.loc[commune, "is_demo"]),
        quarter=quarter,
        issued_on=today,
        target_share=summary.target_share,
        full_team_size=settings.full_team_size,
        deadline=quarter_deadline(quarter, settings.report_deadline_day),
        summary=summary,
        teams=teams,
        affiliations=_members_by_affiliation(db, commune),
        training=sessions[held_in_quarter].reset_index(drop=True),
        training_by_team=analysis.training_attendance_by_team(db, commune),
        never_trained=analysis.members_never_trained(db, commune),
        villages=_villages_with_domains(db, commune, quarter),
        domains=queries.domain_coverage_of_commune(db, commune, quarter),
        communication=report_queries.communication_by_village(db, commune, quarter),
        timeliness=queries.report_timeliness(db, commune, quarter, settings.report_deadline_day, today),
        timeliness_rate=_timeliness_rate(db, commune, quarter, settings.report_deadline_day, today),
        projection=analysis.projected_coverage(db, commune),
        texts=report_queries.report_texts(db, commune, quarter),
    )


def _villages_with_domains(db: Warehouse, commune: str, quarter: str) -> pd.DataFrame:
    """The pages' village coverage of the headline indicator, with each digital domain's coverage alongside."""
    villages = queries.coverage_by_village(db, commune, quarter)
    domains = queries.domain_coverage_by_village(db, commune, quarter)
    by_domain = domains.pivot(index="village_code", columns="domain", values="coverage")
    by_domain = by_domain.reindex(columns=list(DIGITAL_DOMAINS))
    return villages.merge(by_domain, left_on="village_code", right_index=True, how="left")


def _members_by_affiliation(db: Warehouse, commune: str) -> pd.DataFrame:
    """The Training page's members per team and affiliation, summed over the teams: affiliation, members, share."""
    mix = analysis.affiliation_mix_by_team(db, commune)
    present = [code for code in AFFILIATIONS if code in mix.columns]
    totals = pd.DataFrame({"affiliation": present, "members": [int(mix[code].sum()) for code in present]})
    totals = totals[totals["members"] > 0].sort_values(["members", "affiliation"], ascending=[False, True])
    totals["share"] = totals["members"] / totals["members"].sum()
    return totals.reset_index(drop=True)


def _timeliness_rate(
    db: Warehouse, commune: str, quarter: str, deadline_day: int, today: date
) -> float | None:
    """The Reporting page's timeliness (on time ÷ expected) of the quarter's last month, when the page shows it."""
    rates = analysis.reporting_rates(db, commune, deadline_day, today)
    month = rates.loc[rates["period"] == last_month(quarter), "timeliness"]
    return None if month.empty or pd.isna(month.iloc[0]) else float(month.iloc[0])
