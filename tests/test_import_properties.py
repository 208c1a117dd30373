"""Property: whatever bytes or rows arrive, the import answers (never an unhandled exception) and a refused file
leaves the warehouse exactly as it was."""

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import tiny_commune
from tests.upload_files import contents, csv_text, upload, xlsx
from warehouse import connection, writer

BOUNDED = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["99999-01", "99999-02", "Thôn A", "thon b", "Tổng cộng", "12/2025", "T13/2025", "1.234",
                     "-1", "12,5", "31/02/2025", "", " "]),
    st.integers(min_value=-10, max_value=10**6).map(str),
)
HEADERS = st.lists(st.sampled_from(["Mã thôn", "Kỳ báo cáo", "Ngày báo cáo", "ho_da_huong_dan", "ho_vneid",
                                    "Ghi chú", "Họ và tên", "Vai trò", "Đơn vị", "Số hộ", "Mã xã", "Tên thôn",
                                    "lạ"]), min_size=0, max_size=7)


@pytest.fixture(scope="module")
def template_warehouse(tmp_path_factory):
    """The tiny commune loaded once; each example works on a fresh copy of it."""
    path = tmp_path_factory.mktemp("template") / "warehouse.duckdb"
    writer.prepare(path)
    writer.replace_communes(path, tiny_commune.tables())
    connection.close(path)
    writer.forget_prepared(path)
    return path


def fresh_copy(template, tmp_path):
    target = tmp_path / "warehouse.duckdb"
    connection.close(target)
    writer.forget_prepared(target)
    shutil.copyfile(template, target)
    return target


def check(warehouse, data: bytes, name: str) -> None:
    before = contents(warehouse)
    outcome = upload(warehouse, data, name)
    assert outcome.status in ("accepted", "refused", "unchanged")
    if outcome.status == "refused":
        assert outcome.errors
        assert contents(warehouse) == before


@BOUNDED
@given(data=st.binary(max_size=400), name=st.sampled_from(["a.csv", "a.xlsx", "a.xls", "a.txt"]))
def test_arbitrary_bytes_never_raise_and_a_refusal_changes_nothing(template_warehouse, tmp_path, data, name):
    check(fresh_copy(template_warehouse, tmp_path), data, name)


@BOUNDED
@given(header=HEADERS, rows=st.lists(st.lists(CELLS, max_size=8), max_size=6),
       separator=st.sampled_from([",", ";", "\t"]))
def test_arbitrary_rows_never_raise_and_a_refusal_changes_nothing(template_warehouse, tmp_path, header, rows,
                                                                    separator):
    text = csv_text([header, *rows], separator)
    check(fresh_copy(template_warehouse, tmp_path), text.encode("utf-8"), "a.csv")


# Excel cells cannot hold control characters, so the sheet's text is printable.
EXCEL_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)


@BOUNDED
@given(header=HEADERS, rows=st.lists(st.lists(st.one_of(EXCEL_TEXT, st.integers(-5, 10**5), st.floats(
    allow_nan=False, allow_infinity=False, width=32)), max_size=7), max_size=5))
def test_arbitrary_excel_sheets_never_raise_and_a_refusal_changes_nothing(template_warehouse, tmp_path, header,
                                                                          rows):
    check(fresh_copy(template_warehouse, tmp_path), xlsx([header, *rows]), "a.xlsx")
