import json
import re
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from cli import main
from etl import demo
from etl.load import message
from geo.boundaries import prepare_boundaries, simplify_for_display
from geo.names import fold, without_unit
from geo.shipped import read_layer
from tests import tiny_commune
from tests.geo_fixtures import GIA_LOC, GIA_LOC_CODE, HAI_PHONG
from warehouse import geography, registry
from warehouse.database import Warehouse
from warehouse.write.boundaries import replace_village_boundaries
from warehouse.write.communes import replace_communes

CITY_FIGURE_BUDGET = 500_000


@pytest.fixture
def demo_warehouse(warehouse_path):
    replace_communes(Warehouse.open(warehouse_path), demo.generate())
    return warehouse_path


def import_boundaries(capsys, warehouse, *arguments) -> tuple[int, dict]:
    status = main(["boundaries", *map(str, arguments), "--db", str(warehouse), "--json"])
    return status, json.loads(capsys.readouterr().out)["files"][0]


def stored(warehouse, level: str) -> pd.DataFrame:
    return Warehouse.open(warehouse).read(
        "SELECT code, commune_code, display, area_km2, is_demo FROM boundaries WHERE level = ? ORDER BY code",
        [level])


def test_names_match_without_diacritics_case_or_unit_word():
    assert fold("  Thôn  ĐÔNG Hòa ") == fold("thon dong hoa") == "thon dong hoa"
    assert without_unit("Xã Gia Lộc") == without_unit("gia loc") == "gia loc"
    assert without_unit("Tổ dân phố Đức Phong") == "duc phong"


def test_importing_the_hai_phong_file_registers_and_matches_all_114_codes_and_finds_gia_loc(demo_warehouse, capsys):
    status, first = import_boundaries(capsys, demo_warehouse, HAI_PHONG, "--level", "commune",
                                      "--code-field", "code", "--register")
    assert status == 0 and first["status"] == "accepted" and first["rows"] == 114
    assert [entry for entry in first["matched"] if entry["code"] == GIA_LOC_CODE] == [
        {"code": GIA_LOC_CODE, "name": "Xã Gia Lộc", "feature": 44}]
    assert len(first["registered"]) == 113
    # Names come from the official registry, not from the file (which spells it "Phường Việt Hoà").
    assert {"code": "10510", "name": "Phường Thành Đông"} in first["registered"]
    assert {"code": "10543", "name": "Phường Việt Hòa"} in first["registered"]
    registered = Warehouse.open(demo_warehouse).rows(
        "SELECT name, unit_type, province, is_demo FROM communes WHERE code = '10543'")
    assert registered == [("Phường Việt Hòa", "phuong", "31", False)]
    assert Warehouse.open(demo_warehouse).rows("SELECT code, name FROM provinces") == [
        ("31", "Thành phố Hải Phòng")]

    status, again = import_boundaries(capsys, demo_warehouse, HAI_PHONG, "--level", "commune", "--code-field", "code")
    assert status == 0
    assert len({entry["code"] for entry in again["matched"]}) == 114
    assert again["registry_without_boundary"] == [] and again["boundaries_without_registry"] == []
    gia_loc = stored(demo_warehouse, "commune").set_index("code").loc[GIA_LOC_CODE]
    assert gia_loc["area_km2"] == pytest.approx(21.78, rel=0.01)


def test_commune_boundaries_without_registry_entry_are_reported_and_not_stored(demo_warehouse, capsys):
    status, result = import_boundaries(capsys, demo_warehouse, HAI_PHONG, "--level", "commune", "--code-field", "code")
    assert status == 0
    assert [entry["code"] for entry in result["matched"]] == [GIA_LOC_CODE]
    assert len(result["boundaries_without_registry"]) == 113
    assert {"feature": 1, "value": "10510"} in result["boundaries_without_registry"]
    assert stored(demo_warehouse, "commune")["code"].tolist() == [GIA_LOC_CODE]


def test_the_text_output_prints_the_figure_size_before_and_after_simplification(demo_warehouse, capsys):
    assert main(["boundaries", str(HAI_PHONG), "--level", "commune", "--code-field", "code", "--register",
                 "--db", str(demo_warehouse)]) == 0
    printed = capsys.readouterr().out
    sizes = re.search(r"Kích thước JSON của bản đồ: ([\d.]+),\d KB trước khi đơn giản hóa, ([\d.]+),\d KB sau", printed)
    before, after = (int(size.replace(".", "")) for size in sizes.groups())
    assert before > 1500 and after < 500
    assert "Đã thêm vào danh mục 113 xã mới." in printed


def test_register_adds_only_codes_of_the_official_registry_and_reports_the_others(tiny_warehouse, tmp_path, capsys):
    gia_loc = read_layer(GIA_LOC)
    unknown = gia_loc.assign(code="12399", geometry=gia_loc.translate(0.2).geometry)
    path = tmp_path / "two.geojson"
    pd.concat([gia_loc, unknown]).to_file(path, driver="GeoJSON")
    status, result = import_boundaries(capsys, tiny_warehouse, path, "--level", "commune", "--code-field", "code",
                                       "--register")
    assert status == 0
    assert result["registered"] == [{"code": GIA_LOC_CODE, "name": "Xã Gia Lộc"}]
    assert result["boundaries_without_registry"] == [{"feature": 2, "value": "12399"}]
    assert result["registry_without_boundary"] == [{"code": tiny_commune.CODE, "name": tiny_commune.NAME}]
    assert stored(tiny_warehouse, "commune")["code"].tolist() == [GIA_LOC_CODE]


def test_register_needs_codes_and_the_label_field_is_no_longer_used(tiny_warehouse, capsys):
    assert main(["boundaries", str(GIA_LOC), "--level", "commune", "--name-field", "fullName", "--register",
                 "--db", str(tiny_warehouse)]) == 2
    assert "--code-field" in capsys.readouterr().err
    assert main(["boundaries", str(GIA_LOC), "--level", "commune", "--code-field", "code", "--register",
                 "--label-field", "name", "--db", str(tiny_warehouse)]) == 0
    printed = capsys.readouterr()
    assert "--label-field không còn được dùng" in printed.err
    assert "Đã thêm vào danh mục 1 xã mới." in printed.out
    assert registry.communes(Warehouse.open(tiny_warehouse)).set_index("code").loc[
        GIA_LOC_CODE, "name"] == "Xã Gia Lộc"


def test_without_register_unmatched_official_codes_come_with_the_command_that_registers_them(demo_warehouse, capsys):
    assert main(["boundaries", str(HAI_PHONG), "--level", "commune", "--code-field", "code",
                 "--db", str(demo_warehouse)]) == 0
    assert ("113 mã trong số đó có trong danh mục chính thức: đăng ký tỉnh của chúng (mã 31) bằng "
            "python -m etl communes --province MÃ") in capsys.readouterr().out


def test_the_simplified_city_layer_stays_under_500_kb_of_figure_json(capsys, demo_warehouse):
    _, result = import_boundaries(capsys, demo_warehouse, HAI_PHONG, "--level", "commune", "--code-field", "code",
                                  "--register")
    # The shipped layer keeps about 1 m of detail: three times the budget before the display simplification.
    assert result["figure_json_bytes"]["before"] > 3 * CITY_FIGURE_BUDGET
    assert result["figure_json_bytes"]["after"] < CITY_FIGURE_BUDGET


def village_file(tmp_path, names: list[str]) -> str:
    frame = gpd.GeoDataFrame({"ten_thon": names},
                             geometry=[shapely.box(106 + i / 100, 20, 106 + (i + 1) / 100, 20.01)
                                       for i in range(len(names))], crs="EPSG:4326")
    path = tmp_path / "thon.geojson"
    frame.to_file(path, driver="GeoJSON")
    return str(path)


def test_villages_match_by_name_and_unmatched_are_reported_both_ways(tiny_warehouse, tmp_path, capsys):
    path = village_file(tmp_path, ["thon a", "B", "Thôn Không Có"])
    status, result = import_boundaries(capsys, tiny_warehouse, path, "--level", "village", "--name-field", "ten_thon",
                                       "--commune", tiny_commune.CODE)
    assert status == 0
    assert result["matched"] == [{"code": "99999-01", "name": "Thôn A", "feature": 1},
                                 {"code": "99999-02", "name": "Thôn B", "feature": 2}]
    assert result["registry_without_boundary"] == [{"code": "99999-03", "name": "Thôn C"}]
    assert result["boundaries_without_registry"] == [{"feature": 3, "value": "Thôn Không Có"}]
    assert stored(tiny_warehouse, "village")["code"].tolist() == ["99999-01", "99999-02"]


def test_village_boundaries_need_the_commune_they_belong_to(tiny_warehouse, tmp_path, capsys):
    path = village_file(tmp_path, ["Thôn A"])
    arguments = ["boundaries", path, "--level", "village", "--name-field", "ten_thon", "--db", str(tiny_warehouse)]
    assert main(arguments) == 2
    assert "--commune" in capsys.readouterr().err


def test_a_feature_that_is_not_an_area_refuses_the_file_and_changes_nothing(tiny_warehouse, tmp_path, capsys):
    replace_village_boundaries(
        Warehouse.open(tiny_warehouse), tiny_commune.CODE,
        pd.DataFrame({"code": ["99999-01"], "geometry": [shapely.box(0, 0, 1, 1).wkb],
                      "display": ['{"type":"Point","coordinates":[0,0]}'], "area_km2": [1.0]}))
    frame = gpd.GeoDataFrame({"ten_thon": ["Thôn A", "Thôn B"]},
                             geometry=[shapely.box(106, 20, 106.01, 20.01), shapely.LineString([(106, 20), (107, 21)])],
                             crs="EPSG:4326")
    path = tmp_path / "line.geojson"
    frame.to_file(path, driver="GeoJSON")
    status, result = import_boundaries(capsys, tiny_warehouse, path, "--level", "village", "--name-field", "ten_thon",
                                       "--commune", tiny_commune.CODE)
    assert status == 1 and result["status"] == "refused" and result["upload_id"] is None
    assert result["errors"] == [{"row": 2, "column": "geometry",
                                 "message": "Cần một vùng (Polygon hoặc MultiPolygon), nhưng đối tượng là LineString."}]
    assert stored(tiny_warehouse, "village")["code"].tolist() == ["99999-01"]


def test_a_self_crossing_boundary_is_repaired_with_a_warning(tiny_warehouse, tmp_path, capsys):
    bow_tie = shapely.Polygon([(106, 20), (106.01, 20.01), (106.01, 20), (106, 20.01), (106, 20)])
    frame = gpd.GeoDataFrame({"ma": ["99999-01"]}, geometry=[bow_tie], crs="EPSG:4326")
    path = tmp_path / "bow_tie.geojson"
    frame.to_file(path, driver="GeoJSON")
    status, result = import_boundaries(capsys, tiny_warehouse, path, "--level", "village", "--code-field", "ma",
                                       "--commune", tiny_commune.CODE)
    assert status == 0
    assert result["warnings"][0]["row"] == 1 and "đã được tự động sửa" in result["warnings"][0]["message"]
    assert shapely.from_geojson(stored(tiny_warehouse, "village")["display"].iloc[0]).is_valid


def test_an_unknown_property_is_refused_naming_the_properties_the_file_has(tiny_warehouse, capsys):
    status, result = import_boundaries(capsys, tiny_warehouse, GIA_LOC, "--level", "commune", "--code-field", "ma_xa")
    assert status == 1
    assert result["errors"][0]["message"] == (
        "Tệp không có thuộc tính ma_xa. Các thuộc tính có trong tệp: code, name, fullName, province, areaKm2.")


def test_a_zipped_shapefile_and_a_geopackage_in_other_crs_import_to_the_same_geometry(tmp_path):
    registry = pd.DataFrame({"code": [GIA_LOC_CODE], "name": ["Xã Gia Lộc"]})
    source = read_layer(GIA_LOC)
    shapefile_dir = tmp_path / "shp"
    shapefile_dir.mkdir()
    source.to_crs("EPSG:32648").to_file(shapefile_dir / "gia_loc.shp")  # UTM zone 48N, metres
    zipped = tmp_path / "gia_loc.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        for part in shapefile_dir.iterdir():
            archive.write(part, part.name)
    geopackage = tmp_path / "gia_loc.gpkg"
    source.to_crs("EPSG:3405").to_file(geopackage, driver="GPKG")  # VN-2000 / UTM zone 48N

    reference = prepare_boundaries(GIA_LOC, "commune", registry, code_field="code")
    assert not reference.refused
    expected = shapely.from_wkb(reference.boundaries["geometry"].iloc[0])
    for path in (zipped, geopackage):
        result = prepare_boundaries(path, "commune", registry, code_field="code")
        assert not result.refused, result.errors
        assert [entry["code"] for entry in result.matched] == [GIA_LOC_CODE]
        geometry = shapely.from_wkb(result.boundaries["geometry"].iloc[0])
        assert geometry.symmetric_difference(expected).area < expected.area * 1e-6, path.suffix
        assert result.boundaries["area_km2"].iloc[0] == pytest.approx(21.78, rel=0.01)


def test_simplifying_neighbours_together_leaves_no_gap_or_overlap_between_them():
    # Two squares sharing a wiggly edge: simplified apart, the edge would open a sliver.
    wiggle = [(0.0005 * i, 0.0001 * (i % 2)) for i in range(0, 21)]
    left = shapely.Polygon([(0, -1), *wiggle, (0.01, -1)])
    right = shapely.Polygon([(0, 1), *wiggle, (0.01, 1)])
    simplified = simplify_for_display(np.array([left, right]), "commune")
    assert shapely.coverage_is_valid(simplified)
    assert shapely.intersection(*simplified).area == 0
    assert shapely.union_all(simplified).area == pytest.approx(left.area + right.area, rel=1e-3)
    assert shapely.count_coordinates(simplified) < shapely.count_coordinates(np.array([left, right]))


def test_the_city_layer_lists_communes_with_boundaries_and_their_share_meeting_the_target(demo_warehouse, capsys):
    import_boundaries(capsys, demo_warehouse, HAI_PHONG, "--level", "commune", "--code-field", "code", "--register")
    con = Warehouse.open(demo_warehouse)
    layer = geography.city_map(con, "2025-12")
    assert len(layer.rows) == 114 and len(layer.geojson["features"]) == 114
    gia_loc = layer.rows.set_index("commune_code").loc[GIA_LOC_CODE]
    from warehouse import queries

    villages = queries.coverage_by_village(con, GIA_LOC_CODE, "2025-12")
    assert gia_loc["villages"] == 28
    assert gia_loc["share_meeting_target"] == pytest.approx(villages["meets_target"].mean())
    assert layer.rows.set_index("commune_code")["share_meeting_target"].drop(GIA_LOC_CODE).isna().all()


def test_a_shapefile_in_metres_without_its_crs_is_refused_with_the_reason(tmp_path):
    source = read_layer(GIA_LOC).to_crs("EPSG:32648")
    folder = tmp_path / "shp"
    folder.mkdir()
    source.to_file(folder / "gia_loc.shp")
    zipped = tmp_path / "no_prj.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        for part in folder.iterdir():
            if part.suffix != ".prj":  # the file that names the CRS
                archive.write(part, part.name)
    registry = pd.DataFrame({"code": [GIA_LOC_CODE], "name": ["Xã Gia Lộc"]})
    result = prepare_boundaries(zipped, "commune", registry, code_field="code")
    assert result.refused and result.boundaries.empty
    assert "không ghi hệ tọa độ (CRS)" in message(result.errors[0]) and "no_prj.zip" in message(result.errors[0])


def test_a_file_of_another_kind_is_refused_naming_the_formats_accepted(tmp_path):
    path = tmp_path / "ranh_gioi.csv"
    path.write_text("code,name\n10999,Gia Lộc\n", encoding="utf-8")
    result = prepare_boundaries(path, "commune", pd.DataFrame({"code": [], "name": []}), code_field="code")
    assert result.refused
    assert message(result.errors[0]).startswith("ranh_gioi.csv: không nhận định dạng .csv; cần GeoJSON")


def test_uploads_fold_a_column_exactly_as_boundaries_fold_a_name():
    import pandas as pd

    from etl.schema import fold_series

    names = ["  Thôn  ĐÔNG-Hòa ", "Tổng cộng", "Số hộ đã được Tổ hướng dẫn", "Xã Gia Lộc (10999)", ""]
    assert fold_series(pd.Series(names)).tolist() == [fold(name) for name in names]
