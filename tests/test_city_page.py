"""The city pages as the Department's reviewer sees them on the demo warehouse: 114 communes, filters, the map, the
trends; and who may not see them."""

from datetime import datetime

import plotly.io
import pytest

from cli import main
from etl import demo, demo_city
from tests import tiny_commune
from tests.signin import DASHBOARD, add_account, open_app, sign_in, use_cheap_hashing
from ui.city import filter_communes, search_key
from ui.village_links import commune_page_params
from warehouse import city
from warehouse.database import Warehouse

NO_DATA = "chưa có dữ liệu"


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("city") / "demo.duckdb"
    assert main(["demo", "--db", str(path)]) == 0
    yield path
    Warehouse.close_all()


def as_reviewer(path, monkeypatch):
    """The dashboard's first page for demo-reviewer, signed in (the session as sign-in leaves it)."""
    monkeypatch.setenv("CDS_WAREHOUSE", str(path))
    monkeypatch.setenv("CDS_PUBLIC_VIEW", "")
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(DASHBOARD, default_timeout=90)
    app.session_state["role"] = "reviewer"
    app.session_state["username"] = "demo-reviewer"
    app.session_state["user_communes"] = None
    app.session_state["auth_last_active"] = datetime.now()
    return app.run()


def test_the_reviewers_first_page_lists_the_114_communes_best_first_and_those_without_data(demo_path, monkeypatch):
    app = as_reviewer(demo_path, monkeypatch)
    assert not app.exception
    assert app.title[0].value == "Các xã, phường, đặc khu của Thành phố Hải Phòng"
    assert list(app.dataframe[0].value.columns) == ["Xã, phường", "Hộ được hướng dẫn (%)"], "what a phone has room for"
    table = app.dataframe[1].value  # every column, behind the expander
    assert len(table) == 114
    headline = table["Hộ được hướng dẫn (%)"]
    without_data = headline == NO_DATA
    assert without_data.sum() >= demo_city.WITHOUT_DATA
    assert not without_data.iloc[:100].any() and without_data.iloc[-demo_city.WITHOUT_DATA:].all()
    assert table["Xếp hạng"].iloc[0] == "1/114"
    assert "Xã Gia Lộc" in set(table["Xã, phường"])
    labels = [metric.label for metric in app.metric]
    assert labels == ["Hộ được hướng dẫn", "Xã đạt mục tiêu 80%", "Xã chưa nộp báo cáo quý", "Trung vị các xã"]
    assert "Quý IV/2025" in app.metric[2].help
    assert any("Dữ liệu minh họa" in warning.value for warning in app.warning)
    assert any("thôn chưa báo cáo tính là 0" in caption.value for caption in app.caption)


def test_filter_by_type_and_search_without_accents(demo_path, monkeypatch):
    app = as_reviewer(demo_path, monkeypatch)
    app.radio(key="city_type").set_value("dac_khu").run()
    assert set(app.dataframe[1].value["Loại"]) == {"Đặc khu"}  # every column, behind the expander
    assert len(app.dataframe[0].value) == 2
    app.radio(key="city_type").set_value("all").run()
    app.text_input(key="city_search").input("gia loc").run()
    assert app.dataframe[0].value["Xã, phường"].tolist() == ["Xã Gia Lộc"]


def test_the_map_colours_every_commune_with_data_and_the_others_grey(demo_path, monkeypatch):
    app = as_reviewer(demo_path, monkeypatch)
    figure = plotly.io.from_json(app.get("plotly_chart")[0].proto.spec)
    names = {trace.name: set(trace.locations) for trace in figure.data}
    assert sum(len(codes) for codes in names.values()) == 114
    table = city.commune_table(Warehouse.open(demo_path), demo.PROVINCE_CODE, "2025-12", 15, datetime.now().date())
    assert names[NO_DATA] == set(table.loc[~table["has_data"], "commune_code"])
    assert len(app.get("plotly_chart")[0].proto.spec) < 1_000_000


def test_a_click_on_a_commune_opens_its_overview_keeping_language_and_period():
    assert commune_page_params("10510", {"language": "en", "period": "2025-Q4", "commune": "10999", "x": "1"}) == {
        "language": "en", "period": "2025-Q4", "commune": "10510"}


def test_search_ignores_case_tone_marks_and_the_bar_of_d():
    assert search_key("Đặc khu Bạch  Long Vĩ") == "dac khu bach long vi"
    import pandas as pd

    table = pd.DataFrame({"commune_name": ["Xã Gia Lộc", "Phường Đông Hải"], "unit_type": ["xa", "phuong"]})
    assert filter_communes(table, "all", "DONG hai")["commune_name"].tolist() == ["Phường Đông Hải"]
    assert filter_communes(table, "xa", "")["commune_name"].tolist() == ["Xã Gia Lộc"]


def test_the_trends_page_shows_the_months_the_bands_and_the_communes_at_risk(demo_path, monkeypatch):
    app = as_reviewer(demo_path, monkeypatch).switch_page("pages/city_trends.py").run()
    assert not app.exception
    charts = [plotly.io.from_json(chart.proto.spec) for chart in app.get("plotly_chart")]
    assert len(charts) == 2
    assert [trace.name for trace in charts[1].data] == ["Dưới 50%", "50% – dưới 80%", "Từ 80% trở lên",
                                                        "Chưa có dữ liệu"]
    assert any("xã có nguy cơ không đạt mục tiêu 80%" in warning.value for warning in app.warning)
    assert len(app.dataframe[0].value) == 114 - demo_city.WITHOUT_DATA


def test_in_english_the_page_speaks_english(demo_path, monkeypatch):
    app = as_reviewer(demo_path, monkeypatch)
    app.query_params["language"] = "en"
    app.run()
    assert app.title[0].value == "Communes, wards and special zones of Thành phố Hải Phòng"
    assert "no data" in set(app.dataframe[0].value["Households guided (%)"])


@pytest.mark.parametrize(("role", "communes", "offered"), [
    ("viewer", [tiny_commune.CODE], False),
    ("staff", [tiny_commune.CODE], False),
    ("reviewer", [tiny_commune.CODE], True),  # offered by role, refused by the page: not every commune
    ("admin", None, True),
])
def test_viewers_staff_and_scoped_reviewers_do_not_see_the_city(tiny_warehouse, monkeypatch, role, communes, offered):
    use_cheap_hashing(monkeypatch)
    add_account(tiny_warehouse, "nguoi.dung", role, communes)
    app = sign_in(open_app(tiny_warehouse, monkeypatch), "nguoi.dung")
    try:
        app.switch_page("pages/city.py").run()
    except ValueError:
        assert not offered
        return
    assert offered and not app.exception
    if communes is None:
        assert not app.error
    else:
        assert "chỉ dành cho" in app.error[0].value and not app.dataframe


def test_gia_locs_overview_shows_its_rank_and_the_city_median_as_the_city_page_counts_them(demo_path, monkeypatch):
    app = open_app(demo_path, monkeypatch)  # a visitor: public view on the demo warehouse
    assert not app.exception
    table = city.commune_table(Warehouse.open(demo_path), demo.PROVINCE_CODE, "2025-12", 15, datetime.now().date())
    standing = city.commune_standing(table, demo.COMMUNE_CODE)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Xếp hạng"] == f"xếp thứ {standing.rank}/114"
    assert metrics["Trung vị các xã"] == f"{standing.median_share * 100:.1f}%".replace(".", ",")
    assert metrics["Tỷ lệ hộ được hướng dẫn của xã"] == metrics["Hộ đã được hướng dẫn"]


def test_the_domains_page_shows_the_city_median_per_indicator(demo_path, monkeypatch):
    app = open_app(demo_path, monkeypatch).switch_page("pages/domains.py").run()
    assert not app.exception
    medians = city.indicator_medians(Warehouse.open(demo_path), demo.PROVINCE_CODE, "2025-12").set_index(
        "indicator_code")
    shown = app.dataframe[-1].value
    assert list(shown.columns) == ["Chỉ tiêu", "Xã này", "Trung vị các xã"]
    assert len(shown) == 3  # digital government's indicators
    expected = f"{medians.loc['ho_vneid', 'median'] * 100:.1f}%".replace(".", ",")
    assert expected in set(shown["Trung vị các xã"])
