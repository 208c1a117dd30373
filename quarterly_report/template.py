"""Word documents filled from a .docx template (docxtpl): the template holds the page, the fixed blocks a clerk may
edit in Word and the styles; the program fills the placeholders and the body (paragraphs and tables) into it.

A template is checked before it is filled: a missing file, a broken placeholder, a required placeholder deleted, an
unknown one or a missing style is refused with a sentence (`TemplateRefused`), never a traceback.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Length
from docx.table import Table as DocxTable
from docxtpl import DocxTemplate, RichText, RichTextParagraph
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

import exports
import i18n
from quarterly_report.builder import ReportRefused

TEMPLATES = Path(__file__).parent / "templates"
# The paragraph styles the program gives the body's paragraphs and table cells, by name; every template has them.
TEXT, NOTE, HEADING = "Report Text", "Report Note", "Report Heading"
TABLE_CAPTION, TABLE_HEADING, TABLE_TEXT, TABLE_NUMBER = (
    "Report Table Caption", "Report Table Heading", "Report Table Text", "Report Table Number")
BODY_STYLES = (TEXT, NOTE, HEADING, TABLE_CAPTION, TABLE_HEADING, TABLE_TEXT, TABLE_NUMBER)
# The body is one loop over blocks; the table holding the row loop is the pattern of every table of the body.
BODY = "body"
BODY_TAGS = {
    "blocks": "{%p for block in body %}", "if_table": "{%p if block.table %}", "caption": "{{ block.caption }}",
    "headings": "{%tc for heading in block.headings %}", "heading": "{{ heading }}", "end_cells": "{%tc endfor %}",
    "rows": "{%tr for row in block.rows %}", "cells": "{%tc for cell in row %}", "cell": "{{p cell }}",
    "end_rows": "{%tr endfor %}", "else": "{%p else %}", "paragraph": "{{p block.paragraph }}",
    "end_if": "{%p endif %}", "end_blocks": "{%p endfor %}",
}
ROW_LOOP = re.compile(r"{%\s*tr\s+for\s+row\s+in\s+block\.rows\s*%}")
# XML tags, taken out to show the text Word shows around a broken placeholder or tag.
XML_TAG = re.compile(r"<[^>]+>")
# What opens and closes a placeholder, a tag or a comment: each must open and close inside one paragraph.
CLOSING = {"{{": "}}", "{%": "%}", "{#": "#}"}
DELIMITER = re.compile("|".join(re.escape(delimiter) for pair in CLOSING.items() for delimiter in pair))


class TemplateRefused(ReportRefused):
    """The Word template cannot be used; `key` and `values` word the reason through the translation table."""


@dataclass(frozen=True)
class Span:
    """Text of one look inside a paragraph."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: its text in spans, and the style that sets its look."""

    spans: tuple[Span, ...]
    style: str = TEXT

    @classmethod
    def of(cls, text: str, style: str = TEXT) -> Paragraph:
        return cls((Span(text),), style)


@dataclass(frozen=True)
class TableCell:
    """A body table's cell, as the document shows it."""

    text: str
    number: bool = False  # numbers are centred, text starts on the left
    bold: bool = False


@dataclass(frozen=True)
class Table:
    """A body table: caption, column headings, rows, and each column's share of the text's width."""

    caption: str
    headings: list[str]
    rows: list[list[TableCell]]
    widths: list[float]


Block = Paragraph | Table


@dataclass(frozen=True)
class DocumentTemplate:
    """A kind of document made from a template: its file name, and the placeholders the program fills."""

    stem: str  # the file is templates/<stem>.docx, <stem>.en.docx for English
    required: tuple[str, ...]  # a template without one of these would say something false or drop what staff typed
    optional: tuple[str, ...] = field(default=())

    def path(self, language: str) -> Path:
        suffix = "" if language == i18n.DEFAULT_LANGUAGE else f".{language}"
        return TEMPLATES / f"{self.stem}{suffix}.docx"

    @property
    def placeholders(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)


class _StrictTemplate(DocxTemplate):
    """docxtpl's template, refusing a body whose tags break the document's structure instead of repairing it."""

    def fix_tables(self, xml):
        etree.fromstring(xml)  # docxtpl parses with recover=True, which would silently drop what does not fit
        return super().fix_tables(xml)


def _environment() -> SandboxedEnvironment:
    # Values are escaped for XML; a misspelt name fails instead of printing nothing; a template runs no Python.
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def _refuse(key: str, source: Path, **values: object) -> TemplateRefused:
    return TemplateRefused(f"report.template.{key}", file=source.name, **values)


def _near(xml: str, line_number: int | None) -> str:
    """The text Word shows around line `line_number` of the template's XML (one paragraph a line)."""
    lines = xml.splitlines()
    if not line_number or line_number > len(lines):
        return ""
    text = XML_TAG.sub("", lines[line_number - 1]).strip()
    return text[:80]


def _parts_xml(document: DocxTemplate) -> list[str]:
    """The body, headers and footers as docxtpl gives them to Jinja, one paragraph a line."""
    parts = [document.get_xml()]
    for uri in (document.HEADER_URI, document.FOOTER_URI):
        parts += [document.get_part_xml(part) for _, part in document.get_headers_footers(uri)]
    return [re.sub(r"<w:p([ >])", r"\n<w:p\1", document.patch_xml(xml)) for xml in parts]


def _unbalanced_paragraph(document: DocxTemplate) -> str | None:
    """The text of the first paragraph with a placeholder or tag not opened and closed inside it, if any."""
    parts = [document.docx.element.body, *(part.element for uri in (document.HEADER_URI, document.FOOTER_URI)
                                           for _, part in document.get_headers_footers(uri))]
    for part in parts:
        for paragraph in part.iter(qn("w:p")):
            text = "".join(node.text or "" for node in paragraph.iter(qn("w:t")))
            awaited = None  # the closing delimiter of the placeholder or tag open at this point
            for delimiter in DELIMITER.findall(text):
                if awaited is None and delimiter in CLOSING:
                    awaited = CLOSING[delimiter]
                elif delimiter == awaited:
                    awaited = None
                else:
                    return text
            if awaited is not None:
                return text
    return None


def _shown(parsed: nodes.Template) -> set[str]:
    """The names a template prints (`{{ name }}`) or loops over (`{% for … in name %}`)."""
    shown = {name.name for output in parsed.find_all(nodes.Output) for name in output.find_all(nodes.Name)}
    for loop in parsed.find_all(nodes.For):
        shown |= {name.name for name in (loop.iter, *loop.iter.find_all(nodes.Name)) if isinstance(name, nodes.Name)}
    return shown


def open_template(template: DocumentTemplate, source: Path) -> DocxTemplate:
    """The template at `source`, checked: refused with a `TemplateRefused` when the program cannot fill it."""
    if not source.is_file():
        raise _refuse("missing", source)
    try:
        document = _StrictTemplate(source)
        document.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as error:
        raise _refuse("unreadable", source) from error
    unbalanced = _unbalanced_paragraph(document)
    if unbalanced is not None:
        raise _refuse("unclosed", source, near=unbalanced[:80])
    environment = _environment()
    used: set[str] = set()
    shown: set[str] = set()
    for xml in _parts_xml(document):
        try:
            parsed = environment.parse(xml)
        except TemplateSyntaxError as error:
            raise _refuse("syntax", source, near=_near(xml, error.lineno), reason=error.message) from error
        used |= meta.find_undeclared_variables(parsed)
        shown |= _shown(parsed)
    unknown = sorted(used - set(template.placeholders))
    if unknown:
        raise _refuse("unknown_placeholders", source, names=_names(unknown), known=_names(template.placeholders))
    missing = [name for name in template.required if name not in shown]
    if missing:
        raise _refuse("missing_placeholders", source, names=_names(missing))
    if _body_table_index(document) is None:
        raise _refuse("no_body_table", source, tag=BODY_TAGS["rows"])
    styles = {style.name for style in document.docx.styles}
    absent = [name for name in BODY_STYLES if name not in styles]
    if absent:
        raise _refuse("missing_styles", source, names=", ".join(absent))
    return document


def _names(placeholders) -> str:
    return ", ".join(f"{{{{ {name} }}}}" for name in placeholders)


def _paragraph(paragraph: Paragraph, style_ids: dict[str, str]) -> RichTextParagraph:
    runs = RichText()
    for span in paragraph.spans:
        runs.add(exports.word_text(span.text), bold=span.bold, italic=span.italic)
    filled = RichTextParagraph()
    filled.add(runs, parastyle=style_ids[paragraph.style])
    return filled


def _block(block: Block, style_ids: dict[str, str]) -> dict[str, object]:
    """A block as the template's body loop reads it."""
    if isinstance(block, Paragraph):
        return {"table": False, "paragraph": _paragraph(block, style_ids)}
    return {
        "table": True, "caption": exports.word_text(block.caption),
        "headings": [exports.word_text(heading) for heading in block.headings],
        "rows": [[_paragraph(Paragraph((Span(cell.text, bold=cell.bold),), TABLE_NUMBER if cell.number else TABLE_TEXT),
                             style_ids) for cell in row] for row in block.rows],
    }


def _tables(document: DocxTemplate) -> list[DocxTable]:
    """The tables of the document's body as it is now (python-docx's `tables` stays on the body first read)."""
    return [DocxTable(element, document.docx) for element in document.docx.element.body.iterchildren(qn("w:tbl"))]


def _body_table_index(document: DocxTemplate) -> int | None:
    """The position, among the template's tables, of the body's pattern table (the one holding the row loop)."""
    for index, table in enumerate(_tables(document)):
        if any(ROW_LOOP.search(cell.text) for row in table.rows for cell in row.cells):
            return index
    return None


def _set_widths(document: DocxTemplate, first: int, tables: list[Table]) -> None:
    """Share the text's width between each body table's columns in proportion to the columns' widths."""
    section = document.docx.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    for grid, table in zip(_tables(document)[first:first + len(tables)], tables, strict=True):
        total = sum(table.widths)
        widths = [Length(int(text_width * width / total)) for width in table.widths]
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = width
        for row in grid.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width


def render(template: DocumentTemplate, context: Mapping[str, object], body: list[Block], language: str,
           source: Path | None = None) -> bytes:
    """The template (by default the one of `language`) filled with `context` and `body`, as the bytes of a .docx."""
    source = source or template.path(language)
    document = open_template(template, source)
    first_table = _body_table_index(document)
    assert first_table is not None  # open_template refuses a template without the body's table
    style_ids = {style.name: style.style_id for style in document.docx.styles if style.name in BODY_STYLES}
    values = {**cast(dict[str, object], exports.word_values(dict(context))),
              BODY: [_block(block, style_ids) for block in body]}
    try:
        document.render(values, jinja_env=_environment())
    except TemplateError as error:
        raise _refuse("broken", source, reason=error) from error
    except etree.XMLSyntaxError as error:
        raise _refuse("structure", source) from error
    _set_widths(document, first_table, [block for block in body if isinstance(block, Table)])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def sample_body(language: str) -> list[Block]:
    """A heading, a paragraph, a small table and a note: enough to show where a template puts the body."""
    numbers = [[TableCell(i18n.number(row * 10 + column, language), number=True) for column in (1, 2)]
               for row in (1, 2)]
    return [
        Paragraph.of(i18n.t("report.template.sample_heading", language), HEADING),
        Paragraph.of(i18n.t("report.template.sample_text", language)),
        Table(i18n.t("report.template.sample_caption", language),
              [i18n.t("report.template.sample_column", language, number=number) for number in (1, 2, 3)],
              [[TableCell(i18n.MISSING_VALUE), *cells] for cells in numbers], [2, 1, 1]),
        Paragraph.of(i18n.t("report.template.sample_note", language), NOTE),
    ]


def check(template: DocumentTemplate, source: Path, language: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """The template at `source` filled with sample values (each placeholder shows its name) and `sample_body`;
    refused with a `TemplateRefused` when the program could not fill it."""
    values = {name: f"[{name}]" for name in template.placeholders if name != BODY}
    return render(template, values, sample_body(language), language, source)
