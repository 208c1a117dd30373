import shutil

import pytest

from settings import DEFAULT_CATALOGUE
from tests import tiny_commune
from warehouse import queries
from warehouse.catalogue import read_catalogue
from warehouse.database import Warehouse
from warehouse.errors import CatalogueError
from warehouse.write.communes import replace_communes

NEW_INDICATOR = (
    "ho_chu_ky_so,chinh_quyen_so,cumulative,0.8,Số hộ có chữ ký số,"
    "Households with a digital signature,Chữ ký số,Digital signature,hộ,households\n"
)


def test_the_catalogue_file_defines_the_indicators(warehouse_path):
    catalogue = queries.indicator_catalogue(Warehouse.open(warehouse_path))
    assert len(catalogue) == 12
    assert catalogue["code"].iloc[0] == "ho_da_huong_dan"
    assert set(catalogue.loc[catalogue["kind"] == "monthly", "code"]) == {"luot_tuyen_truyen", "an_pham_phat_hanh"}
    assert (catalogue.loc[catalogue["kind"] == "cumulative", "target_share"] == 0.8).all()


def test_a_row_added_to_the_catalogue_counts_in_its_domain_without_code_changes(tmp_path):
    catalogue = tmp_path / "indicators.csv"
    shutil.copy(DEFAULT_CATALOGUE, catalogue)
    with catalogue.open("a", encoding="utf-8") as file:
        file.write(NEW_INDICATOR)
    path = tmp_path / "warehouse.duckdb"
    Warehouse.open(path, catalogue)
    tables = tiny_commune.tables()
    signatures = [f"{tiny_commune.CODE}-01", "2025-12", "ho_chu_ky_so", 10]
    tables["report_values"].loc[len(tables["report_values"])] = signatures
    replace_communes(Warehouse.open(path), tables)

    con = Warehouse.open(path)
    assert "ho_chu_ky_so" in queries.indicator_catalogue(con)["code"].tolist()
    domains = queries.domain_coverage_by_village(con, tiny_commune.CODE, "2025-12")
    village_a = domains[domains["village_code"] == f"{tiny_commune.CODE}-01"]
    government = village_a[village_a["domain"] == "chinh_quyen_so"]
    assert government["indicators"].iloc[0] == 4
    assert government["coverage"].iloc[0] == pytest.approx((0.70 + 0.50 + 0.30 + 0.10) / 4)


def test_a_catalogue_with_an_unknown_kind_is_refused_with_its_row(tmp_path):
    catalogue = tmp_path / "indicators.csv"
    shutil.copy(DEFAULT_CATALOGUE, catalogue)
    with catalogue.open("a", encoding="utf-8") as file:
        file.write(NEW_INDICATOR.replace("cumulative", "yearly"))
    with pytest.raises(CatalogueError, match="row 14"):
        read_catalogue(catalogue)
