"""The Word report is filled into a template a clerk can edit in Word: edits to its fixed blocks are honoured, a
template the program cannot fill is refused with a sentence, and the document holds what the builder's data says."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Cm, Mm

import i18n
from cli import EXIT_OK, EXIT_REFUSED, main
from etl import demo
from quarterly_report import __main__ as template_command
from quarterly_report import build_quarterly_report, render_docx, template, word
from quarterly_report.tables import projection_table, training_table, village_table
from quarterly_report.template import TemplateRefused
from settings import Settings
from tests import signin, tiny_commune
from tests.docx_layout import describe
from tests.test_overview_page import open_dashboard
from warehouse import queries
from warehouse.database import Warehouse
from warehouse.report_queries import ReportTexts
from warehouse.write.communes import replace_communes
from warehouse.write.report_texts import save_report_texts

QUARTER = "2025-Q4"
AFTER_Q4 = date(2026, 1, 5)
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENT = "- Các Tổ công nghệ số cộng đồng;"
TEXT_WIDTH = Mm(210 - 30 - 15)
SECTION_HEADING = re.compile(r"^[IVX]+\. ")


@pytest.fixture
def demo_warehouse(warehouse_path: Path) -> Path:
    replace_communes(Warehouse.open(warehouse_path), demo.generate())
    return warehouse_path


def make_report(path: Path, commune: str):
    return build_quarterly_report(Warehouse.open(path), commune, QUARTER, Settings(), AFTER_Q4)


def paragraphs_of(document):
    """Every paragraph of the document's body and of its tables' cells, in order."""
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def edited_template(folder: Path, edits: dict[str, str], language: str = "vi", name: str = "") -> Path:
    """A copy of the shipped template with each paragraph holding `old` given the text `edits[old]` instead (the
    paragraph's first run keeps its look), as a clerk would type it in Word."""
    document = Document(word.COMMUNE_REPORT.path(language))
    for paragraph in paragraphs_of(document):
        for old, new in edits.items():
            if old in paragraph.text:
                text = paragraph.text.replace(old, new)
                for run in paragraph.runs[1:]:
                    run._r.getparent().remove(run._r)
                paragraph.runs[0].text = text
    path = folder / (name or word.COMMUNE_REPORT.path(language).name)
    document.save(path)
    return path


def all_text(content: bytes) -> str:
    return "\n".join(paragraph.text for paragraph in paragraphs_of(Document(io.BytesIO(content))))


def refusal_sentence(action) -> str:
    with pytest.raises(TemplateRefused) as refusal:
        action()
    return i18n.t(refusal.value.key, **refusal.value.values)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_shipped_templates_are_usable_in_both_languages(language, capsys, tmp_path):
    preview = tmp_path / "thu.docx"
    status = template_command.main(["--lang", language, "check-template",
                                    str(word.COMMUNE_REPORT.path(language)), "--out", str(preview)])
    assert status == template_command.EXIT_OK
    assert i18n.t("report.template.checked", language, file=word.COMMUNE_REPORT.path(language)) in \
        capsys.readouterr().out
    text = all_text(preview.read_bytes())
    assert "[commune_upper]" in text and i18n.t("report.template.sample_heading", language) in text


def test_an_edited_motto_and_recipient_list_are_in_the_report(tiny_warehouse, tmp_path):
    edited = edited_template(tmp_path, {MOTTO: "Độc lập – Tự do – Hạnh phúc", RECIPIENT: "- Sở Khoa học và Công nghệ;"})
    report = make_report(tiny_warehouse, tiny_commune.CODE)
    document = Document(io.BytesIO(render_docx(report, template_file=edited)))
    nation = document.tables[0].rows[0].cells[1].text.split("\n")
    assert nation[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập – Tự do – Hạnh phúc"]
    recipients = document.tables[-1].rows[0].cells[0].text.split("\n")
    assert recipients == ["Nơi nhận:", "- UBND xã Thử Nghiệm (để báo cáo);", "- Sở Khoa học và Công nghệ;",
                          "- Lưu: VT, VHXH."]
    # Everything else is as the shipped template makes it.
    shipped = describe(render_docx(report))
    assert describe(render_docx(report, template_file=edited))["body"][1:-1] == shipped["body"][1:-1]


def test_an_edited_template_put_in_place_is_used_by_the_command_line(tiny_warehouse, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "templates"
    folder.mkdir()
    edited_template(folder, {"PHÒNG VĂN HÓA - XÃ HỘI": "PHÒNG VĂN HÓA VÀ XÃ HỘI"})
    monkeypatch.setattr(template, "TEMPLATES", folder)
    out = tmp_path / "bao-cao.docx"
    assert main(["report", "--commune", tiny_commune.CODE, "--quarter", QUARTER, "--db", str(tiny_warehouse),
                 "--out", str(out)]) == EXIT_OK
    issuer = Document(out).tables[0].rows[0].cells[0].text.split("\n")
    assert issuer[:2] == ["UBND XÃ THỬ NGHIỆM", "PHÒNG VĂN HÓA VÀ XÃ HỘI"]


def test_a_placeholder_word_splits_into_several_runs_is_still_filled(tiny_warehouse, tmp_path):
    document = Document(word.COMMUNE_REPORT.path("vi"))
    paragraph = next(paragraph for paragraph in paragraphs_of(document) if "{{ commune_upper }}" in paragraph.text)
    # Word splits a run where the spelling checker or an edit stops: "UBND {{ comm" | "une_upper }}".
    paragraph.runs[0].text = "UBND {{ comm"
    paragraph.add_run("une_upper }}").bold = False
    path = tmp_path / "tach.docx"
    document.save(path)
    filled = Document(io.BytesIO(render_docx(make_report(tiny_warehouse, tiny_commune.CODE), template_file=path)))
    assert filled.tables[0].rows[0].cells[0].paragraphs[0].text == "UBND XÃ THỬ NGHIỆM"


def test_a_template_without_a_required_placeholder_is_refused_with_a_sentence(tiny_warehouse, tmp_path):
    edited = edited_template(tmp_path, {"{{ signatory }}": "Nguyễn Văn A", "{{ number }}": "12"})
    report = make_report(tiny_warehouse, tiny_commune.CODE)
    sentence = refusal_sentence(lambda: render_docx(report, template_file=edited))
    assert sentence == ("Mẫu báo cáo bao_cao_quy_xa.docx thiếu ô điền bắt buộc: {{ number }}, {{ signatory }}. "
                        "Hãy gõ lại đúng như vậy vào chỗ của nó trong mẫu.")


def test_the_command_line_refuses_a_template_without_a_required_placeholder_and_writes_nothing(
        tiny_warehouse, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "templates"
    folder.mkdir()
    edited_template(folder, {"{{ demo_notice }}": "(Dữ liệu thật.)"})
    monkeypatch.setattr(template, "TEMPLATES", folder)
    out, xlsx = tmp_path / "bao-cao.docx", tmp_path / "bao-cao.xlsx"
    status = main(["report", "--commune", tiny_commune.CODE, "--quarter", QUARTER, "--db", str(tiny_warehouse),
                   "--out", str(out)])
    assert status == EXIT_REFUSED
    error = capsys.readouterr().err
    assert "Mẫu báo cáo bao_cao_quy_xa.docx thiếu ô điền bắt buộc: {{ demo_notice }}." in error
    assert "Traceback" not in error
    assert not out.exists() and not xlsx.exists()


def test_the_report_page_says_why_a_template_cannot_be_used(tiny_warehouse, tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    folder.mkdir()
    edited_template(folder, {"{%p for block in body %}": "{%p for block in body"})
    monkeypatch.setattr(template, "TEMPLATES", folder)
    signin.use_cheap_hashing(monkeypatch)
    signin.add_account(tiny_warehouse, "can-bo", "staff", [tiny_commune.CODE])
    app = signin.sign_in(open_dashboard(tiny_warehouse, monkeypatch), "can-bo")
    app = app.switch_page("pages/export_report.py").run()
    app.text_area[0].input("Thiếu điện thoại.")
    app.button[0].click().run()
    assert not app.exception
    # The page shows the values as plain text (Markdown's characters escaped).
    shown = app.error[0].value.replace("\\", "")
    assert shown.startswith("Mẫu báo cáo bao_cao_quy_xa.docx có ô điền hoặc thẻ không được mở và đóng trọn trong một "
                            "đoạn: «{%p for block in body».")
    assert len(app.get("download_button")) == 0
    # The staff's text is saved all the same, for when the template is mended.
    from warehouse.report_queries import report_texts

    assert report_texts(Warehouse.open(tiny_warehouse), tiny_commune.CODE, QUARTER).difficulties == \
        "Thiếu điện thoại."


@pytest.mark.parametrize(("edits", "expected"), [
    ({"{{ commune_upper }}": "{{ commune_name }}"},
     "Mẫu báo cáo sai.docx có ô điền mà chương trình không biết: {{ commune_name }}. Các ô điền dùng được: {{ body }}, "
     "{{ demo_notice }}, {{ commune_upper }}, {{ place }}, {{ number }}, {{ day }}, {{ month }}, {{ year }}, "
     "{{ quarter }}, {{ quarter_year }}, {{ signatory }}, {{ commune }}, {{ commune_in_sentence }}, "
     "{{ quarter_label }}."),
    ({"{{ number }}": "{{ number }"},
     "Mẫu báo cáo sai.docx có ô điền hoặc thẻ không được mở và đóng trọn trong một đoạn: «Số: {{ number }/BC-VHXH»."),
    ({"{%tr for row in block.rows %}": "các hàng"},
     "Mẫu báo cáo sai.docx có ô điền hoặc thẻ viết sai"),  # the loop's end is left without its start
    ({"{{ signatory }}": "{{ signatory.__class__.__mro__ }}"}, "Không điền được mẫu báo cáo sai.docx"),
])
def test_a_template_the_program_cannot_fill_is_refused_with_what_to_mend(tiny_warehouse, tmp_path, edits, expected):
    edited = edited_template(tmp_path, edits, name="sai.docx")
    report = make_report(tiny_warehouse, tiny_commune.CODE)
    assert refusal_sentence(lambda: render_docx(report, template_file=edited)).startswith(expected)


def test_a_missing_template_or_one_that_is_not_a_word_file_is_refused(tiny_warehouse, tmp_path, capsys):
    report = make_report(tiny_warehouse, tiny_commune.CODE)
    assert refusal_sentence(lambda: render_docx(report, template_file=tmp_path / "khong-co.docx")) == \
        "Không tìm thấy mẫu báo cáo khong-co.docx, nên không tạo được báo cáo Word."
    not_word = tmp_path / "mau.docx"
    not_word.write_text("không phải tệp Word", encoding="utf-8")
    assert refusal_sentence(lambda: render_docx(report, template_file=not_word)).startswith(
        "Mẫu báo cáo mau.docx không mở được như một tệp Word.")
    assert template_command.main(["check-template", str(not_word)]) == template_command.EXIT_REFUSED
    assert "mau.docx không mở được" in capsys.readouterr().err


def test_text_typed_by_staff_stays_text_even_when_it_looks_like_a_placeholder(tiny_warehouse):
    typed = "{{ signatory }} {%p endfor %} <w:t>&amp; \"x\"\x07"
    save_report_texts(Warehouse.open(tiny_warehouse), tiny_commune.CODE, QUARTER,
                      ReportTexts(difficulties=typed, report_number="{{ 7*7 }}", signatory="{{ number }}"))
    document = Document(io.BytesIO(render_docx(make_report(tiny_warehouse, tiny_commune.CODE))))
    texts = [paragraph.text for paragraph in paragraphs_of(document)]
    assert "{{ signatory }} {%p endfor %} <w:t>&amp; \"x\"" in texts
    assert "Số: {{ 7*7 }}/BC-VHXH" in texts and "{{ number }}" in texts


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_templates_made_again_from_scratch_are_usable(tiny_warehouse, tmp_path, language):
    assert template_command.main(["make-templates", str(tmp_path)]) == template_command.EXIT_OK
    made = tmp_path / word.COMMUNE_REPORT.path(language).name
    content = render_docx(make_report(tiny_warehouse, tiny_commune.CODE), language, made)
    assert i18n.t("report.doc.motto", language) in all_text(content)


def test_make_templates_keeps_a_template_that_exists(tmp_path, capsys):
    existing = tmp_path / "bao_cao_quy_xa.docx"
    existing.write_bytes(b"edited in Word")
    assert template_command.main(["make-templates", str(tmp_path)]) == template_command.EXIT_OK
    assert existing.read_bytes() == b"edited in Word"
    assert "giữ nguyên" in capsys.readouterr().out


def expected_tables(report, language: str) -> list[tuple[list[str], list[list[str]], list[int]]]:
    """The body's tables as the builder's data makes them: headings, each row's cells as the document writes them,
    and the columns' widths in the workbook (the annex's columns left out of the document dropped)."""
    tables = []
    drops = [(training_table(report, language), (word.TRAINING_PLACE,)), (village_table(report, language), ()),
             (projection_table(report, language, only_at_risk=True), (word.PROJECTION_LATEST_PERIOD,))]
    for table, drop in drops:
        if not table.rows:
            continue
        kept = [index for index in range(len(table.columns)) if index not in drop]
        rows = [[word.format_cell(row[index], table.columns[index].kind, language) for index in kept]
                for row in table.rows]
        if table.totals:
            rows.append(["" if table.totals[index] is None
                         else word.format_cell(table.totals[index], table.columns[index].kind, language)
                         for index in kept])
        tables.append(([table.columns[index].header for index in kept], rows,
                       [table.columns[index].width for index in kept]))
    return tables


@pytest.mark.parametrize("language", i18n.LANGUAGES)
@pytest.mark.parametrize("commune", ["tiny", "demo"])
def test_the_document_holds_the_builders_data_in_the_layout_it_had(commune, language, request):
    path = request.getfixturevalue("tiny_warehouse" if commune == "tiny" else "demo_warehouse")
    code = tiny_commune.CODE if commune == "tiny" else demo.COMMUNE_CODE
    report = make_report(path, code)
    layout = describe(render_docx(report, language))
    tables = [element["table"] for element in layout["body"] if "table" in element][1:-1]
    expected = expected_tables(report, language)
    assert len(tables) == len(expected) > 0
    indent = round(Cm(1).pt * 100)
    for table, (headings, rows, widths) in zip(tables, expected, strict=True):
        texts = [[cell["paragraphs"][0]["text"] for cell in row["cells"]] for row in table["rows"]]
        assert texts == [headings, *rows]
        assert [row["repeat_header"] for row in table["rows"]] == [True] + [False] * len(rows)
        assert all(row["cant_split"] for row in table["rows"])
        # The text's width shared in proportion to the columns' widths in the workbook.
        assert sum(table["grid"]) == pytest.approx(round(TEXT_WIDTH.pt * 100), abs=len(headings) * 5)
        assert [width / sum(table["grid"]) for width in table["grid"]] == \
            pytest.approx([width / sum(widths) for width in widths], abs=0.001)
        heading_runs = [cell["paragraphs"][0]["runs"][0] for cell in table["rows"][0]["cells"]]
        assert all(run[1] and run[3] == 1100 for run in heading_runs)  # bold, 11 pt
    # Section headings bold, the staff's missing text in italics, the body justified with a 1 cm first line.
    paragraphs = [element["paragraph"] for element in layout["body"] if "paragraph" in element]
    headings = [paragraph for paragraph in paragraphs if SECTION_HEADING.match(paragraph["text"])]
    assert [paragraph["text"].split(".")[0] for paragraph in headings] == list(word.ROMAN[:9])
    assert all(paragraph["runs"][0][1] and paragraph["format"]["first_line_indent"] == indent
               and paragraph["format"]["alignment"] == "JUSTIFY" for paragraph in headings)
    summary = queries.commune_summary(Warehouse.open(path), code, QUARTER, 15, AFTER_Q4)
    results = next(paragraph for paragraph in paragraphs if i18n.number(summary.households_guided, language) in
                   paragraph["text"] and i18n.percent(summary.guided_share, language) in paragraph["text"])
    assert results["format"]["alignment"] == "JUSTIFY" and not results["runs"][0][1]
