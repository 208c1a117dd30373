"""The national view (provinces side by side, each row its city view's totals), the province map, and the
Department's report page: who may open them, and that their numbers are the city query layer's."""

import io
from datetime import date

import pandas as pd
import pytest
from docx import Document

from tests import city_fixture, signin, tiny_commune
from tests.signin import add_account, may_open, open_app, sign_in
from tests.test_cached_reads import record_reads
from tests.test_province_scope import commune_tables
from ui import national
from ui.national import province_map_figure
from warehouse import city, geography
from warehouse.database import Warehouse
from warehouse.write.accounts import add_user
from warehouse.write.communes import replace_communes
from warehouse.write.registry import register_provinces

TEST_PROVINCE, HAI_PHONG, HA_NOI = city_fixture.PROVINCE, "31", "01"
TODAY = city_fixture.AFTER_DEADLINE


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch):
    signin.use_cheap_hashing(monkeypatch)


@pytest.fixture
def provinces_warehouse(warehouse_path):
    """The hand-made city (province 77), the tiny commune in Hải Phòng, and Hà Nội registered without data."""
    db = Warehouse.open(warehouse_path)
    replace_communes(db, city_fixture.tables())
    replace_communes(db, commune_tables(tiny_commune.CODE, tiny_commune.NAME, HAI_PHONG))
    register_provinces(db, pd.DataFrame([
        {"code": TEST_PROVINCE, "name": "Tỉnh Thử Nghiệm", "unit_type": "tinh"},
        {"code": HAI_PHONG, "name": "Thành phố Hải Phòng", "unit_type": "thanh_pho_trung_uong"},
        {"code": HA_NOI, "name": "Thành phố Hà Nội", "unit_type": "thanh_pho_trung_uong"},
    ]))
    return warehouse_path


def test_each_provinces_row_is_its_city_views_totals(provinces_warehouse):
    db = Warehouse.open(provinces_warehouse)
    table = city.province_table(db, "2025-12", 15, TODAY)
    # Best first (41,3 % against the tiny commune's 85 of 350 households), without data last.
    assert table["province"].tolist() == [TEST_PROVINCE, HAI_PHONG, HA_NOI]
    for row in table.itertuples():
        totals = city.city_totals(city.commune_table(db, row.province, "2025-12", 15, TODAY))
        assert (row.communes, row.communes_with_data, row.households, row.households_guided,
                row.communes_meeting_target, row.communes_not_reported) == (
            totals.communes, totals.communes_with_data, totals.households, totals.households_guided,
            totals.communes_meeting_target, totals.communes_not_reported)
    test_city = table.set_index("province").loc[TEST_PROVINCE]
    # Hand-worked in tests/city_fixture.py: December 310 of 750, 1 commune on target, 2 not reported.
    assert (test_city.households_guided, test_city.households, test_city.communes_meeting_target,
            test_city.communes_not_reported) == (310, 750, 1, 2)
    assert pd.isna(table.set_index("province").loc[HA_NOI, "guided_share"])


def test_the_province_map_draws_the_34_provinces_in_well_under_a_megabyte():
    outlines = geography.province_outlines()
    table = pd.DataFrame({"province": sorted(outlines), "province_name": sorted(outlines),
                          "guided_share": [0.5] * len(outlines), "communes": 10, "communes_with_data": 5})
    table.attrs.update(target_share=0.8)
    figure = province_map_figure(geography.national_map(table), "vi")
    assert sum(len(trace.geojson["features"]) for trace in figure.data) == 34
    assert len(figure.to_json()) < 1_000_000


def test_an_admin_sees_every_province_and_a_reviewer_of_several_only_theirs(provinces_warehouse, monkeypatch):
    add_account(provinces_warehouse, "admin", "admin")
    app = sign_in(open_app(provinces_warehouse, monkeypatch, CDS_PUBLIC_VIEW="0"), "admin")
    app.switch_page("pages/national.py").run()
    assert not app.exception
    assert list(app.dataframe[0].value.columns) == ["Tỉnh, thành phố", "Tỷ lệ hộ đã được hướng dẫn"]
    shown = app.dataframe[1].value  # every column, behind the expander
    assert shown["Tỉnh, thành phố"].tolist() == ["Tỉnh Thử Nghiệm", "Thành phố Hải Phòng", "Thành phố Hà Nội"]
    row = shown.set_index("Tỉnh, thành phố").loc["Tỉnh Thử Nghiệm"]
    assert row["Tỷ lệ hộ đã được hướng dẫn"] == "41,3%" and row["Xã có số liệu"] == "3/5"
    assert row["Xã chưa gửi báo cáo quý"] == "2"

    add_user(Warehouse.open(provinces_warehouse), "so.hai", "reviewer", None, signin.PASSWORD,
             provinces=[HAI_PHONG, HA_NOI])
    app = sign_in(open_app(provinces_warehouse, monkeypatch, CDS_PUBLIC_VIEW="0"), "so.hai")
    app.switch_page("pages/national.py").run()
    assert app.dataframe[0].value["Tỉnh, thành phố"].tolist() == ["Thành phố Hải Phòng", "Thành phố Hà Nội"]


def test_a_reviewer_of_one_province_or_of_some_communes_is_not_offered_the_national_view(
        provinces_warehouse, monkeypatch):
    add_user(Warehouse.open(provinces_warehouse), "so.hp", "reviewer", None, signin.PASSWORD, provinces=[HAI_PHONG])
    add_account(provinces_warehouse, "so.xa", "reviewer", [tiny_commune.CODE])
    for username in ("so.hp", "so.xa"):
        app = sign_in(open_app(provinces_warehouse, monkeypatch, CDS_PUBLIC_VIEW="0"), username)
        assert not may_open(app, "pages/national.py")


def test_a_reviewer_makes_the_departments_report_on_its_page_without_saving_anything(
        provinces_warehouse, monkeypatch):
    add_user(Warehouse.open(provinces_warehouse), "so.thu", "reviewer", None, signin.PASSWORD,
             provinces=[TEST_PROVINCE])
    app = sign_in(open_app(provinces_warehouse, monkeypatch, CDS_PUBLIC_VIEW="0"), "so.thu")
    app.switch_page("pages/city_report.py").run()
    assert app.selectbox(key="province.vi").options == ["Tỉnh Thử Nghiệm"]  # its province only
    assert app.selectbox(key="quarter.vi").value == "2025-Q4"
    app.text_input[0].input("12")
    app.button[0].click().run()
    assert not app.exception and not app.error
    assert "Đã tạo báo cáo Quý IV/2025 của Tỉnh Thử Nghiệm" in app.success[0].value
    files = app.session_state["city_report_files"]
    text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(files["docx"])).paragraphs)
    table = city.commune_table(Warehouse.open(provinces_warehouse), TEST_PROVINCE, "2025-Q4", 15, date.today())
    totals = city.city_totals(table)
    assert f"hướng dẫn {totals.households_guided}/{totals.households} hộ" in text
    assert Warehouse.open(provinces_warehouse).scalar("SELECT count(*) FROM report_texts") == 0


def test_viewers_and_staff_are_not_offered_the_departments_report(provinces_warehouse, monkeypatch):
    add_account(provinces_warehouse, "lan", "staff", [tiny_commune.CODE])
    app = sign_in(open_app(provinces_warehouse, monkeypatch, CDS_PUBLIC_VIEW="0"), "lan")
    assert not may_open(app, "pages/city_report.py")
    assert not may_open(app, "pages/national.py")


def test_a_reviewer_of_a_province_sees_its_city_page_and_never_another_provinces_communes(
        provinces_warehouse, monkeypatch):
    add_user(Warehouse.open(provinces_warehouse), "so.thu", "reviewer", None, signin.PASSWORD,
             provinces=[TEST_PROVINCE])
    app = sign_in(open_app(provinces_warehouse, monkeypatch, CDS_PUBLIC_VIEW="0"), "so.thu")
    app.switch_page("pages/city.py").run()
    assert not app.exception and not app.error
    assert "Tỉnh Thử Nghiệm" in app.title[0].value
    listed = set(app.dataframe[0].value["Xã, phường"])
    assert listed == set(city_fixture.NAMES.values())
    assert tiny_commune.NAME not in listed  # the tiny commune is in Hải Phòng


def test_opening_a_province_goes_to_the_city_page_of_its_commune_with_the_newest_reports(
        provinces_warehouse, monkeypatch):
    opened = []
    monkeypatch.setattr(national.st, "switch_page", lambda page, query_params: opened.append((page, query_params)))
    monkeypatch.setattr(national.st, "query_params", {"language": "en"})
    national.open_province(Warehouse.open(provinces_warehouse), TEST_PROVINCE, "2025-12")
    [(page, parameters)] = opened
    assert page == "pages/city.py" and parameters["language"] == "en" and parameters["period"] == "2025-12"
    assert parameters["commune"] in (city_fixture.ANH_SANG, city_fixture.CHO_MOI, city_fixture.BINH_YEN)


def test_the_national_view_reads_every_provinces_months_once(provinces_warehouse, monkeypatch):
    add_account(provinces_warehouse, "admin", "admin")
    app = sign_in(open_app(provinces_warehouse, monkeypatch, CDS_PUBLIC_VIEW="0"), "admin")
    sent = record_reads(monkeypatch)
    app.switch_page("pages/national.py").run()
    assert not app.exception and app.dataframe[0].value["Tỉnh, thành phố"].tolist()[0] == "Tỉnh Thử Nghiệm"
    assert sum("r.period FROM reports" in sql for sql, _ in sent) == 1
    assert city.province_months(Warehouse.open(provinces_warehouse), HA_NOI) == []
    assert city.province_months(Warehouse.open(provinces_warehouse), TEST_PROVINCE) == ["2025-11", "2025-12"]
