"""The sidebar offers many communes province by province: a province, then its communes; a link opens its province."""

import pandas as pd

from tests.test_overview_page import open_dashboard
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

PROVINCES = {"Tỉnh Bắc": "1", "Tỉnh Nam": "2"}


def test_many_communes_are_chosen_province_first_and_a_link_opens_its_province(warehouse_path, monkeypatch):
    codes = [f"{prefix}{number:03d}" for prefix in PROVINCES.values() for number in range(80)]
    replace_communes(Warehouse.open(warehouse_path), {
        "communes": pd.DataFrame({"code": codes, "name": [f"Xã {code}" for code in codes],
                                  "province": [next(name for name, prefix in PROVINCES.items()
                                                    if code.startswith(prefix)) for code in codes],
                                  "is_demo": False}),
        "villages": pd.DataFrame({"code": [f"{code}-01" for code in codes], "commune_code": codes,
                                  "name": "Thôn 1", "households": 100, "population": 400}),
    })
    app = open_dashboard(warehouse_path, monkeypatch)
    province, commune = app.sidebar.selectbox[0], app.sidebar.selectbox[1]
    assert (province.label, commune.label) == ("Tỉnh / thành phố", "Xã")
    assert province.options == ["Tỉnh Bắc", "Tỉnh Nam"]
    assert len(commune.options) == 80 and commune.options[0] == "Xã 1000"

    province.select("Tỉnh Nam").run()
    assert app.sidebar.selectbox[1].options[0] == "Xã 2000"
    assert app.title[0].value == "Tổng quan Xã 2000"

    app.query_params["commune"] = "1042"  # a link to a commune of the other province
    app.run()
    assert app.sidebar.selectbox[0].value == "Tỉnh Bắc"
    assert app.title[0].value == "Tổng quan Xã 1042"
