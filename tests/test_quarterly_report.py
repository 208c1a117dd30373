import io
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.shared import Mm

import i18n
from cli import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, main
from etl import demo
from quarterly_report import ReportRefused, build_quarterly_report, render_docx, render_xlsx
from quarterly_report.word import decree_date
from settings import Settings
from tests import signin, tiny_commune
from tests.conftest import ROOT
from tests.test_overview_page import open_dashboard
from warehouse import queries
from warehouse.database import Warehouse
from warehouse.report_queries import ReportTexts
from warehouse.write.communes import replace_communes
from warehouse.write.report_texts import save_report_texts

QUARTER = "2025-Q4"
AFTER_Q4 = date(2026, 1, 5)
VILLAGE_SHEET = "PL5. Kết quả theo thôn"
COVERAGE_HEADER = "Tỷ lệ hộ đã được hướng dẫn"
ANNEX_SHEETS = [
    "PL1. Tổ CNSCĐ", "PL2. Thành phần", "PL3. Tập huấn", "PL4. Tập huấn theo tổ", VILLAGE_SHEET, "PL6. Tuyên truyền",
    "PL7. Báo cáo đúng hạn", "PL8. Dự báo đến 31-12",
]


@pytest.fixture
def demo_warehouse(warehouse_path: Path) -> Path:
    """The demo commune (invented Gia Lộc data), loaded."""
    replace_communes(Warehouse.open(warehouse_path), demo.generate())
    return warehouse_path


@pytest.fixture(params=["tiny", "demo"])
def commune_warehouse(request) -> tuple[Path, str]:
    """Each of the two communes the report is checked on: the hand-made fixture and the demo."""
    if request.param == "tiny":
        return request.getfixturevalue("tiny_warehouse"), tiny_commune.CODE
    return request.getfixturevalue("demo_warehouse"), demo.COMMUNE_CODE


def make_report(path: Path, commune: str, quarter: str = QUARTER, today: date = AFTER_Q4):
    return build_quarterly_report(Warehouse.open(path), commune, quarter, Settings(), today)


def open_docx(content: bytes):
    return Document(io.BytesIO(content))


def open_xlsx(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def body_text(document) -> str:
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def table_with_header(document, header: str):
    return next(table for table in document.tables if header in [cell.text for cell in table.rows[0].cells])


def table_column(table, header: str) -> dict[str, str]:
    """The first column's text → the text under `header`, for every row after the header."""
    position = [cell.text for cell in table.rows[0].cells].index(header)
    return {row.cells[0].text: row.cells[position].text for row in table.rows[1:]}


def sheet_rows(sheet) -> list[list]:
    """The sheet's data rows (below the title and header rows), as cells."""
    return [list(row) for row in sheet.iter_rows(min_row=3)]


def sheet_column(sheet, header: str) -> dict[str, object]:
    headers = [cell.value for cell in sheet[2]]
    position = headers.index(header)
    return {row[0].value: row[position] for row in sheet_rows(sheet)}


def test_the_document_has_the_title_the_quarter_and_both_header_blocks(tiny_warehouse):
    document = open_docx(render_docx(make_report(tiny_warehouse, tiny_commune.CODE)))
    text = body_text(document)
    assert "BÁO CÁO\nKết quả hoạt động Tổ công nghệ số cộng đồng quý IV năm 2025" in text
    issuer, nation = (cell.text for cell in document.tables[0].rows[0].cells)
    assert issuer.split("\n")[:2] == ["UBND XÃ THỬ NGHIỆM", "PHÒNG VĂN HÓA - XÃ HỘI"]
    assert nation.split("\n")[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    number, place_date = (cell.text for cell in document.tables[0].rows[1].cells)
    assert number == "Số: …/BC-VHXH"
    assert place_date == "Thử Nghiệm, ngày 05 tháng 01 năm 2026"
    assert document.tables[0].rows[1].cells[1].paragraphs[0].runs[0].italic
    issuer_runs = document.tables[0].rows[0].cells[0].paragraphs[1].runs
    assert issuer_runs[0].bold


def test_the_demo_document_names_gia_loc_and_says_it_is_demo_data(demo_warehouse):
    document = open_docx(render_docx(make_report(demo_warehouse, demo.COMMUNE_CODE)))
    assert document.tables[0].rows[0].cells[0].text.startswith("UBND XÃ GIA LỘC\nPHÒNG VĂN HÓA - XÃ HỘI")
    assert document.tables[0].rows[1].cells[1].text == "Gia Lộc, ngày 05 tháng 01 năm 2026"
    assert "DỮ LIỆU MINH HỌA" in body_text(document)


def test_the_body_sections_are_numbered_with_roman_numerals(tiny_warehouse):
    text = body_text(open_docx(render_docx(make_report(tiny_warehouse, tiny_commune.CODE))))
    headings = re.findall(r"^([IVX]+)\. [A-ZĐÁÀẢÃẠÂẦẤẨẪẬĂẰẮẲẴẶÉÈẺẼẸÊỀẾỂỄỆÍÌỈĨỊÓÒỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÚÙỦŨỤƯỪỨỬỮỰÝỲỶỸỴ ,]+",
                          text, re.MULTILINE)
    assert headings == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]
    assert "I. CÔNG TÁC KIỆN TOÀN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG" in text
    assert "VII. KHÓ KHĂN, VƯỚNG MẮC" in text


def test_each_villages_coverage_in_the_document_equals_the_query_layer(commune_warehouse):
    path, commune = commune_warehouse
    expected = queries.coverage_by_village(Warehouse.open(path), commune, QUARTER)
    document = open_docx(render_docx(make_report(path, commune)))
    shown = table_column(table_with_header(document, COVERAGE_HEADER), COVERAGE_HEADER)
    assert len(expected) > 0
    for village in expected.itertuples():
        assert shown[village.village_name] == i18n.percent(village.coverage)
    summary = queries.commune_summary(Warehouse.open(path), commune, QUARTER, 15, AFTER_Q4)
    assert shown["Tổng cộng"] == i18n.percent(summary.guided_share)


def test_the_tiny_commune_village_table_shows_the_hand_worked_figures(tiny_warehouse):
    document = open_docx(render_docx(make_report(tiny_warehouse, tiny_commune.CODE)))
    shown = table_column(table_with_header(document, COVERAGE_HEADER), COVERAGE_HEADER)
    assert shown == {"Thôn A": "85,0%", "Thôn B": "45,0%", "Thôn C": "—", "Tổng cộng": "50,0%"}
    status = table_column(table_with_header(document, COVERAGE_HEADER), "So với mục tiêu 80%")
    assert status == {"Thôn A": "Đạt", "Thôn B": "Chưa đạt", "Thôn C": "Chưa báo cáo", "Tổng cộng": "1/3 thôn đạt"}


def test_the_workbook_keeps_each_villages_coverage_as_a_fraction_with_a_percent_format(commune_warehouse):
    path, commune = commune_warehouse
    expected = queries.coverage_by_village(Warehouse.open(path), commune, QUARTER)
    workbook = open_xlsx(render_xlsx(make_report(path, commune)))
    cells = sheet_column(workbook[VILLAGE_SHEET], COVERAGE_HEADER)
    for village in expected.itertuples():
        cell = cells[village.village_name]
        if village.reported:
            assert cell.value == pytest.approx(village.coverage)
            assert cell.number_format == "0.0%"
        else:
            assert cell.value is None


def test_the_number_of_villages_below_target_is_stated(commune_warehouse):
    path, commune = commune_warehouse
    coverage = queries.coverage_by_village(Warehouse.open(path), commune, QUARTER)
    below = int((~coverage["meets_target"]).sum())
    report = make_report(path, commune)
    assert report.villages_below_target == below
    text = body_text(open_docx(render_docx(report)))
    assert f"Có {len(coverage) - below}/{len(coverage)} thôn đạt mục tiêu; {below} thôn chưa đạt." in text


def test_the_tiny_commune_has_one_village_below_target_that_reported_and_one_that_did_not(tiny_warehouse):
    text = body_text(open_docx(render_docx(make_report(tiny_warehouse, tiny_commune.CODE))))
    assert "các Tổ đã hướng dẫn 175/350 hộ, bằng 50,0% tổng số hộ của xã (mục tiêu 80%)" in text
    assert "2 thôn chưa đạt" in text
    assert "có 1 thôn chưa gửi báo cáo trong quý" in text


def test_the_staff_text_is_saved_and_appears_in_the_regenerated_document(tiny_warehouse):
    texts = ReportTexts(
        difficulties="Nhiều hộ người cao tuổi chưa có điện thoại thông minh.\nSóng di động yếu ở xóm Đông.",
        next_tasks="Hướng dẫn 100% hộ còn lại của Thôn B.", proposals="Đề nghị hỗ trợ 10 điện thoại.",
        report_number="27", signatory="Nguyễn Thị Hoa",
    )
    save_report_texts(Warehouse.open(tiny_warehouse), tiny_commune.CODE, QUARTER, texts)
    document = open_docx(render_docx(make_report(tiny_warehouse, tiny_commune.CODE)))
    text = body_text(document)
    assert "VII. KHÓ KHĂN, VƯỚNG MẮC\nNhiều hộ người cao tuổi chưa có điện thoại thông minh.\n" \
           "Sóng di động yếu ở xóm Đông." in text
    assert "VIII. NHIỆM VỤ TRỌNG TÂM QUÝ TIẾP THEO\nHướng dẫn 100% hộ còn lại của Thôn B." in text
    assert "IX. ĐỀ XUẤT, KIẾN NGHỊ\nĐề nghị hỗ trợ 10 điện thoại." in text
    assert document.tables[0].rows[1].cells[0].text == "Số: 27/BC-VHXH"
    assert "Nguyễn Thị Hoa" in document.tables[-1].rows[0].cells[1].text

    save_report_texts(Warehouse.open(tiny_warehouse), tiny_commune.CODE, QUARTER,
                      ReportTexts(difficulties="Đã khắc phục."))
    text = body_text(open_docx(render_docx(make_report(tiny_warehouse, tiny_commune.CODE))))
    assert "Đã khắc phục." in text and "Sóng di động yếu" not in text


def test_without_staff_text_the_sections_say_nothing_was_entered_and_ask_for_a_signature(tiny_warehouse):
    document = open_docx(render_docx(make_report(tiny_warehouse, tiny_commune.CODE)))
    assert body_text(document).count("(Chưa nhập nội dung.)") == 3
    recipients, signature = (cell.text for cell in document.tables[-1].rows[0].cells)
    assert recipients.startswith("Nơi nhận:\n- UBND xã Thử Nghiệm (để báo cáo);")
    assert signature.startswith("TRƯỞNG PHÒNG\n(Ký, ghi rõ họ tên)")


def test_the_texts_of_one_quarter_do_not_leak_into_another(tiny_warehouse):
    save_report_texts(Warehouse.open(tiny_warehouse), tiny_commune.CODE, QUARTER, ReportTexts(proposals="Chỉ quý IV."))
    report = make_report(tiny_warehouse, tiny_commune.CODE, "2025-Q4")
    assert report.texts.proposals == "Chỉ quý IV."
    from warehouse.report_queries import report_texts

    assert report_texts(Warehouse.open(tiny_warehouse), tiny_commune.CODE, "2026-Q1") == ReportTexts()


def test_the_workbook_has_one_annex_sheet_per_table_with_frozen_headers_and_widths(demo_warehouse):
    workbook = open_xlsx(render_xlsx(make_report(demo_warehouse, demo.COMMUNE_CODE)))
    assert workbook.sheetnames == ANNEX_SHEETS
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A3"
        assert sheet["A1"].value.startswith("Phụ lục ")
        assert all(sheet.column_dimensions[letter].width >= 10 for letter in "AB")
    assert [cell.value for cell in workbook[VILLAGE_SHEET][2]] == [
        "Thôn", "Số hộ", "Hộ đã được hướng dẫn", COVERAGE_HEADER, "Chính quyền số", "Kinh tế số", "Xã hội số",
        "So với mục tiêu 80%",
    ]


def test_the_annex_totals_equal_the_sums_of_the_demo_data(demo_warehouse):
    tables = demo.generate()
    q4 = tables["report_values"][tables["report_values"]["period"].isin(["2025-10", "2025-11", "2025-12"])]
    workbook = open_xlsx(render_xlsx(make_report(demo_warehouse, demo.COMMUNE_CODE)))

    communication = sheet_rows(workbook["PL6. Tuyên truyền"])
    assert communication[-1][0].value == "Tổng cộng"
    assert communication[-1][1].value == q4.loc[q4["indicator_code"] == "luot_tuyen_truyen", "value"].sum()
    assert communication[-1][2].value == q4.loc[q4["indicator_code"] == "an_pham_phat_hanh", "value"].sum()
    assert isinstance(communication[0][1].value, int)

    villages = sheet_rows(workbook[VILLAGE_SHEET])
    assert villages[-1][0].value == "Tổng cộng"
    assert villages[-1][1].value == tables["villages"]["households"].sum()
    december = q4[(q4["period"] == "2025-12") & (q4["indicator_code"] == "ho_da_huong_dan")]
    november = q4[(q4["period"] == "2025-11") & (q4["indicator_code"] == "ho_da_huong_dan")]
    # Every demo village reports December, so the quarter's households guided are December's.
    assert villages[-1][2].value == december["value"].sum()
    assert len(november) == len(tables["villages"]) - 1

    members = sheet_rows(workbook["PL1. Tổ CNSCĐ"])
    assert members[-1][2].value == len(tables["members"])
    affiliations = sheet_rows(workbook["PL2. Thành phần"])
    assert affiliations[-1][1].value == len(tables["members"])
    assert affiliations[0][2].number_format == "0.0%"

    training = sheet_rows(workbook["PL3. Tập huấn"])
    attendance = tables["training_attendance"]
    q4_sessions = tables["training_sessions"].loc[tables["training_sessions"]["held_on"] >= date(2025, 10, 1), "code"]
    q4_attendance = attendance[attendance["session_code"].isin(q4_sessions)]
    assert len(training) == len(q4_sessions) + 1
    assert training[-1][5].value == q4_attendance["attended"].sum()
    # As on the Training page, a session's attendance is over every member of the commune's teams (not only the
    # members on its list), so the quarter's rate is attendances ÷ (members × sessions); the members column's total
    # is the commune's 139 members, not the 278 attendances possible over its two sessions.
    possible = len(tables["members"]) * len(q4_sessions)
    assert len(tables["members"]) == 139 and len(q4_sessions) == 2
    assert training[-1][4].value == 139
    assert training[-1][6].value == pytest.approx(q4_attendance["attended"].sum() / possible)
    assert training[0][0].number_format == "dd/mm/yyyy"


def test_the_document_is_a4_with_the_decrees_margins_in_times_new_roman(tiny_warehouse):
    document = open_docx(render_docx(make_report(tiny_warehouse, tiny_commune.CODE)))
    section = document.sections[0]
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    assert 20 <= round(section.top_margin / Mm(1)) <= 25
    assert 20 <= round(section.bottom_margin / Mm(1)) <= 25
    assert 30 <= round(section.left_margin / Mm(1)) <= 35
    assert 15 <= round(section.right_margin / Mm(1)) <= 20
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman"
    assert 13 <= normal.size.pt <= 14
    runs = [run for paragraph in document.paragraphs for run in paragraph.runs]
    assert all(run.font.name in (None, "Times New Roman") for run in runs)
    # Page numbers from the second page on, at the top.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml


def test_the_report_can_be_written_in_english_with_the_same_numbers(tiny_warehouse):
    report = make_report(tiny_warehouse, tiny_commune.CODE)
    document = open_docx(render_docx(report, "en"))
    assert "REPORT\nResults of the community digital-technology teams, quarter IV of 2025" in body_text(document)
    shown = table_column(table_with_header(document, "Share guided"), "Share guided")
    assert shown["Thôn A"] == "85.0%"
    workbook = open_xlsx(render_xlsx(report, "en"))
    assert workbook.sheetnames[4] == "A5. Results by village"


def test_the_projection_is_the_trends_pages_least_squares_line(tiny_warehouse):
    report = make_report(tiny_warehouse, tiny_commune.CODE)
    projection = report.projection.set_index("village_name")
    # A: December reported, nothing left to project. B: November only; one month gives no line, so the Trends page
    # keeps its 90 of 200 (45%). The report's former pace method (90 a month since the commune's first month) made
    # that 180 (90%, on track); the Trends page calls B at risk, and the report now says what the page says.
    assert projection.loc["Thôn A", "value"] == 85
    assert projection.loc["Thôn B", "value"] == 90
    assert projection.loc["Thôn B", "coverage"] == pytest.approx(0.45)
    assert report.villages_at_risk["village_name"].tolist() == ["Thôn C", "Thôn B"]
    document = open_docx(render_docx(report))
    text = body_text(document)
    method = i18n.t("analysis.trends.method", months=3, day="31/12/2025").replace("**", "").replace("*", "")
    assert method in text
    assert "có 2 thôn có nguy cơ không đạt mục tiêu 80% đến ngày 31/12/2025" in text
    at_risk = table_with_header(document, "Dự báo tỷ lệ đến 31/12/2025")
    assert [[cell.text for cell in row.cells][0::5] for row in at_risk.rows[1:]] == [
        ["Thôn C", "Chưa báo cáo"], ["Thôn B", "Có nguy cơ không đạt"],
    ]
    assert table_column(at_risk, "Dự báo tỷ lệ đến 31/12/2025") == {"Thôn C": "0,0%", "Thôn B": "45,0%"}


def test_the_projection_method_keeps_the_trends_pages_bold_and_italics(tiny_warehouse):
    document = open_docx(render_docx(make_report(tiny_warehouse, tiny_commune.CODE)))
    paragraph = next(paragraph for paragraph in document.paragraphs if paragraph.text.startswith("Cách dự báo:"))
    assert [run.text for run in paragraph.runs if run.bold] == ["Cách dự báo:"]
    assert [run.text for run in paragraph.runs if run.italic] == ["Hộ đã được hướng dẫn"]


def test_reporting_timeliness_uses_the_pages_rule(tiny_warehouse):
    report = make_report(tiny_warehouse, tiny_commune.CODE)
    assert report.timeliness_counts == {"on_time": 1, "late": 0, "missing": 2, "not_due": 0}
    text = body_text(open_docx(render_docx(report)))
    assert "Hạn gửi báo cáo quý (báo cáo tháng cuối quý) là ngày 15/12/2025. Có 1 thôn gửi đúng hạn" in text
    assert "- Thôn chưa gửi: Thôn B, Thôn C." in text


def test_a_quarter_without_data_is_refused_with_a_clear_message(tiny_warehouse):
    with pytest.raises(ReportRefused) as refusal:
        make_report(tiny_warehouse, tiny_commune.CODE, "2025-Q3")
    message = i18n.t(refusal.value.key, **refusal.value.values)
    assert message.startswith("Xã Thử Nghiệm chưa có báo cáo tháng nào trong quý III năm 2025")


def test_the_command_line_writes_the_document_and_the_workbook_next_to_it(demo_warehouse, tmp_path, capsys):
    out = tmp_path / "bao-cao.docx"
    status = main(["report", "--commune", demo.COMMUNE_CODE, "--quarter", QUARTER, "--db", str(demo_warehouse),
                   "--out", str(out)])
    assert status == EXIT_OK
    assert "Đã tạo báo cáo quý IV năm 2025 của Xã Gia Lộc" in capsys.readouterr().out
    assert "quý IV năm 2025" in body_text(open_docx(out.read_bytes()))
    assert open_xlsx((tmp_path / "bao-cao.xlsx").read_bytes()).sheetnames == ANNEX_SHEETS


def test_the_command_line_refuses_a_quarter_without_data_and_writes_no_file(tiny_warehouse, tmp_path, capsys):
    out, xlsx = tmp_path / "q3.docx", tmp_path / "annex.xlsx"
    status = main(["report", "--commune", tiny_commune.CODE, "--quarter", "2025-Q3", "--db", str(tiny_warehouse),
                   "--out", str(out), "--xlsx", str(xlsx)])
    assert status == EXIT_REFUSED
    assert "chưa có báo cáo tháng nào trong quý III năm 2025" in capsys.readouterr().err
    assert not out.exists() and not xlsx.exists()


@pytest.mark.parametrize(("arguments", "status", "message"), [
    (["--commune", tiny_commune.CODE, "--quarter", "2025-4"], EXIT_USAGE, "Kỳ báo cáo 2025-4 không hợp lệ"),
    (["--commune", "00000", "--quarter", QUARTER], EXIT_REFUSED, "Kho dữ liệu không có xã nào mã 00000."),
])
def test_the_command_line_explains_a_wrong_quarter_or_commune(tiny_warehouse, tmp_path, capsys, arguments, status,
                                                              message):
    out = tmp_path / "x.docx"
    assert main(["report", *arguments, "--db", str(tiny_warehouse), "--out", str(out)]) == status
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_the_command_line_does_not_create_a_missing_warehouse(tmp_path, capsys):
    missing = tmp_path / "none.duckdb"
    status = main(["report", "--commune", "1", "--quarter", QUARTER, "--db", str(missing),
                   "--out", str(tmp_path / "x.docx")])
    assert status == EXIT_REFUSED
    assert "Không có kho dữ liệu" in capsys.readouterr().err
    assert not missing.exists()


def test_dates_follow_the_decree_leading_zero_rule():
    assert decree_date(date(2025, 12, 3)) == ("03", "12", "2025")
    assert decree_date(date(2026, 2, 14)) == ("14", "02", "2026")
    assert decree_date(date(2026, 3, 14)) == ("14", "3", "2026")


def test_every_translation_key_of_the_report_exists():
    pattern = re.compile(r"\b(?:tr|t)\(\s*f?\"([a-z0-9_.]+)\"")
    sources = [*(ROOT / "quarterly_report").rglob("*.py"), ROOT / "pages" / "export_report.py"]
    used = {key for path in sources for key in pattern.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 20
    assert sorted(used - set(i18n.strings())) == []


def open_report_page(warehouse: Path, monkeypatch, **query):
    """The report page as a signed-in staff member of the warehouse's communes."""
    signin.use_cheap_hashing(monkeypatch)
    communes = queries.communes(Warehouse.open(warehouse))["code"].tolist()
    signin.add_account(warehouse, "can-bo", "staff", communes)
    app = signin.sign_in(open_dashboard(warehouse, monkeypatch, **query), "can-bo")
    return app.switch_page("pages/export_report.py").run()


def test_the_page_saves_the_staff_text_and_offers_both_downloads(tiny_warehouse, monkeypatch):
    app = open_report_page(tiny_warehouse, monkeypatch)
    assert not app.exception
    assert app.title[0].value == "Xuất báo cáo quý"
    assert app.selectbox(key="quarter.vi").value == QUARTER
    assert len(app.get("download_button")) == 0
    app.text_area[0].input("Thiếu điện thoại thông minh.")
    app.text_input[1].input("Nguyễn Văn An")
    app.button[0].click().run()
    assert not app.exception
    assert "Đã lưu nội dung và tạo báo cáo quý IV/2025" in app.success[0].value
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == ["Tải báo cáo Word (.docx)", "Tải phụ lục Excel (.xlsx)"]

    from warehouse.report_queries import report_texts

    saved = report_texts(Warehouse.open(tiny_warehouse), tiny_commune.CODE, QUARTER)
    assert (saved.difficulties, saved.signatory) == ("Thiếu điện thoại thông minh.", "Nguyễn Văn An")


def test_the_page_prefills_the_text_saved_before(tiny_warehouse, monkeypatch):
    save_report_texts(Warehouse.open(tiny_warehouse), tiny_commune.CODE, QUARTER,
                      ReportTexts(proposals="Xin thêm kinh phí."))
    app = open_report_page(tiny_warehouse, monkeypatch)
    assert [area.value for area in app.text_area] == ["", "", "Xin thêm kinh phí."]


def test_the_page_explains_a_commune_without_reports(warehouse_path, monkeypatch):
    empty = tiny_commune.tables()
    empty["reports"] = empty["reports"].iloc[0:0]
    empty["report_values"] = empty["report_values"].iloc[0:0]
    replace_communes(Warehouse.open(warehouse_path), empty)
    app = open_report_page(warehouse_path, monkeypatch)
    assert not app.exception
    assert "chưa có báo cáo tháng nào" in app.info[0].value


def test_in_the_demo_december_every_village_below_target_is_at_risk_and_no_other(demo_warehouse):
    # Every demo village reports December, so the projection to 31/12 is the quarter's own figure.
    report = make_report(demo_warehouse, demo.COMMUNE_CODE)
    below = report.villages.loc[~report.villages["meets_target"], "village_name"]
    assert sorted(report.villages_at_risk["village_name"]) == sorted(below)
    text = body_text(open_docx(render_docx(report)))
    assert f"có {len(below)} thôn có nguy cơ không đạt mục tiêu 80% đến ngày 31/12/2025" in text
