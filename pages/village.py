"""Thôn: one village in detail — its team, each indicator over time, training, report history and notes."""

from datetime import date

import streamlit as st

import i18n
from ui.analysis_charts import coverage_lines
from ui.auth import can_see_personal_data
from ui.cached import analysis, queries
from ui.chart_key import show_chart
from ui.context import settings, warehouse
from ui.filters import filters
from ui.language import language, tr, tr_plain
from ui.tables import show_table
from ui.url_state import url_selectbox
from warehouse.codes import HEADLINE_INDICATOR

chosen = filters()
lang = language()
db = warehouse()
villages = queries.villages(db, chosen.commune)
if villages.empty:
    st.title(tr("analysis.nav.village"))
    st.info(tr("analysis.village.no_villages", commune=chosen.commune_name))
    st.stop()

names = dict(zip(villages["village_code"], villages["village_name"], strict=True))
code = url_selectbox(tr("village.label"), list(names), key="village", format_func=names.get)
village = villages.set_index("village_code").loc[code]
st.title(tr("analysis.village.title", village=village["village_name"], commune=chosen.commune_name))

catalogue = queries.indicator_catalogue(db).set_index("code")
short_name = catalogue[f"short_{lang}"]
series = analysis.village_series(db, code)
guided = series[series["indicator_code"] == HEADLINE_INDICATOR]
cards = st.columns(4)
cards[0].metric(tr("coverage.households"), i18n.number(village["households"], lang), border=True)
cards[1].metric(tr("analysis.village.population"), i18n.number(village["population"], lang), border=True)
cards[2].metric(
    tr("analysis.village.guided"),
    i18n.percent(guided["coverage"].iloc[-1], lang) if not guided.empty else i18n.MISSING_VALUE, border=True,
    delta=(tr("analysis.village.as_of", period=i18n.period_in_sentence(guided["period"].iloc[-1], lang))
           if not guided.empty else None), delta_color="off", delta_arrow="off",
)
members = analysis.village_members(db, code)
# The team by what it is, its members; its code (`TO-…`) means nothing to a reader and was cut on a phone.
cards[3].metric(tr("analysis.village.team"), i18n.number(len(members), lang) if village["team_code"] else
                i18n.MISSING_VALUE, border=True)

st.subheader(tr("analysis.village.members"))
if members.empty:
    st.info(tr("analysis.village.no_members"))
else:
    personal = can_see_personal_data(chosen.commune)
    shown = members.assign(
        role=[tr(f"analysis.role.{role}") for role in members["role"]],
        affiliation=[tr(f"analysis.affiliation.{affiliation}") for affiliation in members["affiliation"]],
        phone=members["phone"].fillna(i18n.MISSING_VALUE),
    )
    columns = {"full_name": tr("analysis.member.name"),
               "role": tr("analysis.member.role"), "affiliation": tr("analysis.member.affiliation"),
               "phone": tr("analysis.member.phone")}
    if not personal:
        # Neither names nor any digit of a phone number, on the page or in its downloads.
        del columns["full_name"], columns["phone"]
        st.caption(tr("analysis.personal_data_hidden"))
    # On a phone who each member is and how to call them; their affiliation behind the expander.
    main_columns = [columns[key] for key in ("full_name", "phone") if key in columns] or None
    show_table(shown[list(columns)].rename(columns=columns), f"thanh-vien-{code}", tr("analysis.village.members"),
               main_columns=main_columns)

st.subheader(tr("analysis.village.over_time"))
if series.empty:
    st.info(tr("analysis.village.no_reports"))
else:
    lines = series.assign(series=series["indicator_code"].map(short_name))
    target = float(catalogue.loc[HEADLINE_INDICATOR, "target_share"])
    show_chart(coverage_lines(
        lines, target, tr_plain("analysis.village.chart_title", village=village["village_name"]), lang,
        tr("analysis.period"), highlight=short_name[HEADLINE_INDICATOR],
    ))
    table = series.assign(
        indicator=series["indicator_code"].map(short_name),
        column=series["period"].map(lambda period: i18n.period_label(period, lang)),
        cell=[f"{i18n.number(value, lang)} ({i18n.percent(share, lang)})"
              for value, share in zip(series["value"], series["coverage"], strict=True)],
    ).pivot_table(index="indicator", columns="column", values="cell", aggfunc="first", sort=False)
    months = [i18n.period_label(period, lang) for period in sorted(series["period"].unique())]
    table = table.reindex(columns=months).rename_axis(columns=None).reset_index()
    # On a phone the indicator and its last month; every month behind the expander.
    show_table(table.rename(columns={"indicator": tr("analysis.indicator")}).fillna(i18n.MISSING_VALUE),
               f"chi-tieu-{code}", tr("analysis.village.over_time"),
               main_columns=[tr("analysis.indicator"), *months[-1:]])

st.subheader(tr("analysis.village.training"))
training = analysis.village_training_attendance(db, code)
if training.empty or int(training["sessions_held"].max()) == 0:
    st.info(tr("analysis.training.no_sessions"))
else:
    people = (training["full_name"] if can_see_personal_data(chosen.commune)
              else [tr(f"analysis.role.{role}") for role in training["role"]])
    shown = training.assign(member=people, attended=[
        f"{i18n.number(done, lang)}/{i18n.number(held, lang)}"
        for done, held in zip(training["sessions_attended"], training["sessions_held"], strict=True)
    ])[["member", "attended"]]
    show_table(shown.rename(columns={"member": tr("analysis.member.name") if can_see_personal_data(chosen.commune)
                                     else tr("analysis.member.role"),
                                     "attended": tr("analysis.village.sessions_attended")}),
               f"tap-huan-{code}", tr("analysis.village.training"))

st.subheader(tr("analysis.village.reports"))
history = analysis.village_report_history(db, code, settings().report_deadline_day, date.today())
if history.empty:
    st.info(tr("analysis.village.no_reports"))
else:
    shown = history.assign(
        period=history["period"].map(lambda period: i18n.period_label(period, lang)),
        reported_on=[i18n.day(day, lang) for day in history["reported_on"]],
        status=[tr(f"analysis.status.{status}") for status in history["status"]],
        note=history["note"].fillna(""),
    ).rename(columns={"period": tr("analysis.period"), "reported_on": tr("analysis.village.reported_on"),
                      "status": tr("analysis.village.status"), "note": tr("analysis.village.note")})
    show_table(shown, f"bao-cao-{code}", tr("analysis.village.reports"),
               main_columns=[tr("analysis.period"), tr("analysis.village.status")])
    st.caption(tr("analysis.reporting.rule", day=settings().report_deadline_day))
