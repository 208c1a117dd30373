"""Xu hướng readable on a phone: the commune in black on top, villages at risk in red and named at their line's end,
the others in grey, no legend (the analysis fixture projects Thôn Nam and Thôn Tây below 80%, Thôn Bắc never
reports)."""

import pytest

from tests.test_analysis_pages import analysis_warehouse, figure, open_page  # noqa: F401 (a fixture)
from ui.analysis_charts import AT_RISK_RED, COMMUNE_BLACK, ON_COURSE_GREY, spread_labels


def test_the_commune_is_drawn_on_top_and_villages_at_risk_are_red_and_named(analysis_warehouse, monkeypatch):  # noqa: F811
    chart = figure(open_page(analysis_warehouse, monkeypatch, "pages/trends.py"))
    assert chart.layout.showlegend is False
    colours = {trace.name: trace.line.color for trace in chart.data}
    assert colours == {"Thôn Đông": ON_COURSE_GREY, "Thôn Nam": AT_RISK_RED, "Thôn Tây": AT_RISK_RED,
                       "Toàn Xã Phân Tích": COMMUNE_BLACK}
    assert chart.data[-1].name == "Toàn Xã Phân Tích", "the commune's line is drawn last, over the villages"
    assert chart.data[-1].line.width > max(trace.line.width for trace in chart.data[:-1])
    names = {annotation.text for annotation in chart.layout.annotations} - {"Mục tiêu 80%"}
    assert names == {"Thôn Nam", "Thôn Tây", "Toàn Xã Phân Tích"}, "grey lines carry no label"


def test_the_commune_comes_first_in_the_table(analysis_warehouse, monkeypatch):  # noqa: F811
    app = open_page(analysis_warehouse, monkeypatch, "pages/trends.py")
    assert app.dataframe[0].value.iloc[0, 0] == "Toàn Xã Phân Tích"


def test_end_labels_close_together_are_spread_and_stay_in_order():
    assert spread_labels([0.5, 0.9, 0.2], 0.05) == [0.5, 0.9, 0.2]
    placed = spread_labels([0.50, 0.51, 0.52], 0.05)
    assert placed == pytest.approx([0.46, 0.51, 0.56]), "centred on their mean, a gap apart"
    placed = spread_labels([0.80, 0.10, 0.78, 0.12], 0.05)
    assert placed[1] < placed[3] < placed[2] < placed[0]
    assert min(placed[3] - placed[1], placed[0] - placed[2]) == pytest.approx(0.05)
