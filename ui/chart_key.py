"""Charts on a page: without Plotly's floating toolbar, and with their key under them as text that wraps."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import streamlit as st

from ui.charts import CHART_CONFIG, legend_entries

KEY_CLASS = "cds-key"


def key_html(entries: list[tuple[str, str, str]], title: str | None = None) -> str:
    """A chart's key: a coloured square (or line) and the name of each entry, wrapping on a narrow screen."""
    items = []
    for name, colour, shape in entries:
        size = "width:1.1rem;height:0.25rem" if shape == "line" else "width:0.8rem;height:0.8rem"
        # Names reach here as Plotly text (already escaped for it): shown as they are.
        items.append(f'<span style="white-space:nowrap"><span style="display:inline-block;{size};'
                     f'background:{html.escape(str(colour))};border-radius:2px;vertical-align:middle;'
                     f'margin-right:0.3rem"></span>{name}</span>')
    heading = f'<span style="font-weight:600">{title}</span>' if title else ""
    return (f'<div class="{KEY_CLASS}" style="display:flex;flex-wrap:wrap;gap:0.2rem 0.9rem;font-size:0.85rem;'
            f'line-height:1.5">{heading}{"".join(items)}</div>')


def show_chart(figure: go.Figure, **options: object) -> object:
    """`st.plotly_chart` at the page's width without toolbar (`options` as for it), then the chart's key, when the
    figure leaves its legend to the page (`showlegend=False`)."""
    shown = st.plotly_chart(figure, width="stretch", config=CHART_CONFIG, **options)
    entries = legend_entries(figure) if figure.layout.showlegend is False else []
    if entries:
        st.html(key_html(entries, figure.layout.legend.title.text))
    return shown
