"""Tổng quan: the commune at a glance for the chosen period."""

from datetime import date

import streamlit as st

import i18n
from ui.cached import headline, queries
from ui.chart_key import show_chart
from ui.charts import coverage_bar_chart
from ui.city_standing import show_city_standing
from ui.context import settings, warehouse
from ui.filters import filters, stop_unless_reported
from ui.headline import show_headline
from ui.language import language, markdown_text, tr, tr_plain
from warehouse.codes import DIGITAL_DOMAINS

chosen = filters()
lang = language()
db = warehouse()
st.title(tr("overview.title", commune=chosen.commune_name))
stop_unless_reported(chosen)

period_name = i18n.period_in_sentence(chosen.period, lang)
st.caption(tr("overview.period_caption", period=period_name))
# The headline first on every screen, then the villages needing attention, then the rest.
show_headline(headline.guided_headline(db, chosen.commune, chosen.period), lang)

st.subheader(tr("overview.alerts"))
alerts = queries.alerts(db, chosen.commune, chosen.period, settings().full_team_size)
if alerts.empty:
    st.success(tr("overview.no_alerts"))
for kind, rows in alerts.groupby("kind", sort=False):
    if kind == "low_coverage":
        names = [f"{row.village_name} ({i18n.percent(row.value, lang)})" for row in rows.itertuples()]
    elif kind == "small_team":
        names = [f"{row.village_name} ({i18n.number(row.value, lang)})" for row in rows.itertuples()]
    else:
        names = rows["village_name"].tolist()
    st.markdown(f"**{tr(f'overview.alert.{kind}', period=period_name, size=settings().full_team_size)}** "
                + markdown_text(", ".join(names)))

summary = queries.commune_summary(db, chosen.commune, chosen.period, settings().report_deadline_day, date.today())
target = i18n.percent(summary.target_share, lang, 0)

cards = st.columns(3) + st.columns(3)
cards[0].metric(tr("overview.card.villages"), i18n.number(summary.villages, lang), border=True,
                delta=tr("overview.card.villages_reported", count=i18n.number(summary.villages_reported, lang)),
                delta_color="off", delta_arrow="off")
cards[1].metric(tr("overview.card.teams"), i18n.number(summary.teams, lang), border=True)
cards[2].metric(tr("overview.card.members"), i18n.number(summary.members, lang), border=True)
cards[3].metric(tr("overview.card.guided"), i18n.percent(summary.guided_share, lang), border=True,
                delta=tr("overview.card.guided_detail", guided=i18n.number(summary.households_guided, lang),
                         households=i18n.number(summary.households, lang), target=target),
                delta_color="off", delta_arrow="off", help=tr("overview.card.guided_help"))
cards[4].metric(tr("overview.card.meeting_target", target=target),
                f"{i18n.number(summary.villages_meeting_target, lang)}/{i18n.number(summary.villages, lang)}",
                border=True)
on_time = (f"{i18n.number(summary.reports_on_time, lang)}/{i18n.number(summary.reports_due, lang)}"
           if summary.reports_due else i18n.MISSING_VALUE)
cards[5].metric(tr("overview.card.on_time", quarter=i18n.period_label(summary.quarter, lang)), on_time, border=True,
                help=tr("overview.card.on_time_help", day=settings().report_deadline_day))

show_city_standing(db, chosen)

domains = queries.domain_coverage_of_commune(db, chosen.commune, chosen.period)
st.subheader(tr("overview.domains"))
for column, domain in zip(st.columns(len(DIGITAL_DOMAINS)), domains.itertuples(index=False), strict=True):
    column.metric(tr(f"domain.{domain.domain}"), i18n.percent(domain.coverage, lang), border=True,
                  help=tr("domain.definition", count=domain.indicators))
st.caption(tr("overview.domains_caption"))

villages = queries.coverage_by_village(db, chosen.commune, chosen.period)
show_chart(
    coverage_bar_chart(villages, summary.target_share, tr_plain("overview.chart_title", period=period_name), lang),
)

