"""Who sees the city map: the page itself decides, whatever the URL asks for."""

import plotly.io
import pytest

from tests import tiny_commune
from tests.geo_fixtures import side_by_side_squares
from tests.signin import add_account, open_app, sign_in, use_cheap_hashing
from tests.test_map_page import TINY_VILLAGES
from warehouse.database import Warehouse
from warehouse.write.boundaries import replace_village_boundaries, store_commune_boundaries

REFUSAL = ("Bản đồ các xã của thành phố chỉ dành cho Sở Khoa học và Công nghệ, Quản trị viên "
           "(tài khoản được xem mọi xã).")


@pytest.fixture
def city_warehouse(tiny_warehouse, monkeypatch):
    """The tiny commune with village and commune boundaries; a real (non-demo) commune, so viewing needs sign-in."""
    use_cheap_hashing(monkeypatch)
    replace_village_boundaries(Warehouse.open(tiny_warehouse), tiny_commune.CODE, side_by_side_squares(TINY_VILLAGES))
    store_commune_boundaries(Warehouse.open(tiny_warehouse), side_by_side_squares([tiny_commune.CODE], south=21.0))
    return tiny_warehouse


def shown_locations(app) -> set[str]:
    figure = plotly.io.from_json(app.get("plotly_chart")[0].proto.spec)
    return {location for trace in figure.data for location in trace.locations}


def map_asking_for_the_city(app):
    app.query_params["map_view"] = "city"
    return app.switch_page("pages/map.py").run()


@pytest.mark.parametrize(("role", "communes", "sees_city"), [
    ("viewer", [tiny_commune.CODE], False),
    ("staff", [tiny_commune.CODE], False),
    ("reviewer", [tiny_commune.CODE], False),
    ("reviewer", None, True),
    ("admin", None, True),
])
def test_the_city_map_is_for_reviewers_and_admins_of_every_commune_even_when_the_url_asks_for_it(
    city_warehouse, monkeypatch, role, communes, sees_city,
):
    add_account(city_warehouse, "nguoi.dung", role, communes)
    app = map_asking_for_the_city(sign_in(open_app(city_warehouse, monkeypatch), "nguoi.dung"))
    assert not app.exception
    if sees_city:
        assert shown_locations(app) == {tiny_commune.CODE}
        assert "Bản đồ" in [box.label for box in app.selectbox], "the choice between the two maps"
        assert REFUSAL not in [info.value for info in app.info]
    else:
        assert shown_locations(app) == set(TINY_VILLAGES), "the village map instead of the city map"
        assert "Bản đồ" not in [box.label for box in app.selectbox], "no city choice offered"
        assert REFUSAL in [info.value for info in app.info]


def test_visitors_see_the_city_map_where_viewing_is_public(city_warehouse, monkeypatch):
    app = map_asking_for_the_city(open_app(city_warehouse, monkeypatch, CDS_PUBLIC_VIEW="true"))
    assert not app.exception
    assert shown_locations(app) == {tiny_commune.CODE}
