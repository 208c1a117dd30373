"""The Department of Science and Technology's quarterly summary of a city (province): every commune side by side.

The numbers are the city view's (`warehouse/city.py`, the only reads here): totals, the ranking, the communes behind
the target, those whose quarterly report is missing, the projection to the campaign's end. Written as a Word document
filled into the editable template `templates/bao_cao_quy_so.docx` (Decree 30/2020/NĐ-CP, issued by the Department:
*SỞ KHOA HỌC VÀ CÔNG NGHỆ*, *Số: …/BC-SKHCN*) and its annex tables as an Excel workbook.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

import i18n
from quarterly_report.builder import OfQuarter, ReportRefused
from quarterly_report.excel import annex_workbook
from quarterly_report.tables import ReportColumn, ReportTable, _cell
from quarterly_report.template import HEADING, NOTE, TEXT, Block, DocumentTemplate, Paragraph, Table, TableCell, render
from quarterly_report.word import decree_date, format_cell
from settings import Settings
from warehouse import analysis, city, registry
from warehouse.codes import DIGITAL_DOMAINS, LATE, MISSING, NOT_DUE, ON_TIME
from warehouse.database import Warehouse
from warehouse.periods import is_quarter, months_in, quarter_deadline, quarter_parts

# The Department's summary of a province; docs/quarterly-report.md says what each placeholder holds.
CITY_REPORT = DocumentTemplate(
    "bao_cao_quy_so",
    required=("body", "demo_notice", "province_upper", "place", "number", "day", "month", "year", "quarter",
              "quarter_year", "signatory"),
    optional=("province", "province_in_sentence", "quarter_label"),
)
PROVINCE_PREFIXES = ("Thành phố ", "Tỉnh ")
SECTIONS = ("I", "II", "III", "IV", "V")
# The annexes, in the order the document cites them (Phụ lục 1, 2, …): one workbook sheet each.
ANNEXES = ("ranking", "behind", "not_reported", "projection")


@dataclass(frozen=True)
class CityReport(OfQuarter):
    """The numbers and tables of one province's quarterly summary."""

    province: str
    province_name: str
    quarter: str
    issued_on: date
    deadline: date
    is_demo: bool
    communes: pd.DataFrame  # city.commune_table for the quarter
    totals: city.CityTotals
    projection: pd.DataFrame  # city.projected_communes
    number: str = ""
    signatory: str = ""

    @property
    def behind(self) -> pd.DataFrame:
        """The communes with data under the target, lowest headline first."""
        rows = self.communes[self.communes["has_data"] & ~self.communes["meets_target"]]
        return rows.iloc[::-1]

    @property
    def not_reported(self) -> pd.DataFrame:
        """The communes whose quarterly report is missing (the deadline has passed), in the table's order."""
        return self.communes[self.communes["quarterly_report"] == MISSING]

    def with_status(self, status: str) -> list[str]:
        return self.communes.loc[self.communes["quarterly_report"] == status, "commune_name"].tolist()


def build_city_report(db: Warehouse, province: str, quarter: str, settings: Settings, today: date,
                      *, number: str = "", signatory: str = "") -> CityReport:
    """The province's summary for the quarter, from the city view's queries; refused (ReportRefused) for a malformed
    quarter, a province the warehouse has not registered, or a quarter in which no commune of it reported."""
    if not is_quarter(quarter):
        raise ReportRefused("report.refused.bad_quarter", quarter=quarter)
    name = registry.province_name(db, province)
    if name is None or city.province_communes(db, province).empty:
        raise ReportRefused("report.city.refused.unknown_province", province=province)
    if not set(months_in(quarter)) & set(city.province_months(db, province)):
        quarter_year, quarter_number = quarter_parts(quarter)
        raise ReportRefused("report.city.refused.no_data", province=name,
                            quarter=i18n.ROMAN_QUARTERS[quarter_number], year=quarter_year)
    communes = city.commune_table(db, province, quarter, settings.report_deadline_day, today)
    with_data = communes[communes["has_data"]]
    return CityReport(
        province=province, province_name=name, quarter=quarter, issued_on=today,
        deadline=quarter_deadline(quarter, settings.report_deadline_day),
        is_demo=bool(with_data["is_demo"].any()), communes=communes, totals=city.city_totals(communes),
        projection=city.projected_communes(db, province), number=number.strip(), signatory=signatory.strip(),
    )


def place_name(province_name: str) -> str:
    """The place in the date line: the province's name without its kind (`Thành phố Hải Phòng` → `Hải Phòng`)."""
    for prefix in PROVINCE_PREFIXES:
        if province_name.startswith(prefix):
            return province_name[len(prefix):]
    return province_name


def in_sentence(province_name: str) -> str:
    """The province's name inside a sentence, its kind in lower case (`thành phố Hải Phòng`)."""
    for prefix in PROVINCE_PREFIXES:
        if province_name.startswith(prefix):
            return prefix.lower() + province_name[len(prefix):]
    return province_name


# The annex tables: raw values and column kinds, laid out by both the document and the workbook.


def _status(status: object, language: str) -> str | None:
    return None if status is None or pd.isna(status) else i18n.t(f"report.city.status.{status}", language)


def _unit_type(unit_type: object, language: str) -> str | None:
    return None if unit_type is None or pd.isna(unit_type) else i18n.t(f"registry.unit_type.{unit_type}", language)


def _month(period: object, language: str) -> str | None:
    return None if period is None or pd.isna(period) else i18n.period_label(str(period), language)


def _households_short(row: pd.Series, target: float) -> int:
    """Households still to guide for the commune to reach the target."""
    return max(0, math.ceil(round(target * int(row["households"]), 6)) - int(row["households_guided"]))


def ranking_table(report: CityReport, language: str) -> ReportTable:
    """Every commune of the province with the city view's figures, by headline (communes without data last)."""
    t = lambda key, **values: i18n.t(key, language, **values)  # noqa: E731
    rows = [[
        _cell(row["rank"]), row["commune_name"], _unit_type(row["unit_type"], language), int(row["villages"]),
        int(row["households"]), int(row["households_guided"]), _cell(row["guided_share"]),
        int(row["villages_meeting_target"]), *(_cell(row[domain]) for domain in DIGITAL_DOMAINS),
        int(row["members"]), _cell(row["training_rate"]), _month(row["latest_report"], language),
        _status(row["quarterly_report"], language),
    ] for _, row in report.communes.iterrows()]
    totals = report.totals
    return ReportTable(
        key="ranking", sheet=t("report.city.sheet.ranking"),
        title=t("report.city.annex.ranking", province=report.province_name,
                quarter=i18n.period_label(report.quarter, language)),
        columns=[
            ReportColumn(t("report.city.col.rank"), "integer", 8),
            ReportColumn(t("report.city.col.commune"), "text", 26),
            ReportColumn(t("report.city.col.type"), "text", 10),
            ReportColumn(t("report.city.col.villages"), "integer", 9),
            ReportColumn(t("report.city.col.households"), "integer", 12),
            ReportColumn(t("report.city.col.guided"), "integer", 12),
            ReportColumn(t("report.city.col.share"), "percent", 11),
            ReportColumn(t("report.city.col.villages_meeting"), "integer", 12),
            *(ReportColumn(t(f"domain.{domain}"), "percent", 12) for domain in DIGITAL_DOMAINS),
            ReportColumn(t("report.city.col.members"), "integer", 11),
            ReportColumn(t("report.city.col.training"), "percent", 12),
            ReportColumn(t("report.city.col.latest"), "text", 16),
            ReportColumn(t("report.city.col.quarterly_report"), "text", 14),
        ],
        rows=rows,
        totals=[None, t("report.total"), None, int(report.communes["villages"].sum()), totals.households,
                totals.households_guided, totals.guided_share, int(report.communes["villages_meeting_target"].sum()),
                *(None for _ in DIGITAL_DOMAINS), int(report.communes["members"].sum()), None, None, None],
    )


def behind_table(report: CityReport, language: str) -> ReportTable:
    """The communes with data under the target, lowest first: how far, and their projection to the campaign's end."""
    t = lambda key, **values: i18n.t(key, language, **values)  # noqa: E731
    projected = report.projection.set_index("commune_code")["projected_share"]
    target = report.totals.target_share
    rows = [[
        _cell(row["rank"]), row["commune_name"], _cell(row["guided_share"]), _households_short(row, target),
        _cell(projected.get(row["commune_code"])), *(_cell(row[domain]) for domain in DIGITAL_DOMAINS),
    ] for _, row in report.behind.iterrows()]
    return ReportTable(
        key="behind", sheet=t("report.city.sheet.behind"),
        title=t("report.city.annex.behind", target=i18n.percent(target, language, 0)),
        columns=[
            ReportColumn(t("report.city.col.rank"), "integer", 8),
            ReportColumn(t("report.city.col.commune"), "text", 26),
            ReportColumn(t("report.city.col.share"), "percent", 11),
            ReportColumn(t("report.city.col.short"), "integer", 14),
            ReportColumn(t("report.city.col.projected", day=i18n.day(analysis.CAMPAIGN_END, language)), "percent", 14),
            *(ReportColumn(t(f"domain.{domain}"), "percent", 12) for domain in DIGITAL_DOMAINS),
        ],
        rows=rows,
    )


def not_reported_table(report: CityReport, language: str) -> ReportTable:
    """The communes whose quarterly report is missing after the deadline, with their villages' reports."""
    t = lambda key, **values: i18n.t(key, language, **values)  # noqa: E731
    rows = [[
        row["commune_name"], _unit_type(row["unit_type"], language), int(row["villages"]),
        _month(row["latest_report"], language), int(row["reports_on_time"]), int(row["reports_late"]),
        int(row["reports_missing"]),
    ] for _, row in report.not_reported.iterrows()]
    return ReportTable(
        key="not_reported", sheet=t("report.city.sheet.not_reported"),
        title=t("report.city.annex.not_reported", deadline=i18n.day(report.deadline, language)),
        columns=[
            ReportColumn(t("report.city.col.commune"), "text", 26), ReportColumn(t("report.city.col.type"), "text", 10),
            ReportColumn(t("report.city.col.villages"), "integer", 9),
            ReportColumn(t("report.city.col.latest"), "text", 16),
            ReportColumn(t("report.city.col.on_time"), "integer", 12),
            ReportColumn(t("report.city.col.late"), "integer", 12),
            ReportColumn(t("report.city.col.missing"), "integer", 12),
        ],
        rows=rows,
    )


def projection_table(report: CityReport, language: str) -> ReportTable:
    """Every commune with villages, its headline projected to the campaign's end, the communes at risk first."""
    t = lambda key, **values: i18n.t(key, language, **values)  # noqa: E731
    day = i18n.day(analysis.CAMPAIGN_END, language)
    rows = [[
        row["commune_name"], int(row["households"]), _cell(row["value"]), _cell(row["projected_share"]),
        t("report.yes" if row["at_risk"] else "report.no"),
    ] for _, row in report.projection.iterrows()]
    return ReportTable(
        key="projection", sheet=t("report.city.sheet.projection"),
        title=t("report.city.annex.projection", day=day),
        columns=[
            ReportColumn(t("report.city.col.commune"), "text", 26),
            ReportColumn(t("report.city.col.households"), "integer", 12),
            ReportColumn(t("report.city.col.projected_households", day=day), "decimal", 16),
            ReportColumn(t("report.city.col.projected", day=day), "percent", 14),
            ReportColumn(t("report.city.col.at_risk"), "text", 12),
        ],
        rows=rows,
    )


TABLES = {"ranking": ranking_table, "behind": behind_table, "not_reported": not_reported_table,
          "projection": projection_table}


def annex_tables(report: CityReport, language: str = i18n.DEFAULT_LANGUAGE) -> list[ReportTable]:
    """The annexes in the order the document cites them."""
    return [TABLES[key](report, language) for key in ANNEXES]


def render_city_xlsx(report: CityReport, language: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """The summary's annex tables as the bytes of a .xlsx file (neutralised, formatted: quarterly_report.excel)."""
    title = i18n.t("report.city.doc.subtitle", language, quarter=i18n.ROMAN_QUARTERS[report.quarter_number],
                   year=report.year, province=report.province_name)
    return annex_workbook(title, annex_tables(report, language), language)


# The document.


def placeholders(report: CityReport, language: str) -> dict[str, object]:
    """The values of the template's placeholders other than the body."""
    day, month, year = decree_date(report.issued_on)
    return {
        "province": report.province_name,
        "province_upper": report.province_name.upper(),
        "province_in_sentence": in_sentence(report.province_name),
        "place": place_name(report.province_name),
        "number": report.number or "…",
        "day": day, "month": month, "year": year,
        "quarter": i18n.ROMAN_QUARTERS[report.quarter_number],
        "quarter_year": str(report.year),
        "quarter_label": i18n.period_label(report.quarter, language),
        "demo_notice": i18n.t("report.doc.demo", language) if report.is_demo else "",
        "signatory": report.signatory,
    }


def render_city_docx(report: CityReport, language: str = i18n.DEFAULT_LANGUAGE,
                     template_file: Path | None = None) -> bytes:
    """The summary as the bytes of a .docx file, from the language's template or from `template_file`."""
    return render(CITY_REPORT, placeholders(report, language), body(report, language), language, template_file)


def body(report: CityReport, language: str) -> list[Block]:
    """Sections I–V of the summary, as paragraphs and tables."""
    lang = language
    totals = report.totals
    blocks: list[Block] = []
    sections = iter(SECTIONS)
    annexes = {key: number for number, key in enumerate(ANNEXES, start=1)}
    target = i18n.percent(totals.target_share, lang, 0)

    def t(key: str, **values: object) -> str:
        return i18n.t(key, lang, **values)

    def heading(key: str, **values: object) -> None:
        blocks.append(Paragraph.of(f"{next(sections)}. {t(key, **values).upper()}", HEADING))

    def paragraph(text: str, style: str = TEXT) -> None:
        blocks.append(Paragraph.of(text, style))

    def see_annex(key: str) -> None:
        paragraph(t("report.doc.see_annex", annexes=annexes[key]), NOTE)

    def table(source: ReportTable, keep: list[int], rows: int | None = None) -> None:
        kept = [source.columns[index] for index in keep]
        cells = [[TableCell(format_cell(row[index], column.kind, lang), number=column.kind != "text")
                  for index, column in zip(keep, kept, strict=True)] for row in source.rows[:rows]]
        blocks.append(Table(caption=source.title, headings=[column.header for column in kept], rows=cells,
                            widths=[column.width for column in kept]))

    heading("report.city.section.totals")
    province = in_sentence(report.province_name) if lang == "vi" else report.province_name
    paragraph(t("report.city.doc.totals", province=province, communes=i18n.number(totals.communes, lang),
                with_data=i18n.number(totals.communes_with_data, lang),
                guided=i18n.number(totals.households_guided, lang), households=i18n.number(totals.households, lang),
                share=i18n.percent(totals.guided_share, lang), target=target,
                meeting=i18n.number(totals.communes_meeting_target, lang),
                median=i18n.percent(totals.median_share, lang)))
    paragraph(t("report.city.doc.definitions"), NOTE)

    heading("report.city.section.ranking")
    ranking = ranking_table(report, lang)
    with_data = int(report.communes["has_data"].sum())
    paragraph(t("report.city.doc.ranking", count=i18n.number(with_data, lang)))
    # The document ranks the communes with data; the annex lists every commune with all its columns.
    table(ranking, keep=[0, 1, 6, 7, 14], rows=with_data)
    without = totals.communes - with_data
    if without:
        paragraph(t("report.city.doc.without_data", count=i18n.number(without, lang)))
    see_annex("ranking")

    heading("report.city.section.behind", target=target)
    behind = behind_table(report, lang)
    if behind.rows:
        paragraph(t("report.city.doc.behind", count=i18n.number(len(behind.rows), lang), target=target))
        table(behind, keep=[1, 2, 3, 4])
    else:
        paragraph(t("report.city.doc.none_behind", target=target))
    see_annex("behind")

    heading("report.city.section.not_reported")
    counts = {status: len(report.with_status(status)) for status in (ON_TIME, LATE, MISSING, NOT_DUE)}
    paragraph(t("report.city.doc.timeliness", deadline=i18n.day(report.deadline, lang), on_time=counts[ON_TIME],
                late=counts[LATE], missing=counts[MISSING], not_due=counts[NOT_DUE]))
    for status in (MISSING, LATE, NOT_DUE):
        names = report.with_status(status)
        if names:
            paragraph(f"- {t(f'report.city.doc.list.{status}')}: {', '.join(names)}.")
    see_annex("not_reported")

    year_end = i18n.day(analysis.CAMPAIGN_END, lang)
    heading("report.city.section.projection", day=year_end)
    at_risk = report.projection[report.projection["at_risk"]]
    paragraph(t("report.city.doc.projection", day=year_end, target=target,
                count=i18n.number(len(at_risk), lang), communes=i18n.number(len(report.projection), lang)))
    see_annex("projection")
    return blocks
