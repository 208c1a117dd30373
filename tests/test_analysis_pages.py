from pathlib import Path

import plotly.io
import pytest
from streamlit.testing.v1 import AppTest

from tests import analysis_fixture as fixture
from tests.conftest import ROOT
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

DASHBOARD = str(ROOT / "dashboard.py")
PAGES = ["pages/domains.py", "pages/village.py", "pages/training.py", "pages/reporting.py", "pages/trends.py"]


@pytest.fixture
def analysis_warehouse(warehouse_path: Path) -> Path:
    replace_communes(Warehouse.open(warehouse_path), fixture.tables())
    return warehouse_path


def open_page(warehouse: Path, monkeypatch, page: str, role: str | None = None, **query) -> AppTest:
    monkeypatch.setenv("CDS_WAREHOUSE", str(warehouse))
    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    if role is not None:
        app.session_state["role"] = role
    # The entry file sets up the shared filters and navigation on its first run; then the page is opened.
    app.run()
    app.switch_page(page)
    app.run()
    assert not app.exception
    assert not [block.value for block in app.error], "the page failed"
    return app


def table(app: AppTest, position: int) -> list[dict]:
    return app.dataframe[position].value.to_dict("records")


def rows_by(app: AppTest, position: int, column: str) -> dict[str, dict]:
    return {row[column]: row for row in table(app, position)}


def figure(app: AppTest, position: int = 0):
    return plotly.io.from_json(app.get("plotly_chart")[position].proto.spec)


def text_of(app: AppTest) -> str:
    blocks = [*app.markdown, *app.caption, *app.info, *app.warning, *app.success]
    return "\n".join(block.value for block in blocks)


# Reporting


def test_reporting_matrix_shows_on_time_late_and_missing_around_the_15th(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/reporting.py")
    matrix = rows_by(app, 1, "Thôn")
    # Dated 14/9 and 15/9: on time; 16/9: late; no report: missing.
    assert {village: row["Tháng 9/2025"] for village, row in matrix.items()} == {
        "Thôn Đông": "Đúng hạn", "Thôn Tây": "Đúng hạn", "Thôn Nam": "Muộn", "Thôn Bắc": "Thiếu",
    }
    assert matrix["Thôn Nam"]["Tháng 10/2025"] == "Thiếu"
    assert matrix["Thôn Nam"]["Tháng 11/2025"] == "Đã nhận"


def test_reporting_rates_are_shown_per_month(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/reporting.py")
    rates = rows_by(app, 3, "Kỳ")
    assert rates["Tháng 9/2025"]["Tỷ lệ đầy đủ"] == "75,0%"
    assert rates["Tháng 9/2025"]["Tỷ lệ đúng hạn"] == "50,0%"
    assert rates["Tháng 10/2025"]["Tỷ lệ đầy đủ"] == "50,0%"
    assert rates["Tháng 10/2025"]["Tỷ lệ đúng hạn"] == "—"


def test_the_deadline_day_comes_from_the_configuration(analysis_warehouse, monkeypatch):
    monkeypatch.setenv("CDS_REPORT_DEADLINE_DAY", "14")
    app = open_page(analysis_warehouse, monkeypatch, "pages/reporting.py")
    assert rows_by(app, 1, "Thôn")["Thôn Tây"]["Tháng 9/2025"] == "Muộn"
    assert "chậm nhất ngày 14" in app.caption[0].value


def test_every_table_offers_csv_and_excel_downloads(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/reporting.py")
    assert len(app.get("download_button")) == 2 * len(app.expander) == 4  # each table's few columns, then all


# Village


def test_village_is_read_from_the_url_and_the_choice_is_written_back(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/village.py", village=fixture.TAY)
    assert app.selectbox(key="village.vi").value == fixture.TAY
    assert app.title[0].value == "Thôn Tây – Xã Phân Tích"
    app.selectbox(key="village.vi").set_value(fixture.DONG).run()
    assert app.query_params["village"] == fixture.DONG
    assert app.title[0].value == "Thôn Đông – Xã Phân Tích"


def test_visitors_see_no_phone_numbers_and_no_names(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/village.py", village=fixture.DONG)
    members = table(app, 0)
    assert [row["Vai trò"] for row in members][:1] == ["Tổ trưởng"]
    assert "Số điện thoại" not in members[0] and "0912" not in str(members)
    assert "Họ và tên" not in members[0]
    assert "Nguyễn Văn An" not in str(members)
    assert "Nguyễn Văn An" not in str(table(app, 3)), "the training table must not name members either"


def test_staff_see_names_and_full_phone_numbers(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/village.py", role="staff", village=fixture.DONG)
    members = table(app, 0)
    assert [row["Họ và tên"] for row in members] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    assert members[0]["Số điện thoại"] == "0912 345 601"
    training = rows_by(app, 4, "Họ và tên")
    assert training["Nguyễn Văn An"]["Số buổi đã dự / đã tổ chức"] == "2/2"
    assert training["Lê Văn Cường"]["Số buổi đã dự / đã tổ chức"] == "0/2"


def test_village_page_shows_indicators_over_time_against_80_percent(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/village.py", village=fixture.DONG)
    shown = {metric.label: metric.value for metric in app.metric}
    assert shown["Hộ đã được hướng dẫn"] == "70,0%"
    indicators = rows_by(app, 2, "Chỉ tiêu")
    assert indicators["Hộ đã được hướng dẫn"]["Tháng 9/2025"] == "30 (30,0%)"
    assert indicators["Hộ đã được hướng dẫn"]["Tháng 11/2025"] == "70 (70,0%)"
    assert indicators["Dịch vụ công trực tuyến"]["Tháng 9/2025"] == "—"
    chart = figure(app)
    guided = next(trace for trace in chart.data if trace.name == "Hộ đã được hướng dẫn")
    assert list(guided.y) == pytest.approx([0.3, 0.5, 0.7])
    assert [shape.y0 for shape in chart.layout.shapes] == [0.8]
    assert chart.layout.separators == ",."


def test_village_page_shows_the_report_history_with_notes(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/village.py", village=fixture.TAY)
    history = rows_by(app, 5, "Kỳ")
    assert history["Tháng 9/2025"]["Ngày báo cáo"] == "15/09/2025"
    assert history["Tháng 9/2025"]["Tình trạng"] == "Đúng hạn"
    assert history["Tháng 9/2025"]["Ghi chú"] == fixture.FORMULA_NOTE
    assert history["Tháng 11/2025"]["Tình trạng"] == "Đã nhận"


# Domains


def test_domains_page_shows_each_indicator_and_the_mean_per_village(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/domains.py", period="2025-11")
    # On a phone the village and the mean; every indicator behind the expander.
    assert list(app.dataframe[0].value.columns) == ["Thôn", "Trung bình lĩnh vực"]
    villages = rows_by(app, 1, "Thôn")
    assert villages["Thôn Đông"]["VNeID mức 2"] == "60,0%"
    assert villages["Thôn Đông"]["Dịch vụ công trực tuyến"] == "40,0%"
    assert villages["Thôn Đông"]["Trung bình lĩnh vực"] == "40,0%"
    assert villages["Thôn Tây"]["Dịch vụ công trực tuyến"] == "—"
    assert villages["Thôn Tây"]["Trung bình lĩnh vực"] == "50,0%"
    # Commune: (160 + 40 + 20) / 430 / 3 indicators.
    assert app.metric[0].value == "17,1%"
    assert "trung bình tỷ lệ hộ của các chỉ tiêu" in app.caption[0].value


def test_domains_heatmap_marks_the_80_percent_target(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/domains.py", period="2025-11")
    heatmap = figure(app).data[0]
    # Vietnamese order: Đ comes after D, not after every other letter.
    assert list(heatmap.y) == ["Thôn Bắc", "Thôn Đông", "Thôn Nam", "Thôn Tây"]
    assert list(heatmap.z[1]) == pytest.approx([0.6, 0.4, 0.2])
    # The key under the chart names the classes around the target (a colour bar took a phone's width).
    key = "\n".join(element.proto.body for element in app.get("html"))
    assert "Tỷ lệ hộ (mục tiêu 80%)" in key
    assert [name in key for name in ("Dưới 50%", "50% – dưới 80%", "80% – dưới 100%", "100%")] == [True] * 4
    assert "Chính quyền số" in figure(app).layout.title.text


def test_domain_is_read_from_the_url_and_written_back(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/domains.py", period="2025-11", domain="kinh_te_so")
    assert app.selectbox(key="domain.vi").value == "kinh_te_so"
    assert rows_by(app, 1, "Thôn")["Thôn Tây"]["Gian hàng TMĐT"] == "10,0%"
    app.selectbox(key="domain.vi").set_value("chinh_quyen_so").run()
    assert app.query_params["domain"] == "chinh_quyen_so"
    assert app.query_params["period"] == "2025-11"


def test_domain_without_figures_explains_what_to_do(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/domains.py", period="2025-10", domain="xa_hoi_so")
    assert "Chưa có số liệu Xã hội số cho tháng 10/2025" in app.info[0].value
    assert not app.get("plotly_chart")


# Trends


def test_trends_show_the_commune_and_each_village_month_by_month(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/trends.py")
    series = rows_by(app, 1, "Thôn")
    assert [series["Toàn Xã Phân Tích"][month] for month in ("Tháng 9/2025", "Tháng 10/2025", "Tháng 11/2025")] == [
        "18,6%", "25,6%", "37,7%",
    ]
    assert series["Thôn Nam"]["Tháng 10/2025"] == "—"
    change = rows_by(app, 3, "Thôn")
    assert change["Thôn Đông"]["Thay đổi (điểm %)"] == "+40,0"
    assert change["Thôn Nam"]["Quý IV/2025"] == "24,0%"
    chart = figure(app)
    assert [shape.y0 for shape in chart.layout.shapes] == [0.8]
    assert "Thôn Bắc" not in [trace.name for trace in chart.data], "a village without reports draws no empty line"


def test_projection_states_its_method_and_lists_villages_at_risk(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/trends.py")
    assert "bình phương tối thiểu" in text_of(app)
    assert "31/12/2025" in app.subheader[1].value
    projection = rows_by(app, 5, "Thôn")
    assert projection["Thôn Đông"]["Số hộ dự báo"] == "90"
    assert projection["Thôn Đông"]["Tỷ lệ dự báo"] == "90,0%"
    assert projection["Thôn Nam"]["Tỷ lệ dự báo"] == "26,0%"
    assert projection["Thôn Bắc"]["Tháng báo cáo gần nhất"] == "—"
    assert app.warning[0].value == (
        "3 thôn có nguy cơ không đạt mục tiêu 80%: Thôn Bắc (0,0%), Thôn Nam (26,0%), Thôn Tây (50,0%)"
    )


def test_trend_filters_are_read_from_the_url_and_written_back(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/trends.py", indicator="ho_vneid", step="quarter")
    assert app.selectbox(key="indicator.vi").value == "ho_vneid"
    assert app.selectbox(key="step.vi").value == "quarter"
    series = rows_by(app, 1, "Thôn")
    assert series["Thôn Tây"]["Quý IV/2025"] == "50,0%"
    assert "Tháng 9/2025" not in series["Thôn Tây"]
    app.selectbox(key="step.vi").set_value("month").run()
    assert app.query_params["step"] == "month"
    assert app.query_params["indicator"] == "ho_vneid"


# Training


def test_training_page_shows_attendance_per_session_and_team(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/training.py")
    # Two columns fit a phone; all of them behind an expander.
    assert list(app.dataframe[0].value.columns) == ["Chủ đề", "Tỷ lệ tham dự"]
    assert len(app.dataframe[1].value.columns) == 6 and app.expander[0].label == "Xem đủ 6 cột"
    sessions = rows_by(app, 1, "Chủ đề")
    assert sessions["Kích hoạt VNeID mức 2"]["Ngày"] == "06/09/2025"
    assert sessions["Kích hoạt VNeID mức 2"]["Có mặt / thành viên"] == "4/7"
    assert sessions["Kích hoạt VNeID mức 2"]["Tỷ lệ tham dự"] == "57,1%"
    assert sessions["Dịch vụ công trực tuyến"]["Tỷ lệ tham dự"] == "42,9%"
    assert list(app.dataframe[2].value.columns) == ["Thôn", "Tỷ lệ tham dự"]
    teams = rows_by(app, 3, "Thôn")
    assert {village: row["Tỷ lệ tham dự"] for village, row in teams.items()} == {
        "Thôn Đông": "50,0%", "Thôn Tây": "50,0%", "Thôn Nam": "100,0%", "Thôn Bắc": "0,0%",
    }


def test_training_page_flags_teams_without_a_youth_union_member(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/training.py")
    assert app.warning[0].value.endswith("Thôn Bắc, Thôn Tây")
    assert list(app.dataframe[6].value.columns) == ["Thôn", "Có Đoàn Thanh niên"]
    mix = rows_by(app, 7, "Thôn")  # every column, behind the expander
    assert mix["Thôn Đông"]["Đoàn Thanh niên"] == 1
    assert mix["Thôn Tây"]["Có Đoàn Thanh niên"] == "Không"


def test_members_never_trained_are_named_for_staff_only(analysis_warehouse, monkeypatch):
    visitor = open_page(analysis_warehouse, monkeypatch, "pages/training.py")
    assert "**2** thành viên" in text_of(visitor)
    assert "Lê Văn Cường" not in str(table(visitor, 4)) + str(table(visitor, 5))
    assert list(visitor.dataframe[4].value.columns) == ["Thôn", "Vai trò"]
    staff = open_page(analysis_warehouse, monkeypatch, "pages/training.py", role="staff")
    assert list(staff.dataframe[4].value.columns) == ["Thôn", "Họ và tên"]
    assert [row["Họ và tên"] for row in table(staff, 5)] == ["Phạm Văn Dũng", "Lê Văn Cường"]


# Every page


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_analysis_page_works_on_the_demo_commune(warehouse_path, monkeypatch, page, language):
    from etl import demo

    replace_communes(Warehouse.open(warehouse_path), demo.generate())
    app = open_page(warehouse_path, monkeypatch, page, role="staff", language=language)
    assert app.dataframe, "the page shows its tables"
    # Every table has its two downloads (a table shown again whole behind an expander has them once).
    assert len(app.get("download_button")) == 2 * (len(app.dataframe) - len(app.expander))


@pytest.mark.parametrize("page", PAGES)
def test_a_commune_without_reports_gets_an_explanation_not_an_error(warehouse_path, monkeypatch, page):
    tables = {name: frame for name, frame in fixture.tables().items()
              if name not in ("reports", "report_values", "training_sessions", "training_attendance")}
    replace_communes(Warehouse.open(warehouse_path), tables)
    app = open_page(warehouse_path, monkeypatch, page)
    assert app.info, "an empty state says what to do"


def test_a_link_to_another_village_opens_it_even_after_one_was_chosen(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/village.py", village=fixture.TAY)
    app.selectbox(key="village.vi").set_value(fixture.NAM).run()
    # The map (or a chart) links here with another village in the URL.
    app.query_params["village"] = fixture.BAC
    app.run()
    assert app.selectbox(key="village.vi").value == fixture.BAC
    assert app.title[0].value == "Thôn Bắc – Xã Phân Tích"


def test_reporting_chart_colours_each_village_and_month_by_status(analysis_warehouse, monkeypatch):
    app = open_page(analysis_warehouse, monkeypatch, "pages/reporting.py")
    squares = figure(app).data[0]
    # Column names wrap onto two lines to fit a phone.
    assert [month.replace("<br>", " ") for month in squares.x] == ["Tháng 9/2025", "Tháng 10/2025", "Tháng 11/2025"]
    by_village = dict(zip(squares.y, squares.text, strict=True))
    assert list(by_village["Thôn Nam"]) == ["Muộn", "Thiếu", "Đã nhận"]
    assert list(by_village["Thôn Tây"]) == ["Đúng hạn", "Đã nhận", "Đã nhận"]
    assert "Chưa đến hạn" in "\n".join(element.proto.body for element in app.get("html"))


def test_a_village_without_a_team_keeps_its_row_in_the_reporting_matrix(warehouse_path, monkeypatch):
    tables = fixture.tables()
    tables["teams"] = tables["teams"][tables["teams"]["village_code"] != fixture.BAC]
    replace_communes(Warehouse.open(warehouse_path), tables)
    app = open_page(warehouse_path, monkeypatch, "pages/reporting.py")
    assert "Thôn Bắc" in rows_by(app, 0, "Thôn")


def test_the_village_pages_downloads_neutralise_a_note_written_like_a_formula(analysis_warehouse, monkeypatch,
                                                                              clicked_downloads):
    import exports

    exported: list[bytes] = []
    original = exports.csv_bytes

    def recording_csv_bytes(frame):
        exported.append(original(frame))
        return exported[-1]

    monkeypatch.setattr(exports, "csv_bytes", recording_csv_bytes)
    open_page(analysis_warehouse, monkeypatch, "pages/village.py", village=fixture.TAY)
    history = next(data.decode("utf-8-sig") for data in exported if "Ghi chú".encode() in data)
    assert "'" + fixture.FORMULA_NOTE in history
    assert "," + fixture.FORMULA_NOTE not in history
