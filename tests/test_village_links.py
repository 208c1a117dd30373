from ui.village_links import village_from_selection


def test_a_click_on_a_village_bar_names_that_village():
    codes = {"Thôn Đông": "88888-01", "Thôn Tây": "88888-02"}
    clicked = {"selection": {"points": [{"x": 0.5, "y": "Thôn Tây", "point_index": 1}], "box": [], "lasso": []}}
    assert village_from_selection(clicked, codes) == "88888-02"
    assert village_from_selection({"selection": {"points": []}}, codes) is None
    assert village_from_selection({"selection": {"points": [{"y": "Xã khác"}]}}, codes) is None
    assert village_from_selection(None, codes) is None
