"""`python -m etl communes`: the official registry of communes (vietnam-provinces) registered into the warehouse."""

import json

import pytest

from cli import main
from etl import demo, registry
from tests import tiny_commune
from tests.upload_files import contents
from warehouse import accounts
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

HAI_PHONG = "31"


def register(warehouse, *arguments: str) -> int:
    return main(["communes", *arguments, "--db", str(warehouse)])


def register_json(capsys, warehouse, *arguments: str) -> tuple[int, dict]:
    status = register(warehouse, *arguments, "--json")
    return status, json.loads(capsys.readouterr().out)


def rows(warehouse, sql: str) -> list[tuple]:
    return Warehouse.open(warehouse).rows(sql)


@pytest.fixture
def demo_warehouse(tmp_path, capsys):
    path = tmp_path / "demo.duckdb"
    assert main(["demo", "--db", str(path)]) == 0
    capsys.readouterr()
    return path


def test_registering_hai_phong_adds_its_114_units_with_official_names_and_types(warehouse_path, capsys):
    status, result = register_json(capsys, warehouse_path, "--province", HAI_PHONG)
    assert status == 0 and result["status"] == "accepted"
    assert result["source"] == {"package": "vietnam-provinces", "version": "2025.10.1", "data_version": "2025-10-18"}
    communes = {commune["code"]: commune for commune in result["communes"]}
    assert len(communes) == 114 and {commune["status"] for commune in communes.values()} == {"added"}
    assert communes["10999"] == {"code": "10999", "name": "Xã Gia Lộc", "type": "xa", "type_name": "xã",
                                 "province": "31", "status": "added", "changes": []}
    assert rows(warehouse_path, "SELECT unit_type, count(*) FROM communes GROUP BY ALL ORDER BY 1") == [
        ("dac_khu", 2), ("phuong", 45), ("xa", 67)]
    assert rows(warehouse_path, "SELECT * FROM provinces") == [("31", "Thành phố Hải Phòng", "thanh_pho_trung_uong")]
    assert rows(warehouse_path, "SELECT name, is_demo FROM communes WHERE code = '11680'") == [("Xã Kiến Thụy", False)]


def test_the_text_output_lists_what_was_added_and_in_english_when_asked(warehouse_path, capsys):
    assert register(warehouse_path, "--province", "31") == 0
    printed = capsys.readouterr().out
    assert "Thành phố Hải Phòng (31): 114 đơn vị cấp xã; thêm mới 114, không đổi 0, thay đổi 0." in printed
    assert "  + 10999 Xã Gia Lộc (xã)\n" in printed and "  + 10510 Phường Thành Đông (phường)\n" in printed
    assert register(warehouse_path, "--province", "31", "--lang", "en") == 0
    assert ("Thành phố Hải Phòng (31): 114 commune-level units; 0 added, 114 unchanged, 0 changed."
            in capsys.readouterr().out)


def test_on_the_demo_warehouse_it_lists_114_communes_with_gia_loc_and_running_it_twice_changes_nothing(
    demo_warehouse, capsys,
):
    before = contents(demo_warehouse)
    for _ in range(2):
        status, result = register_json(capsys, demo_warehouse, "--province", HAI_PHONG)
        assert status == 0
        assert len(result["communes"]) == 114
        assert result["counts"] == {"added": 0, "unchanged": 114, "changed": 0}
        gia_loc = next(commune for commune in result["communes"] if commune["code"] == demo.COMMUNE_CODE)
        assert (gia_loc["name"], gia_loc["type"], gia_loc["status"]) == ("Xã Gia Lộc", "xa", "unchanged")
    after = contents(demo_warehouse)
    # Nothing to add or change: not even an audit line is written.
    assert after == before


def test_registering_fills_in_what_is_missing_and_never_touches_a_communes_data_or_demo_mark(tmp_path, capsys):
    path = tmp_path / "w.duckdb"
    Warehouse.open(path)
    tables = demo.generate()
    # As a warehouse made before the registry stored it: no unit type, the province by name.
    tables["communes"] = tables["communes"].assign(unit_type=None, province="Thành phố Hải Phòng")
    replace_communes(Warehouse.open(path), tables)
    data_before = {table: rows(path, f"SELECT * FROM {table} ORDER BY ALL")
                   for table in ("villages", "teams", "members", "reports", "report_values")}
    status, result = register_json(capsys, path, "--province", HAI_PHONG)
    assert status == 0
    gia_loc = next(commune for commune in result["communes"] if commune["code"] == demo.COMMUNE_CODE)
    assert gia_loc["status"] == "changed"
    assert gia_loc["changes"] == [
        {"field": "unit_type", "old": None, "new": "xa", "overwrites": False},
        {"field": "province", "old": "Thành phố Hải Phòng", "new": "31", "overwrites": False}]
    assert rows(path, "SELECT name, unit_type, province, is_demo FROM communes WHERE code = '10999'") == [
        ("Xã Gia Lộc", "xa", "31", True)]
    assert {table: rows(path, f"SELECT * FROM {table} ORDER BY ALL") for table in data_before} == data_before


def test_a_renamed_unit_is_refused_changing_nothing_until_the_renames_are_accepted(demo_warehouse, capsys):
    # As if an older package version had registered Gia Lộc under another name and another type.
    with Warehouse.open(demo_warehouse).transaction() as cursor:
        cursor.execute("UPDATE communes SET name = 'Xã Gia Lộc Cũ', unit_type = 'phuong' WHERE code = '10999'")
        cursor.execute("DELETE FROM communes WHERE code = '10510'")
    before = contents(demo_warehouse)

    assert register(demo_warehouse, "--province", HAI_PHONG) == 1
    printed = capsys.readouterr().out
    assert "  ! 10999 Xã Gia Lộc: tên «Xã Gia Lộc Cũ» → «Xã Gia Lộc»" in printed
    assert "  ! 10999 Xã Gia Lộc: loại «phường» → «xã»" in printed
    assert "Từ chối: danh mục chính thức đổi tên, loại hoặc tỉnh của 1 đơn vị đã có trong kho" in printed
    # All or nothing: the missing commune was not added either.
    assert contents(demo_warehouse) == before

    status, result = register_json(capsys, demo_warehouse, "--province", HAI_PHONG, "--accept-renames")
    assert status == 0 and result["status"] == "accepted"
    assert result["counts"] == {"added": 1, "unchanged": 112, "changed": 1}
    assert rows(demo_warehouse, "SELECT name, unit_type, is_demo FROM communes WHERE code = '10999'") == [
        ("Xã Gia Lộc", "xa", True)]
    assert rows(demo_warehouse, "SELECT count(*) FROM villages WHERE commune_code = '10999'") == [(28,)]
    audit = accounts.audit_log(Warehouse.open(demo_warehouse))
    assert audit["action"].iloc[0] == "register_communes"
    assert "10999: name Xã Gia Lộc Cũ → Xã Gia Lộc" in audit["detail"].iloc[0]


def test_a_stored_commune_the_registry_does_not_list_is_reported_and_kept(warehouse_path, capsys):
    replace_communes(Warehouse.open(warehouse_path), tiny_commune.tables())
    with Warehouse.open(warehouse_path).transaction() as cursor:
        cursor.execute("UPDATE communes SET province = '31'")
    status, result = register_json(capsys, warehouse_path, "--province", HAI_PHONG)
    assert status == 0
    assert result["not_in_registry"] == [{"code": tiny_commune.CODE, "name": tiny_commune.NAME, "province": "31"}]
    assert rows(warehouse_path, f"SELECT count(*) FROM villages WHERE commune_code = '{tiny_commune.CODE}'") == [(3,)]


def test_an_unknown_province_is_a_usage_error_naming_the_codes(warehouse_path, capsys):
    assert register(warehouse_path, "--province", "99") == 2
    error = capsys.readouterr().err
    assert "Không có tỉnh, thành phố mã 99 trong danh mục chính thức." in error and "31, 33" in error
    assert rows(warehouse_path, "SELECT count(*) FROM communes") == [(0,)]


def test_names_are_stored_with_single_spaces_even_where_the_package_doubles_one():
    names = registry.communes(["79"]).set_index("code")["name"]
    assert names["26887"] == "Phường An Nhơn"


def test_province_codes_may_be_typed_with_or_without_the_leading_zero():
    assert registry.province_code("1") == registry.province_code("01") == "01"
    assert registry.province_code(" 31 ") == "31"
    assert registry.province_code("2") is None and registry.province_code("Hải Phòng") is None


def test_all_registers_the_34_provinces_and_3321_communes(warehouse_path, capsys):
    status, result = register_json(capsys, warehouse_path, "--all")
    assert status == 0 and len(result["provinces"]) == 34 and len(result["communes"]) == 3321
    assert rows(warehouse_path, "SELECT count(*), count(DISTINCT province) FROM communes") == [(3321, 34)]


def test_registered_communes_without_data_keep_the_demo_warehouse_demo_until_one_gets_villages(demo_warehouse):
    con = Warehouse.open(demo_warehouse)
    assert rows(demo_warehouse, "SELECT count(*) FROM communes WHERE NOT is_demo") == [(113,)]
    assert accounts.every_commune_is_demo(con)
    tables = tiny_commune.tables()
    village = tables["villages"].head(1).assign(code="10510-01", commune_code="10510")
    replace_communes(Warehouse.open(demo_warehouse), {"communes": tables["communes"].head(0), "villages": village})
    assert not accounts.every_commune_is_demo(con)


def test_a_warehouse_holding_only_registered_communes_is_not_public(warehouse_path):
    assert register(warehouse_path, "--province", HAI_PHONG) == 0
    assert not accounts.every_commune_is_demo(Warehouse.open(warehouse_path))


def test_the_demo_leaves_a_city_registered_under_other_names_as_it_is_and_says_how_to_see_why(warehouse_path, capsys):
    assert register(warehouse_path, "--province", HAI_PHONG) == 0
    with Warehouse.open(warehouse_path).transaction() as cursor:
        cursor.execute("UPDATE communes SET name = 'Thành Đông' WHERE code = '10510'")
    capsys.readouterr()
    assert main(["demo", "--db", str(warehouse_path)]) == 0
    printed = capsys.readouterr().out
    assert ("Chưa cập nhật danh mục Thành phố Hải Phòng: kho dữ liệu đã có các xã này với tên khác. "
            "Xem bằng python -m etl communes --province 31.") in printed
    assert rows(warehouse_path, "SELECT name FROM communes WHERE code = '10510'") == [("Thành Đông",)]
    assert rows(warehouse_path, "SELECT count(*) FROM boundaries WHERE level = 'commune'") == [(0,)]
