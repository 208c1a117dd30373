"""Boundary files as commune offices and surveyors send them: an import never wipes or misplaces a map."""

import json

import pandas as pd
import pytest
import shapely
from pyproj import CRS

from cli import main
from etl import demo
from geo import demo as demo_geography
from geo.shipped import read_layer
from tests.geo_fixtures import (
    GIA_LOC_CODE,
    HAI_PHONG,
    VILLAGE_CODES,
    VILLAGE_NAMES,
    geojson,
    gia_loc_villages,
    gia_phuc_villages_named_as_gia_locs,
    swapped,
    write_shapefile,
    zip_files,
    zipped_shapefile,
)
from warehouse.database import Warehouse
from warehouse.write.boundaries import replace_village_boundaries
from warehouse.write.communes import replace_communes
from warehouse.write.upload_scopes import UPLOAD_SCOPES


@pytest.fixture
def demo_warehouse(warehouse_path):
    """The demo commune with its (invented) village boundaries, as `python -m etl demo` makes it."""
    tables = demo.generate()
    replace_communes(Warehouse.open(warehouse_path), tables)
    shapes = demo_geography.village_boundaries(VILLAGE_CODES, seed=demo.DEFAULT_SEED)
    replace_village_boundaries(Warehouse.open(warehouse_path), GIA_LOC_CODE, shapes, is_demo=True)
    return warehouse_path


def run(capsys, warehouse, *arguments) -> tuple[int, dict]:
    status = main(["boundaries", *map(str, arguments), "--db", str(warehouse), "--json"])
    return status, json.loads(capsys.readouterr().out)["files"][0]


def villages(capsys, warehouse, path, *arguments) -> tuple[int, dict]:
    return run(capsys, warehouse, path, "--level", "village", "--commune", GIA_LOC_CODE, *arguments)


def boundary_rows(warehouse) -> list[tuple]:
    """Every stored boundary row, every column, as DuckDB returns it (geometry bytes included)."""
    return Warehouse.open(warehouse).rows(
        "SELECT * FROM boundaries ORDER BY level, code")


def messages(result: dict) -> str:
    return " ".join(problem["message"] for problem in result["errors"])


# --- Never deletes what the user did not ask to delete --------------------------------------------------------------

def test_a_file_matching_no_village_is_refused_naming_its_features_and_the_map_stays_byte_identical(
        demo_warehouse, tmp_path, capsys):
    before = boundary_rows(demo_warehouse)
    wrong = gia_loc_villages().assign(ten_thon=[f"Xóm {number}" for number in range(1, 29)])
    status, result = villages(capsys, demo_warehouse, geojson(wrong, tmp_path / "thon.geojson"),
                              "--name-field", "ten_thon")
    assert status == 1 and result["status"] == "refused" and result["upload_id"] is None
    assert "không đối tượng nào khớp" in messages(result) and "1 (Xóm 1)" in messages(result)
    assert {"feature": 1, "value": "Xóm 1"} in result["boundaries_without_registry"]
    assert boundary_rows(demo_warehouse) == before


def test_a_file_with_fewer_villages_is_refused_naming_those_it_would_delete(demo_warehouse, tmp_path, capsys):
    before = boundary_rows(demo_warehouse)
    path = geojson(gia_loc_villages().iloc[:20], tmp_path / "thon.geojson")
    status, result = villages(capsys, demo_warehouse, path, "--code-field", "ma_thon")
    assert status == 1
    assert "sẽ xóa 8 trong 28 ranh giới đang lưu" in messages(result)
    assert f"{VILLAGE_CODES[27]} {VILLAGE_NAMES[27]}" in messages(result) and "--replace" in messages(result)
    assert boundary_rows(demo_warehouse) == before


def test_replace_says_what_disappears_and_undo_restores_every_byte(demo_warehouse, tmp_path, capsys):
    before = boundary_rows(demo_warehouse)
    path = geojson(gia_loc_villages(seed=7).iloc[:20], tmp_path / "thon.geojson")
    status, result = villages(capsys, demo_warehouse, path, "--code-field", "ma_thon", "--replace")
    assert status == 0 and result["rows"] == 20
    assert [entry["code"] for entry in result["removed"]] == VILLAGE_CODES[20:]
    assert len(boundary_rows(demo_warehouse)) == 20

    assert main(["undo", str(result["upload_id"]), "--db", str(demo_warehouse)]) == 0
    assert "Ranh giới thôn" in capsys.readouterr().out
    assert boundary_rows(demo_warehouse) == before


def test_replace_with_a_file_matching_nothing_is_undone_exactly_too(demo_warehouse, tmp_path, capsys):
    before = boundary_rows(demo_warehouse)
    wrong = gia_loc_villages().assign(ten_thon=[f"Xóm {number}" for number in range(1, 29)])
    status, result = villages(capsys, demo_warehouse, geojson(wrong, tmp_path / "thon.geojson"),
                              "--name-field", "ten_thon", "--replace")
    assert status == 0 and len(result["removed"]) == 28 and boundary_rows(demo_warehouse) == []
    assert main(["undo", str(result["upload_id"]), "--db", str(demo_warehouse)]) == 0
    assert boundary_rows(demo_warehouse) == before


def test_a_second_import_must_be_undone_before_the_first(demo_warehouse, tmp_path, capsys):
    path = geojson(gia_loc_villages(seed=7), tmp_path / "thon.geojson")
    _, first = villages(capsys, demo_warehouse, path, "--code-field", "ma_thon")
    again = geojson(gia_loc_villages(seed=8), tmp_path / "thon2.geojson")
    _, second = villages(capsys, demo_warehouse, again, "--code-field", "ma_thon")
    assert main(["undo", str(first["upload_id"]), "--db", str(demo_warehouse)]) == 1
    assert f"hoàn tác lần {second['upload_id']} trước" in capsys.readouterr().err


def test_undo_of_a_commune_import_removes_the_communes_it_registered_and_restores_the_boundaries(
        demo_warehouse, capsys):
    communes = "SELECT code, name, province, is_demo FROM communes ORDER BY code"
    before = Warehouse.open(demo_warehouse).rows(communes)
    status, result = run(capsys, demo_warehouse, HAI_PHONG, "--level", "commune", "--code-field", "code",
                         "--register")
    assert status == 0 and len(result["registered"]) == 113
    assert main(["undo", str(result["upload_id"]), "--db", str(demo_warehouse)]) == 0
    assert Warehouse.open(demo_warehouse).rows(communes) == before
    assert [row[0] for row in boundary_rows(demo_warehouse)] == ["village"] * 28


def test_a_boundary_upload_recorded_before_undo_existed_is_not_undone_silently(demo_warehouse, capsys):
    with Warehouse.open(demo_warehouse).transaction() as cursor:
        cursor.execute("INSERT INTO uploads (file_name, checksum, kind, commune_code, uploaded_by, status) "
                       "VALUES ('cu.geojson', 'x', 'boundaries_village', '10999', 'cli', 'accepted')")
    upload_id = Warehouse.open(demo_warehouse).scalar("SELECT max(id) FROM uploads")
    assert main(["undo", str(upload_id), "--db", str(demo_warehouse)]) == 1
    assert "không hoàn tác được" in capsys.readouterr().err
    assert len(boundary_rows(demo_warehouse)) == 28


# --- Plausibility of place -------------------------------------------------------------------------------------------

def test_a_file_in_degrees_whose_prj_says_utm_is_refused_saying_how_far_off_it_would_land(
        demo_warehouse, tmp_path, capsys):
    before = boundary_rows(demo_warehouse)
    in_degrees = gia_loc_villages().set_crs("EPSG:32648", allow_override=True)  # the .prj says UTM 48N
    status, result = villages(capsys, demo_warehouse, zipped_shapefile(in_degrees, tmp_path), "--code-field",
                              "ma_thon")
    assert status == 1
    message = messages(result)
    assert "tọa độ là kinh độ/vĩ độ" in message and "WGS 84 / UTM zone 48N (EPSG:32648)" in message
    distance = float(message.split("cách Xã Gia Lộc ")[1].split(" km")[0].replace(".", ""))
    assert 2300 < distance < 2500 and "km về phía nam, ngoài Việt Nam" in message
    assert boundary_rows(demo_warehouse) == before


def test_a_commune_file_in_degrees_declared_as_utm_says_how_far_from_vietnam_it_would_land(
        demo_warehouse, tmp_path, capsys):
    in_degrees = read_layer(HAI_PHONG).set_crs("EPSG:32648", allow_override=True)
    status, result = run(capsys, demo_warehouse, zipped_shapefile(in_degrees, tmp_path, name="xa"), "--level",
                         "commune", "--code-field", "code", "--register")
    assert status == 1 and result["registered"] == []
    assert "ranh giới nằm cách lãnh thổ Việt Nam 7" in messages(result) and "km về phía nam" in messages(result)


def test_the_neighbouring_communes_layer_is_refused_naming_where_it_lies_and_how_far(
        demo_warehouse, tmp_path, capsys):
    path = geojson(gia_phuc_villages_named_as_gia_locs(), tmp_path / "thon.geojson")
    status, result = villages(capsys, demo_warehouse, path, "--name-field", "ten_thon")
    assert status == 1 and len(result["matched"]) == 28, "the names match: only the place tells"
    message = messages(result)
    assert "không ranh giới nào nằm trong Xã Gia Lộc: chúng nằm ở Xã Gia Phúc" in message
    distance = float(message.split("cách Xã Gia Lộc ")[1].split(" km")[0].replace(",", "."))
    assert 3 < distance < 12 and "Có lẽ đây là tệp của xã khác" in message


def test_latitude_and_longitude_swapped_are_recognised_and_named(demo_warehouse, tmp_path, capsys):
    path = geojson(swapped(gia_loc_villages()), tmp_path / "thon.geojson")
    status, result = villages(capsys, demo_warehouse, path, "--code-field", "ma_thon")
    assert status == 1
    assert "kinh độ và vĩ độ bị đảo chỗ" in messages(result)


def test_easting_and_northing_swapped_in_utm_are_recognised(demo_warehouse, tmp_path, capsys):
    in_utm = swapped(gia_loc_villages().to_crs("EPSG:3405"))
    status, result = villages(capsys, demo_warehouse, zipped_shapefile(in_utm, tmp_path), "--code-field",
                              "ma_thon")
    assert status == 1 and "hai trục tọa độ bị đảo chỗ" in messages(result)


def test_a_geojson_in_metres_without_crs_is_refused_naming_the_crs_its_numbers_fit(
        demo_warehouse, tmp_path, capsys):
    path = geojson(gia_loc_villages().to_crs("EPSG:3405"), tmp_path / "thon.geojson", declare_crs=False)
    status, result = villages(capsys, demo_warehouse, path, "--code-field", "ma_thon")
    assert status == 1
    assert "không phải kinh độ/vĩ độ, mà tệp GeoJSON không khai báo hệ tọa độ" in messages(result)
    assert "VN-2000 / UTM zone 48N (EPSG:3405)" in messages(result)


def test_a_geojson_declaring_its_crs_in_metres_is_accepted(demo_warehouse, tmp_path, capsys):
    path = geojson(gia_loc_villages(seed=7).to_crs("EPSG:3405"), tmp_path / "thon.geojson")
    status, result = villages(capsys, demo_warehouse, path, "--code-field", "ma_thon")
    assert status == 0 and result["rows"] == 28 and result["crs"] == "EPSG:3405"


def test_metres_declared_as_wgs84_are_refused_before_any_transform(demo_warehouse, tmp_path, capsys):
    in_metres = gia_loc_villages().to_crs("EPSG:32648").set_crs("EPSG:4326", allow_override=True)
    status, result = villages(capsys, demo_warehouse, zipped_shapefile(in_metres, tmp_path), "--code-field",
                              "ma_thon")
    assert status == 1
    assert "tọa độ (ví dụ" in messages(result) and "không phải độ ở Việt Nam" in messages(result)
    assert "Tọa độ khớp với hệ VN-2000 / UTM zone 48N (EPSG:3405) hoặc" in messages(result)
    assert "hoặc WGS 84 / UTM zone 48N (EPSG:32648): có lẽ tệp dùng hệ này" in messages(result)


def test_a_village_reaching_out_of_the_commune_is_refused_naming_the_feature_distance_and_direction(
        demo_warehouse, tmp_path, capsys):
    frame = gia_loc_villages(seed=7)
    frame.loc[3, "geometry"] = shapely.affinity.translate(frame.geometry[3], xoff=0.1)  # about 10 km east
    status, result = villages(capsys, demo_warehouse, geojson(frame, tmp_path / "thon.geojson"), "--code-field",
                              "ma_thon")
    assert status == 1
    [error] = result["errors"]
    assert error["row"] == 4 and error["column"] == "geometry"
    assert "vượt ra ngoài Xã Gia Lộc" in error["message"] and "về phía đông" in error["message"]


def test_the_demo_villages_are_plausible_for_the_import(demo_warehouse, tmp_path, capsys):
    path = geojson(gia_loc_villages(), tmp_path / "thon.geojson")
    status, result = villages(capsys, demo_warehouse, path, "--name-field", "ten_thon")
    assert status == 0 and len(result["matched"]) == 28 and result["errors"] == []


def test_a_commune_outside_its_province_is_refused(demo_warehouse, tmp_path, capsys):
    gia_loc = read_layer(HAI_PHONG).query("code == '10999'")
    moved = gia_loc.set_geometry(gia_loc.geometry.translate(xoff=-1.5, yoff=1.5))  # into the northern mountains
    status, result = run(capsys, demo_warehouse, geojson(moved, tmp_path / "xa.geojson"), "--level", "commune",
                         "--code-field", "code")
    assert status == 1
    assert "nằm ngoài tỉnh/thành phố của xã" in messages(result) and "về phía tây bắc" in messages(result)


# --- Names ----------------------------------------------------------------------------------------------------------

def test_hai_phongs_file_imports_by_name_with_both_cam_giang_and_cam_giang_with_grave(demo_warehouse, capsys):
    run(capsys, demo_warehouse, HAI_PHONG, "--level", "commune", "--code-field", "code", "--register")
    status, result = run(capsys, demo_warehouse, HAI_PHONG, "--level", "commune", "--name-field", "name")
    assert status == 0 and result["rows"] == 114 and result["errors"] == []
    matched = {entry["name"]: entry["code"] for entry in result["matched"]}
    assert matched["Xã Cẩm Giang"] == "10888" and matched["Xã Cẩm Giàng"] == "10903"


def test_a_name_without_tone_marks_fitting_two_communes_is_not_guessed(demo_warehouse, tmp_path, capsys):
    run(capsys, demo_warehouse, HAI_PHONG, "--level", "commune", "--code-field", "code", "--register")
    frame = read_layer(HAI_PHONG).query("code == '10888'").assign(name="Cam Giang")
    status, result = run(capsys, demo_warehouse, geojson(frame, tmp_path / "xa.geojson"), "--level", "commune",
                         "--name-field", "name")
    assert status == 1
    assert result["boundaries_without_registry"] == [{"feature": 1, "value": "Cam Giang", "candidates": [
        {"code": "10888", "name": "Xã Cẩm Giang"}, {"code": "10903", "name": "Xã Cẩm Giàng"}]}]


def test_two_spellings_of_one_village_are_an_error_naming_both_features(demo_warehouse, tmp_path, capsys):
    frame = gia_loc_villages(seed=7)
    frame.loc[5, "ten_thon"] = VILLAGE_NAMES[2].removeprefix("Thôn ")  # "Cẩm Lý" beside "Thôn Cẩm Lý"
    status, result = villages(capsys, demo_warehouse, geojson(frame, tmp_path / "thon.geojson"), "--name-field",
                              "ten_thon")
    assert status == 1
    [error] = result["errors"]
    assert error["row"] == 6 and error["column"] == "ten_thon"
    assert error["message"].startswith("Đối tượng này («Cẩm Lý») và đối tượng 3 («Thôn Cẩm Lý») cùng là Thôn Cẩm Lý")


@pytest.mark.parametrize("unit", ["Khu dân cư", "KDC", "Làng", "Khu", "Xóm", "thôn"])
def test_every_unit_word_in_use_is_left_out_when_matching(demo_warehouse, tmp_path, capsys, unit):
    frame = gia_loc_villages(seed=7).assign(ten_thon=[f"{unit} {name}" for name in demo.VILLAGE_NAMES])
    status, result = villages(capsys, demo_warehouse, geojson(frame, tmp_path / "thon.geojson"), "--name-field",
                              "ten_thon")
    assert status == 0 and len(result["matched"]) == 28


def test_field_names_match_whatever_their_case(demo_warehouse, tmp_path, capsys):
    frame = gia_loc_villages(seed=7).rename(columns={"ma_thon": "MA_THON"})
    status, result = villages(capsys, demo_warehouse, zipped_shapefile(frame, tmp_path), "--code-field", "ma_thon")
    assert status == 0 and result["rows"] == 28


def test_codes_written_as_the_villages_numbers_match_with_a_warning(demo_warehouse, tmp_path, capsys):
    frame = gia_loc_villages(seed=7).assign(ma_thon=[f"{number:02d}" for number in range(1, 29)])
    status, result = villages(capsys, demo_warehouse, geojson(frame, tmp_path / "thon.geojson"), "--code-field",
                              "ma_thon")
    assert status == 0 and [entry["code"] for entry in result["matched"]] == VILLAGE_CODES
    assert any("khớp theo số (ví dụ 01 → 10999-01)" in warning["message"] for warning in result["warnings"])


def test_a_name_missing_a_tone_mark_matches_when_it_fits_one_village_with_a_warning(
        demo_warehouse, tmp_path, capsys):
    frame = gia_loc_villages(seed=7)
    frame.loc[2, "ten_thon"] = "Thon Cam Ly"
    status, result = villages(capsys, demo_warehouse, geojson(frame, tmp_path / "thon.geojson"), "--name-field",
                              "ten_thon")
    assert status == 0 and len(result["matched"]) == 28
    [warning] = [warning for warning in result["warnings"] if warning["row"] == 3]
    assert "«Thon Cam Ly» được khớp với Thôn Cẩm Lý (10999-03) khi so không dấu" in warning["message"]


# --- Encodings ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("encoding", "code_page", "warned"), [
    ("utf-8", "UTF-8", None),
    ("windows-1258", "1258", "Windows-1258"),  # GDAL's own reading of this .cpg drops each value's last letter
    ("windows-1258", None, "Windows-1258"),
    ("tcvn3", None, "TCVN3"),
    ("tcvn3", "1252", "TCVN3"),  # a wrong .cpg does not mislead
])
def test_dbf_text_in_every_encoding_in_use_is_read_as_written(demo_warehouse, tmp_path, capsys, encoding,
                                                              code_page, warned):
    frame = gia_loc_villages(seed=7).rename(columns={"ten_thon": "TÊN_THÔN"})
    path = zipped_shapefile(frame, tmp_path, encoding=encoding, code_page=code_page)
    status, result = villages(capsys, demo_warehouse, path, "--name-field", "tên_thôn")
    assert status == 0, result["errors"]
    assert [entry["name"] for entry in result["matched"]] == VILLAGE_NAMES
    assert not any(warning["row"] for warning in result["warnings"]), "every name matched exactly"
    assert result["encoding"] == warned


def test_decomposed_text_and_the_eth_written_for_d_match_exactly(demo_warehouse, tmp_path, capsys):
    import unicodedata

    written = [unicodedata.normalize("NFD", name.replace("Đ", "Ð")) for name in VILLAGE_NAMES]
    frame = gia_loc_villages(seed=7).assign(ten_thon=written)
    status, result = villages(capsys, demo_warehouse, geojson(frame, tmp_path / "thon.geojson"), "--name-field",
                              "ten_thon")
    assert status == 0 and [entry["name"] for entry in result["matched"]] == VILLAGE_NAMES
    assert not any(warning["row"] for warning in result["warnings"])


def test_text_that_still_looks_garbled_is_refused_naming_feature_field_and_what_to_do(
        demo_warehouse, tmp_path, capsys):
    garbled = [name.encode("utf-8").decode("cp1252", errors="replace") for name in VILLAGE_NAMES]  # "ThÃ´n …"
    frame = gia_loc_villages(seed=7).assign(ten_thon=garbled)
    status, result = villages(capsys, demo_warehouse, geojson(frame, tmp_path / "thon.geojson"), "--name-field",
                              "ten_thon")
    assert status == 1
    first = result["errors"][0]
    assert first["row"] == 1 and first["column"] == "ten_thon"
    assert "có vẻ bị lỗi phông chữ" in first["message"] and "UTF-8" in first["message"]


# --- Containers -----------------------------------------------------------------------------------------------------

def test_a_zip_made_from_a_folder_is_read(demo_warehouse, tmp_path, capsys):
    files = write_shapefile(gia_loc_villages(seed=7), tmp_path / "parts", "ranh_gioi_thon")
    path = zip_files(tmp_path / "thu_muc.zip", files, folder="Ranh gioi Gia Loc/")
    status, result = villages(capsys, demo_warehouse, path, "--code-field", "ma_thon")
    assert status == 0 and result["layer"] == "Ranh gioi Gia Loc/ranh_gioi_thon.shp"


def test_a_zip_with_two_layers_is_refused_listing_them_and_layer_picks_one(demo_warehouse, tmp_path, capsys):
    files = write_shapefile(gia_loc_villages(seed=7), tmp_path / "a", "thon")
    files += write_shapefile(read_layer(HAI_PHONG).head(3), tmp_path / "b", "xa")
    path = zip_files(tmp_path / "hai_lop.zip", files)
    status, result = villages(capsys, demo_warehouse, path, "--code-field", "ma_thon")
    assert status == 1 and "có 2 lớp bản đồ: thon.shp (28); xa.shp (3)" in messages(result)
    status, result = villages(capsys, demo_warehouse, path, "--code-field", "ma_thon", "--layer", "thon")
    assert status == 0 and result["rows"] == 28


def test_a_geopackage_with_several_layers_is_refused_listing_them_and_layer_picks_one(
        demo_warehouse, tmp_path, capsys):
    path = tmp_path / "ban_do.gpkg"
    read_layer(HAI_PHONG).head(2).to_file(path, layer="xa", driver="GPKG")
    gia_loc_villages(seed=7).to_crs("EPSG:9209").to_file(path, layer="thon", driver="GPKG")
    status, result = villages(capsys, demo_warehouse, path, "--code-field", "ma_thon")
    assert status == 1 and "ban_do.gpkg: thon (28)" in messages(result) and "--layer" in messages(result)
    status, result = villages(capsys, demo_warehouse, path, "--code-field", "ma_thon", "--layer", "thon")
    assert status == 0 and result["rows"] == 28


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("hong.zip", b"PK\x03\x04 not really a zip", "không phải tệp nén .zip/.kmz đọc được"),
    ("hong.geojson", b'{"type": "FeatureCollection", "features": [', "tệp có thể bị hỏng"),
    ("trong.zip", None, "không có lớp bản đồ nào"),
])
def test_a_damaged_file_is_refused_in_the_users_language(demo_warehouse, tmp_path, capsys, name, content, expected):
    path = tmp_path / name
    if content is None:
        zip_files(path, [geojson(gia_loc_villages(), tmp_path / "thon.txt")])
    else:
        path.write_bytes(content)
    status, result = villages(capsys, demo_warehouse, path, "--code-field", "ma_thon")
    assert status == 1 and expected in messages(result)
    assert all(word not in messages(result) for word in ("GDAL", "Error", "failed"))


@pytest.mark.parametrize("suffix", [".kml", ".kmz"])
def test_kml_and_kmz_from_google_earth_are_read(demo_warehouse, tmp_path, capsys, suffix):
    kml = tmp_path / "thon.kml"
    gia_loc_villages(seed=7).rename(columns={"ten_thon": "Name"}).to_file(kml, driver="LIBKML")
    path = kml if suffix == ".kml" else zip_files(tmp_path / "thon.kmz", [kml])
    status, result = villages(capsys, demo_warehouse, path, "--name-field", "name")
    assert status == 0 and len(result["matched"]) == 28


def test_z_coordinates_are_dropped_and_cost_the_map_nothing(demo_warehouse, tmp_path, capsys):
    flat = gia_loc_villages(seed=7)
    raised = flat.set_geometry(shapely.force_3d(flat.geometry.to_numpy(), 12.5), crs=flat.crs)
    _, flat_result = villages(capsys, demo_warehouse, geojson(flat, tmp_path / "flat.geojson"), "--code-field",
                              "ma_thon")
    status, result = villages(capsys, demo_warehouse, geojson(raised, tmp_path / "z.geojson"), "--code-field",
                              "ma_thon")
    assert status == 0 and result["figure_json_bytes"] == flat_result["figure_json_bytes"]
    stored = Warehouse.open(demo_warehouse).rows(
        "SELECT geometry, display FROM boundaries WHERE level = 'village'")
    assert not any(shapely.has_z(shapely.from_wkb(geometry)) for geometry, _ in stored)
    assert all(len(json.loads(display)["coordinates"][0][0]) == 2 for _, display in stored)


# --- VN-2000 without its datum shift --------------------------------------------------------------------------------

TM3_105_30 = ('PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],'
              'PARAMETER["central_meridian",{meridian}],PARAMETER["scale_factor",0.9999],'
              'PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]')


def vn2000_prj(datum: str = 'DATUM["VN2000",SPHEROID["WGS 84",6378137,298.257223563]]',
               meridian: float = 105.5) -> str:
    return (f'PROJCS["VN2000 TM3",GEOGCS["VN2000",{datum},PRIMEM["Greenwich",0],'
            f'UNIT["degree",0.0174532925199433]],' + TM3_105_30.format(meridian=meridian))


UNNAMED_TM3 = CRS.from_proj4("+proj=tmerc +lat_0=0 +lon_0=105.5 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m")


@pytest.mark.parametrize("prj", [vn2000_prj(), UNNAMED_TM3.to_wkt("WKT1_ESRI")], ids=["named", "unnamed"])
def test_a_vn2000_prj_without_towgs84_is_read_with_the_official_parameters_and_warns_the_offset(
        demo_warehouse, tmp_path, capsys, prj):
    frame = gia_loc_villages(seed=7)
    path = zipped_shapefile(frame.to_crs("EPSG:9209"), tmp_path, prj=prj)
    status, result = villages(capsys, demo_warehouse, path, "--code-field", "ma_thon")
    assert status == 0 and result["crs"] == "EPSG:9209"
    [warning] = [warning for warning in result["warnings"] if "TOWGS84" in warning["message"]]
    assert "VN-2000 / TM-3 105-30 (EPSG:9209)" in warning["message"] and "lệch 22" in warning["message"]
    stored = shapely.from_wkb(Warehouse.open(demo_warehouse).scalar(
        "SELECT geometry FROM boundaries WHERE code = '10999-01'"))
    assert stored.hausdorff_distance(frame.geometry[0]) < 1e-5  # about 1 m


def test_a_vn2000_prj_without_towgs84_matching_no_epsg_crs_is_refused_saying_how_far_off_it_would_be(
        demo_warehouse, tmp_path, capsys):
    local = "+proj=tmerc +lat_0=0 +lon_0=105.6 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=" + ",".join(
        map(str, (-191.90441429, -39.30318279, -111.45032835, -0.00928836, 0.01975479, -0.00427372, 0.252906278)))
    path = zipped_shapefile(gia_loc_villages(seed=7).to_crs(local), tmp_path, prj=vn2000_prj(meridian=105.6))
    status, result = villages(capsys, demo_warehouse, path, "--code-field", "ma_thon")
    assert status == 1
    assert "không có tham số chuyển sang WGS 84 (TOWGS84)" in messages(result)
    assert "lệch 22" in messages(result) and "TOWGS84[-191.90441429," in messages(result)


def test_a_vn2000_prj_with_towgs84_is_read_silently(demo_warehouse, tmp_path, capsys):
    datum = ('DATUM["VN2000",SPHEROID["WGS 84",6378137,298.257223563],TOWGS84[-191.90441429,-39.30318279,'
             '-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278]]')
    frame = gia_loc_villages(seed=7)
    path = zipped_shapefile(frame.to_crs("EPSG:9209"), tmp_path, prj=vn2000_prj(datum))
    status, result = villages(capsys, demo_warehouse, path, "--code-field", "ma_thon")
    assert status == 0 and not any("TOWGS84" in warning["message"] for warning in result["warnings"])
    stored = shapely.from_wkb(Warehouse.open(demo_warehouse).scalar(
        "SELECT geometry FROM boundaries WHERE code = '10999-01'"))
    assert stored.hausdorff_distance(frame.geometry[0]) < 1e-5


# --- Every refusal as JSON, in the user's language ------------------------------------------------------------------

def test_a_refusal_before_reading_the_file_is_json_too(demo_warehouse, tmp_path, capsys):
    path = geojson(gia_loc_villages(), tmp_path / "thon.geojson")
    status, result = run(capsys, demo_warehouse, path, "--level", "village", "--commune", "00000",
                         "--code-field", "ma_thon")
    assert status == 1 and result["status"] == "refused"
    assert result["errors"][0]["message"] == "Kho dữ liệu không có xã mã 00000."


def test_refusals_speak_english_on_request(demo_warehouse, tmp_path, capsys):
    path = geojson(gia_phuc_villages_named_as_gia_locs(), tmp_path / "thon.geojson")
    status, result = villages(capsys, demo_warehouse, path, "--name-field", "ten_thon", "--lang", "en")
    assert status == 1
    assert "no boundary lies in Xã Gia Lộc: they lie in Xã Gia Phúc" in messages(result)
    assert "km south" in messages(result) or "km west" in messages(result) or "km east" in messages(result)


def test_the_text_output_names_the_layer_the_upload_and_what_was_deleted(demo_warehouse, tmp_path, capsys):
    path = geojson(gia_loc_villages(seed=7).iloc[:27], tmp_path / "thon.geojson")
    assert main(["boundaries", str(path), "--level", "village", "--commune", GIA_LOC_CODE, "--code-field",
                 "ma_thon", "--replace", "--db", str(demo_warehouse)]) == 0
    printed = capsys.readouterr().out
    assert "Lớp bản đồ: thon.geojson" in printed and "python -m etl undo" in printed
    assert f"Đã xóa 1 ranh giới đang lưu không có trong tệp (--replace): {VILLAGE_CODES[27]}" in printed


def test_names_match_exactly_first_and_without_tone_marks_only_when_one_entry_fits():
    from geo.boundaries import match_to_registry

    registry = pd.DataFrame({"code": ["a", "b"], "name": ["Xã Cẩm Giang", "Xã Cẩm Giàng"]})
    matches = match_to_registry(["Cẩm Giàng", "cam giang", "XÃ CẨM GIANG"], registry, by_code=False)
    assert [match.code for match in matches] == ["b", None, "a"]
    assert matches[1].candidates == ("a", "b")


# --- The upload history holds boundary uploads ----------------------------------------------------------------------

def test_every_kind_the_upload_history_can_hold_has_a_name_in_both_languages():
    import i18n

    for kind in UPLOAD_SCOPES:
        assert all(i18n.strings().get(f"import.kind.{kind}", {}).get(language) for language in i18n.LANGUAGES), kind


@pytest.mark.parametrize(("level", "kind_name"), [("village", "Ranh giới thôn"), ("commune", "Ranh giới xã")])
def test_after_each_kind_of_boundary_upload_the_upload_page_and_the_uploads_command_work(
        demo_warehouse, tmp_path, capsys, monkeypatch, level, kind_name):
    from tests.geo_fixtures import GIA_LOC
    from tests.test_upload_page import button, open_upload_page

    before = boundary_rows(demo_warehouse)
    if level == "village":
        status, result = villages(capsys, demo_warehouse, geojson(gia_loc_villages(seed=7), tmp_path / "t.geojson"),
                                  "--code-field", "ma_thon")
    else:
        status, result = run(capsys, demo_warehouse, GIA_LOC, "--level", "commune", "--code-field", "code")
    assert status == 0

    assert main(["uploads", "--db", str(demo_warehouse)]) == 0
    assert f"{kind_name}" in capsys.readouterr().out

    app = open_upload_page(demo_warehouse, monkeypatch, communes=(GIA_LOC_CODE,))
    assert not app.exception
    history = app.dataframe[-1].value
    assert history[["Số", "Loại dữ liệu", "Trạng thái"]].values.tolist() == [
        [result["upload_id"], kind_name, "đã nạp"]]
    button(app, "Hoàn tác").click()
    app.run()
    button(app, "Xác nhận hoàn tác").click()  # undo asks first
    app.run()
    assert not app.exception
    assert boundary_rows(demo_warehouse) == before
    assert app.dataframe[-1].value["Trạng thái"].tolist() == ["đã hoàn tác"]
