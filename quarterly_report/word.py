"""The quarterly report as a Word document: its body written as paragraphs and tables, filled with the commune's
names and dates into the template `templates/bao_cao_quy_xa.docx` (the layout of Decree 30/2020/NĐ-CP, annex I),
whose fixed blocks a clerk may edit in Word."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import cast

import i18n
from quarterly_report.builder import QuarterlyReport
from quarterly_report.tables import Cell, ReportTable, annex_number, projection_table, training_table, village_table
from quarterly_report.template import (
    HEADING,
    NOTE,
    TEXT,
    Block,
    DocumentTemplate,
    Paragraph,
    Span,
    Table,
    TableCell,
    render,
)
from warehouse import analysis
from warehouse.codes import DIGITAL_DOMAINS, LATE, MISSING, NOT_DUE, ON_TIME

# The commune's report to its People's Committee; docs/quarterly-report.md says what each placeholder holds.
COMMUNE_REPORT = DocumentTemplate(
    "bao_cao_quy_xa",
    required=("body", "demo_notice", "commune_upper", "place", "number", "day", "month", "year", "quarter",
              "quarter_year", "signatory"),
    optional=("commune", "commune_in_sentence", "quarter_label"),
)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
# Columns the document leaves to the annexes, to fit the page's width.
TRAINING_PLACE = 3
PROJECTION_LATEST_PERIOD = 2
# A Markdown span in bold (`**…**`) or italics (`*…*`), kept by `re.split` as a part of its own.
MARKDOWN_EMPHASIS = re.compile(r"(\*\*[^*]+\*\*|\*[^*]+\*)")
COMMUNE_PREFIXES = ("Xã ", "Phường ", "Thị trấn ", "Đặc khu ")


def place_name(commune_name: str) -> str:
    """The place in the date line: the commune's name without its kind (`Xã Gia Lộc` → `Gia Lộc`)."""
    for prefix in COMMUNE_PREFIXES:
        if commune_name.startswith(prefix):
            return commune_name[len(prefix):]
    return commune_name


def commune_in_sentence(commune_name: str) -> str:
    """The commune's name inside a sentence, its kind in lower case (`Xã Gia Lộc` → `xã Gia Lộc`)."""
    for prefix in COMMUNE_PREFIXES:
        if commune_name.startswith(prefix):
            return prefix.lower() + commune_name[len(prefix):]
    return commune_name


def decree_date(day: date) -> tuple[str, str, str]:
    """Day, month and year as the decree writes them: a day under 10 and the months 1 and 2 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}", month, str(day.year)


def render_docx(report: QuarterlyReport, language: str = i18n.DEFAULT_LANGUAGE,
                template_file: Path | None = None) -> bytes:
    """The report as the bytes of a .docx file, from the language's template or from `template_file`."""
    return render(COMMUNE_REPORT, placeholders(report, language), body(report, language), language, template_file)


def placeholders(report: QuarterlyReport, language: str) -> dict[str, object]:
    """The values of the template's placeholders other than the body."""
    day, month, year = decree_date(report.issued_on)
    return {
        "commune": report.commune_name,
        "commune_upper": report.commune_name.upper(),
        "commune_in_sentence": commune_in_sentence(report.commune_name),
        "place": place_name(report.commune_name),
        "number": report.texts.report_number or "…",
        "day": day, "month": month, "year": year,
        "quarter": i18n.ROMAN_QUARTERS[report.quarter_number],
        "quarter_year": str(report.year),
        "quarter_label": i18n.period_label(report.quarter, language),
        "demo_notice": i18n.t("report.doc.demo", language) if report.is_demo else "",
        "signatory": report.texts.signatory,
    }


def body(report: QuarterlyReport, language: str) -> list[Block]:
    """Sections I–IX of the report, as paragraphs and tables."""
    return _Body(report, language).blocks

class _Body:
    """Writes the report's sections, in order, as blocks."""

    def __init__(self, report: QuarterlyReport, language: str) -> None:
        self.report = report
        self.language = language
        self.sections = iter(ROMAN)
        self.blocks: list[Block] = []
        self.team_set_up()
        self.training()
        self.results()
        self.communication()
        self.timeliness()
        self.at_risk()
        for field, key in (("difficulties", "report.section.difficulties"), ("next_tasks", "report.section.next_tasks"),
                           ("proposals", "report.section.proposals")):
            self.heading(key)
            text = getattr(self.report.texts, field)
            for line in (text.splitlines() if text.strip() else [self.t("report.doc.no_text")]):
                if line.strip():
                    self.paragraph(line.strip(), italic=not text.strip())

    def t(self, key: str, **values: object) -> str:
        return i18n.t(key, self.language, **values)

    def paragraph(self, text: str, *, italic: bool = False) -> None:
        self.blocks.append(Paragraph.of(text, NOTE if italic else TEXT))

    def heading(self, key: str, **values: object) -> None:
        self.blocks.append(Paragraph.of(f"{next(self.sections)}. {self.t(key, **values).upper()}", HEADING))

    def names(self, names: list[str]) -> str:
        return ", ".join(names)

    def team_set_up(self) -> None:
        report, summary = self.report, self.report.summary
        self.heading("report.section.teams")
        affiliations = "; ".join(
            f"{self.t(f'report.affiliation.{row.affiliation}')} {i18n.number(row.members, self.language)} "
            f"({i18n.percent(row.share, self.language)})" for row in report.affiliations.itertuples()
        )
        self.paragraph(self.t("report.doc.teams", teams=i18n.number(summary.teams, self.language),
                              villages=i18n.number(summary.villages, self.language),
                              members=i18n.number(summary.members, self.language),
                              core=i18n.number(report.core_members, self.language), affiliations=affiliations))
        size = report.full_team_size
        short = report.villages_without_full_team
        self.paragraph(self.t("report.doc.short_teams", size=size, count=len(short), names=self.names(short))
                       if short else self.t("report.doc.all_full", size=size))
        coreless = report.villages_without_core_member
        self.paragraph(self.t("report.doc.coreless", count=len(coreless), names=self.names(coreless))
                       if coreless else self.t("report.doc.all_core"))
        self.see_annex("teams", "affiliations")

    def training(self) -> None:
        report = self.report
        self.heading("report.section.training")
        if report.training.empty:
            self.paragraph(self.t("report.doc.no_training"))
            self.never_trained()
            return
        self.paragraph(self.t("report.doc.training", sessions=len(report.training),
                              attended=i18n.number(report.training_attended, self.language),
                              possible=i18n.number(report.training_possible, self.language),
                              rate=i18n.percent(report.training_rate, self.language)))
        self.table(training_table(report, self.language), drop=(TRAINING_PLACE,))
        self.never_trained()
        self.see_annex("training", "training_by_team")

    def never_trained(self) -> None:
        """How many members have attended no session yet, by village (names stay out of a document sent on)."""
        never = self.report.never_trained
        if never.empty:
            self.paragraph(self.t("report.doc.everyone_trained"))
            return
        # The query lists them in Vietnamese order of villages; grouping keeps that order.
        by_village = never.groupby("village_name", sort=False).size()
        villages = ", ".join(f"{name} {i18n.number(count, self.language)}" for name, count in by_village.items())
        self.paragraph(self.t("report.doc.never_trained", count=i18n.number(len(never), self.language),
                              villages=villages))

    def results(self) -> None:
        report, summary = self.report, self.report.summary
        lang = self.language
        self.heading("report.section.results")
        not_reported = summary.villages - summary.villages_reported
        self.paragraph(self.t(
            "report.doc.results", guided=i18n.number(summary.households_guided, lang),
            households=i18n.number(summary.households, lang), share=i18n.percent(summary.guided_share, lang),
            target=i18n.percent(report.target_share, lang, 0),
            meeting=i18n.number(summary.villages_meeting_target, lang), villages=i18n.number(summary.villages, lang),
            below=i18n.number(report.villages_below_target, lang),
        ) + (" " + self.t("report.doc.not_reported", count=not_reported) if not_reported else ""))
        domains = dict(zip(report.domains["domain"], report.domains["coverage"], strict=True))
        self.paragraph(self.t("report.doc.domains", **{
            domain: i18n.percent(domains.get(domain), lang) for domain in DIGITAL_DOMAINS
        }))
        self.table(village_table(report, lang))
        self.paragraph(self.t("report.doc.village_note"), italic=True)

    def communication(self) -> None:
        self.heading("report.section.communication")
        self.paragraph(self.t("report.doc.communication",
                              sessions=i18n.number(self.report.info_sessions, self.language),
                              printed=i18n.number(self.report.printed_materials, self.language)))
        self.see_annex("communication")

    def timeliness(self) -> None:
        report = self.report
        counts = report.timeliness_counts
        self.heading("report.section.timeliness")
        self.paragraph(self.t("report.doc.timeliness", deadline=i18n.day(report.deadline, self.language),
                              on_time=counts[ON_TIME], late=counts[LATE], missing=counts[MISSING],
                              not_due=counts[NOT_DUE]))
        if report.timeliness_rate is not None:
            rate = i18n.percent(report.timeliness_rate, self.language)
            self.paragraph(self.t("report.doc.timeliness_rate", rate=rate))
        for status in (LATE, MISSING, NOT_DUE):
            names = report.villages_with_status(status)
            if names:
                self.paragraph(f"- {self.t(f'report.doc.list.{status}')}: {self.names(names)}.")
        self.see_annex("timeliness")

    def at_risk(self) -> None:
        report = self.report
        year_end = i18n.day(analysis.CAMPAIGN_END, self.language)
        self.heading("report.section.at_risk", day=year_end)
        # The Trends page's own words for the method, its Markdown emphasis kept as bold and italic runs.
        self.emphasised(self.t("analysis.trends.method", months=analysis.PROJECTION_MONTHS, day=year_end))
        at_risk = report.villages_at_risk
        target = i18n.percent(report.target_share, self.language, 0)
        if at_risk.empty:
            self.paragraph(self.t("report.doc.none_at_risk", target=target, day=year_end))
        else:
            self.paragraph(self.t("report.doc.at_risk", count=len(at_risk), target=target, day=year_end))
            self.table(projection_table(report, self.language, only_at_risk=True),
                       drop=(PROJECTION_LATEST_PERIOD,))
        self.see_annex("projection")

    def see_annex(self, *keys: str) -> None:
        annexes = ", ".join(str(annex_number(key)) for key in keys)
        self.paragraph(self.t("report.doc.see_annex", annexes=annexes), italic=True)

    def emphasised(self, text: str) -> None:
        """A body paragraph of `text` with its Markdown `**bold**` and `*italic*` spans in bold and italics."""
        spans = []
        for part in MARKDOWN_EMPHASIS.split(text):
            if part.startswith("**") and part.endswith("**") and len(part) > 4:
                spans.append(Span(part[2:-2], bold=True))
            elif part.startswith("*") and part.endswith("*") and len(part) > 2:
                spans.append(Span(part[1:-1], italic=True))
            elif part:
                spans.append(Span(part))
        self.blocks.append(Paragraph(tuple(spans)))

    def table(self, table: ReportTable, drop: tuple[int, ...] = ()) -> None:
        """A table of `table`, without the columns at the positions in `drop` (the annex keeps them)."""
        kept = [(index, column) for index, column in enumerate(table.columns) if index not in drop]
        rows = [[TableCell(format_cell(row[index], column.kind, self.language), number=column.kind != "text")
                 for index, column in kept] for row in table.rows]
        if table.totals:
            # A total that does not apply is left empty rather than shown as missing.
            rows.append([TableCell("" if table.totals[index] is None
                                   else format_cell(table.totals[index], column.kind, self.language),
                                   number=column.kind != "text", bold=True) for index, column in kept])
        self.blocks.append(Table(caption=table.title, headings=[column.header for _, column in kept], rows=rows,
                                 widths=[column.width for _, column in kept]))


def format_cell(value: Cell, kind: str, language: str) -> str:
    """A table cell as the document shows it: `1.234`, `72,5%`, `15/12/2025`; a dash when missing."""
    if value is None:
        return i18n.MISSING_VALUE
    if isinstance(value, str):  # a label, such as the totals row's "Tổng cộng"
        return value
    if kind == "integer":
        return i18n.number(cast(float, value), language)
    if kind == "decimal":
        return i18n.number(cast(float, value), language, 1)
    if kind == "percent":
        return i18n.percent(cast(float, value), language)
    if kind == "date":
        return i18n.day(cast(date, value), language)
    return str(value)
