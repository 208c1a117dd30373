"""Every list of names is in Vietnamese alphabetical order (Bắc Sơn before Bình Minh, Đ after D), on the pages and in
the quarterly report alike, through one collation helper."""

import re
from datetime import date
from pathlib import Path

import plotly.io
import pytest
from streamlit.testing.v1 import AppTest

from etl import demo
from quarterly_report import build_quarterly_report, render_docx
from settings import load_settings
from tests.conftest import ROOT
from warehouse.collation import sort_by_name, vietnamese_order
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

DEMO_VILLAGES = [f"Thôn {name}" for name in demo.VILLAGE_NAMES]


@pytest.fixture
def demo_warehouse(warehouse_path: Path) -> Path:
    replace_communes(Warehouse.open(warehouse_path), demo.generate())
    return warehouse_path


def open_page(warehouse: Path, monkeypatch, page: str) -> AppTest:
    monkeypatch.setenv("CDS_WAREHOUSE", str(warehouse))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    app.switch_page(page)
    app.run()
    assert not app.exception
    return app


def test_names_are_ordered_by_the_vietnamese_alphabet_not_by_code_points():
    names = ["Bình Minh", "Đông Hòa", "Bắc Sơn", "Dương Xá", "Đại Đồng", "An Thái", "Ân Thi"]
    assert vietnamese_order(names) == ["An Thái", "Ân Thi", "Bắc Sơn", "Bình Minh", "Dương Xá", "Đại Đồng", "Đông Hòa"]
    assert sorted(names)[:4] != vietnamese_order(names)[:4], "code points would do as well: the test proves nothing"
    import pandas as pd

    frame = pd.DataFrame({"village_name": ["Bình Minh", "Bắc Sơn", "An Thái"], "coverage": [0.5, 0.5, 0.2]})
    assert sort_by_name(frame, "village_name", ["coverage"])["village_name"].tolist() == [
        "An Thái", "Bắc Sơn", "Bình Minh"]


def test_the_domains_heatmap_lists_the_villages_in_vietnamese_order(demo_warehouse, monkeypatch):
    app = open_page(demo_warehouse, monkeypatch, "pages/domains.py")
    heatmap = plotly.io.from_json(app.get("plotly_chart")[0].proto.spec)
    assert list(heatmap.data[0].y) == vietnamese_order(DEMO_VILLAGES)
    assert app.dataframe[0].value["Thôn"].tolist() == vietnamese_order(DEMO_VILLAGES)


def test_the_trends_tables_list_the_villages_in_vietnamese_order(demo_warehouse, monkeypatch):
    app = open_page(demo_warehouse, monkeypatch, "pages/trends.py")
    tables = [found.value for found in app.dataframe]
    change = next(table for table in tables if "Thay đổi (điểm %)" in table.columns)
    assert change["Thôn"].tolist() == vietnamese_order(DEMO_VILLAGES)
    coverage = tables[0]["Thôn"].tolist()
    assert coverage == [f"Toàn {demo.COMMUNE_NAME}", *vietnamese_order(DEMO_VILLAGES)]


def test_the_reports_members_never_trained_are_counted_village_by_village_in_vietnamese_order(demo_warehouse):
    report = build_quarterly_report(Warehouse.open(demo_warehouse), demo.COMMUNE_CODE, "2025-Q4", load_settings(),
                                    date(2026, 1, 10))
    import io

    from docx import Document

    text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(render_docx(report, "vi"))).paragraphs)
    listed = re.search(r"theo thôn: ([^)]*)\)", text).group(1)
    names = [re.sub(r" \d+$", "", part) for part in listed.split(", ")]
    assert len(names) > 2
    assert names == vietnamese_order(names)
