from ui.village_links import village_from_selection, village_page_params


def test_a_click_on_a_village_bar_names_that_village():
    codes = {"Thôn Đông": "88888-01", "Thôn Tây": "88888-02"}
    clicked = {"selection": {"points": [{"x": 0.5, "y": "Thôn Tây", "point_index": 1}], "box": [], "lasso": []}}
    assert village_from_selection(clicked, codes) == "88888-02"
    assert village_from_selection({"selection": {"points": []}}, codes) is None
    assert village_from_selection({"selection": {"points": [{"y": "Xã khác"}]}}, codes) is None
    assert village_from_selection(None, codes) is None


def test_the_village_page_link_keeps_language_commune_and_period_and_nothing_else():
    current = {"language": "en", "commune": "88888", "period": "2025-Q4", "measure": "vneid", "village": "88888-01"}
    assert village_page_params("88888-02", current) == {
        "language": "en", "commune": "88888", "period": "2025-Q4", "village": "88888-02"}
    assert village_page_params("88888-02", {}) == {"village": "88888-02"}


def test_a_click_on_a_village_whose_name_holds_html_names_that_village():
    codes = {"Thôn <b>Đông</b> & Tây": "88888-01"}
    clicked = {"selection": {"points": [{"y": "Thôn &lt;b&gt;Đông&lt;/b&gt; &amp; Tây"}]}}
    assert village_from_selection(clicked, codes) == "88888-01"
