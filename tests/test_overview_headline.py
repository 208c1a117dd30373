"""The overview's headline card, as a commune chairman reads it (figures worked out in tests/test_headline.py)."""

import re

from tests.test_overview_page import open_dashboard
from ui.charts import CLASS_COLOURS


def headline_html(app) -> str:
    cards = [element.proto.body for element in app.get("html") if "cds-headline" in element.proto.body]
    assert len(cards) == 1, "one headline card"
    return cards[0]


def visible_text(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).strip()


def test_the_headline_says_share_target_and_missing_households_first(tiny_warehouse, monkeypatch):
    app = open_dashboard(tiny_warehouse, monkeypatch, period="2025-11")
    assert not app.exception
    text = visible_text(headline_html(app))
    assert text.startswith("42,9% hộ đã được hướng dẫn – mục tiêu 80% – còn thiếu 130 hộ")
    assert "150/350 hộ" in text
    assert "Chưa có số liệu tháng 10/2025 để so sánh" in text
    assert "Cần hướng dẫn thêm 130 hộ mỗi tháng để đạt 80% trước 31/12/2025" in text


def in_page_order(node) -> list:
    """The page's elements, depth first, in the order they are shown."""
    children = getattr(node, "children", None)
    if not children:
        return [node]
    return [leaf for _, child in sorted(children.items()) for leaf in in_page_order(child)]


def test_the_headline_comes_first_then_the_villages_needing_attention_then_the_cards(tiny_warehouse, monkeypatch):
    app = open_dashboard(tiny_warehouse, monkeypatch, period="2025-11")
    shown = in_page_order(app.main)
    position = {
        "headline": next(i for i, element in enumerate(shown) if element.type == "html"),
        "attention": next(i for i, element in enumerate(shown) if getattr(element, "value", None) == "Cần chú ý"),
        "first card": next(i for i, element in enumerate(shown) if element.type == "metric"),
        "chart": next(i for i, element in enumerate(shown) if element.type == "plotly_chart"),
    }
    assert list(position) == sorted(position, key=position.get), position


def test_the_headline_is_coloured_by_the_maps_class_and_names_it(tiny_warehouse, monkeypatch):
    app = open_dashboard(tiny_warehouse, monkeypatch, period="2025-11")
    markup = headline_html(app)
    assert CLASS_COLOURS["below_half"] in markup  # 42,9% is under half
    assert "Tình trạng: Dưới 50%" in visible_text(markup)
    quarter = headline_html(open_dashboard(tiny_warehouse, monkeypatch, period="2025-Q4"))
    assert CLASS_COLOURS["below_target"] in quarter and CLASS_COLOURS["below_half"] not in quarter  # 50,0%
    assert "Tình trạng: 50% – dưới 80%" in visible_text(quarter)


def test_december_shows_the_fall_since_november_and_no_month_left(tiny_warehouse, monkeypatch):
    app = open_dashboard(tiny_warehouse, monkeypatch, period="2025-12")
    text = visible_text(headline_html(app))
    assert text.startswith("24,3% hộ đã được hướng dẫn – mục tiêu 80% – còn thiếu 195 hộ")
    assert "▼ −18,6 điểm % so với tháng 11/2025" in text
    assert "Không còn tháng nào trước hạn 31/12/2025" in text


def test_the_headline_in_english(tiny_warehouse, monkeypatch):
    app = open_dashboard(tiny_warehouse, monkeypatch, period="2025-12", language="en")
    text = visible_text(headline_html(app))
    assert text.startswith("24.3% of households guided – target 80% – 195 households to go")
    assert "▼ −18.6 percentage points since 11/2025" in text
