"""Opening the village page from elsewhere: a click on a village in a chart."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

VILLAGE_PAGE = "pages/village.py"


def village_from_selection(event: Mapping | None, codes_by_name: Mapping[str, str]) -> str | None:
    """The code of the first village clicked in a chart whose y axis names villages; None when none was."""
    points = ((event or {}).get("selection") or {}).get("points") or []
    return next((codes_by_name[point["y"]] for point in points if point.get("y") in codes_by_name), None)


def open_clicked_village(event: Mapping | None, codes_by_name: Mapping[str, str]) -> None:
    """Go to the village page of the village clicked in the chart, if any (the village travels in the URL)."""
    code = village_from_selection(event, codes_by_name)
    if code is not None:
        st.switch_page(VILLAGE_PAGE, query_params={"village": code})
