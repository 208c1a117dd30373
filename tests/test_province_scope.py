"""Reviewers scoped to provinces (issue 16): `users add --province`, the scope listed by names, and a reviewer of one
province never offered, nor shown, another province's communes."""

import io
import sys
from datetime import datetime

import pandas as pd
import pytest
import shapely

from cli import main
from cli.exit_codes import EXIT_OK, EXIT_REFUSED
from etl import registry
from geo.geojson import geojson_text
from operations.accounts import add_account as add_from_page
from tests import signin, tiny_commune
from tests.signin import add_account, open_app, sign_in
from warehouse import accounts, geography
from warehouse.database import Warehouse
from warehouse.write.accounts import add_user
from warehouse.write.boundaries import store_commune_boundaries
from warehouse.write.communes import replace_communes

HAI_PHONG, HA_NOI = "31", "01"
HANOI_COMMUNE = "99998"  # the tiny commune again, in Hà Nội, under another code


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch):
    signin.use_cheap_hashing(monkeypatch)


def commune_tables(code: str, name: str, province: str) -> dict[str, pd.DataFrame]:
    """The tiny commune under another code, name and province."""
    tables = {table: frame.map(lambda value: value.replace(tiny_commune.CODE, code) if isinstance(value, str)
                               else value)
              for table, frame in tiny_commune.tables().items()}
    tables["communes"] = tables["communes"].assign(name=name, province=province)
    return tables


@pytest.fixture
def two_provinces(warehouse_path):
    """Hải Phòng and Hà Nội registered (their official communes, no data), and one commune with data in each."""
    db = Warehouse.open(warehouse_path)
    replace_communes(db, commune_tables(tiny_commune.CODE, tiny_commune.NAME, HAI_PHONG))
    replace_communes(db, commune_tables(HANOI_COMMUNE, "Xã Thử Thủ Đô", HA_NOI))
    registry.register(db, [HA_NOI, HAI_PHONG], user="test")
    return warehouse_path


def users_cli(monkeypatch, capsys, path, *arguments, stdin="mat-khau-rat-dai\n"):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = main(["users", *arguments, "--db", str(path)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def communes_of(path, province: str) -> set[str]:
    rows = Warehouse.open(path).rows("SELECT code FROM communes WHERE province = ?", [province])
    return {code for (code,) in rows}


def test_a_reviewer_added_for_a_province_works_for_its_communes_only_and_is_listed_by_name(
        two_provinces, monkeypatch, capsys):
    status, out, _ = users_cli(monkeypatch, capsys, two_provinces, "add", "--username", "so.haiphong",
                               "--role", "reviewer", "--province", HAI_PHONG, "--password-stdin")
    assert status == EXIT_OK
    assert "so.haiphong (reviewer; Thành phố Hải Phòng (31))" in out

    scope = accounts.user_communes(Warehouse.open(two_provinces), "so.haiphong")
    assert scope == communes_of(two_provinces, HAI_PHONG)
    assert tiny_commune.CODE in scope and len(scope) == 115  # 114 official communes and the test commune
    assert not scope & communes_of(two_provinces, HA_NOI)

    status, out, _ = users_cli(monkeypatch, capsys, two_provinces, "list")
    line = next(line for line in out.splitlines() if "so.haiphong" in line)
    assert "Thành phố Hải Phòng (31)" in line and "tất cả các xã" not in line


def test_the_list_names_the_communes_of_a_scope(two_provinces, monkeypatch, capsys):
    add_account(two_provinces, "lan", "staff", [tiny_commune.CODE, "12345"])
    _, out, _ = users_cli(monkeypatch, capsys, two_provinces, "list")
    assert f"12345, Xã Thử Nghiệm ({tiny_commune.CODE})" in out  # by code; unknown codes as they are


@pytest.mark.parametrize(("arguments", "sentence"), [
    (["--role", "staff", "--commune", "10999", "--province", "31"],
     "Chỉ tài khoản của Sở (reviewer) được phân quyền theo tỉnh, thành phố"),
    (["--role", "reviewer", "--province", "99"], "Mã tỉnh, thành phố „99” không có trong danh mục chính thức"),
])
def test_a_province_scope_is_refused_for_other_roles_and_unknown_provinces(
        two_provinces, monkeypatch, capsys, arguments, sentence):
    status, out, err = users_cli(monkeypatch, capsys, two_provinces, "add", "--username", "thu", *arguments,
                                 "--password-stdin")
    assert status == EXIT_REFUSED and sentence in err
    assert accounts.account(Warehouse.open(two_provinces), "thu") is None


def test_a_province_typed_without_its_leading_zero_is_the_same_province(warehouse_path, monkeypatch, capsys):
    status, out, _ = users_cli(monkeypatch, capsys, warehouse_path, "add", "--username", "so.hanoi",
                               "--role", "reviewer", "--province", "1", "--password-stdin")
    assert status == EXIT_OK
    assert accounts.account(Warehouse.open(warehouse_path), "so.hanoi").provinces == {HA_NOI}
    assert "python -m etl communes --province 01" in out  # nothing of Hà Nội is registered yet


def test_a_reviewer_of_one_province_is_never_offered_another_provinces_commune(two_provinces, monkeypatch):
    add_user(Warehouse.open(two_provinces), "so.haiphong", "reviewer", None, signin.PASSWORD, provinces=[HAI_PHONG])
    app = sign_in(open_app(two_provinces, monkeypatch, CDS_PUBLIC_VIEW="0"), "so.haiphong")
    app.switch_page("pages/overview.py").run()
    offered = set(app.sidebar.selectbox[0].options)
    names = Warehouse.open(two_provinces).read("SELECT name, province FROM communes")
    assert offered == set(names.loc[names["province"] == HAI_PHONG, "name"])
    assert "Xã Thử Thủ Đô" not in offered

    # Nor by the address: a Hà Nội commune in the URL opens one of Hải Phòng.
    app.query_params["commune"] = HANOI_COMMUNE
    app.run()
    assert app.session_state["commune"] != HANOI_COMMUNE
    assert not any("Thủ Đô" in element.value for element in app.title)


def test_the_accounts_page_lists_scopes_by_name_and_adds_a_reviewer_of_a_province(two_provinces, monkeypatch):
    add_account(two_provinces, "admin", "admin")
    add_account(two_provinces, "lan", "staff", [tiny_commune.CODE])
    app = sign_in(open_app(two_provinces, monkeypatch, CDS_PUBLIC_VIEW="0"), "admin")
    app.switch_page("pages/audit.py").run()
    app.text_input(key="new_username").input("so.hanoi")
    app.multiselect(key="new_provinces").select(HA_NOI)
    app.selectbox(key="new_role").select("reviewer")
    app.text_input(key="new_password").input(signin.PASSWORD)
    app.text_input(key="new_password_again").input(signin.PASSWORD)
    app.form_submit_button[0].click().run()
    assert accounts.account(Warehouse.open(two_provinces), "so.hanoi").provinces == {HA_NOI}

    table = app.dataframe[3].value.set_index("Tên đăng nhập")  # every column, behind the expander
    assert table.loc["so.hanoi", "Tỉnh, thành phố được phân quyền"] == "Thành phố Hà Nội (01)"
    assert table.loc["lan", "Xã được phân quyền"] == f"Xã Thử Nghiệm ({tiny_commune.CODE})"
    assert table.loc["admin", "Xã được phân quyền"] == "Tất cả các xã"


def test_only_reviewers_may_be_given_provinces_on_the_accounts_page(two_provinces):
    refusal = add_from_page(Warehouse.open(two_provinces), "lan", "staff", [tiny_commune.CODE], signin.PASSWORD,
                            signin.PASSWORD, by="admin", at=datetime(2025, 12, 1), provinces=[HAI_PHONG])
    assert refusal is not None and refusal.key == "auth.users.province_role"
    assert accounts.account(Warehouse.open(two_provinces), "lan") is None


def test_the_map_pages_city_view_draws_the_chosen_communes_province_only(two_provinces):
    db = Warehouse.open(two_provinces)
    square = shapely.box(106.0, 20.0, 106.1, 20.1)
    store_commune_boundaries(db, pd.DataFrame({
        "code": [tiny_commune.CODE, HANOI_COMMUNE], "geometry": [square.wkb, square.wkb],
        "display": [geojson_text(square)] * 2, "area_km2": [100.0, 100.0]}))
    assert geography.city_map(db, "2025-12", HAI_PHONG).rows["commune_code"].tolist() == [tiny_commune.CODE]
    assert geography.city_map(db, "2025-12", HA_NOI).rows["commune_code"].tolist() == [HANOI_COMMUNE]
