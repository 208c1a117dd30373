"""The report's tables, described once as raw values and column kinds, laid out by both the Word and Excel renderers.

A cell holds the raw value (a share as a fraction, a count as an int, a date); each renderer formats it by the
column's kind, so the document's "72,5%" and the workbook's 0.725 shown as a percentage come from the same value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd

import i18n
from quarterly_report.builder import QuarterlyReport
from warehouse import analysis
from warehouse.codes import DIGITAL_DOMAINS

# How an annex cell is written (the columns and kinds of upload files are etl/schema.py's).
CellFormat = Literal["text", "integer", "decimal", "percent", "date"]
Cell = str | int | float | date | None


@dataclass(frozen=True)
class ReportColumn:
    """A column of an annex table: its header, how its cells are written, its width."""

    header: str
    kind: CellFormat
    # Characters of width in the workbook (the document spreads its columns over the page).
    width: int = 12


@dataclass(frozen=True)
class ReportTable:
    key: str
    sheet: str  # the workbook's sheet name (at most 31 characters)
    title: str
    columns: list[ReportColumn]
    rows: list[list[Cell]]
    totals: list[Cell] | None = None


def _cell(value: object) -> Cell:
    """A plain Python value for a renderer: None for missing, int for whole counts."""
    if value is None or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy and pandas scalars
        return value.item()
    return value  # type: ignore[return-value]


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[list[Cell]]:
    return [[_cell(value) for value in row] for row in frame[columns].itertuples(index=False)]


def _yes_no(flag: bool, language: str) -> str:
    return i18n.t("report.yes" if flag else "report.no", language)


def team_table(report: QuarterlyReport, language: str) -> ReportTable:
    teams = report.teams.assign(
        core=[_yes_no(flag, language) for flag in report.teams["has_core_member"]],
        full=[_yes_no(flag, language) for flag in report.teams["full_team"]],
    )
    return ReportTable(
        key="teams", sheet=i18n.t("report.sheet.teams", language),
        title=i18n.t("report.annex.teams", language, commune=report.commune_name),
        columns=[
            ReportColumn(i18n.t("report.col.village", language), "text", 24),
            ReportColumn(i18n.t("report.col.team_code", language), "text", 16),
            ReportColumn(i18n.t("report.col.members", language), "integer", 14),
            ReportColumn(i18n.t("report.col.core_member", language), "text", 18),
            ReportColumn(i18n.t("report.col.full_team", language, size=report.full_team_size), "text", 18),
        ],
        rows=_rows(teams, ["village_name", "team_code", "members", "core", "full"]),
        totals=[i18n.t("report.total", language), None, int(report.teams["members"].sum()),
                int(report.teams["has_core_member"].sum()), int(report.teams["full_team"].sum())],
    )


def affiliation_table(report: QuarterlyReport, language: str) -> ReportTable:
    labels = [i18n.t(f"report.affiliation.{code}", language) for code in report.affiliations["affiliation"]]
    return ReportTable(
        key="affiliations", sheet=i18n.t("report.sheet.affiliations", language),
        title=i18n.t("report.annex.affiliations", language, commune=report.commune_name),
        columns=[
            ReportColumn(i18n.t("report.col.affiliation", language), "text", 28),
            ReportColumn(i18n.t("report.col.members", language), "integer", 14),
            ReportColumn(i18n.t("report.col.share_of_members", language), "percent", 14),
        ],
        rows=_rows(report.affiliations.assign(label=labels), ["label", "members", "share"]),
        totals=[i18n.t("report.total", language), int(report.affiliations["members"].sum()),
                1.0 if len(report.affiliations) else None],
    )


def training_table(report: QuarterlyReport, language: str) -> ReportTable:
    """The quarter's training sessions with the Training page's attendance: present ÷ members of the commune."""
    return ReportTable(
        key="training", sheet=i18n.t("report.sheet.training", language),
        title=i18n.t("report.annex.training", language, quarter=i18n.period_label(report.quarter, language)),
        columns=[
            ReportColumn(i18n.t("report.col.held_on", language), "date", 16),
            ReportColumn(i18n.t("report.col.topic", language), "text", 40),
            ReportColumn(i18n.t("report.col.organiser", language), "text", 24),
            ReportColumn(i18n.t("report.col.place", language), "text", 26),
            ReportColumn(i18n.t("report.col.commune_members", language), "integer", 14),
            ReportColumn(i18n.t("report.col.attended", language), "integer", 12),
            ReportColumn(i18n.t("report.col.attendance_rate", language), "percent", 12),
        ],
        rows=_rows(report.training, ["held_on", "topic", "organiser", "place", "members", "attended", "rate"]),
        # The members column counts people, the same in every row: its total is the commune's members.
        totals=[i18n.t("report.total", language), None, None, None, report.summary.members,
                report.training_attended, report.training_rate],
    )


def training_team_table(report: QuarterlyReport, language: str) -> ReportTable:
    """Each team's attendance over every session held so far, as the Training page shows it."""
    teams = report.training_by_team.assign(possible=report.training_by_team["members"]
                                           * report.training_by_team["sessions_held"])
    possible = int(teams["possible"].sum())
    attendances = int(teams["attendances"].sum())
    return ReportTable(
        key="training_by_team", sheet=i18n.t("report.sheet.training_by_team", language),
        title=i18n.t("report.annex.training_by_team", language, day=i18n.day(report.issued_on, language)),
        columns=[
            ReportColumn(i18n.t("report.col.village", language), "text", 24),
            ReportColumn(i18n.t("report.col.team_code", language), "text", 16),
            ReportColumn(i18n.t("report.col.members", language), "integer", 12),
            ReportColumn(i18n.t("report.col.attendances", language), "integer", 14),
            ReportColumn(i18n.t("report.col.possible", language), "integer", 14),
            ReportColumn(i18n.t("report.col.attendance_rate", language), "percent", 12),
        ],
        rows=_rows(teams, ["village_name", "team_code", "members", "attendances", "possible", "rate"]),
        totals=[i18n.t("report.total", language), None, int(teams["members"].sum()), attendances, possible,
                attendances / possible if possible else None],
    )


def village_table(report: QuarterlyReport, language: str) -> ReportTable:
    """Each village's households guided against the target, with each domain's coverage (the pages' figures)."""
    villages = report.villages.assign(
        status=[i18n.t("report.meets" if meets else "report.below", language) if reported
                else i18n.t("report.not_reported", language)
                for meets, reported in zip(report.villages["meets_target"], report.villages["reported"], strict=True)],
    )
    domains = dict(zip(report.domains["domain"], report.domains["coverage"], strict=True))
    summary = report.summary
    return ReportTable(
        key="villages", sheet=i18n.t("report.sheet.villages", language),
        title=i18n.t("report.annex.villages", language, quarter=i18n.period_label(report.quarter, language),
                     target=i18n.percent(report.target_share, language, 0)),
        columns=[
            ReportColumn(i18n.t("report.col.village", language), "text", 22),
            ReportColumn(i18n.t("report.col.households", language), "integer", 11),
            ReportColumn(i18n.t("report.col.guided", language), "integer", 12),
            ReportColumn(i18n.t("report.col.coverage", language), "percent", 12),
            *[ReportColumn(i18n.t(f"domain.{domain}", language), "percent", 12) for domain in DIGITAL_DOMAINS],
            ReportColumn(i18n.t("report.col.status", language, target=i18n.percent(report.target_share, language, 0)),
                   "text", 14),
        ],
        rows=_rows(villages, ["village_name", "households", "value", "coverage", *DIGITAL_DOMAINS, "status"]),
        totals=[i18n.t("report.total", language), summary.households, summary.households_guided,
                summary.guided_share, *[domains.get(domain) for domain in DIGITAL_DOMAINS],
                i18n.t("report.meeting_count", language, count=summary.villages_meeting_target,
                       villages=summary.villages)],
    )


def communication_table(report: QuarterlyReport, language: str) -> ReportTable:
    return ReportTable(
        key="communication", sheet=i18n.t("report.sheet.communication", language),
        title=i18n.t("report.annex.communication", language, quarter=i18n.period_label(report.quarter, language)),
        columns=[
            ReportColumn(i18n.t("report.col.village", language), "text", 24),
            ReportColumn(i18n.t("report.col.info_sessions", language), "integer", 22),
            ReportColumn(i18n.t("report.col.printed_materials", language), "integer", 22),
        ],
        rows=_rows(report.communication, ["village_name", "info_sessions", "printed_materials"]),
        totals=[i18n.t("report.total", language), report.info_sessions, report.printed_materials],
    )


def timeliness_table(report: QuarterlyReport, language: str) -> ReportTable:
    status = [i18n.t(f"report.status.{code}", language) for code in report.timeliness["status"]]
    return ReportTable(
        key="timeliness", sheet=i18n.t("report.sheet.timeliness", language),
        title=i18n.t("report.annex.timeliness", language, quarter=i18n.period_label(report.quarter, language),
                     deadline=i18n.day(report.deadline, language)),
        columns=[
            ReportColumn(i18n.t("report.col.village", language), "text", 24),
            ReportColumn(i18n.t("report.col.reported_on", language), "date", 14),
            ReportColumn(i18n.t("report.col.deadline", language), "date", 14),
            ReportColumn(i18n.t("report.col.report_status", language), "text", 18),
        ],
        rows=_rows(report.timeliness.assign(label=status, reported_on=pd.to_datetime(report.timeliness["reported_on"]),
                                            deadline=report.deadline),
                   ["village_name", "reported_on", "deadline", "label"]),
    )


def projection_table(report: QuarterlyReport, language: str, only_at_risk: bool = False) -> ReportTable:
    """The Trends page's projection of households guided to the campaign's end (only the villages at risk, for the
    document)."""
    frame = report.villages_at_risk if only_at_risk else report.projection
    verdict = [
        i18n.t("report.not_reported" if pd.isna(period) else "report.at_risk" if at_risk else "report.on_track",
               language)
        for at_risk, period in zip(frame["at_risk"], frame["last_period"], strict=True)
    ]
    campaign_end = i18n.day(analysis.CAMPAIGN_END, language)
    return ReportTable(
        key="at_risk" if only_at_risk else "projection", sheet=i18n.t("report.sheet.projection", language),
        title=i18n.t("report.annex.projection", language, day=campaign_end),
        columns=[
            ReportColumn(i18n.t("report.col.village", language), "text", 24),
            ReportColumn(i18n.t("report.col.households", language), "integer", 10),
            ReportColumn(i18n.t("report.col.latest_period", language), "text", 14),
            ReportColumn(i18n.t("report.col.guided", language), "integer", 14),
            ReportColumn(i18n.t("report.col.projected", language, day=campaign_end), "integer", 16),
            ReportColumn(i18n.t("report.col.projected_coverage", language, day=campaign_end), "percent", 16),
            ReportColumn(i18n.t("report.col.verdict", language), "text", 16),
        ],
        rows=_rows(frame.assign(
            verdict=verdict,
            period=[i18n.period_label(period, language) if isinstance(period, str) else None
                    for period in frame["last_period"]],
        ), ["village_name", "households", "period", "last_value", "value", "coverage", "verdict"]),
    )


# The annexes by key, in order: the document and the workbook number an annex by its position here (Phụ lục 1, 2, …).
ANNEXES = (
    ("teams", team_table), ("affiliations", affiliation_table), ("training", training_table),
    ("training_by_team", training_team_table), ("villages", village_table), ("communication", communication_table),
    ("timeliness", timeliness_table), ("projection", projection_table),
)


def annex_number(key: str) -> int:
    """The number the annex `key` has in the document and the workbook (1 for the first)."""
    return [annex_key for annex_key, _ in ANNEXES].index(key) + 1


def annex_tables(report: QuarterlyReport, language: str = i18n.DEFAULT_LANGUAGE) -> list[ReportTable]:
    """The annexes, in the order the document cites them (Phụ lục 1, 2, …): one workbook sheet each."""
    return [make(report, language) for _, make in ANNEXES]
