"""The overview's headline card: the share of households guided against the target, in the map's class colour."""

from __future__ import annotations

import html

import streamlit as st

import i18n
from ui.charts import NOT_REPORTED_COLOUR, coverage_class
from ui.language import tr_plain
from warehouse.analysis import CAMPAIGN_END
from warehouse.headline import Headline, period_before

# Classes whose colour is dark enough to carry white text; the others carry dark text.
DARK_CLASSES = {"below_half", "complete"}
TEXT_COLOUR = "#1a1a1a"
# The card's CSS class, which the browser walks look for.
CARD_CLASS = "cds-headline"


def _signed_points(change: float, language: str) -> str:
    """A change of share as signed percentage points: `+5,2`, `−18,6`, `0,0`."""
    points = round(change * 100, 1)
    sign = "+" if points > 0 else "−" if points < 0 else ""
    return sign + i18n.number(abs(points), language, 1)


def headline_lines(headline: Headline, language: str) -> list[str]:
    """The card's sentences as plain text: the headline, how many households, the change, the pace needed."""
    share, target = i18n.percent(headline.share, language), i18n.percent(headline.target_share, language, 0)
    first = (tr_plain("headline.reached", share=share, target=target) if headline.reached else
             tr_plain("headline.sentence", share=share, target=target,
                      missing=i18n.number(headline.missing, language)))
    lines = [first, tr_plain("headline.guided_of", guided=i18n.number(headline.guided, language),
                             households=i18n.number(headline.households, language))]
    if headline.change is None:
        lines.append(tr_plain("headline.no_previous",
                              period=i18n.period_in_sentence(period_before(headline.period), language)))
    else:
        arrow = "▲" if headline.change > 0 else "▼" if headline.change < 0 else "■"
        lines.append(tr_plain("headline.change", arrow=arrow, change=_signed_points(headline.change, language),
                              period=i18n.period_in_sentence(headline.previous_period, language)))
    if not headline.reached:
        day = i18n.day(CAMPAIGN_END, language)
        lines.append(tr_plain("headline.no_month_left", day=day) if headline.per_month_needed is None else
                     tr_plain("headline.per_month", count=i18n.number(headline.per_month_needed, language),
                              target=target, day=day))
    return lines


def show_headline(headline: Headline, language: str) -> None:
    """The headline card, coloured by the coverage class of the share (the map's colours), its class named."""
    item = coverage_class(headline.share, headline.target_share)
    colour = NOT_REPORTED_COLOUR if item is None else item.colour
    status = i18n.t("coverage.not_reported", language) if item is None else item.label(language)
    chip_text = "#ffffff" if item is not None and item.key in DARK_CLASSES else TEXT_COLOUR
    first, amount, *details = (html.escape(line) for line in headline_lines(headline, language))
    chip = (f'<span style="background:{colour};color:{chip_text};padding:0.05rem 0.45rem;border-radius:0.3rem;'
            f'white-space:nowrap">{html.escape(tr_plain("headline.status", status=status))}</span>')
    rest = "".join(f'<div style="margin-top:0.2rem">{line}</div>' for line in details)
    st.html(
        f'<div class="{CARD_CLASS}" role="status" style="border:1px solid {colour};border-left:0.6rem solid {colour};'
        f'background:{colour}1f;border-radius:0.5rem;padding:0.7rem 0.9rem;color:{TEXT_COLOUR};'
        f'overflow-wrap:anywhere">'
        f'<div class="{CARD_CLASS}-sentence" style="font-size:1.3rem;font-weight:700;line-height:1.3">{first}</div>'
        f'<div style="margin-top:0.35rem">{chip} {amount}</div>{rest}</div>'
    )
