"""Property: whatever bytes or rows arrive, the import answers (never an unhandled exception) and a refused file
leaves the warehouse exactly as it was."""

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import tiny_commune
from tests.upload_files import contents, csv_text, upload, xlsx
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

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
    replace_communes(Warehouse.open(path), tiny_commune.tables())
    Warehouse.close_if_open(path)
    return path


def fresh_copy(template, tmp_path):
    target = tmp_path / "warehouse.duckdb"
    Warehouse.close_if_open(target)
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


# Rows as staff write them, each with at most one cell spoiled: every verdict of the validator is reachable, and a
# file is often good enough to be loaded, which is where a dry run and an import could part.
MONTHLY_HEADER_ROW = ["Mã thôn", "Kỳ báo cáo", "Ngày báo cáo", "Số hộ đã được Tổ hướng dẫn", "ho_vneid", "Ghi chú"]
GOOD_MONTHLY = [["99999-01", "99999-02", "99999-03", "Thôn A", "thon b"], ["12/2025", "11/2025", "2025-10",
                "Tháng 9/2025"], ["15/12/2025", "20/12/2025", ""], ["0", "12", "35", "49", "90"], ["0", "7", "40", ""],
                ["", "Đã hướng dẫn", "có dấu, phẩy"]]
BAD_MONTHLY = [["Thôn Z", ""], ["abc", "T10", "tháng mười một", "06/2027", "01/2026", "13/2025", "12/2019", ""],
               ["31/12/2030", "30/11/2025", "31/02/2025", "x"], ["", "1.234", "12,5", "-1", "3.000.000.000", "x",
               "99999999999999", "250"], ["1.234", "-1", "x", "3.000.000.000"], ["=1+1"]]
REGISTRY_HEADER_ROW = ["Mã xã", "Mã thôn", "Tên thôn", "Số hộ", "Dân số"]
GOOD_REGISTRY = [["99999", "77777"], ["99999-01", "99999-02", "99999-03", "99999-04", "77777-01"],
                 ["Thôn A", "Thôn Mới"], ["40", "100", "150", "201", "1.200"], ["", "380", "700", "1.500"]]
BAD_REGISTRY = [[""], ["", "77777-01"], [""], ["0", "", "-1", "3.000.000.000", "x"], ["-5", "2.147.483.648", "x"]]


def spoilt_rows(good: list[list[str]], bad: list[list[str]]) -> st.SearchStrategy[list[list[str]]]:
    """A few rows of good cells, of which usually one cell is replaced by one of the bad ones (each as likely)."""
    spoilers = [(position, value) for position, values in enumerate(bad) for value in values]

    @st.composite
    def rows(draw: st.DrawFn) -> list[list[str]]:
        drawn = draw(st.lists(st.tuples(*(st.sampled_from(cells) for cells in good)).map(list), min_size=1,
                              max_size=3))
        spoiler = draw(st.one_of(st.none(), st.sampled_from(spoilers), st.sampled_from(spoilers)))
        if spoiler is not None:
            position, value = spoiler
            drawn[draw(st.integers(0, len(drawn) - 1))][position] = value
        return drawn

    return rows()


def same_verdict(warehouse, header: list[str], rows: list[list[str]], separator: str, allow_lower: bool) -> None:
    data = csv_text([header, *rows], separator).encode("utf-8")
    before = contents(warehouse)
    dry = upload(warehouse, data, "a.csv", dry_run=True, allow_lower=allow_lower)
    assert contents(warehouse) == before
    real = upload(warehouse, data, "a.csv", allow_lower=allow_lower)
    assert (real.status, [error.key for error in real.errors]) == (dry.status, [error.key for error in dry.errors])
    assert real.changes == dry.changes
    if real.status == "refused":
        assert contents(warehouse) == before


VERDICTS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@VERDICTS
@given(rows=spoilt_rows(GOOD_MONTHLY, BAD_MONTHLY), separator=st.sampled_from([",", ";"]), allow_lower=st.booleans())
def test_a_dry_run_and_the_import_of_a_monthly_file_give_the_same_verdict(template_warehouse, tmp_path, rows,
                                                                          separator, allow_lower):
    same_verdict(fresh_copy(template_warehouse, tmp_path), MONTHLY_HEADER_ROW, rows, separator, allow_lower)


@VERDICTS
@given(rows=spoilt_rows(GOOD_REGISTRY, BAD_REGISTRY), separator=st.sampled_from([",", ";"]), allow_lower=st.booleans())
def test_a_dry_run_and_the_import_of_a_registry_give_the_same_verdict(template_warehouse, tmp_path, rows, separator,
                                                                      allow_lower):
    same_verdict(fresh_copy(template_warehouse, tmp_path), REGISTRY_HEADER_ROW, rows, separator, allow_lower)
