"""Walk 2: a person visits every page the sidebar menu offers, in each language; every page draws without error."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

import i18n
from tests.e2e.browser import (
    NAV_LINKS,
    assert_no_exception,
    navigation_links,
    open_page,
    page_title,
    rerun_after,
    screenshot,
)

pytestmark = pytest.mark.e2e


def shown_page_name(page: Page) -> str:
    """The page's url_path, as in the address bar ('' for the default page opened at /)."""
    return urlparse(page.url).path.strip("/")


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_page_of_the_menu_shows_its_title_and_no_error(page: Page, language: str):
    open_page(page, f"/?language={language}")
    links = navigation_links(page)
    # With a single page Streamlit shows no menu: the page already open is then the whole tour.
    tour = links or [(None, None)]
    visited = []
    for label, href in tour:
        if href is not None:
            rerun_after(page, page.locator(f'{NAV_LINKS}[href="{href}"]').click)
            expect(page).to_have_url(re.compile("^" + re.escape(href) + r"(\?|$)"))
        expect(page_title(page), f"the page {label!r} shows one title").to_have_count(1)
        expect(page_title(page), f"the page {label!r} shows a title").not_to_be_empty()
        assert_no_exception(page)
        screenshot(page, f"page-{shown_page_name(page) or 'default'}-{language}")
        visited.append(shown_page_name(page))
    assert len(set(visited)) == len(tour), f"each menu entry opens its own page: {visited}"
