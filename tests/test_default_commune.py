"""Which commune the sidebar shows first: the one with the newest reports, not the first by name."""

import pandas as pd
import pytest

from cli import main
from etl import demo
from tests.signin import open_app
from ui.filters import default_commune


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
