"""Opening the village page from elsewhere (a click on a village in a chart or on the map), and a commune's overview
from the city page."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from ui.charts import plot_text

VILLAGE_PAGE = "pages/village.py"
COMMUNE_PAGE = "pages/overview.py"
# The view the user has chosen travels with them to the village page.
KEPT_PARAMS = ("language", "commune", "period")


def village_from_selection(event: Mapping | None, codes_by_name: Mapping[str, str]) -> str | None:
    """The code of the first village clicked in a chart whose y axis names villages; None when none was."""
    points = ((event or {}).get("selection") or {}).get("points") or []
    # The chart shows each name as plot_text made it.
    codes = {plot_text(name): code for name, code in codes_by_name.items()}
    return next((codes[point["y"]] for point in points if point.get("y") in codes), None)


def village_page_params(code: str, current: Mapping[str, str]) -> dict[str, str]:
    """The URL parameters of the village page for `code`, keeping the language, commune and period of `current`."""
    return {**{key: current[key] for key in KEPT_PARAMS if key in current}, "village": code}


def open_village(code: str) -> None:
    """Go to the village page of `code` (the village and the chosen view travel in the URL)."""
    st.switch_page(VILLAGE_PAGE, query_params=village_page_params(code, st.query_params.to_dict()))


def open_clicked_village(event: Mapping | None, codes_by_name: Mapping[str, str]) -> None:
    """Go to the village page of the village clicked in the chart, if any."""
    code = village_from_selection(event, codes_by_name)
    if code is not None:
        open_village(code)


def commune_page_params(code: str, current: Mapping[str, str]) -> dict[str, str]:
    """The URL parameters of the overview of commune `code`, keeping the language and period of `current`."""
    return {**{key: current[key] for key in ("language", "period") if key in current}, "commune": code}


def open_commune(code: str) -> None:
    """Go to the overview of commune `code` (the commune and the chosen view travel in the URL)."""
    st.switch_page(COMMUNE_PAGE, query_params=commune_page_params(code, st.query_params.to_dict()))
