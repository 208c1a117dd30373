"""Tập huấn: the training sessions, who attended, who never did, and whether each team has its Youth Union core."""

import pandas as pd
import streamlit as st

import i18n
from ui.auth import can_see_personal_data
from ui.cached import analysis
from ui.context import warehouse
from ui.filters import filters
from ui.language import language, markdown_text, tr, tr_plain
from ui.tables import show_table
from warehouse.codes import AFFILIATIONS, CORE_AFFILIATION

chosen = filters()
lang = language()
db = warehouse()
personal = can_see_personal_data(chosen.commune)
st.title(tr("analysis.training.title"))

sessions = analysis.training_attendance_by_session(db, chosen.commune)
if sessions.empty:
    st.info(tr("analysis.training.no_sessions"))
else:
    st.subheader(tr("analysis.training.sessions"))
    # On a phone the topic (cut at 200 pixels: a topic alone was 300) and the rate; every column behind an expander.
    main_columns = [tr("analysis.training.topic"), tr("analysis.training.rate")]
    show_table(pd.DataFrame({
        tr("analysis.training.held_on"): [i18n.day(day, lang) for day in sessions["held_on"]],
        tr("analysis.training.topic"): sessions["topic"],
        tr("analysis.training.organiser"): sessions["organiser"].fillna(""),
        tr("analysis.training.place"): sessions["place"].fillna(""),
        tr("analysis.training.attended"): [
            f"{i18n.number(present, lang)}/{i18n.number(members, lang)}"
            for present, members in zip(sessions["attended"], sessions["members"], strict=True)
        ],
        tr("analysis.training.rate"): [i18n.percent(share, lang) for share in sessions["rate"]],
    }), "buoi-tap-huan", tr("analysis.training.sessions"), main_columns=main_columns,
        main_widths={tr("analysis.training.topic"): "medium"})
    st.caption(tr("analysis.training.session_rate_help"))

    st.subheader(tr("analysis.training.by_team"))
    teams = analysis.training_attendance_by_team(db, chosen.commune)
    show_table(pd.DataFrame({
        tr("village.label"): teams["village_name"],
        tr("analysis.training.members"): [i18n.number(count, lang) for count in teams["members"]],
        tr("analysis.training.attendances"): [
            f"{i18n.number(done, lang)}/{i18n.number(members * held, lang)}"
            for done, members, held in zip(teams["attendances"], teams["members"], teams["sessions_held"], strict=True)
        ],
        tr("analysis.training.rate"): [i18n.percent(share, lang) for share in teams["rate"]],
    }), "tap-huan-theo-to", tr("analysis.training.by_team"),
        main_columns=[tr("village.label"), tr("analysis.training.rate")])
    st.caption(tr("analysis.training.team_rate_help"))

    st.subheader(tr("analysis.training.never_trained"))
    never = analysis.members_never_trained(db, chosen.commune)
    if never.empty:
        st.success(tr("analysis.training.everyone_trained"))
    else:
        st.markdown(tr("analysis.training.never_trained_count", count=i18n.number(len(never), lang)))
        columns = {
            tr("village.label"): never["village_name"],
            tr("analysis.member.name"): never["full_name"],
            tr("analysis.member.role"): [tr(f"analysis.role.{role}") for role in never["role"]],
            tr("analysis.member.affiliation"): [tr(f"analysis.affiliation.{code}") for code in never["affiliation"]],
        }
        if not personal:
            del columns[tr("analysis.member.name")]
            st.caption(tr("analysis.personal_data_hidden"))
        # On a phone who (or, without names, which role) and where; every column behind the expander.
        shown_first = tr("analysis.member.name") if personal else tr("analysis.member.role")
        show_table(pd.DataFrame(columns), "chua-tap-huan", tr("analysis.training.never_trained"),
                   main_columns=[tr("village.label"), shown_first])

st.subheader(tr("analysis.training.mix"))
mix = analysis.affiliation_mix_by_team(db, chosen.commune)
if mix.empty:
    st.info(tr("analysis.village.no_members"))
else:
    without_core = mix[~mix["has_core_member"]]
    if without_core.empty:
        st.success(tr("analysis.training.all_have_core"))
    else:
        st.warning(tr("analysis.training.no_core", count=len(without_core)) + " "
                   + markdown_text(", ".join(without_core["village_name"])))
    present = [code for code in AFFILIATIONS if code in mix.columns]
    table = pd.DataFrame({tr("village.label"): mix["village_name"]})
    for code in present:
        table[tr(f"analysis.affiliation.{code}")] = mix[code].tolist()
    table[tr("analysis.training.members")] = mix["members"].tolist()
    has_core = tr_plain("analysis.training.has_core", core=tr(f"analysis.affiliation.{CORE_AFFILIATION}"))
    table[has_core] = [tr("analysis.yes") if found else tr("analysis.no") for found in mix["has_core_member"]]
    # On a phone the village and whether its core is there; the count by affiliation behind an expander.
    show_table(table, "thanh-phan-to", tr("analysis.training.mix"), main_columns=[tr("village.label"), has_core])
    st.caption(tr("analysis.training.mix_help"))
