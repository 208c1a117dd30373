"""Which commune the sidebar shows first: the one with the newest reports, not the first by name."""

import pandas as pd
import pytest

from cli import main
from etl import demo
from tests.signin import open_app
from ui.filters import choices_of, default_commune


def communes(*rows: tuple) -> pd.DataFrame:
    frame = pd.DataFrame([row if len(row) == 5 else (*row, 10) for row in rows],
                         columns=["code", "name", "is_demo", "latest_report", "villages"])
    return frame


@pytest.mark.parametrize(("rows", "expected"), [
    # The newest reports win over the demo commune and over the alphabet.
    ([("1", "An Lão", False, None), ("2", "Gia Lộc", True, "2025-11"), ("3", "Vĩnh Bảo", False, "2025-12")], "3"),
    # Same newest month: the demo commune first, then the first listed (queries.communes lists them by name).
    ([("1", "An Lão", False, "2025-12"), ("3", "Bạch Đằng", False, None), ("2", "Gia Lộc", True, "2025-12")], "2"),
    ([("9", "An Lão", False, "2025-11"), ("1", "Bạch Đằng", False, "2025-12"), ("3", "Vĩnh Bảo", False, "2025-12")],
     "1"),
    # No report anywhere: the demo commune, else the first listed.
    ([("1", "An Lão", False, None), ("2", "Gia Lộc", True, None)], "2"),
    ([("2", "Bạch Đằng", False, None), ("1", "Đông Hải", False, None)], "2"),
    # The demo city: every commune demo with December's reports; the one with the most villages (Gia Lộc) first.
    ([("1", "An Lão", True, "2025-12", 20), ("2", "Gia Lộc", True, "2025-12", 28),
      ("3", "Kiến An", True, "2025-12", 25)], "2"),
])
def test_the_default_commune_has_the_newest_reports_then_is_the_demo_then_is_listed_first(rows, expected):
    assert default_commune(communes(*rows)) == expected


def test_the_demo_warehouse_offers_the_citys_114_communes_publicly_and_opens_on_the_one_with_reports(
    warehouse_path, monkeypatch, capsys,
):
    assert main(["demo", "--db", str(warehouse_path)]) == 0
    # Public view decided from the warehouse: the city's demo communes and those without data keep it demo.
    app = open_app(warehouse_path, monkeypatch)
    assert not app.exception
    commune = app.sidebar.selectbox[0]
    assert len(commune.options) == 114
    assert commune.value == demo.COMMUNE_CODE
    assert demo.COMMUNE_NAME in app.title[0].value
    assert "Phường Thành Đông" in commune.options


def test_each_province_opens_on_its_own_default_commune():
    rows = communes(("1", "An Lão", False, "2025-11"), ("2", "Bạch Đằng", False, "2025-12"),
                    ("3", "Cát Hải", True, "2025-11"), ("4", "Đồ Sơn", False, None), ("5", "Gia Lộc", False, None, 28),
                    ("6", "Kiến An", False, "2025-11", 30), ("7", "Lê Chân", False, "2025-11", 31))
    rows["province_name"] = ["Bắc", "Nam", "Bắc", "Đông", "Đông", "Nam", "Nam"]
    rows["province_rank"] = rows["province_name"].map({"Bắc": 1, "Đông": 2, "Nam": 3})
    choices = choices_of(rows)
    assert choices.provinces == ("Bắc", "Đông", "Nam")
    assert choices.first == {"": "2", "Bắc": "3", "Đông": "5", "Nam": "2"}
    for province, codes in choices.communes.items():
        assert choices.first[province] == default_commune(rows[rows["code"].isin(codes)])
    assert choices_of(rows.iloc[0:0]) is None
