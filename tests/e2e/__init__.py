"""Browser tests: walks through the running dashboard in headless Chromium, as a person uses it.

Adding a walk: a new `test_<what>_walk.py` here with `pytestmark = pytest.mark.e2e`, taking the `page` fixture
(a fresh session of the one dashboard the suite starts on the demo commune). Then, from `tests.e2e.browser`:
`open_page(page, "/<url_path>?language=en")` to load a page, `rerun_after(page, action)` around any click or
input that reruns the script (e.g. `lambda: uploader.set_input_files(path)`), `choose_in_sidebar`, `selectbox`,
`metric_value` and `page_title` to read what is shown, `assert_no_exception(page)` after each step and
`screenshot(page, name)` for tests/artifacts/. Walks that change the warehouse must leave it as they found it
(undo their upload), since every walk shares it.
"""
