"""The report templates as first made: the layout of an administrative report (Decree 30/2020/NĐ-CP, annex I)
written once with python-docx, its fixed texts taken from the translation table.

The .docx files of `templates/` are the source after that: a clerk edits them in Word. This module stays so that the
layout can be reviewed, and a template made again from scratch (`python -m quarterly_report make-templates`), which
loses any edit made in Word. A new kind of report is one more `Letterhead` and `DocumentTemplate`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

import i18n
from quarterly_report import template

FONT = "Times New Roman"
BODY_SIZE, TABLE_SIZE = Pt(13), Pt(11)
PARAGRAPH_GAP = Pt(6)
# The decree's margins: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
TEXT_WIDTH = Mm(210 - 30 - 15)
HEADER_COLUMNS = (Cm(6.5), Length(TEXT_WIDTH - Cm(6.5)))
# Elements that follow w:pBdr in w:pPr and w:tblBorders in w:tblPr (ECMA-376 order): Word refuses others.
PBDR_SUCCESSORS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
TBLBORDERS_SUCCESSORS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                         "w:tblPrChange")


@dataclass(frozen=True)
class Letterhead:
    """The fixed texts of a report, with the placeholders (`{{ name }}`) the program fills."""

    superior: str  # the issuing office's superior, above it
    issuer: str
    number: str  # "Số: {{ number }}/BC-…"
    place_date: str
    subtitle: str
    opening: str
    closing: str
    recipients: list[str]  # the lines under "Nơi nhận:"
    signer_title: str
    language: str


def commune_letterhead(language: str) -> Letterhead:
    """The Culture–Society Office's quarterly report to the commune People's Committee."""
    return _letterhead("report.doc", "commune", language)


def department_letterhead(language: str) -> Letterhead:
    """The Department of Science and Technology's quarterly summary of the communes of its city (province)."""
    return _letterhead("report.city.doc", "province", language)


def _letterhead(keys: str, unit: str, language: str) -> Letterhead:
    """The texts under the translation keys `keys`.*, for a report about the `unit` ("commune" or "province")."""
    def t(key: str, **values: str) -> str:
        return i18n.t(key, language, **{name: f"{{{{ {value} }}}}" for name, value in values.items()})

    in_sentence = {unit: f"{unit}_in_sentence"}
    return Letterhead(
        superior=t(f"{keys}.superior", **{unit: f"{unit}_upper"}),
        issuer=t(f"{keys}.issuer"),
        number=t(f"{keys}.number", number="number"),
        place_date=t("report.doc.place_date", place="place", day="day", month="month", year="year"),
        # The commune's subtitle names no province: the placeholder is then not used.
        subtitle=t(f"{keys}.subtitle", quarter="quarter", year="quarter_year", province="province"),
        opening=t(f"{keys}.opening", **in_sentence, quarter="quarter_label"),
        closing=t(f"{keys}.closing", quarter="quarter", year="quarter_year"),
        recipients=t(f"{keys}.recipient_list", **in_sentence).split("|"),
        signer_title=t(f"{keys}.signer_title"),
        language=language,
    )


def make_template(letterhead: Letterhead) -> bytes:
    """A blank template with the letterhead's texts, as the bytes of a .docx file."""
    document = Document()
    _page_and_styles(document)
    _page_numbers(document)
    _header_blocks(document, letterhead)
    _title(document, letterhead)
    _body(document)
    _add(document, letterhead.closing, style=template.TEXT)
    _recipients_and_signature(document, letterhead)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_and_styles(document: DocxDocument) -> None:
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
    text = _style(document, template.TEXT, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=PARAGRAPH_GAP)
    text.paragraph_format.first_line_indent = Cm(1)
    _style(document, template.NOTE, base=template.TEXT).font.italic = True
    _style(document, template.HEADING, base=template.TEXT).font.bold = True
    caption = _style(document, template.TABLE_CAPTION, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(3),
                     size=TABLE_SIZE)
    caption.font.bold = True
    caption.paragraph_format.keep_with_next = True
    _style(document, template.TABLE_HEADING, align=WD_ALIGN_PARAGRAPH.CENTER, size=TABLE_SIZE).font.bold = True
    _style(document, template.TABLE_TEXT, align=WD_ALIGN_PARAGRAPH.LEFT, size=TABLE_SIZE)
    _style(document, template.TABLE_NUMBER, align=WD_ALIGN_PARAGRAPH.CENTER, size=TABLE_SIZE)


def _style(document: DocxDocument, name: str, *, base: str = "Normal", align: WD_ALIGN_PARAGRAPH | None = None,
           space_after: Length | None = None, size: Length | None = None):
    """A paragraph style shown in Word's style gallery, so that a clerk finds it."""
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles[base]
    style.quick_style = True
    if align is not None:
        style.paragraph_format.alignment = align
    if space_after is not None:
        style.paragraph_format.space_after = space_after
    if size is not None:
        style.font.size = size
    return style


def _add(owner: DocxDocument | _Cell, text: str = "", *, style: str | None = None, first: bool = False,
         bold: bool | None = None, italic: bool | None = None, size: Length | None = None,
         align: WD_ALIGN_PARAGRAPH | None = None, space_after: Length | None = None) -> Paragraph:
    """A paragraph of `text` in `owner` (its first, empty paragraph when `first`: a cell starts with one)."""
    paragraph = owner.paragraphs[0] if first else owner.add_paragraph(style=style)
    if align is not None:
        paragraph.alignment = align
    if space_after is not None:
        paragraph.paragraph_format.space_after = space_after
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size is not None:
            run.font.size = size
    return paragraph


def _spacer(owner: DocxDocument, space_after: Length) -> None:
    _add(owner, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=space_after)


def _rule(owner: DocxDocument | _Cell, width: Length, owner_width: Length) -> None:
    """A short centred horizontal line (the rule under the header blocks and the title)."""
    paragraph = owner.add_paragraph()
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


def _two_columns(document: DocxDocument, rows: int) -> Table:
    """A table without borders whose two columns hold the left and right blocks (header, signature)."""
    table = document.add_table(rows=rows, cols=2)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(borders, *TBLBORDERS_SUCCESSORS)
    table.autofit = False
    for column, width in zip(table.columns, HEADER_COLUMNS, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    return table


def _header_blocks(document: DocxDocument, letterhead: Letterhead) -> None:
    table = _two_columns(document, rows=2)
    left, right = table.cell(0, 0), table.cell(0, 1)
    centred: dict[str, Any] = {"align": WD_ALIGN_PARAGRAPH.CENTER, "space_after": Pt(0), "size": BODY_SIZE}
    _add(left, letterhead.superior, first=True, **centred)
    _add(left, letterhead.issuer, bold=True, **centred)
    _rule(left, Cm(2.5), HEADER_COLUMNS[0])
    _add(right, i18n.t("report.doc.nation", letterhead.language), first=True, bold=True, **{**centred, "size": Pt(12)})
    _add(right, i18n.t("report.doc.motto", letterhead.language), bold=True, **{**centred, "size": Pt(14)})
    _rule(right, Cm(5.5), HEADER_COLUMNS[1])
    _add(table.cell(1, 0), letterhead.number, first=True, **centred)
    _add(table.cell(1, 1), letterhead.place_date, first=True, italic=True, **centred)


def _title(document: DocxDocument, letterhead: Letterhead) -> None:
    _spacer(document, PARAGRAPH_GAP)
    for text in (i18n.t("report.doc.title", letterhead.language), letterhead.subtitle):
        _add(document, text, bold=True, size=Pt(14), align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(0))
    _rule(document, Cm(4), TEXT_WIDTH)
    _add(document, "{%p if demo_notice %}")
    _add(document, "{{ demo_notice }}", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=PARAGRAPH_GAP)
    _add(document, "{%p endif %}")
    _add(document, letterhead.opening, style=template.TEXT)


def _body(document: DocxDocument) -> None:
    """The loop over the body's blocks: a paragraph, or a captioned table made from the pattern table here."""
    tags = template.BODY_TAGS
    _add(document, tags["blocks"])
    _add(document, tags["if_table"])
    _add(document, tags["caption"], style=template.TABLE_CAPTION)
    table = document.add_table(rows=4, cols=3)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    headings, rows, cells, end_rows = table.rows
    for row, texts, style in ((headings, (tags["headings"], tags["heading"], tags["end_cells"]),
                               template.TABLE_HEADING),
                              (cells, (tags["cells"], tags["cell"], tags["end_cells"]), template.TABLE_TEXT)):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.paragraphs[0].style = document.styles[style]
            cell.paragraphs[0].add_run(text)
        # Keep each row on one page; repeat the heading row on every page the table runs onto.
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    headings._tr.get_or_add_trPr().append(repeat)
    for row, text in ((rows, tags["rows"]), (end_rows, tags["end_rows"])):
        merged = row.cells[0].merge(row.cells[-1])
        merged.paragraphs[0].add_run(text)
    _spacer(document, Pt(3))
    _add(document, tags["else"])
    _add(document, tags["paragraph"])
    _add(document, tags["end_if"])
    _add(document, tags["end_blocks"])


def _recipients_and_signature(document: DocxDocument, letterhead: Letterhead) -> None:
    _spacer(document, PARAGRAPH_GAP)
    table = _two_columns(document, rows=1)
    left, right = table.cell(0, 0), table.cell(0, 1)
    _add(left, i18n.t("report.doc.recipients", letterhead.language), first=True, bold=True, italic=True, size=Pt(12))
    for line in letterhead.recipients:
        _add(left, line, size=Pt(11), align=WD_ALIGN_PARAGRAPH.LEFT, space_after=Pt(0))
    _add(right, letterhead.signer_title, first=True, bold=True, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    _add(right, "{%p if not signatory %}")
    _add(right, i18n.t("report.doc.sign_here", letterhead.language), italic=True, size=BODY_SIZE,
         align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(0))
    _add(right, "{%p endif %}")
    for _ in range(4):  # room for the signature and the seal
        _add(right, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_after=Pt(0))
    _add(right, "{{ signatory }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=Pt(0))
