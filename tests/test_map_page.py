from pathlib import Path

import plotly.io
import pytest
import shapely
from streamlit.testing.v1 import AppTest

import i18n
from cli import main
from etl import demo
from geo import demo as demo_geography
from geo.shipped import read_layer
from tests import tiny_commune
from tests.conftest import ROOT
from tests.geo_fixtures import GIA_LOC, GIA_LOC_CODE, side_by_side_squares
from warehouse import geography
from warehouse.database import Warehouse
from warehouse.write.boundaries import replace_village_boundaries, store_commune_boundaries
from warehouse.write.communes import replace_communes

DASHBOARD = str(ROOT / "dashboard.py")
TINY_VILLAGES = [f"{tiny_commune.CODE}-0{number}" for number in (1, 2, 3)]


def open_map(warehouse: Path, monkeypatch, **query) -> AppTest:
    monkeypatch.setenv("CDS_WAREHOUSE", str(warehouse))
    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    return app.switch_page("pages/map.py").run()


def map_figure(app: AppTest):
    return plotly.io.from_json(app.get("plotly_chart")[0].proto.spec)


def shown_values(figure) -> dict[str, tuple[str, float]]:
    """Each location on the map with its trace (legend entry) and value."""
    return {location: (trace.name, z) for trace in figure.data
            for location, z in zip(trace.locations, trace.z, strict=True)}


@pytest.fixture
def tiny_with_boundaries(tiny_warehouse):
    replace_village_boundaries(Warehouse.open(tiny_warehouse), tiny_commune.CODE, side_by_side_squares(TINY_VILLAGES))
    return tiny_warehouse


@pytest.fixture
def demo_warehouse(warehouse_path):
    tables = demo.generate()
    replace_communes(Warehouse.open(warehouse_path), tables)
    shapes = demo_geography.village_boundaries(tables["villages"]["code"].tolist(), seed=demo.DEFAULT_SEED)
    replace_village_boundaries(Warehouse.open(warehouse_path), demo.COMMUNE_CODE, shapes, is_demo=True)
    return warehouse_path


def test_the_map_shows_exactly_the_communes_villages_with_the_query_layers_values(tiny_with_boundaries, monkeypatch):
    app = open_map(tiny_with_boundaries, monkeypatch, period="2025-Q4")
    assert not app.exception
    figure = map_figure(app)
    assert all(trace.type == "choroplethmap" for trace in figure.data)
    layer = geography.village_map(Warehouse.open(tiny_with_boundaries), tiny_commune.CODE, "2025-Q4",
                                  "ho_da_huong_dan")
    shown = shown_values(figure)
    assert sorted(shown) == TINY_VILLAGES
    expected = dict(zip(layer.rows["village_code"], layer.rows["coverage"].fillna(0), strict=True))
    assert {code: z for code, (_, z) in shown.items()} == pytest.approx(expected)
    assert {code: name for code, (name, _) in shown.items()} == {
        "99999-01": "80% – dưới 100%", "99999-02": "Dưới 50%", "99999-03": "chưa báo cáo"}
    grey = next(trace for trace in figure.data if trace.name == "chưa báo cáo")
    assert grey.colorscale[0][1] == "#bdbdbd"
    assert figure.layout.legend.title.text == "Tỷ lệ hộ (mục tiêu 80%)"
    assert figure.layout.map.style == "white-bg", "no tiles: the map must work offline"
    assert figure.layout.separators == ",."


def test_hover_names_the_village_with_value_households_and_coverage(tiny_with_boundaries, monkeypatch):
    figure = map_figure(open_map(tiny_with_boundaries, monkeypatch, period="2025-Q4"))
    village_a = next(trace for trace in figure.data if "99999-01" in trace.locations)
    assert list(village_a.text) == ["Thôn A"]
    assert [list(row) for row in village_a.customdata] == [["85", "100", "85,0%"]]
    assert "Số hộ" in village_a.hovertemplate and "Tỷ lệ hộ" in village_a.hovertemplate


def test_the_table_under_the_map_has_the_same_numbers(tiny_with_boundaries, monkeypatch):
    app = open_map(tiny_with_boundaries, monkeypatch, period="2025-Q4")
    assert list(app.dataframe[0].value.columns) == ["Thôn", "Tỷ lệ hộ", "Nhóm"], "the few columns a phone has room for"
    table = app.dataframe[1].value
    # The value's column says what it counts: the indicator's name.
    assert table.rename(columns={"Số hộ đã được Tổ hướng dẫn": "Giá trị"}).to_dict("records") == [
        {"Thôn": "Thôn A", "Giá trị": "85", "Số hộ": "100", "Tỷ lệ hộ": "85,0%", "Nhóm": "80% – dưới 100%"},
        {"Thôn": "Thôn B", "Giá trị": "90", "Số hộ": "200", "Tỷ lệ hộ": "45,0%", "Nhóm": "Dưới 50%"},
        {"Thôn": "Thôn C", "Giá trị": "—", "Số hộ": "50", "Tỷ lệ hộ": "—", "Nhóm": "chưa báo cáo"},
    ]
    # Row by row, the table says what the map shows: the same class and the same share.
    shown = shown_values(map_figure(app))
    names = dict(zip(TINY_VILLAGES, ["Thôn A", "Thôn B", "Thôn C"], strict=True))
    for code, (class_name, share) in shown.items():
        row = table[table["Thôn"] == names[code]].iloc[0]
        assert row["Nhóm"] == class_name
        assert row["Tỷ lệ hộ"] == ("—" if class_name == "chưa báo cáo" else i18n.percent(share, "vi"))
    assert [button.label for button in app.get("download_button")] == ["Tải CSV", "Tải Excel"]


def test_a_click_on_a_village_opens_its_page_keeping_language_commune_and_period(tiny_with_boundaries, monkeypatch):
    app = open_map(tiny_with_boundaries, monkeypatch, period="2025-12", language="en")
    # AppTest cannot click a map: the user clicks village B (reading a real click is tested below).
    monkeypatch.setattr("ui.maps.clicked_location", lambda event: "99999-02")
    app.run()
    assert not app.exception
    assert app.title[0].value == "Thôn B – Xã Thử Nghiệm"
    assert {key: app.query_params[key] for key in ("village", "language", "commune", "period")} == {
        "village": "99999-02", "language": "en", "commune": tiny_commune.CODE, "period": "2025-12"}


def test_a_domain_colours_villages_by_the_mean_of_its_indicators(tiny_with_boundaries, monkeypatch):
    app = open_map(tiny_with_boundaries, monkeypatch, period="2025-12", measure="chinh_quyen_so")
    shown = shown_values(map_figure(app))
    # Village A in December: VNeID 70, online services 50, city app 30 of 100 households.
    assert shown["99999-01"][1] == pytest.approx((0.70 + 0.50 + 0.30) / 3)
    assert shown["99999-02"][0] == shown["99999-03"][0] == "chưa báo cáo"


def test_the_legend_is_titled_in_english_when_english_is_chosen(tiny_with_boundaries, monkeypatch):
    app = open_map(tiny_with_boundaries, monkeypatch, period="2025-Q4")
    app.sidebar.segmented_control[0].set_value("en").run()
    assert not app.exception
    figure = map_figure(app)
    assert figure.layout.legend.title.text == "Share of households (target 80%)"
    assert {trace.name for trace in figure.data} == {"80% to under 100%", "Below 50%", "not reported"}


def test_demo_village_boundaries_are_labelled_demo_on_the_map(demo_warehouse, monkeypatch):
    app = open_map(demo_warehouse, monkeypatch)
    assert not app.exception
    assert "DỮ LIỆU MINH HỌA – ranh giới thôn giả lập" in [warning.value for warning in app.warning]
    assert len(shown_values(map_figure(app))) == 28


def test_a_commune_without_village_boundaries_explains_how_to_load_them(tiny_warehouse, monkeypatch):
    app = open_map(tiny_warehouse, monkeypatch, period="2025-Q4")
    assert not app.exception
    assert not app.get("plotly_chart")
    assert "python -m etl boundaries" in app.info[0].value


def test_the_city_view_colours_communes_by_share_of_villages_meeting_the_target(tmp_path, monkeypatch, capsys):
    # The demo command registers the city's communes and stores their shipped boundaries: no import needed.
    demo_warehouse = tmp_path / "demo.duckdb"
    assert main(["demo", "--db", str(demo_warehouse)]) == 0
    app = open_map(demo_warehouse, monkeypatch, commune=GIA_LOC_CODE, period="2025-12", map_view="city")
    assert not app.exception
    assert "DỮ LIỆU MINH HỌA – số liệu của xã minh họa trên bản đồ này là giả lập, không phải số liệu thật." in [
        warning.value for warning in app.warning]
    chart = app.get("plotly_chart")[0].proto.spec
    assert len(chart) < 500_000
    shown = shown_values(plotly.io.from_json(chart))
    assert len(shown) == 114
    share = geography.city_map(Warehouse.open(demo_warehouse), "2025-12").rows.set_index("commune_code")
    assert shown[GIA_LOC_CODE][1] == pytest.approx(share.loc[GIA_LOC_CODE, "share_meeting_target"])
    # The demo city's communes have figures too; those without any are grey.
    without_data = set(share.index[share["share_meeting_target"].isna()])
    assert without_data and {code for code, (name, _) in shown.items() if name == "chưa có dữ liệu"} == without_data
    assert all(value == pytest.approx(share.loc[code, "share_meeting_target"])
               for code, (_, value) in shown.items() if code not in without_data)
    assert list(app.dataframe[0].value.columns) == ["Xã", "Tỷ lệ thôn đạt mục tiêu"], "what a phone has room for"


def test_the_city_map_is_labelled_demo_only_when_a_demo_communes_figures_are_on_it(tiny_warehouse, monkeypatch):
    replace_communes(Warehouse.open(tiny_warehouse), demo.generate())
    store_commune_boundaries(Warehouse.open(tiny_warehouse), side_by_side_squares([tiny_commune.CODE]))
    con = Warehouse.open(tiny_warehouse)
    assert not geography.city_map(con, "2025-12").is_demo
    store_commune_boundaries(Warehouse.open(tiny_warehouse), side_by_side_squares([GIA_LOC_CODE], west=107))
    assert geography.city_map(con, "2025-12").is_demo


def test_the_demo_command_also_creates_the_demo_village_boundaries(tmp_path, capsys):
    path = tmp_path / "demo.duckdb"
    assert main(["demo", "--db", str(path)]) == 0
    assert "28 ranh giới thôn minh họa" in capsys.readouterr().out
    rows = geography.village_boundaries(Warehouse.open(path), demo.COMMUNE_CODE)
    assert len(rows) == 28 and rows["is_demo"].all()


def test_the_demo_villages_cut_gia_locs_real_outline_without_gaps_or_overlaps():
    codes = [f"{GIA_LOC_CODE}-{number:02d}" for number in range(1, 29)]
    villages = demo_geography.village_boundaries(codes, seed=demo.DEFAULT_SEED)
    cells = shapely.from_wkb(villages["geometry"].to_numpy())
    outline = demo_geography.commune_outline()
    assert outline.equals(read_layer(GIA_LOC).geometry.iloc[0]), "the outline is Gia Lộc's shipped one"
    assert not shapely.is_empty(cells).any() and shapely.coverage_is_valid(cells)
    assert shapely.union_all(cells).symmetric_difference(outline).area < outline.area * 1e-6
    assert villages["area_km2"].sum() == pytest.approx(21.78, rel=0.01)
    displays = [shapely.from_geojson(text) for text in villages["display"]]
    assert shapely.coverage_is_valid(displays), "display simplification must not open slivers"
    assert not villages["geometry"].equals(
        demo_geography.village_boundaries(codes, seed=7)["geometry"]), "another seed gives other villages"


def test_a_click_on_the_map_gives_the_code_of_the_clicked_area():
    from types import SimpleNamespace

    from ui.maps import clicked_location

    clicked = SimpleNamespace(selection={"points": [{"curve_number": 1, "location": "99999-02", "z": 0.45}]})
    assert clicked_location(clicked) == "99999-02"
    assert clicked_location(SimpleNamespace(selection={"points": []})) is None
    assert clicked_location(None) is None


def test_the_tile_base_map_is_an_option_and_off_by_default(tiny_with_boundaries, monkeypatch):
    app = open_map(tiny_with_boundaries, monkeypatch, period="2025-Q4")
    assert map_figure(app).layout.map.style == "white-bg"
    app.toggle(key="map_tiles").set_value(True).run()
    assert map_figure(app).layout.map.style == "open-street-map"


def test_an_old_demo_warehouse_without_boundaries_says_to_recreate_the_demo(warehouse_path, monkeypatch):
    replace_communes(Warehouse.open(warehouse_path), demo.generate())
    app = open_map(warehouse_path, monkeypatch)
    assert not app.exception
    assert "python -m etl demo" in app.info[0].value


def test_the_classes_the_legend_and_the_table_follow_the_catalogues_target(tiny_with_boundaries, monkeypatch, tmp_path):
    from settings import DEFAULT_CATALOGUE

    catalogue = tmp_path / "indicators.csv"
    catalogue.write_text(DEFAULT_CATALOGUE.read_text(encoding="utf-8").replace(",0.8,", ",0.9,"), encoding="utf-8")
    Warehouse.close_all()
    Warehouse.open(tiny_with_boundaries, catalogue)  # the dashboard then finds it open, with this catalogue
    app = open_map(tiny_with_boundaries, monkeypatch, period="2025-Q4")
    figure = map_figure(app)
    assert shown_values(figure)["99999-01"][0] == "50% – dưới 90%"
    assert figure.layout.legend.title.text == "Tỷ lệ hộ (mục tiêu 90%)"
    table = app.dataframe[0].value
    assert table.loc[table["Thôn"] == "Thôn A", "Nhóm"].tolist() == ["50% – dưới 90%"]
