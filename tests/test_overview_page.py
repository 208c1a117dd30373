from pathlib import Path

import plotly.io
from streamlit.testing.v1 import AppTest

from tests import tiny_commune
from tests.conftest import ROOT
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

DASHBOARD = str(ROOT / "dashboard.py")


def open_dashboard(warehouse: Path, monkeypatch, **query) -> AppTest:
    monkeypatch.setenv("CDS_WAREHOUSE", str(warehouse))
    # The tiny commune is real (not demo) data, which needs a sign-in unless viewing is public.
    monkeypatch.setenv("CDS_PUBLIC_VIEW", "1")
    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_overview_shows_the_fixture_numbers_in_vietnamese(tiny_warehouse, monkeypatch):
    app = open_dashboard(tiny_warehouse, monkeypatch, period="2025-12")
    assert not app.exception
    assert app.title[0].value == f"Tổng quan {tiny_commune.NAME}"
    shown = metrics(app)
    assert shown["Số thôn"] == "3"
    assert shown["Thành viên tổ"] == "14"
    assert shown["Hộ đã được hướng dẫn"] == "24,3%"  # 85 of 350 households
    assert shown["Thôn đạt mục tiêu 80%"] == "1/3"
    assert shown["Báo cáo đúng hạn Quý IV/2025"] == "1/3"
    assert not app.warning, "a real commune must not carry the demo banner"


def test_overview_lists_the_villages_needing_attention(tiny_warehouse, monkeypatch):
    app = open_dashboard(tiny_warehouse, monkeypatch, period="2025-Q4")
    text = "\n".join(block.value for block in app.markdown)
    assert "Thôn B (45,0%)" in text
    assert "Tổ chưa đủ 5 thành viên:** Thôn B (4)" in text
    assert "Chưa có báo cáo quý IV/2025:** Thôn C" in text


def test_the_chart_ranks_villages_with_the_80_percent_line(tiny_warehouse, monkeypatch):
    app = open_dashboard(tiny_warehouse, monkeypatch, period="2025-Q4")
    figure = plotly.io.from_json(app.get("plotly_chart")[0].proto.spec)
    bars = {name: (trace.name, float(x)) for trace in figure.data for name, x in zip(trace.y, trace.x, strict=True)}
    assert bars == {"Thôn A": ("80% – dưới 100%", 0.85), "Thôn B": ("Dưới 50%", 0.45), "Thôn C": ("chưa báo cáo", 0)}
    assert list(figure.layout.yaxis.categoryarray) == ["Thôn C", "Thôn B", "Thôn A"]
    assert [shape.x0 for shape in figure.layout.shapes] == [0.8]
    assert figure.layout.separators == ",."


def test_switching_to_english_translates_the_page_and_keeps_the_numbers(tiny_warehouse, monkeypatch):
    app = open_dashboard(tiny_warehouse, monkeypatch, period="2025-12")
    app.sidebar.segmented_control[0].set_value("en").run()
    assert not app.exception
    assert app.title[0].value == f"{tiny_commune.NAME} at a glance"
    assert metrics(app)["Households guided"] == "24.3%"
    assert app.query_params["language"] == "en"


def test_filters_are_read_from_and_written_to_the_url(tiny_warehouse, monkeypatch):
    app = open_dashboard(tiny_warehouse, monkeypatch, period="2025-11", language="en")
    assert metrics(app)["Households guided"] == "42.9%"  # (60 + 90) / 350
    assert app.query_params["period"] == "2025-11"


def test_demo_commune_carries_the_demo_banner(warehouse_path, monkeypatch):
    from etl import demo

    replace_communes(Warehouse.open(warehouse_path), demo.generate())
    app = open_dashboard(warehouse_path, monkeypatch)
    assert not app.exception
    assert "DỮ LIỆU MINH HỌA" in app.warning[0].value
    assert metrics(app)["Số thôn"] == "28"


def test_an_empty_warehouse_explains_what_to_do(warehouse_path, monkeypatch):
    app = open_dashboard(warehouse_path, monkeypatch)
    assert not app.exception
    assert "python -m etl demo" in app.info[0].value



def test_a_warehouse_from_a_newer_program_is_explained_not_crashed(warehouse_path, monkeypatch):
    with Warehouse.open(warehouse_path).transaction() as cursor:
        cursor.execute("INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future')")
    Warehouse.close_all()
    app = open_dashboard(warehouse_path, monkeypatch)
    assert not app.exception
    assert "Không dùng được kho dữ liệu" in app.error[0].value
