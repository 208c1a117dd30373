"""The quarterly report as a Word document laid out as an administrative report (Decree 30/2020/NĐ-CP, annex I)."""

from __future__ import annotations

import io
import re
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell

import exports
import i18n
from quarterly_report.builder import QuarterlyReport
from quarterly_report.tables import Cell, ReportTable, annex_number, projection_table, training_table, village_table
from warehouse import analysis
from warehouse.codes import DIGITAL_DOMAINS, LATE, MISSING, NOT_DUE, ON_TIME

FONT = "Times New Roman"
PARAGRAPH_GAP = Pt(6)
BODY_SIZE, HEADER_SIZE, TABLE_SIZE, RECIPIENTS_SIZE = Pt(13), Pt(13), Pt(11), Pt(11)
# The decree's margins: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
TEXT_WIDTH = Mm(210 - 30 - 15)
HEADER_COLUMNS = (Cm(6.5), TEXT_WIDTH - Cm(6.5))
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
# Columns the document leaves to the annexes, to fit the page's width.
TRAINING_PLACE = 3
PROJECTION_LATEST_PERIOD = 2
# Elements that follow w:pBdr in w:pPr and w:tblBorders in w:tblPr (ECMA-376 order).
PBDR_SUCCESSORS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
TBLBORDERS_SUCCESSORS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                         "w:tblPrChange")
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


def render_docx(report: QuarterlyReport, language: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """The report as the bytes of a .docx file."""
    document = Document()
    _set_up_page_and_font(document)
    _page_numbers(document)
    writer = _Writer(document, report, language)
    writer.header_blocks()
    writer.title()
    writer.body()
    writer.recipients_and_signature()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_up_page_and_font(document: DocxDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    for style_name in ("Normal", "Table Grid"):
        style = document.styles[style_name]
        style.font.name = FONT
        # Word picks the font for Vietnamese letters from the East Asian and complex-script slots too.
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT)
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def _rule(paragraph_owner: DocxDocument | _Cell, width: Cm, owner_width: Cm) -> None:
    """A short centred horizontal line (the rule under the header blocks and the title)."""
    paragraph = paragraph_owner.add_paragraph()
    indent = int((owner_width - width) / 2)
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent
    paragraph.paragraph_format.space_after = Pt(6)
    # The line is the bottom border of a tiny empty paragraph, so it sits just below the text above, not on it.
    paragraph.paragraph_format.line_spacing = Pt(3)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    # Word refuses properties out of the schema's order, so the border goes before its successors.
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *PBDR_SUCCESSORS)
    paragraph.add_run().font.size = Pt(2)


def _page_numbers(document: DocxDocument) -> None:
    """The page number centred at the top of every page but the first, as the decree asks."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, instruction in (("begin", None), (None, "PAGE"), ("end", None)):
        run = paragraph.add_run()
        if kind is None:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = instruction
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def _borderless_two_columns(owner: DocxDocument, rows: int) -> Table:
    """A table without borders whose two columns hold the left and right blocks (header, signature)."""
    table = owner.add_table(rows=rows, cols=2)
    _no_borders(table)
    table.autofit = False
    for column, width in zip(table.columns, HEADER_COLUMNS, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    return table


def _no_borders(table: Table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.insert_element_before(borders, *TBLBORDERS_SUCCESSORS)


class _Writer:
    """Writes the report's parts into one document, in order."""

    def __init__(self, document: DocxDocument, report: QuarterlyReport, language: str) -> None:
        self.document = document
        self.report = report
        self.language = language
        self.sections = iter(ROMAN)

    def t(self, key: str, **values: object) -> str:
        return i18n.t(key, self.language, **values)

    def paragraph(self, text: str = "", *, bold: bool = False, italic: bool = False, size: Pt | None = None,
                  align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True,
                  owner: DocxDocument | _Cell | None = None, space_after: Pt = PARAGRAPH_GAP):
        paragraph = (owner or self.document).add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = space_after
        if indent:
            paragraph.paragraph_format.first_line_indent = Cm(1)
        run = paragraph.add_run(exports.document_text(text))
        run.bold, run.italic = bold, italic
        if size is not None:
            run.font.size = size
        return paragraph

    def header_blocks(self) -> None:
        report = self.report
        table = _borderless_two_columns(self.document, rows=2)
        left, right = table.cell(0, 0), table.cell(0, 1)
        centred = {"align": WD_ALIGN_PARAGRAPH.CENTER, "indent": False, "space_after": Pt(0), "size": HEADER_SIZE}
        left.paragraphs[0].text = ""
        self._cell_text(left, self.t("report.doc.superior", commune=report.commune_name.upper()), bold=False)
        self.paragraph(self.t("report.doc.issuer"), bold=True, owner=left, **centred)
        _rule(left, Cm(2.5), HEADER_COLUMNS[0])
        self._cell_text(right, self.t("report.doc.nation"), bold=True, size=Pt(12))
        self.paragraph(self.t("report.doc.motto"), bold=True, owner=right, **{**centred, "size": Pt(14)})
        _rule(right, Cm(5.5), HEADER_COLUMNS[1])

        number = report.texts.report_number or "…"
        self._cell_text(table.cell(1, 0), self.t("report.doc.number", number=number), bold=False)
        day, month, year = decree_date(report.issued_on)
        self._cell_text(table.cell(1, 1), self.t("report.doc.place_date", place=place_name(report.commune_name),
                                                 day=day, month=month, year=year), bold=False, italic=True)

    def _cell_text(self, cell: _Cell, text: str, *, bold: bool, italic: bool = False, size: Pt = HEADER_SIZE) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(exports.document_text(text))
        run.bold, run.italic, run.font.size = bold, italic, size

    def title(self) -> None:
        report = self.report
        self.paragraph("", indent=False)
        self.paragraph(self.t("report.doc.title"), bold=True, size=Pt(14), align=WD_ALIGN_PARAGRAPH.CENTER,
                       indent=False, space_after=Pt(0))
        self.paragraph(self.t("report.doc.subtitle", quarter=i18n.ROMAN_QUARTERS[report.quarter_number],
                              year=report.year), bold=True, size=Pt(14), align=WD_ALIGN_PARAGRAPH.CENTER,
                       indent=False, space_after=Pt(0))
        _rule(self.document, Cm(4), TEXT_WIDTH)
        if report.is_demo:
            self.paragraph(self.t("report.doc.demo"), italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        self.paragraph(self.t("report.doc.opening", commune=commune_in_sentence(report.commune_name),
                              quarter=i18n.period_label(report.quarter, self.language)))

    def heading(self, key: str, **values: object) -> None:
        self.paragraph(f"{next(self.sections)}. {self.t(key, **values).upper()}", bold=True,
                       space_after=Pt(6))

    def names(self, names: list[str]) -> str:
        return ", ".join(names)

    def body(self) -> None:
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
        self.paragraph(self.t("report.doc.closing", quarter=i18n.ROMAN_QUARTERS[self.report.quarter_number],
                              year=self.report.year))

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
        """A body paragraph of `text` with its Markdown `**bold**` and `*italic*` spans as bold and italic runs."""
        paragraph = self.paragraph("")
        for part in MARKDOWN_EMPHASIS.split(text):
            if part.startswith("**") and part.endswith("**") and len(part) > 4:
                paragraph.add_run(part[2:-2]).bold = True
            elif part.startswith("*") and part.endswith("*") and len(part) > 2:
                paragraph.add_run(part[1:-1]).italic = True
            elif part:
                paragraph.add_run(part)

    def table(self, table: ReportTable, drop: tuple[int, ...] = ()) -> None:
        """A bordered table of `table`, without the columns at the positions in `drop` (the annex keeps them)."""
        keep = [index for index in range(len(table.columns)) if index not in drop]
        caption = self.paragraph(table.title, bold=True, size=TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER,
                                 indent=False, space_after=Pt(3))
        caption.paragraph_format.keep_with_next = True
        rows = [*table.rows, *([table.totals] if table.totals else [])]
        grid = self.document.add_table(rows=1 + len(rows), cols=len(keep))
        grid.style = self.document.styles["Table Grid"]
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        # The page's width shared in proportion to the columns' widths in the workbook.
        total = sum(table.columns[index].width for index in keep)
        widths = [int(TEXT_WIDTH * table.columns[index].width / total) for index in keep]
        for grid_column, width in zip(grid.columns, widths, strict=True):
            grid_column.width = width
        header = [(column.header, "text") for column in (table.columns[index] for index in keep)]
        for row_number, grid_row in enumerate(grid.rows):
            is_header, is_totals = row_number == 0, table.totals is not None and row_number == len(rows)
            # One pass over each row's cells: python-docx finds a cell by position in linear time.
            values = header if is_header else [(rows[row_number - 1][index], table.columns[index].kind)
                                               for index in keep]
            for cell, width, (value, kind) in zip(grid_row.cells, widths, values, strict=True):
                cell.width = width
                if is_header:
                    text = value
                elif is_totals and value is None:  # not applicable rather than missing: left empty
                    text = ""
                else:
                    text = format_cell(value, kind, self.language)
                self._table_cell(cell, text, bold=is_header or is_totals, centre=is_header or kind != "text")
            # Keep each row on one page, and repeat the header row on every page the table runs onto.
            properties = grid_row._tr.get_or_add_trPr()
            properties.append(OxmlElement("w:cantSplit"))
            if is_header:
                repeat = OxmlElement("w:tblHeader")
                repeat.set(qn("w:val"), "true")
                properties.append(repeat)
        self.paragraph("", space_after=Pt(3), indent=False)

    def _table_cell(self, cell: _Cell, text: str, *, bold: bool, centre: bool) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.LEFT
        run = paragraph.add_run(exports.document_text(text))
        run.bold = bold
        run.font.size = TABLE_SIZE

    def recipients_and_signature(self) -> None:
        report = self.report
        self.paragraph("", indent=False)
        table = _borderless_two_columns(self.document, rows=1)
        left, right = table.cell(0, 0), table.cell(0, 1)
        heading = left.paragraphs[0]
        run = heading.add_run(self.t("report.doc.recipients"))
        run.bold, run.italic, run.font.size = True, True, Pt(12)
        for line in self.t("report.doc.recipient_list", commune=commune_in_sentence(report.commune_name)).split("|"):
            self.paragraph(line, owner=left, size=RECIPIENTS_SIZE, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT,
                           space_after=Pt(0))
        self._cell_text(right, self.t("report.doc.signer_title"), bold=True, size=Pt(13))
        if not report.texts.signatory:
            self.paragraph(self.t("report.doc.sign_here"), italic=True, owner=right, size=Pt(13), indent=False,
                           align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(0))
        for _ in range(4):
            self.paragraph("", owner=right, indent=False, space_after=Pt(0))
        if report.texts.signatory:
            self.paragraph(report.texts.signatory, bold=True, owner=right, indent=False,
                           align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(0))


def format_cell(value: Cell, kind: str, language: str) -> str:
    """A table cell as the document shows it: `1.234`, `72,5%`, `15/12/2025`; a dash when missing."""
    if value is None:
        return i18n.MISSING_VALUE
    if isinstance(value, str):  # a label, such as the totals row's "Tổng cộng"
        return value
    if kind == "integer":
        return i18n.number(value, language)
    if kind == "decimal":
        return i18n.number(value, language, 1)
    if kind == "percent":
        return i18n.percent(value, language)
    if kind == "date":
        return i18n.day(value, language)
    return str(value)
