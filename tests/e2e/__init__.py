"""Browser tests: walks through the running dashboard in headless Chromium, as a person uses it.

Adding a walk: a new `test_<what>_walk.py` here with `pytestmark = pytest.mark.e2e`, taking the `page` fixture
(a fresh session of the one dashboard the suite starts on the demo commune). Then, from `tests.e2e.browser`:
`open_page(page, "/?language=en")` to load the app, `open_from_menu(page, label)` to go to a page as a person does
(keeping the session and its sign-in; a full load is a new, signed-out session), `sign_in(page, "demo-staff")`,
`rerun_after(page, action)` around any click or input that reruns the script, `upload(page, path)`,
`choose_in_sidebar`, `selectbox`, `metric_value`, `page_title`, `table_headers`/`table_rows(table(page, n))` to read
what is shown, `assert_no_exception(page)` after each step and `screenshot(page, name)` for tests/artifacts/.
The `demo_figures` fixture holds the demo's numbers, read before the dashboard started (it then locks the warehouse).

Every walk shares one warehouse: a walk that changes it is marked `changes_warehouse` (those run last) and undoes its
change through the page. Open a page other than the overview by its address only after the app's first session:
Streamlit shows a spurious "Page not found" dialog to the first session of a fresh server that starts on another
page (streamlit/streamlit#8860), and `assert_no_exception` fails on that dialog.
"""
