"""A Word document described as plain data: page set-up, then each paragraph and table of the body with the
formatting Word shows (direct formatting, else the paragraph's style and the styles it is based on).

Two documents that describe the same look the same in Word, however their XML is split into runs and styles.
"""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Length
from docx.table import Table
from docx.text.paragraph import Paragraph

PARAGRAPH_FORMATS = ("alignment", "first_line_indent", "left_indent", "right_indent", "space_before", "space_after",
                     "line_spacing", "keep_with_next")
FONT_FORMATS = ("bold", "italic", "size")


def _plain(value: object) -> object:
    """Lengths in whole points × 100 (EMU rounding differs between writers), enums by name."""
    if isinstance(value, Length):
        return round(value.pt * 100)
    if hasattr(value, "name") and not isinstance(value, str):
        return value.name
    return value


def _style_chain(paragraph: Paragraph) -> list:
    chain, style = [], paragraph.style
    while style is not None:
        chain.append(style)
        style = style.base_style
    return chain


def _paragraph_format(paragraph: Paragraph) -> dict[str, object]:
    shown = {}
    for name in PARAGRAPH_FORMATS:
        value = getattr(paragraph.paragraph_format, name)
        for style in _style_chain(paragraph):
            if value is not None:
                break
            value = getattr(style.paragraph_format, name)
        shown[name] = _plain(value)
    # A rule is the bottom border of a paragraph (directly or through its style).
    borders = [element for element in (paragraph._p.pPr, *(style.element.pPr for style in _style_chain(paragraph)))
               if element is not None and element.find(qn("w:pBdr")) is not None]
    shown["rule"] = bool(borders)
    return shown


def _runs(paragraph: Paragraph) -> list[list[object]]:
    """The paragraph's text in spans of one look: [text, bold, italic, size]; adjacent spans that look alike merged."""
    spans: list[list[object]] = []
    for run in paragraph.runs:
        look = []
        for name in FONT_FORMATS:
            value = getattr(run.font, name)
            for style in _style_chain(paragraph):
                if value is not None:
                    break
                value = getattr(style.font, name)
            look.append(_plain(value) if value is not None else (None if name == "size" else False))
        if not run.text:
            continue
        if spans and spans[-1][1:] == look:
            spans[-1][0] += run.text
        else:
            spans.append([run.text, *look])
    return spans


def describe_paragraph(paragraph: Paragraph) -> dict[str, object]:
    return {"text": paragraph.text, "format": _paragraph_format(paragraph), "runs": _runs(paragraph)}


def describe_table(table: Table) -> dict[str, object]:
    properties = table._tbl.tblPr
    borders = properties.find(qn("w:tblBorders"))
    grid = table._tbl.tblGrid
    rows = []
    for row in table.rows:
        row_properties = row._tr.trPr
        rows.append({
            "repeat_header": row_properties is not None and row_properties.find(qn("w:tblHeader")) is not None,
            "cant_split": row_properties is not None and row_properties.find(qn("w:cantSplit")) is not None,
            "cells": [{"width": _plain(cell.width), "paragraphs": [describe_paragraph(p) for p in cell.paragraphs]}
                      for cell in row.cells],
        })
    return {
        "style": table.style.name if table.style is not None else None,
        "alignment": _plain(table.alignment),
        "borderless": borders is not None and all(edge.get(qn("w:val")) == "nil" for edge in borders),
        "grid": [int(column.get(qn("w:w"))) * 5 for column in grid.findall(qn("w:gridCol"))],  # twips → points × 100
        "rows": rows,
    }


def describe(content: bytes) -> dict[str, object]:
    """The document's page set-up, default font and body, as plain data."""
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    normal = document.styles["Normal"]
    fonts = normal.element.rPr.rFonts if normal.element.rPr is not None else None
    body = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            body.append({"paragraph": describe_paragraph(Paragraph(element, document))})
        elif element.tag == qn("w:tbl"):
            body.append({"table": describe_table(Table(element, document))})
    return {
        "page": {name: _plain(getattr(section, name)) for name in (
            "orientation", "page_width", "page_height", "top_margin", "bottom_margin", "left_margin", "right_margin",
            "different_first_page_header_footer")},
        "page_header": {"text": section.header.paragraphs[0].text if section.header.paragraphs else "",
                        "page_field": "PAGE" in section.header._element.xml,
                        "alignment": _plain(section.header.paragraphs[0].alignment)},
        "normal": {"font": normal.font.name, "size": _plain(normal.font.size),
                   "slots": {slot: fonts.get(qn(f"w:{slot}")) if fonts is not None else None
                             for slot in ("ascii", "hAnsi", "eastAsia", "cs")},
                   **{name: _plain(getattr(normal.paragraph_format, name))
                      for name in ("space_before", "space_after", "line_spacing")}},
        "body": body,
    }
