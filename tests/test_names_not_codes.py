"""Names, not codes, wherever a person reads them; no jargon in captions (the analysis fixture's teams are TO-…)."""

from tests import analysis_fixture as fixture
from tests.test_analysis_pages import analysis_warehouse, open_page, text_of  # noqa: F401 (a fixture)


def shown_text(app) -> str:
    metrics = [f"{metric.label} {metric.value}" for metric in app.metric]
    tables = [frame.value.to_csv() for frame in app.dataframe]
    return "\n".join([text_of(app), *metrics, *tables, *(caption.value for caption in app.caption)])


def test_the_village_page_shows_its_team_by_its_members_not_its_code(analysis_warehouse, monkeypatch):  # noqa: F811
    app = open_page(analysis_warehouse, monkeypatch, "pages/village.py", village=fixture.DONG)
    cards = {metric.label: metric.value for metric in app.metric}
    assert cards["Thành viên tổ công nghệ số"] == str(len(app.dataframe[0].value))
    assert "TO-" not in shown_text(app)


def test_training_and_reporting_tables_name_villages_not_team_codes(analysis_warehouse, monkeypatch):  # noqa: F811
    for page in ("pages/training.py", "pages/reporting.py"):
        app = open_page(analysis_warehouse, monkeypatch, page)
        assert "TO-" not in shown_text(app), page
        assert all("Tổ" not in frame.value.columns for frame in app.dataframe), page


def test_the_reporting_captions_speak_without_jargon(analysis_warehouse, monkeypatch):  # noqa: F811
    app = open_page(analysis_warehouse, monkeypatch, "pages/reporting.py")
    assert "DHIS2" not in shown_text(app)
